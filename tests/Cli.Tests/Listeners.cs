using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Akua.Cli.Tests;

/// <summary>
/// A server that is not Akua, on a loopback port: it keeps every request's head (to see what a client sent it)
/// and answers 401 in the API's envelope.
/// </summary>
public sealed class RecordingListener : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _requests = [];
    private readonly Task _loop;

    private readonly string _message;

    public RecordingListener(string message = "Not here.")
    {
        _message = message;
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            using (client)
            {
                var stream = client.GetStream();
                var head = new StringBuilder();
                var buffer = new byte[4096];
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer);
                    if (read == 0)
                    {
                        break;
                    }

                    head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                lock (_requests)
                {
                    _requests.Add(head.ToString());
                }

                var body = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { error = new { code = "unauthorized", message = _message, request_id = "x" } }));
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
                await stream.WriteAsync(body);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>
/// A TCP relay in front of the real server, whose link can be cut: while <see cref="Broken"/> it takes each
/// connection and drops it at once, as a flaky network or a restarting load balancer does.
/// </summary>
public sealed class FlakyRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _dropped;

    public FlakyRelay()
    {
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    /// <summary>Where connections go: set once the server behind it has started (it needs the relay's URL first).</summary>
    public Uri? Target { get; set; }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<TcpClient, bool> _open = new();
    private readonly System.Collections.Concurrent.ConcurrentBag<TcpClient> _held = [];
    private volatile bool _broken;
    private volatile bool _stalled;

    public bool Broken => _broken;

    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Cuts every open connection and refuses new ones (each is accepted and reset).</summary>
    public void Break()
    {
        _broken = true;
        foreach (var client in _open.Keys)
        {
            Reset(client);
        }
    }

    /// <summary>
    /// Cuts every open connection, then takes new ones and never answers (a black-holed network): only the
    /// client's own timeout ends such a request.
    /// </summary>
    public void Stall()
    {
        _stalled = true;
        Break();
    }

    public void Mend()
    {
        _broken = false;
        _stalled = false;
        foreach (var held in _held)
        {
            Reset(held);
        }

        _held.Clear();
    }

    private static void Reset(TcpClient client)
    {
        try
        {
            client.Client.LingerState = new LingerOption(true, 0); // a reset, not a polite close
        }
        catch (ObjectDisposedException)
        {
        }

        client.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (_broken)
            {
                Interlocked.Increment(ref _dropped);
                if (_stalled)
                {
                    _held.Add(client); // open, silent
                }
                else
                {
                    Reset(client);
                }

                continue;
            }

            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        _open[client] = true;
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                var target = Target ?? throw new InvalidOperationException("The relay has no target yet.");
                await upstream.ConnectAsync(target.Host, target.Port, _stop.Token);
                var a = client.GetStream();
                var b = upstream.GetStream();
                await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
            }
            finally
            {
                _open.TryRemove(client, out _);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        foreach (var held in _held)
        {
            Reset(held);
        }

        _stop.Dispose();
    }
}
