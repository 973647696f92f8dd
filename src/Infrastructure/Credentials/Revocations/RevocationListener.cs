using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Akua.Infrastructure.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Akua.Infrastructure.Credentials.Revocations;

/// <summary>
/// PostgreSQL: revocations pushed, not polled (issue 21). A trigger announces each new feed entry on
/// <see cref="Channel"/> when its transaction commits; this node LISTENs on a connection of its own and evicts at
/// once. How current the node is comes from heartbeats: every <see cref="RevocationFeedOptions.HeartbeatInterval"/>
/// it NOTIFYs its own channel and, when the heartbeat comes back, it has received every notification committed
/// before it was sent (PostgreSQL delivers them in commit order). So the node trusts its caches for
/// <see cref="RevocationFeedOptions.PushedMaxStaleness"/> after a heartbeat, and a revoking request waits that long
/// (plus the margin) instead of the polled <see cref="RevocationFeedOptions.MaxStaleness"/>. A lost connection
/// stops the heartbeats: within that staleness the node stops trusting its caches and asks the database, and on
/// reconnecting it reads the feed for what it missed. The poller keeps running as the safety net.
/// Both loops run on threads of their own, so a busy thread pool does not delay a heartbeat.
/// </summary>
public sealed partial class RevocationListener(
    DatabaseOptions database, CredentialCache cache, MembershipCache memberships, RevocationFeedState state, RevocationFeedPoller poller,
    IOptions<RevocationFeedOptions> options, ILogger<RevocationListener> logger) : IHostedService, IDisposable
{
    public const string Channel = "akua_revocations";

    /// <summary>What the listening connection calls itself in <c>pg_stat_activity</c>.</summary>
    public const string ApplicationName = "akua-revocation-listener";

    private readonly string _heartbeats = "akua_heartbeat_" + Guid.NewGuid().ToString("N");
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, long> _sent = new(); // heartbeat number -> when it was sent
    private readonly ManualResetEventSlim _listening = new();
    private Thread? _listener;
    private Thread? _heart;
    private long _beats;
    private int _stopped;

    /// <summary>Whether this node listens: PostgreSQL, unless <see cref="RevocationFeedOptions.Listen"/> is off.</summary>
    public static bool Enabled(DatabaseOptions database, RevocationFeedOptions options) => database.Provider == DatabaseProvider.PostgreSQL && options.Listen;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled(database, options.Value))
        {
            _listener = new Thread(() => Guarded(Listen)) { IsBackground = true, Name = "Akua revocation listener" };
            _heart = new Thread(() => Guarded(Beat)) { IsBackground = true, Name = "Akua revocation heartbeat" };
            _listener.Start();
            _heart.Start();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Stop();
        return Task.CompletedTask;
    }

    // Stopped by the host, or by the container's disposal (which may come first): once, either way.
    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _listener?.Join(TimeSpan.FromSeconds(5));
        _heart?.Join(TimeSpan.FromSeconds(5));
    }

    // Nothing may escape a thread of its own: it would end the process. Past a stop, nothing is worth a log line.
    private void Guarded(Action loop)
    {
        try
        {
            loop();
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            LogListenFailed(logger, e);
        }
        catch (Exception)
        {
        }
    }

    private string ConnectionString(string name) =>
        new NpgsqlConnectionStringBuilder(database.ConnectionString) { ApplicationName = name, Pooling = false, KeepAlive = 10 }.ConnectionString;

    private void Listen()
    {
        var stop = _stopping.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var connection = new NpgsqlConnection(ConnectionString(ApplicationName));
                connection.Open();
                connection.Notification += OnNotification;
                using (var listen = new NpgsqlCommand($"LISTEN {Channel}; LISTEN {_heartbeats}", connection))
                {
                    listen.ExecuteNonQuery();
                }

                // What was committed while no one listened (at start, or since the connection was lost) is read from
                // the feed, after LISTEN: nothing falls between the two.
                poller.PollAsync(stop).GetAwaiter().GetResult();
                _listening.Set();
                while (!stop.IsCancellationRequested)
                {
                    connection.Wait(TimeSpan.FromSeconds(1));
                }
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                LogListenFailed(logger, e);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
            }
            finally
            {
                _listening.Reset();
            }

            stop.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
        }
    }

    private void Beat()
    {
        var stop = _stopping.Token;
        var interval = options.Value.HeartbeatInterval;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var connection = new NpgsqlConnection(ConnectionString(ApplicationName + "-heartbeat"));
                connection.Open();
                using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @beat)", connection);
                var beat = new NpgsqlParameter<string>("beat", "");
                notify.Parameters.Add(beat);
                notify.Parameters.Add(new NpgsqlParameter<string>("channel", _heartbeats));
                notify.Prepare();
                while (!stop.IsCancellationRequested)
                {
                    if (_listening.Wait(interval, stop))
                    {
                        var number = Interlocked.Increment(ref _beats);
                        _sent[number] = Stopwatch.GetTimestamp(); // before sending: it vouches for what committed before
                        beat.TypedValue = number.ToString(CultureInfo.InvariantCulture);
                        notify.ExecuteNonQuery();
                        stop.WaitHandle.WaitOne(interval);
                    }
                }
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                LogHeartbeatFailed(logger, e);
                stop.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == _heartbeats)
        {
            if (long.TryParse(e.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && _sent.TryRemove(number, out var sentAt))
            {
                state.CaughtUp(sentAt);
                foreach (var older in _sent.Keys.Where(k => k < number))
                {
                    _sent.TryRemove(older, out _); // lost with a connection: never coming back
                }
            }

            return;
        }

        if (e.Payload.Length == 64)
        {
            var key = Convert.FromHexString(e.Payload);
            cache.Evict(key);
            memberships.Evict(key);
        }
    }

    public void Dispose()
    {
        Stop();
        // A thread still inside a connection attempt past the join's patience would touch these after their disposal
        // (and an exception on a thread of its own ends the process): they are disposed only once both have ended.
        if (_listener is not { IsAlive: true } && _heart is not { IsAlive: true })
        {
            _stopping.Dispose();
            _listening.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for revocations failed; this node asks the database until it listens again")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending a revocation heartbeat failed; trying again")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception);
}
