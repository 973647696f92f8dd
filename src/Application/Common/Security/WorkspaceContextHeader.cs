namespace Akua.Application.Common.Security;

/// <summary>The <c>Akua-Context</c> header: a workspace id, or a 400.</summary>
public static class WorkspaceContextHeader
{
    public const string Name = "Akua-Context";
    public const int MaxLength = 53;

    /// <summary>
    /// Well-formed: <c>ws_</c> then letters, digits or underscores, 53 characters at most. A well-formed value
    /// that names no workspace of the caller is a 403, not a 400.
    /// </summary>
    public static bool IsWellFormed(string value)
    {
        if (value.Length is <= 3 or > MaxLength || !value.StartsWith("ws_", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
