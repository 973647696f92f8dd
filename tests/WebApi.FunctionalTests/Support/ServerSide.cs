using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Akua.WebApi.FunctionalTests.Support;

/// <summary>
/// A request built on the server's side of the connection, so its client address can be set as Kestrel sets it
/// (an HTTP client in a test cannot choose its own): for address allowlists.
/// </summary>
public static class ServerSide
{
    /// <param name="address">The client's address; null for a connection without one.</param>
    /// <param name="token">The bearer token; null for a request without one.</param>
    public static async Task<(int Status, string Body)> SendFromAsync(
        this AkuaApiFactory factory, string? address, string method, string path, string? token, object? body = null, string? workspace = null)
    {
        var context = await factory.Server.SendAsync(http =>
        {
            http.Request.Method = method;
            http.Request.Path = path;
            if (token is not null)
            {
                http.Request.Headers.Authorization = "Bearer " + token;
            }

            if (workspace is not null)
            {
                http.Request.Headers["Akua-Context"] = workspace;
            }

            if (body is not null)
            {
                var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
                http.Request.ContentType = "application/json";
                http.Request.Body = new MemoryStream(bytes);
                http.Request.ContentLength = bytes.Length;
                http.Features.Set<IHttpRequestBodyDetectionFeature>(new HasBody());
            }

            http.Connection.RemoteIpAddress = address is null ? null : IPAddress.Parse(address);
        }, TestContext.Current.CancellationToken);
        return (context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>A request built on the server's side says whether it has a body; this one does.</summary>
    private sealed class HasBody : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }
}
