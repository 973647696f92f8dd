using Serilog.Context;

namespace Akua.WebApi.Http;

/// <summary>
/// Gives every request one id: a sane incoming <c>X-Request-Id</c> is kept, otherwise a new one is made. The
/// same id is in the response header, in any error body and in every log line of the request.
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next, TimeProvider clock)
{
    public const string HeaderName = "X-Request-Id";
    private const int MaxLength = 64;

    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[HeaderName];
        var id = incoming.Count == 1 && IsSane(incoming[0]) ? incoming[0]! : NewId();
        context.TraceIdentifier = id;
        // Set as the response starts: the exception handler clears headers set earlier.
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            http.Response.Headers[HeaderName] = http.TraceIdentifier;
            return Task.CompletedTask;
        }, context);
        using (LogContext.PushProperty("RequestId", id))
        {
            await next(context);
        }
    }

    private string NewId() => "req_" + Guid.CreateVersion7(clock.GetUtcNow()).ToString("N");

    private static bool IsSane(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or ':'))
            {
                return false;
            }
        }

        return true;
    }
}
