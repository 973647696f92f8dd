using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Akua.TestSupport;

/// <summary>
/// A loopback TCP forwarder a test can break: between a server and its database (cut it off without stopping a
/// shared database server), or between a client and a server (the CLI's link). <see cref="Cut"/> resets every
/// open connection and refuses new ones, <see cref="Stall"/> resets them and then takes new ones and never
/// answers (a black-holed network), <see cref="LoseAnswers"/> lets requests through and drops what comes back (a
/// link that fails after the server did the work), <see cref="Restore"/> mends it.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<TcpClient, bool> _open = new();
    private readonly ConcurrentBag<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private volatile bool _cut;
    private volatile bool _stalled;
    private volatile bool _losingAnswers;
    private int _dropped;

    /// <param name="target">Where connections go; may be set later (a server that needs the proxy's address to start).</param>
    public TcpProxy(DnsEndPoint? target = null)
    {
        Target = target;
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    public TcpProxy(string targetHost, int targetPort)
        : this(new DnsEndPoint(targetHost, targetPort))
    {
    }

    public DnsEndPoint? Target { get; set; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The proxy as an HTTP base address.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Connections refused or held while cut or stalled: a test that meant to break something checks it did.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Drops every open connection and refuses new ones (each is accepted and reset) until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _cut = true;
        foreach (var client in _open.Keys)
        {
            Reset(client);
        }
    }

    /// <summary>
    /// Drops every open connection, then takes new ones and never answers: only the client's own timeout ends
    /// such a request.
    /// </summary>
    public void Stall()
    {
        _stalled = true;
        Cut();
    }

    /// <summary>Forwards what clients send and drops what the target answers, until <see cref="Restore"/>.</summary>
    public void LoseAnswers() => _losingAnswers = true;

    public void Restore()
    {
        _losingAnswers = false;
        _cut = false;
        _stalled = false;
        while (_held.TryTake(out var held))
        {
            Reset(held);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        Restore();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static void Reset(TcpClient client)
    {
        try
        {
            if (client.Client is { } socket) // null once the connection has ended
            {
                socket.LingerState = new LingerOption(true, 0); // a reset, like a dead peer, not a polite close
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
        }

        client.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_cut)
            {
                Interlocked.Increment(ref _dropped);
                if (_stalled)
                {
                    _held.Add(inbound); // open, silent
                }
                else
                {
                    Reset(inbound);
                }

                continue;
            }

            _ = PipeAsync(inbound);
        }
    }

    private async Task PipeAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        _open[inbound] = true;
        _open[outbound] = true;
        try
        {
            var target = Target ?? throw new InvalidOperationException("The proxy has no target yet.");
            await outbound.ConnectAsync(target.Host, target.Port, _stop.Token);
            var a = inbound.GetStream().CopyToAsync(outbound.GetStream(), _stop.Token);
            var b = AnswerAsync(outbound.GetStream(), inbound.GetStream());
            await Task.WhenAny(a, b);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            _open.TryRemove(inbound, out _);
            _open.TryRemove(outbound, out _);
            inbound.Dispose();
            outbound.Dispose();
        }
    }

    private async Task AnswerAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        for (int read; (read = await from.ReadAsync(buffer, _stop.Token)) > 0;)
        {
            if (_losingAnswers)
            {
                Interlocked.Increment(ref _dropped);
                continue;
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }
}
