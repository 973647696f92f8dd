namespace Akua.Application.OAuth;

/// <summary>A refusal that the OAuth endpoints answer in the OAuth shape (400 <c>{"error", "error_description"}</c>).</summary>
public sealed class OAuthException(OAuthError error) : Exception(error.ErrorDescription)
{
    public OAuthError Error { get; } = error;
}
