using Akua.Application.Accounts;
using Akua.Application.ApiTokens;
using Akua.Application.Common.Mapping;
using Akua.Application.Workspaces;
using Akua.Domain.ApiTokens;
using Akua.Domain.Common;
using Akua.Domain.Users;
using Akua.Domain.Workspaces;
using MapsterMapper;
using Microsoft.Extensions.Time.Testing;

namespace Akua.Application.UnitTests;

public sealed class MappingTests
{
    [Fact]
    public void The_mapping_configuration_compiles_with_every_member_explicit()
    {
        var config = MappingConfig.Create(); // Compile() throws on an unmapped destination member

        Assert.True(config.RequireExplicitMapping);
        Assert.True(config.RequireDestinationMemberSource);
    }

    [Fact]
    public void A_user_maps_to_its_wire_form()
    {
        var user = User.Register("Ann@Example.com", "Ann", "secret-hash", new FakeTimeProvider());
        var mapper = new Mapper(MappingConfig.Create());

        var response = mapper.Map<UserResponse>(user);

        Assert.Equal(new UserResponse(user.Id.ToString(), "Ann@Example.com", "Ann"), response);
        Assert.StartsWith("usr_", response.Id, StringComparison.Ordinal);
    }

    [Fact]
    public void A_response_gets_the_value_its_entity_does_not_hold_as_a_runtime_parameter()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        var owner = User.Register("ann@example.com", "Ann", "secret-hash", clock);
        var workspace = Workspace.Create("Acme", "acme", owner.Id, clock);
        workspace.SetMaxTokenLifetime(90 * 86400, WorkspaceRole.Owner, clock);
        var mapper = new Mapper(MappingConfig.Create());

        var asAdmin = mapper.Map<Workspace, WorkspaceResponse>(workspace, WorkspaceResponse.RoleParameter, WorkspaceRole.Admin);
        var asMember = mapper.Map<Workspace, WorkspaceResponse>(workspace, WorkspaceResponse.RoleParameter, WorkspaceRole.Member);

        Assert.Equal(new WorkspaceResponse(workspace.Id.ToString(), "Acme", "acme", WorkspaceRole.Admin, 1796040000, 1796040000, 90 * 86400), asAdmin);
        Assert.Equal(WorkspaceRole.Member, asMember.Role); // compiled once, read per call: no value leaks between calls
    }

    [Fact]
    public void A_created_token_is_the_listed_token_and_the_token_shown_once()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        var token = ApiToken.Issue(WorkspaceId.From(Guid.CreateVersion7()), "ci", WorkspaceRole.Member, new byte[32], "sk_akua_abcd", null, "usr_01a21fbab89c7395ad60877a04aaaca9", clock);
        var mapper = new Mapper(MappingConfig.Create());

        var listed = mapper.Map<ApiTokenResponse>(token);
        var created = mapper.Map<ApiToken, CreatedApiTokenResponse>(token, CreatedApiTokenResponse.TokenParameter, "sk_akua_the_secret");

        Assert.Equal(new CreatedApiTokenResponse(listed.Id, listed.WorkspaceId, "ci", "sk_akua_abcd", WorkspaceRole.Member, listed.CreatedAt, null, null, "usr_01a21fbab89c7395ad60877a04aaaca9", null, created.Permissions, null, "sk_akua_the_secret"), created);
        Assert.Equal(listed.Permissions, created.Permissions);
        Assert.Equal(["installs:read", "api_tokens:read", "members:read", "oauth_clients:read", "workspace:read"], listed.Permissions); // a member's rights
        Assert.Equal("usr_01a21fbab89c7395ad60877a04aaaca9", listed.CreatedBy);
        Assert.Null(listed.RevokedReason);
    }

    [Fact]
    public void A_mapping_that_was_not_configured_is_refused()
    {
        var mapper = new Mapper(MappingConfig.Create());

        Assert.ThrowsAny<Exception>(() => mapper.Map<UserResponse>(new { Id = "x", Email = "e", Name = "n" }));
    }
}
