using System.Net;

namespace Akua.Bench;

/// <summary>
/// A local OTLP/HTTP endpoint that accepts every export and keeps only counts: where the server under
/// "telemetry on" sends its spans and metrics, as it would to a collector on the same host.
/// </summary>
internal sealed class OtlpSink : IDisposable
{
    private readonly HttpListener _listener = new();
    private long _exports;
    private long _bytes;

    public OtlpSink()
    {
        Endpoint = $"http://127.0.0.1:{Server.FreePort()}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        for (var i = 0; i < 4; i++)
        {
            _ = Task.Run(AcceptAsync);
        }
    }

    public string Endpoint { get; }

    public long Exports => Interlocked.Read(ref _exports);

    public long Bytes => Interlocked.Read(ref _bytes);

    private async Task AcceptAsync()
    {
        var buffer = new byte[64 * 1024];
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            long read = 0;
            for (int n; (n = await context.Request.InputStream.ReadAsync(buffer)) > 0;)
            {
                read += n;
            }

            Interlocked.Increment(ref _exports);
            Interlocked.Add(ref _bytes, read);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf"; // an empty Export*ServiceResponse: all accepted
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}
