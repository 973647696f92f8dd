using System.Globalization;

namespace Akua.WebApi.Http;

public static class RetryAfter
{
    /// <summary>Sets <c>Retry-After</c> in whole seconds, at least one.</summary>
    public static void Set(HttpContext context, TimeSpan wait) =>
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
