using Mapster;

namespace Akua.Application.Invitations;

/// <summary>
/// An invitation as the workspace sees it. The same whether or not an account exists for the email. Only the
/// answer that creates an email invitation carries its <see cref="Code"/> and <see cref="AcceptUrl"/> (shown
/// once: the inviter sends the link to the person); everywhere else they are null.
/// </summary>
public sealed record InvitationResponse(
    string Id, string WorkspaceId, string? Email, string? UserId, WorkspaceRole Role, InvitationStatus Status, string InvitedBy, long CreatedAt, long ExpiresAt,
    string? Code = null, string? AcceptUrl = null)
{
    // The code must never reach a log line through the record's generated ToString.
    public override string ToString() => $"InvitationResponse {{ Id = {Id} }}";
}

/// <summary>An invitation as the invited person sees it: which workspace, with which role, from whom.</summary>
/// <param name="RequiresCode">An email invitation: accepting needs the code from the link the inviter sent.</param>
public sealed record MyInvitationResponse(string Id, InvitedWorkspace Workspace, WorkspaceRole Role, string InvitedBy, long CreatedAt, long ExpiresAt, bool RequiresCode)
{
    /// <summary>The runtime parameter that carries the invitation's <see cref="Akua.Domain.Workspaces.Workspace"/>.</summary>
    public const string WorkspaceParameter = "workspace";
}

public sealed record InvitedWorkspace(string Id, string Name, string Slug);

/// <summary>The caller's open invitations (few: no paging).</summary>
public sealed record MyInvitations(IReadOnlyList<MyInvitationResponse> Data);

internal sealed class InvitationMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        // The code is stored hashed: the entity cannot show it, and only the creating answer adds it.
        config.NewConfig<Invitation, InvitationResponse>()
            .Map(d => d.Code, _ => (string?)null)
            .Map(d => d.AcceptUrl, _ => (string?)null);
        config.NewConfig<Workspace, InvitedWorkspace>();
        config.NewConfig<Invitation, MyInvitationResponse>()
            .Map(d => d.Workspace, _ => MapperExtensions.Given<Workspace>(MyInvitationResponse.WorkspaceParameter));
    }
}
