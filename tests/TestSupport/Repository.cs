namespace Akua.TestSupport;

public static class Repository
{
    /// <summary>The folder that holds Akua.sln, found upwards from the test binaries.</summary>
    public static string Root
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Akua.sln")))
            {
                root = root.Parent;
            }

            return root?.FullName ?? throw new InvalidOperationException("Cannot find Akua.sln above " + AppContext.BaseDirectory);
        }
    }
}
