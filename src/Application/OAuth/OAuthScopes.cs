namespace Akua.Application.OAuth;

/// <summary>The scopes this server grants.</summary>
internal static class OAuthScopes
{
    /// <summary>The only scope, and the default when none is asked for.</summary>
    public const string Default = "api";

    public static readonly HashSet<string> Supported = [Default];
}
