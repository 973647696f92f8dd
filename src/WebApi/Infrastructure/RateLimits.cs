using System.Threading.RateLimiting;
using Akua.Application.DeviceAuthorization;
using Akua.WebApi.Endpoints;
using Microsoft.AspNetCore.RateLimiting;

namespace Akua.WebApi.Infrastructure;

/// <summary>
/// Request-rate limits that protect no secret (device code creation), with ASP.NET Core's limiter per node.
/// Failed guesses of secrets (passwords, user codes) are counted by the Application's attempt limiter.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddAkuaRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var deviceCodesPerMinute = configuration.GetValue("RateLimits:DeviceCodesPerMinute", 20);
        return services.AddRateLimiter(options =>
        {
            options.AddPolicy(OAuthEndpoints.DeviceCodeRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = deviceCodesPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            options.OnRejected = async (rejected, _) =>
            {
                var http = rejected.HttpContext;
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                RetryAfter.Set(http, wait);
                const string message = "Too many requests from this address. Wait, then try again.";
                await (OAuthResponses.IsOAuthPath(http.Request.Path)
                    ? OAuthResponses.WriteErrorAsync(http, new OAuthError("slow_down", message), StatusCodes.Status429TooManyRequests)
                    : ApiErrors.WriteAsync(http, StatusCodes.Status429TooManyRequests, message));
            };
        });
    }
}
