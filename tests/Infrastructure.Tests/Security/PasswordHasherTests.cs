using Akua.Application.Common.Abstractions;
using Akua.Domain.Common;
using Akua.Infrastructure.Security;
using Microsoft.Extensions.Options;

namespace Akua.Infrastructure.Tests.Security;

public sealed class PasswordHasherTests : IDisposable
{
    private readonly PasswordHasher _hasher = new(Options.Create(new PasswordHashingOptions()));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _hasher.Dispose();

    [Fact]
    public async Task A_hash_verifies_its_password_only()
    {
        var hash = await _hasher.HashAsync("correct horse battery staple", Ct);

        Assert.DoesNotContain("correct horse", hash, StringComparison.Ordinal);
        Assert.Equal(PasswordCheck.Success, await _hasher.VerifyAsync(hash, "correct horse battery staple", Ct));
        Assert.Equal(PasswordCheck.Failed, await _hasher.VerifyAsync(hash, "correct horse battery stapler", Ct));
    }

    /// <summary>OWASP's figure for PBKDF2-HMAC-SHA512, read from the hash itself (Identity's version 3 format).</summary>
    [Fact]
    public async Task New_hashes_use_pbkdf2_sha512_at_owasps_iterations_and_older_ones_ask_to_be_rehashed()
    {
        var hash = Convert.FromBase64String(await _hasher.HashAsync("correct horse battery staple", Ct));
        Assert.Equal(0x01, hash[0]); // version 3
        Assert.Equal(2u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(1))); // HMACSHA512
        Assert.Equal(210_000u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(5)));

        // What this service stored before: Identity's default, 100,000 iterations.
        var older = new Microsoft.AspNetCore.Identity.PasswordHasher<object>().HashPassword(new object(), "correct horse battery staple");
        Assert.Equal(PasswordCheck.SuccessRehashNeeded, await _hasher.VerifyAsync(older, "correct horse battery staple", Ct));
        Assert.Equal(PasswordCheck.Failed, await _hasher.VerifyAsync(older, "wrong horse battery staple", Ct));
    }

    [Fact]
    public async Task The_same_password_hashes_differently_each_time()
    {
        Assert.NotEqual(await _hasher.HashAsync("password1", Ct), await _hasher.HashAsync("password1", Ct));
    }

    [Fact]
    public async Task Hashes_beyond_the_bound_wait_their_turn_and_past_the_wait_are_refused_with_a_retry_after()
    {
        // One at a time, and no one waits: of eight threads released together, the first runs (about 0.1 s) and
        // the others, arriving within microseconds of it, are refused at once.
        using var strict = new PasswordHasher(Options.Create(new PasswordHashingOptions { MaxConcurrent = 1, MaxWaiting = 0 }));
        using var start = new ManualResetEventSlim();
        var outcomes = new TimeSpan?[8];
        var threads = Enumerable.Range(0, outcomes.Length).Select(i => new Thread(() =>
        {
            start.Wait();
            try
            {
                strict.HashAsync("correct horse battery staple", CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }
            catch (DomainException e) when (e.Kind == ErrorKind.RateLimited)
            {
                outcomes[i] = e.RetryAfter;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        start.Set();
        threads.ForEach(t => t.Join());

        Assert.Contains(outcomes, o => o is null);
        Assert.Contains(outcomes, o => o is not null);
        Assert.All(outcomes.Where(o => o is not null), o => Assert.Equal(TimeSpan.FromSeconds(1), o));

        // With a wait long enough, everyone gets a turn.
        using var patient = new PasswordHasher(Options.Create(new PasswordHashingOptions { MaxConcurrent = 1, MaxWait = TimeSpan.FromSeconds(60) }));
        var hashes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => patient.HashAsync("password1", Ct).AsTask()));
        Assert.Equal(4, hashes.Distinct().Count());
    }
}
