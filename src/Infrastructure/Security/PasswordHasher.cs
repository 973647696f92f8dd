using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.Identity;
using IdentityHasher = Microsoft.AspNetCore.Identity.PasswordHasher<object>;

namespace Akua.Infrastructure.Security;

/// <summary><c>Passwords:*</c>: how much of the machine password hashing may take.</summary>
public sealed class PasswordHashingOptions
{
    /// <summary>Hashes running at once on this node; by default half the cores (at least one).</summary>
    public int MaxConcurrent { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>How many may wait for a turn; one more is answered 429 at once (a flood queues no further).</summary>
    public int MaxWaiting { get; set; } = 64;

    /// <summary>How long a request waits for its hash before it is answered 429.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// PBKDF2-HMAC-SHA512 iterations: 210,000 is OWASP's Password Storage Cheat Sheet figure for it. A stored hash
    /// with fewer is upgraded on its user's next sign-in.
    /// </summary>
    public int Iterations { get; set; } = OwaspIterations;

    public const int OwaspIterations = 210_000;
}

/// <summary>
/// ASP.NET Core Identity's hasher (PBKDF2-HMAC-SHA512, salted, versioned) at OWASP's 210,000 iterations
/// (<see cref="PasswordHashingOptions.Iterations"/>) rather than anything home-made. A hash made with fewer
/// (Identity's default of 100,000, which this service used before) verifies as "rehash needed", and sign-in
/// stores a new one. Hashes run on <see cref="PasswordHashingOptions.MaxConcurrent"/> threads of their own at
/// a lower scheduling priority (nice 10 on Linux): a flood of sign-ins uses the cores that nothing else wants,
/// and requests that need no hash (whoami, the API) keep their latency (ADR 0018). At most
/// <see cref="PasswordHashingOptions.MaxWaiting"/> wait; beyond that, or past the wait, 429 with Retry-After.
/// </summary>
public sealed partial class PasswordHasher : IPasswordHasher, IDisposable
{
    private static readonly object User = new();
    private readonly IdentityHasher _hasher;
    private readonly Lazy<string> _dummyHash;
    private readonly Channel<Work> _queue;
    private readonly TimeSpan _maxWait;

    public PasswordHasher(IOptions<PasswordHashingOptions> options)
    {
        _hasher = new IdentityHasher(Options.Create(new PasswordHasherOptions { IterationCount = Math.Max(options.Value.Iterations, 100_000) }));
        _dummyHash = new Lazy<string>(() => _hasher.HashPassword(User, "not-a-password-" + Guid.NewGuid()));
        _maxWait = options.Value.MaxWait;
        // Waiting: in the queue, not yet taken by a hashing thread.
        _queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(Math.Max(1, options.Value.MaxWaiting)) { FullMode = BoundedChannelFullMode.Wait });
        _refuseWhenBusy = options.Value.MaxWaiting <= 0;
        for (var i = 0; i < Math.Max(1, options.Value.MaxConcurrent); i++)
        {
            new Thread(Hash) { IsBackground = true, Name = "password hashing" }.Start();
        }
    }

    /// <summary>No waiting room: work is taken only when a hashing thread is idle (<see cref="_idle"/> counts them).</summary>
    private readonly bool _refuseWhenBusy;
    private int _idle;

    public ValueTask<string> HashAsync(string password, CancellationToken cancellationToken) =>
        InTurnAsync(() => _hasher.HashPassword(User, password), cancellationToken);

    public ValueTask<PasswordCheck> VerifyAsync(string hashedPassword, string password, CancellationToken cancellationToken) =>
        InTurnAsync(() => _hasher.VerifyHashedPassword(User, hashedPassword, password) switch
        {
            PasswordVerificationResult.Success => PasswordCheck.Success,
            PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.SuccessRehashNeeded,
            _ => PasswordCheck.Failed,
        }, cancellationToken);

    public async ValueTask VerifyAgainstDummyAsync(string password, CancellationToken cancellationToken) =>
        await InTurnAsync(() => _hasher.VerifyHashedPassword(User, _dummyHash.Value, password), cancellationToken);

    public void Dispose() => _queue.Writer.TryComplete();

    private static DomainException Busy() =>
        DomainException.RateLimited("The server is busy checking passwords. Try again in a moment.", TimeSpan.FromSeconds(1));

    private async ValueTask<T> InTurnAsync<T>(Func<T> compute, CancellationToken cancellationToken)
    {
        // No waiting room at all: only an idle hashing thread takes the work.
        if (_refuseWhenBusy && Interlocked.Decrement(ref _idle) < 0)
        {
            Interlocked.Increment(ref _idle);
            throw Busy();
        }

        var work = new Work<T>(compute);
        if (!_queue.Writer.TryWrite(work))
        {
            if (_refuseWhenBusy)
            {
                Interlocked.Increment(ref _idle);
            }

            throw Busy();
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_maxWait);
        try
        {
            return await work.Result.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            work.Abandon(); // not hashed if it has not started: nobody waits for it
            throw Busy();
        }
    }

    private void Hash()
    {
        LowerThisThreadsPriority();
        Interlocked.Increment(ref _idle);
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (_queue.Reader.TryRead(out var work))
            {
                work.Run();
                if (_refuseWhenBusy)
                {
                    Interlocked.Increment(ref _idle);
                }
            }
        }
    }

    private static void LowerThisThreadsPriority()
    {
        if (OperatingSystem.IsLinux())
        {
            // Lowering one's own priority needs no privilege; a failure only leaves the thread at the usual one.
            _ = SetPriority(0 /* PRIO_PROCESS: on Linux, a thread id */, GetThreadId(), 10);
        }
    }

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();

    private abstract class Work
    {
        public abstract void Run();
    }

    private sealed class Work<T>(Func<T> compute) : Work
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _state; // 0 queued, 1 running, 2 abandoned

        public Task<T> Result => _result.Task;

        public void Abandon() => Interlocked.CompareExchange(ref _state, 2, 0);

        public override void Run()
        {
            if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
            {
                return;
            }

            try
            {
                _result.SetResult(compute());
            }
            catch (Exception e)
            {
                _result.SetException(e);
            }
        }
    }
}
