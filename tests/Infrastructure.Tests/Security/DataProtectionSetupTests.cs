using Akua.Infrastructure.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Akua.Infrastructure.Tests.Security;

public sealed class DataProtectionSetupTests
{
    private static bool IsDataProtectionsHostedService(ServiceDescriptor d) =>
        d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Assembly == typeof(DataProtectionOptions).Assembly;

    [Fact]
    public void The_frameworks_key_ring_preload_is_replaced_by_the_one_beside_the_servers_start()
    {
        // Data Protection registers its preload under this name: if a new version renames it, the removal below
        // would quietly remove nothing and the key ring would again be loaded before the server's pipeline is built.
        var framework = new ServiceCollection();
        framework.AddDataProtection();
        Assert.Contains(framework, d => IsDataProtectionsHostedService(d) && d.ImplementationType!.FullName == DataProtectionSetup.DataProtectionHostedService);

        var ours = new ServiceCollection();
        ours.AddAkuaDataProtection(new ConfigurationBuilder().Build());

        Assert.DoesNotContain(ours, IsDataProtectionsHostedService);
    }
}
