using Akua.Application.Common.Auditing;
using Akua.Infrastructure.Abuse;
using Akua.Infrastructure.Audit;
using Akua.Infrastructure.Credentials;
using Akua.Infrastructure.Credentials.Revocations;
using Akua.Infrastructure.Diagnostics;
using Akua.Infrastructure.OAuth;
using Akua.Infrastructure.Persistence;
using Akua.Infrastructure.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Akua.Infrastructure;

public static class DependencyInjection
{
    public const string ConnectionStringName = "Akua";

    /// <summary>
    /// Reads <c>Database:Provider</c> and <c>ConnectionStrings:Akua</c>. With neither set, the server runs on a
    /// SQLite file in <paramref name="dataFolder"/>.
    /// </summary>
    public static DatabaseOptions ReadDatabaseOptions(IConfiguration configuration, string dataFolder)
    {
        var providerName = configuration["Database:Provider"];
        var provider = string.IsNullOrWhiteSpace(providerName) ? DatabaseProvider.Sqlite : DatabaseOptions.ParseProvider(providerName)
            ?? throw new StartupException($"Unknown Database:Provider '{providerName}'. Use Sqlite, PostgreSQL or SqlServer.");
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = provider == DatabaseProvider.Sqlite
                ? $"Data Source={Path.Combine(dataFolder, "akua.db")}"
                : throw new StartupException($"Database:Provider is {provider} but ConnectionStrings:{ConnectionStringName} is not set.");
        }

        return new DatabaseOptions(provider, connectionString);
    }

    /// <param name="dataFolder">Where the default SQLite file lives.</param>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, string dataFolder)
    {
        // Read when first needed, so a host (or a test) can change configuration up to the last moment.
        services.AddSingleton(sp => ReadDatabaseOptions(sp.GetRequiredService<IConfiguration>(), dataFolder));
        services.AddMetrics();
        services.AddSingleton<AkuaMetrics>();
        services.AddSingleton(sp => new DbCommandMetrics(sp.GetRequiredService<AkuaMetrics>(), sp.GetService<IHttpContextAccessor>()));
        services.AddMemoryCache(o => o.SizeLimit = 100_000); // bounded: display fields of whoami
        services.AddCredentials();
        services.AddDbContextPool<AkuaDbContext>((sp, options) =>
        {
            sp.GetRequiredService<DatabaseOptions>().Apply(options);
            options.AddInterceptors(sp.GetRequiredService<DbCommandMetrics>(), sp.GetRequiredService<RevocationEvictor>());
        });
        services.AddScoped<IApplicationDbContext>(sp => sp.GetRequiredService<AkuaDbContext>());
        services.AddScoped<DatabaseStartup>();
        services.AddSingleton<ISecrets, Secrets>();
        services.AddOptions<PasswordHashingOptions>().BindConfiguration("Passwords");
        services.AddSingleton<IPasswordHasher, PasswordHasher>();
        services.AddSingleton<IDeviceCookies, DeviceCookies>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<OAuthOptions>().BindConfiguration("OAuth");
        services.AddSingleton<IOAuthClients, ConfiguredOAuthClients>();
        services.AddOptions<JwtOptions>().BindConfiguration("Jwt");
        services.AddSingleton<SigningKeyStore>();
        services.AddHostedService<SigningKeyRotation>(); // a key from the start, each successor published ahead
        services.AddScoped<AccessTokens>();
        services.AddScoped<IAccessTokens>(sp => sp.GetRequiredService<AccessTokens>());
        services.AddSingleton<IAttemptLimiter, DatabaseAttemptLimiter>();
        services.AddScoped<IAuditTrail, AuditTrail>();
        services.AddOptions<AuditOptions>().BindConfiguration("Audit");
        services.AddOptions<Akua.Application.DeviceAuthorization.DeviceAuthorizationOptions>().BindConfiguration("DeviceAuthorization")
            .Validate(o => o.CodeLifetime > TimeSpan.Zero && o.CodeLifetime <= Akua.Domain.DeviceCodes.DeviceCode.MaxLifetime,
                "DeviceAuthorization:CodeLifetime must be more than zero and at most an hour.")
            .ValidateOnStart();
        services.AddOptions<Retention.RetentionOptions>().BindConfiguration("Retention");
        services.AddSingleton<Retention.Leases>();
        services.AddSingleton<Retention.RetentionService>();
        services.AddHostedService(sp => sp.GetRequiredService<Retention.RetentionService>());
        return services;
    }
}
