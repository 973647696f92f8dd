using Akua.Application.Common.Authorization;
using Akua.Application.Common.Security;
using Akua.Infrastructure.Credentials;
using Akua.Infrastructure.Diagnostics;
using Akua.WebApi.Http;
using Microsoft.AspNetCore.Connections.Features;

namespace Akua.WebApi.Authentication;

/// <summary>
/// Authenticates the API: reads <c>Authorization: Bearer</c>, decides the kind of token from its shape, rejects
/// what is malformed (including an <c>sk_akua_</c> token with a wrong checksum) without any I/O, and asks the
/// <see cref="ICredentialValidator"/> for the rest. A valid credential travels as a
/// <see cref="CredentialFeature"/>; an endpoint that declares <see cref="RequireCredentialExtensions.RequireCredential{TBuilder}"/>
/// is challenged (401, written by <see cref="BearerAuthenticationHandler"/>) when there is none. It never logs or
/// echoes the token. A middleware rather than ASP.NET's authentication service on the hot path: ADR 0015.
/// </summary>
public sealed class BearerAuthenticationMiddleware(RequestDelegate next, ICredentialValidator validator, AkuaMetrics metrics, TimeProvider clock)
{
    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            return RequiresCredential(context) ? Challenge(context) : next(context);
        }

        // The header a client repeats on its keep-alive connection is not parsed or hashed again (see LastBearer).
        var header = headers.Count == 1 ? headers[0] : null;
        if (header is not null && LastBearer.Of(context) is { } last && ReferenceEquals(last.Header, header)
            && validator.TryRevalidate(last.Credential, context.Connection.RemoteIpAddress, out var current))
        {
            return Continue(context, Decided(last.Credential.Kind, LastBearer.Remember(context, header, current)));
        }

        if (header is null || !TryReadBearer(header, out var token))
        {
            return Continue(context, null);
        }

        if (TokenFormat.Classify(token.Span) is not { } kind)
        {
            metrics.Authentication(null, accepted: false);
            return Continue(context, null);
        }

        // A cached credential is answered synchronously: no task, no state machine.
        var validating = validator.ValidateAsync(token, kind, context.Connection.RemoteIpAddress, context.RequestAborted);
        return validating.IsCompletedSuccessfully
            ? Continue(context, Decided(kind, LastBearer.Remember(context, header, validating.Result)))
            : ContinueAsync(context, header, kind, validating);
    }

    private async Task ContinueAsync(HttpContext context, string header, CredentialKind kind, ValueTask<Credential?> validating) =>
        await Continue(context, Decided(kind, LastBearer.Remember(context, header, await validating)));

    private Credential? Decided(CredentialKind kind, Credential? credential)
    {
        metrics.Authentication(kind, accepted: credential is not null);
        return credential;
    }

    private Task Continue(HttpContext context, Credential? credential)
    {
        if (credential is not null && !credential.AllowsAddress(context.Connection.RemoteIpAddress))
        {
            // Valid, but not from here (the address is the client's: forwarded headers from trusted proxies were
            // applied before this middleware). An endpoint that needs no credential ignores it, as an invalid one.
            return RequiresCredential(context) ? RefuseAddress(context) : next(context);
        }

        if (credential is not null)
        {
            context.Features.Set(new CredentialFeature(credential, BearerAuthenticationHandler.SchemeName));
            if (AkuaAuthenticationDefaults.TokenExpiresAt(credential, clock.GetUtcNow()) is { } expires)
            {
                context.Response.Headers[AkuaAuthenticationDefaults.TokenExpiresHeader] = expires;
            }

            return next(context);
        }

        // An invalid token on an endpoint that needs none is ignored, as if no token had been sent.
        return RequiresCredential(context) ? Challenge(context) : next(context);
    }

    private static Task RefuseAddress(HttpContext context) =>
        ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden,
            $"This credential may not be used from {context.Connection.RemoteIpAddress?.ToString() ?? "an unknown address"}: it is bound to an address allowlist.",
            code: AuthorizationCodes.IpNotAllowed);

    private static bool RequiresCredential(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RequiresCredentialMetadata>() is not null;

    // Written here rather than through ChallengeAsync: the scheme's handler would be created for every refused
    // request (a flood of bad tokens), to write the same response.
    private static Task Challenge(HttpContext context) => BearerAuthenticationHandler.WriteChallengeAsync(context);

    /// <summary>"Bearer" in any case, one or more spaces, then one token with no spaces.</summary>
    internal static bool TryReadBearer(string? header, out ReadOnlyMemory<char> token)
    {
        token = default;
        const string scheme = BearerAuthenticationHandler.SchemeName;
        if (header is null || header.Length < scheme.Length + 2 || header.Length > TokenFormat.MaxJwtLength + 64
            || !header.AsSpan(0, scheme.Length).Equals(scheme, StringComparison.OrdinalIgnoreCase)
            || header[scheme.Length] != ' ')
        {
            return false;
        }

        var rest = header.AsMemory(scheme.Length).TrimStart(' ');
        if (rest.IsEmpty || rest.Span.ContainsAny(' ', '\t'))
        {
            return false;
        }

        token = rest;
        return true;
    }
}

/// <summary>
/// The last bearer header validated on an HTTP/1.1 connection, and its credential. Kestrel reuses a request
/// header's string for the next request on the same connection when its bytes are the same, so when this
/// request's <c>Authorization</c> header is that very string object, its token is the one validated then, and
/// <see cref="ICredentialValidator.TryRevalidate"/> decides again without hashing it (revocation, expiry and
/// last use are decided exactly as on any other request). A different string, or none reused, takes the full
/// path. HTTP/1.1 only: its requests on a connection come one after another, so the memory needs no lock.
/// </summary>
internal sealed class LastBearer(string header, Credential credential)
{
    private static readonly object Key = new();

    public string Header { get; } = header;

    public Credential Credential { get; } = credential;

    public static LastBearer? Of(HttpContext context) =>
        ItemsOf(context) is { } items && items.TryGetValue(Key, out var last) ? last as LastBearer : null;

    public static Credential? Remember(HttpContext context, string header, Credential? credential)
    {
        if (ItemsOf(context) is { } items)
        {
            if (credential is null)
            {
                items.Remove(Key);
            }
            else if (!(items.TryGetValue(Key, out var last) && last is LastBearer same
                       && ReferenceEquals(same.Header, header) && ReferenceEquals(same.Credential, credential)))
            {
                items[Key] = new LastBearer(header, credential);
            }
        }

        return credential;
    }

    private static IDictionary<object, object?>? ItemsOf(HttpContext context) =>
        HttpProtocol.IsHttp11(context.Request.Protocol) ? context.Features.Get<IConnectionItemsFeature>()?.Items : null;
}

/// <summary>The validated credential of the current request, and the scheme that validated it.</summary>
public sealed record CredentialFeature(Credential Credential, string Scheme);

public static class BearerAuthenticationExtensions
{
    /// <summary>Authenticates bearer tokens and challenges requests to API endpoints that need a credential and have none.</summary>
    public static IApplicationBuilder UseBearerAuthentication(this IApplicationBuilder app) =>
        app.UseMiddleware<BearerAuthenticationMiddleware>();
}
