using Akua.Application.Common.Security;

namespace Akua.WebApi.Authentication;

/// <summary>The Application's view of the caller, read from the current HTTP request.</summary>
public sealed class HttpCurrentPrincipal(IHttpContextAccessor accessor) : ICurrentPrincipal
{
    public Credential? Credential => accessor.HttpContext?.Features.Get<CredentialFeature>()?.Credential;

    // Several values join with commas and so are malformed, as an empty value is.
    public string? RequestedWorkspace => SelectedWorkspace ??
        (accessor.HttpContext?.Request.Headers[WorkspaceContextHeader.Name] is { Count: > 0 } values ? values.ToString() : null);

    /// <summary>The workspace a browser page picked (pages send no Akua-Context header); the same rules apply.</summary>
    public string? SelectedWorkspace { get; set; }
}
