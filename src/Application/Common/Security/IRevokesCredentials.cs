namespace Akua.Application.Common.Security;

/// <summary>
/// Marks a command that revokes credentials (its handler adds revocation-feed entries). Once such a command has
/// committed, the pipeline waits at the revocation barrier (<see cref="IRevocationBarrier"/>) before it answers,
/// so that when the request returns, no node anywhere still accepts what it revoked (ADR 0014). The wait is
/// declared here, where a reader of the use case sees it; an architecture test pins the marker on every
/// command whose handler revokes.
/// </summary>
public interface IRevokesCredentials;

/// <summary>The revocation barrier: the time every node needs to stop trusting a cache that may hold what was just revoked.</summary>
public interface IRevocationBarrier
{
    /// <summary>Returns once no node can accept a credential whose revocation committed before the call.</summary>
    Task PassAsync();
}
