using Akua.Application.Common.Security;

namespace Akua.WebApi.Authentication;

/// <summary>
/// The Application's view of the caller, read from the current HTTP request. Stateless (a singleton): what a
/// request carries lives in its features, so resolving this costs a request nothing.
/// </summary>
public sealed class HttpCurrentPrincipal(IHttpContextAccessor accessor) : ICurrentPrincipal
{
    public Credential? Credential => accessor.HttpContext?.Features.Get<CredentialFeature>()?.Credential;

    // Several values join with commas and so are malformed, as an empty value is.
    public string? RequestedWorkspace => accessor.HttpContext is not { } context ? null
        : context.Features.Get<SelectedWorkspaceFeature>()?.Workspace
          ?? (context.Request.Headers[WorkspaceContextHeader.Name] is { Count: > 0 } values ? values.ToString() : null);

    /// <summary>The workspace a browser page picked (pages send no Akua-Context header); the same rules apply.</summary>
    public static void SelectWorkspace(HttpContext context, string? workspace) =>
        context.Features.Set(workspace is null ? null : new SelectedWorkspaceFeature(workspace));

    private sealed record SelectedWorkspaceFeature(string Workspace);
}
