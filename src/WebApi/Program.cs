using Akua.Application;
using Akua.Application.Common.Security;
using Akua.Infrastructure;
using Akua.Infrastructure.Credentials.Revocations;
using Akua.Infrastructure.Persistence;
using Akua.Infrastructure.Security;
using Akua.WebApi.Authentication;
using Akua.WebApi.Endpoints;
using Akua.WebApi.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

var builder = WebApplication.CreateBuilder(args);
// Where to listen: Urls, ASPNETCORE_URLS, --urls, ASPNETCORE_HTTP_PORTS or Kestrel:Endpoints, as the operator
// prefers; else localhost:5080. Not a default in appsettings.json: there it would override ASPNETCORE_URLS (host
// configuration, read first) and the server would quietly listen elsewhere than the unit says (DeployGuideTests).
if (Telemetry.ListenAddressesUnset(builder.Configuration))
{
    builder.WebHost.UseUrls(Telemetry.DefaultUrl);
}

builder.Services.AddSerilog((services, logger) =>
{
    // Defaults first, so configuration (Serilog:MinimumLevel...) can override them.
    logger.MinimumLevel.Information()
        .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
        .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
        // The assemblies a configured sink may come from, named: without them Serilog loads and scans every
        // "serilog" library of the application at start-up to find them (ADR 0016).
        .ReadFrom.Configuration(builder.Configuration, new Serilog.Settings.Configuration.ConfigurationReaderOptions(
            typeof(ConsoleLoggerConfigurationExtensions).Assembly, typeof(RenderedCompactJsonFormatter).Assembly))
        .Enrich.FromLogContext();
    foreach (var sink in services.GetServices<Serilog.Core.ILogEventSink>())
    {
        logger.WriteTo.Sink(sink); // lets a host (the tests) read the log
    }

    if (builder.Environment.IsDevelopment())
    {
        logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {RequestId} {TraceId} {Message:lj}{NewLine}{Exception}");
    }
    else
    {
        logger.WriteTo.Console(new CompactJsonFormatter());
    }
}, preserveStaticLogger: true); // this host's logger in DI, not the process-wide static one (several hosts share a test process)
builder.Services.CacheLoggersPerCategory();

// Outside production, the container refuses a scoped service captured by a singleton (a middleware, say) at
// start-up, so the tests catch it; production skips the walk over every registration.
builder.Host.UseDefaultServiceProvider((context, provider) =>
{
    provider.ValidateScopes = !context.HostingEnvironment.IsProduction();
    provider.ValidateOnBuild = !context.HostingEnvironment.IsProduction();
});

builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes;
});

builder.Services.ConfigureHttpJsonOptions(json => AkuaJson.Configure(json.SerializerOptions));
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // binding failures reach the one error mapper
builder.Services.AddExceptionHandler<ApiExceptionHandler>();
builder.Services.AddProblemDetails();
// No default scheme: the API's bearer tokens are read by UseBearerAuthentication, the pages' cookie by their
// policy, so no request pays for an authentication it does not use (ADR 0015).
builder.Services.AddAuthentication()
    .AddScheme<AuthenticationSchemeOptions, BearerAuthenticationHandler>(BearerAuthenticationHandler.SchemeName, null)
    .AddScheme<AuthenticationSchemeOptions, SessionCookieAuthenticationHandler>(SessionCookieAuthenticationHandler.SchemeName, null);
