using Akua.Application.Common;
using Akua.Application.Common.Abstractions;
using Akua.Application.Common.Authorization;
using Akua.Application.Common.Security;
using Akua.Domain.Common;
using Akua.Domain.Users;
using Akua.Domain.Workspaces;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Akua.Application.Members.AddMember;

/// <summary>Adds an existing user, named by email or id, to the current workspace.</summary>
public sealed record AddMemberCommand(string? Email, string? UserId, WorkspaceRole Role) : ICommand<MemberResponse>, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Admin;
}

internal sealed class AddMemberHandler(IApplicationDbContext db, WorkspaceScope workspace, TimeProvider clock)
    : ICommandHandler<AddMemberCommand, MemberResponse>
{
    public async ValueTask<MemberResponse> Handle(AddMemberCommand command, CancellationToken cancellationToken)
    {
        MemberRules.RequireMayGrant(workspace, command.Role);
        const string notFound = "No user with that email or id.";
        User? user;
        if (command.UserId is not null)
        {
            var id = Ids.ParseOrNotFound<UserId>(command.UserId, notFound);
            user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        }
        else
        {
            var email = User.NormalizeEmail(command.Email!);
            user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedEmail == email, cancellationToken);
        }

        if (user is null)
        {
            throw DomainException.NotFound(notFound);
        }

        var aggregate = await db.LoadAggregateAsync(workspace, cancellationToken);
        var membership = aggregate.AddMember(user.Id, command.Role, clock);
        return MemberResponse.From(membership, user);
    }
}
