namespace Akua.Application.Common.Security;

/// <summary>The caller of the current request, as the web layer authenticated it.</summary>
public interface ICurrentPrincipal
{
    /// <summary>Null for an anonymous request.</summary>
    Credential? Credential { get; }

    /// <summary>
    /// The raw <c>Akua-Context</c> header (null when absent). Only workspace-scoped requests read it; the
    /// authorization behaviour validates it.
    /// </summary>
    string? RequestedWorkspace { get; }
}
