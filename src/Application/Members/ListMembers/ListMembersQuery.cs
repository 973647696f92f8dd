namespace Akua.Application.Members.ListMembers;

public sealed record ListMembersQuery(PageRequest Page) : IQuery<Page<MemberResponse>>, IPagedQuery, IWorkspaceRequest
{
    public static WorkspaceRole MinimumRole => WorkspaceRole.Member;
    public static Permission Permission => Permission.MembersRead;
}

internal sealed class ListMembersHandler(IApplicationDbContext db, WorkspaceScope workspace, IMapper mapper)
    : IQueryHandler<ListMembersQuery, Page<MemberResponse>>
{
    public async ValueTask<Page<MemberResponse>> Handle(ListMembersQuery query, CancellationToken cancellationToken) =>
        await db.Memberships.AsNoTracking()
            .Where(m => m.WorkspaceId == workspace.Id)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { Membership = m, User = u })
            .ToPageAsync(query.Page, x => x.Membership.CreatedAt, x => x.Membership.Id,
                x => mapper.Map<Membership, MemberResponse>(x.Membership, MemberResponse.UserParameter, x.User), cancellationToken);
}
