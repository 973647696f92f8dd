using System.Threading.RateLimiting;
using Akua.Application.Common.Abstractions;
using Akua.Application.OAuth;
using Akua.Infrastructure.Diagnostics;
using Akua.WebApi.Endpoints;
using Microsoft.AspNetCore.RateLimiting;

namespace Akua.WebApi.Http;

/// <summary>
/// Request-rate limits that protect no secret (device code creation), with ASP.NET Core's limiter per node.
/// Failed guesses of secrets (passwords, user codes) are counted by the Application's attempt limiter.
/// </summary>
public static class RateLimits
{
    public const string SignUpRateLimit = "sign-up";


    public static IServiceCollection AddAkuaRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var deviceCodesPerMinute = configuration.GetValue("RateLimits:DeviceCodesPerMinute", 20);
        var signUpsPerHour = configuration.GetValue("RateLimits:SignUpsPerHour", 20);
        var passwords = configuration.GetSection("Passwords").Get<Akua.Infrastructure.Security.PasswordHashingOptions>() ?? new();
        // One limiter for every sign-in and sign-up of this node (not per address: it bounds the node's work, so a
        // flood of them leaves the cores to everything else). The excess waits its turn without holding a thread,
        // up to a bounded queue; beyond that, 429. Only the endpoints marked with PasswordWorkMetadata pay for it.
        services.AddSingleton(new PasswordWorkLimiter(new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, passwords.MaxConcurrent),
            QueueLimit = Math.Max(0, passwords.MaxWaiting),
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        })));
        return services.AddRateLimiter(options =>
        {
            options.AddPolicy(OAuthEndpoints.DeviceCodeRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                AddressKeys.Of(http.Connection.RemoteIpAddress),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = deviceCodesPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            // Each sign-up costs a full password hash and a new account: a few an hour from one address (the
            // client's, behind a trusted proxy). Only submissions count, not loading the form.
            options.AddPolicy(SignUpRateLimit, http => HttpMethods.IsPost(http.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(
                    AddressKeys.Of(http.Connection.RemoteIpAddress),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = signUpsPerHour, Window = TimeSpan.FromHours(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("form"));
            options.OnRejected = async (rejected, _) =>
            {
                var http = rejected.HttpContext;
                http.RequestServices.GetRequiredService<AkuaMetrics>().RateLimitRefused(
                    http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName switch
                    {
                        OAuthEndpoints.DeviceCodeRateLimit => "device_codes",
                        SignUpRateLimit => "sign_ups",
                        _ => "other",
                    });
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                RetryAfter.Set(http, wait);
                const string message = "Too many requests from this address. Wait, then try again.";
                if (BrowserErrors.WantsHtml(http))
                {
                    // A person on the sign-up page: the error page, not JSON.
                    http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    return;
                }

                await (OAuthResponses.IsOAuthPath(http.Request.Path)
                    ? OAuthResponses.WriteErrorAsync(http, new OAuthError("slow_down", message), StatusCodes.Status429TooManyRequests)
                    : ApiErrors.WriteAsync(http, StatusCodes.Status429TooManyRequests, message));
            };
        });
    }
}

/// <summary>The node's one limiter of password work (see <see cref="RateLimits.AddAkuaRateLimits"/>).</summary>
public sealed class PasswordWorkLimiter(ConcurrencyLimiter limiter)
{
    public ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken) => limiter.AcquireAsync(1, cancellationToken);
}

public static class PasswordWorkLimits
{
    /// <summary>Runs the posts of endpoints marked <see cref="PasswordWorkMetadata"/> a bounded number at a time.</summary>
    public static IApplicationBuilder UsePasswordWorkLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsPost(context.Request.Method) || context.GetEndpoint()?.Metadata.GetMetadata<PasswordWorkMetadata>() is null)
        {
            await next(context);
            return;
        }

        using var lease = await context.RequestServices.GetRequiredService<PasswordWorkLimiter>().AcquireAsync(context.RequestAborted);
        if (lease.IsAcquired)
        {
            await next(context);
            return;
        }

        context.RequestServices.GetRequiredService<AkuaMetrics>().RateLimitRefused("password_work");
        RetryAfter.Set(context, TimeSpan.FromSeconds(1));
        if (BrowserErrors.WantsHtml(context))
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests; // the error page, for a person
            return;
        }

        await ApiErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, "The server is busy checking passwords. Try again in a moment.");
    });
}

/// <summary>
/// Marks an endpoint (sign-in, sign-up, their pages) whose posts hash a password and write several rows: the
/// node runs a bounded number of them at a time (<c>Passwords:MaxConcurrent</c>, queue <c>Passwords:MaxWaiting</c>).
/// </summary>
public sealed class PasswordWorkMetadata
{
    public static readonly PasswordWorkMetadata Instance = new();
}