builder.Services.AddAuthorizationBuilder().AddPolicy(SessionCookieAuthenticationHandler.Policy, policy => policy
    .AddAuthenticationSchemes(SessionCookieAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
builder.Services.AddHttpContextAccessor();
builder.Services.AddSingleton<ICurrentPrincipal, HttpCurrentPrincipal>();
builder.Services.AddSingleton<Akua.Application.Common.Auditing.IRequestClient, HttpRequestClient>();
if (Telemetry.TracingEnabled(builder.Configuration))
{
    try
    {
        Telemetry.AddTracing(builder.Services, builder.Configuration);
    }
    catch (StartupException e)
    {
        return await RefuseToStartAsync(e);
    }
}

Telemetry.ScrapeAccess? scrapeAccess = null;
if (Telemetry.PrometheusEnabled(builder.Configuration))
{
    Telemetry.AddPrometheus(builder.Services);
    try
    {
        scrapeAccess = Telemetry.ConfigureScrape(builder); // its own port, its own addresses
    }
    catch (StartupException e)
    {
        return await RefuseToStartAsync(e);
    }
}

string? publicUrl;
try
{
    publicUrl = PublicUrl.Configured(builder.Configuration, builder.Environment); // the JWT issuer: configuration, never the Host header
}
catch (StartupException e)
{
    return await RefuseToStartAsync(e);
}

builder.Services.AddSingleton<Akua.Application.Common.Abstractions.IIssuer>(services => new HttpIssuer(services.GetRequiredService<IHttpContextAccessor>(), publicUrl));
builder.Services.AddRazorPages(pages =>
{
    // Every page needs a browser sign-in unless it opts out here.
    pages.Conventions.AuthorizeFolder("/", SessionCookieAuthenticationHandler.Policy);
    pages.Conventions.AllowAnonymousToPage("/Login");
    pages.Conventions.AllowAnonymousToPage("/Signup");
    pages.Conventions.AllowAnonymousToPage("/Index");
    pages.Conventions.AllowAnonymousToPage("/Error");
    pages.Conventions.AddPageApplicationModelConvention("/Signup", page =>
    {
        page.EndpointMetadata.Add(new Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute(RateLimits.SignUpRateLimit));
        page.EndpointMetadata.Add(PasswordWorkMetadata.Instance);
    });
    pages.Conventions.AddPageApplicationModelConvention("/Login", page => page.EndpointMetadata.Add(PasswordWorkMetadata.Instance));
});
builder.Services.Configure<CookieTempDataProviderOptions>(o =>
{
    o.Cookie.Name = AkuaAuthenticationDefaults.FlashCookie;
    o.Cookie.SameSite = SameSiteMode.Lax;
    o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
});
builder.Services.AddAntiforgery(o =>
{
    o.Cookie.Name = AkuaAuthenticationDefaults.AntiforgeryCookie;
    o.Cookie.SameSite = SameSiteMode.Strict;
    o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
});
bool behindProxy;
try
{
    behindProxy = builder.Services.AddTrustedProxies(builder.Configuration); // the client's address and scheme, from trusted proxies only
}
catch (StartupException e)
{
    return await RefuseToStartAsync(e);
}

builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
builder.Services.AddAkuaOpenApi();
builder.Services.AddAkuaRateLimits(builder.Configuration);

builder.Services.AddApplication();
builder.Services.AddInfrastructure(Path.Combine(builder.Environment.ContentRootPath, "data"));
try
{
    // The key ring: beside a SQLite file, or in a shared database encrypted to a certificate (ADR 0018). Migrating
    // reads no key, so it needs no certificate.
    builder.Services.AddAkuaDataProtection(builder.Configuration, requireEncryption: !args.Contains("migrate", StringComparer.Ordinal));
}
catch (StartupException e)
{
    return await RefuseToStartAsync(e);
}

var app = builder.Build();
try
{
    // Decided before anything builds on Data Protection (mapping the pages does): where the key ring lives, and
    // whether this server may start at all (Production on a shared database needs a key-ring certificate).
    app.Services.GetRequiredService<KeyRingLocation>();
}
catch (StartupException e)
{
    return await RefuseToStartAsync(e);
}

// The database is made ready (the EF model built, SQLite migrated: about half a second) on the other core
// while the pipeline and the endpoints are built here; the server takes no request before it is done.
var migrateOnly = args.Contains("migrate", StringComparer.Ordinal);
var databaseReady = Task.Run(() => PrepareDatabaseAsync(app.Services, migrateOnly));

if (behindProxy)
{
    app.UseForwardedHeaders(); // first: everything after sees the client's address and https
}

if (scrapeAccess is not null)
{
    app.Use((context, next) => scrapeAccess.Refuse(context) ?? next(context)); // after the proxy: the client's address
}

if (Telemetry.TracingEnabled(app.Configuration))
{
    app.UseRequestSpans();
}

app.UseMiddleware<RequestIdMiddleware>();
if (!app.Environment.IsDevelopment())
{
    app.UseHsts(); // over https only (the request's scheme, as the trusted proxy reported it)
}

app.UseSecurityHeaders();
app.UseSerilogRequestLogging(o =>
{
    o.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";
    o.Logger = app.Services.GetRequiredService<Serilog.ILogger>(); // this host's, not the static one
});
// The API's errors are its envelope (ApiExceptionHandler); a person's browser on a page gets the error page.
app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = BrowserErrors.PagePath });
app.UseBodySizeLimit();
app.UseStatusPages(); // HTML for a browser on a page, the JSON envelope for everything else
app.UseStaticFiles();
app.UseAuthentication(); // no default scheme (ADR 0015): it authenticates nothing by itself, but ASP.NET would add it anyway
app.UseBearerAuthentication(); // the API (ADR 0013, 0015)
app.UseAuthorization(); // the browser pages' cookie policy
app.UseRateLimiter();
app.UsePasswordWorkLimit(); // sign-ins and sign-ups, a bounded number at a time (ADR 0018)

