namespace Akua.Architecture.Tests;

/// <summary>
/// Every name the server's authentication answers to (realm, cookies, the workspace header) is spelled in one
/// place, <c>AkuaAuthenticationDefaults</c> (the header in <c>WorkspaceContextHeader</c>, which the Application
/// reads too): a second spelling is a second thing to change and to forget. Read from the sources, because a
/// constant is copied into every place that uses it when the code compiles.
/// </summary>
public sealed class AuthenticationNamesTests
{
    private static readonly string[] Names = ["realm=\\\"", "\"akua_session\"", "\"akua_device\"", "\"akua_csrf\"", "\"akua_flash\"", "\"Akua-Context\""];

    private static readonly string[] Homes = ["AkuaAuthenticationDefaults.cs", "WorkspaceContextHeader.cs"];

    [Fact]
    public void Authentication_names_are_spelled_once_in_the_server()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.StartsWith(Path.Combine(src, "Cli"), StringComparison.Ordinal)) // the CLI is a client of the HTTP API only
            .ToList();
        var spelled = files.SelectMany(f => Names.Where(File.ReadAllText(f).Contains).Select(n => (File: Path.GetFileName(f), Name: n))).ToList();

        Assert.True(files.Count > 100, $"only {files.Count} source files found: the rule would prove nothing");
        Assert.Equal(Names.Order(), spelled.Where(s => Homes.Contains(s.File)).Select(s => s.Name).Distinct().Order());
        Assert.Empty(spelled.Where(s => !Homes.Contains(s.File)).Select(s => $"{s.File}: {s.Name}"));
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Akua.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Akua.sln not found above " + AppContext.BaseDirectory);
    }
}
