using Akua.Infrastructure.Credentials.LastUse;
using Akua.Infrastructure.Credentials.Revocations;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.Infrastructure.Credentials;

/// <summary>
/// The credential pipeline, registered in one place: each token's kind from its shape (<see cref="TokenFormat"/>),
/// the decision (<see cref="CredentialValidator"/>) with this node's cache, the revocation feed that keeps every
/// node's cache honest and the barrier a revoking command waits at, and the last-use recorder. Everything is one
/// per node: the cache is the node's.
/// </summary>
public static class CredentialServices
{
    public static IServiceCollection AddCredentials(this IServiceCollection services)
    {
        services.AddOptions<CredentialCacheOptions>().BindConfiguration("CredentialCache")
            .Validate(o => o.IsValid, "CredentialCache:MaxAge must be between 1 second and 1 day, and CredentialCache:MaxEntries between 1,000 and 100,000,000")
            .ValidateOnStart();
        services.AddSingleton<CredentialCache>();
        services.AddSingleton<ICredentialValidator, CredentialValidator>();
        services.AddSingleton<MembershipCache>();
        services.AddScoped<IMembershipRoles, MembershipRoles>();

        services.AddOptions<RevocationFeedOptions>().BindConfiguration("RevocationFeed");
        services.AddSingleton<RevocationFeedState>();
        services.AddSingleton<RevocationEvictor>(); // an EF interceptor: evicts at the commit
        services.AddSingleton<IRevocationBarrier, RevocationBarrier>();
        services.AddSingleton<RevocationFeedPoller>();
        services.AddHostedService(sp => sp.GetRequiredService<RevocationFeedPoller>());
        services.AddSingleton<RevocationListener>(); // PostgreSQL: revocations pushed as they commit
        services.AddHostedService(sp => sp.GetRequiredService<RevocationListener>());

        services.AddOptions<SecretScanning.SecretScanningOptions>().BindConfiguration("SecretScanning");
        services.AddSingleton<SecretScanning.ScannerSignatures>(); // read at first use: a bad key fails the first report loudly

        services.AddOptions<LastUseOptions>().BindConfiguration("LastUse");
        services.AddSingleton<LastUseRecorder>();
        services.AddSingleton<ILastUseRecorder>(sp => sp.GetRequiredService<LastUseRecorder>());
        services.AddHostedService(sp => sp.GetRequiredService<LastUseRecorder>());
        return services;
    }
}
