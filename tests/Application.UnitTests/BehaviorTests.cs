using Akua.Application.Accounts.SignUp;
using Akua.Application.Common.Abstractions;
using Akua.Application.Common.Behaviors;
using FluentValidation;
using Microsoft.Extensions.Logging;

namespace Akua.Application.UnitTests;

public sealed class BehaviorTests
{
    private static readonly SignUpCommand Command = new("ann@example.com", "hunter2-hunter2", "Ann", ClientContext.Unknown);

    [Fact]
    public async Task The_log_scope_names_the_use_case_and_carries_no_payload()
    {
        var logger = new ScopeCapturingLogger<LoggingScopeBehavior<SignUpCommand, string>>();
        var behavior = new LoggingScopeBehavior<SignUpCommand, string>(logger);

        var result = await behavior.Handle(Command, (_, _) => ValueTask.FromResult("done"), TestContext.Current.CancellationToken);

        Assert.Equal("done", result);
        var scope = Assert.Single(logger.Scopes);
        var state = Assert.IsAssignableFrom<IEnumerable<KeyValuePair<string, object>>>(scope);
        Assert.Equal([new KeyValuePair<string, object>("UseCase", nameof(SignUpCommand))], state);
        Assert.DoesNotContain("hunter2", Command.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validation_reports_every_failure_and_stops_the_handler()
    {
        var behavior = new ValidationBehavior<SignUpCommand, string>([new SignUpValidator()]);
        var handlerRan = false;

        var error = await Assert.ThrowsAsync<ValidationException>(async () => await behavior.Handle(
            new SignUpCommand("not-an-email", "short", "", ClientContext.Unknown),
            (_, _) => { handlerRan = true; return ValueTask.FromResult("done"); },
            TestContext.Current.CancellationToken));

        Assert.False(handlerRan);
        Assert.Equal(["Email", "Password", "Name"], error.Errors.Select(e => e.PropertyName).Distinct());
    }

    [Fact]
    public async Task A_valid_request_passes_validation()
    {
        var behavior = new ValidationBehavior<SignUpCommand, string>([new SignUpValidator()]);

        Assert.Equal("done", await behavior.Handle(Command, (_, _) => ValueTask.FromResult("done"), TestContext.Current.CancellationToken));
    }

    private sealed class ScopeCapturingLogger<T> : ILogger<T>
    {
        public List<object> Scopes { get; } = [];

        public IDisposable BeginScope<TState>(TState state)
            where TState : notnull
        {
            Scopes.Add(state);
            return new Noop();
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }

        private sealed class Noop : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}

public sealed class AddressKeyTests
{
    [Theory]
    [InlineData("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:bbbb:cccc:dddd:2", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("::ffff:10.0.0.1", "10.0.0.1")]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData(null, "unknown")]
    [InlineData("not an address", "unknown")]
    public void An_ipv6_client_is_limited_by_its_64_and_an_ipv4_one_by_its_address(string? address, string key)
    {
        // One IPv6 client can send from any of its /64's addresses: counted per address, it was never limited.
        Assert.Equal(key, Akua.Application.Common.Abstractions.AddressKeys.Of(address));
    }
}