app.MapOpenApi(OpenApiSetup.DocumentPath).AllowAnonymous();
app.MapHealthEndpoints();
app.MapAccountEndpoints();
app.MapSessionEndpoints();
app.MapWorkspaceEndpoints();
app.MapMemberEndpoints();
app.MapInvitationEndpoints();
app.MapApiTokenEndpoints();
app.MapAuditEndpoints();
app.MapSecretScanningEndpoints();
app.MapInstallEndpoints();
app.MapOAuthEndpoints();
app.MapOAuthClientEndpoints();
app.MapRazorPages();
if (Telemetry.PrometheusEnabled(app.Configuration))
{
    Telemetry.MapPrometheus(app); // opt-in: counts and routes, never a credential
}

StartupException? refusal = null;
try
{
    // Every endpoint needs a credential unless it opts out visibly with AllowAnonymous().
    EndpointAuthorizationCheck.Verify(app);
}
catch (StartupException e)
{
    refusal = e;
}

try
{
    await databaseReady;
}
catch (StartupException e)
{
    refusal ??= e;
}

if (refusal is not null)
{
    return await RefuseToStartAsync(refusal);
}

if (migrateOnly)
{
    return 0;
}

if (args.Contains("rewrap-keyring", StringComparer.Ordinal))
{
    // The last step of a key-ring certificate rotation (docs/deploy.md): run once, on one host, then exit.
    try
    {
        var (keys, rewrapped) = KeyRingRewrap.Run(app.Services);
        Console.WriteLine($"akua: {rewrapped} of {keys} keys of the key ring encrypted again to the current certificate.");
        return 0;
    }
    catch (StartupException e)
    {
        return await RefuseToStartAsync(e);
    }
}

// Beside the server's start (its pipeline, its listener), not before it: the revocation feed's first read, which
// readiness waits for, and then the key ring's first load, which only a browser page or a new signing key needs.
_ = app.Services.GetRequiredService<RevocationFeedPoller>().StartFirstRead();
_ = DataProtectionSetup.PreloadKeyRing(app.Services);
await app.RunAsync();
return 0;

// SQLite is migrated at start; a server database is only checked (migrate applies its migrations).
static async Task PrepareDatabaseAsync(IServiceProvider services, bool migrate)
{
    await using var scope = services.CreateAsyncScope();
    var database = scope.ServiceProvider.GetRequiredService<DatabaseStartup>();
    await (migrate ? database.MigrateAsync(CancellationToken.None) : database.PrepareAsync(CancellationToken.None));
}

// One clear line for the operator, not a stack trace, and a non-zero exit.
static async Task<int> RefuseToStartAsync(StartupException e)
{
    await Console.Error.WriteLineAsync($"akua: {e.Message}");
    return 1;
}

/// <summary>The entry point, visible to the functional tests' host.</summary>
public partial class Program;
