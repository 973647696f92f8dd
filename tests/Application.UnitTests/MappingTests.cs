using Akua.Application.Common.Mapping;
using Akua.Domain.Users;
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
    public void A_mapping_that_was_not_configured_is_refused()
    {
        var mapper = new Mapper(MappingConfig.Create());

        Assert.ThrowsAny<Exception>(() => mapper.Map<UserResponse>(new { Id = "x", Email = "e", Name = "n" }));
    }
}
