using Akua.Domain.Common;
using Akua.Domain.Installs;

namespace Akua.Domain.UnitTests;

public sealed class InstallTests
{
    [Fact]
    public void Create_belongs_to_its_workspace()
    {
        var clock = TestClock.New();
        var workspace = EntityId.New<WorkspaceId>(clock);

        var install = Install.Create(workspace, " web ", " postgres ", clock);

        Assert.Equal(workspace, install.WorkspaceId);
        Assert.Equal("web", install.Name);
        Assert.Equal("postgres", install.Product);
        Assert.StartsWith("inst_", install.Id.ToString(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Install.Create(workspace, "", "x", clock));
    }
}
