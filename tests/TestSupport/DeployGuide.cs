using System.Text.RegularExpressions;

namespace Akua.TestSupport;

/// <summary>
/// docs/deploy.md's runnable blocks: a fenced block whose info string is <c>&lt;language&gt; deploy:&lt;name&gt;</c>
/// (indented inside a list item or not). The tests run them; nginx's configuration in every proxy test is its
/// <c>deploy:nginx</c> block.
/// </summary>
public static partial class DeployGuide
{
    public static string FilePath => Path.Combine(Repository.Root, "docs", "deploy.md");

    /// <summary>The names of every runnable block, in order.</summary>
    public static IReadOnlyList<string> Names => [.. Blocks().Matches(File.ReadAllText(FilePath)).Select(m => m.Groups["name"].Value)];

    /// <summary>The body of the block <c>deploy:<paramref name="name"/></c>, without its list indentation.</summary>
    public static string Block(string name)
    {
        var match = Blocks().Matches(File.ReadAllText(FilePath)).SingleOrDefault(m => m.Groups["name"].Value == name)
            ?? throw new InvalidOperationException($"docs/deploy.md has no block deploy:{name}");
        var indent = match.Groups["indent"].Value.Length;
        return string.Join('\n', match.Groups["body"].Value.Split('\n').Select(line => line.Length >= indent && line[..indent].Trim().Length == 0 ? line[indent..] : line.TrimStart()));
    }

    /// <summary>
    /// Replaces each of <paramref name="replacements"/>' keys in <paramref name="text"/>, and fails loudly if one is
    /// no longer there: a test that substitutes the guide's example values must notice when the guide changes.
    /// </summary>
    public static string Substitute(string text, IReadOnlyDictionary<string, string> replacements, string what)
    {
        foreach (var (example, actual) in replacements)
        {
            if (!text.Contains(example, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"docs/deploy.md's {what} no longer contains '{example}': update the test that runs it");
            }

            text = text.Replace(example, actual, StringComparison.Ordinal);
        }

        return text;
    }

    [GeneratedRegex(@"^(?<indent>[ ]*)```[a-z]+ deploy:(?<name>[a-z-]+)\n(?<body>.*?)^\k<indent>```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Blocks();
}
