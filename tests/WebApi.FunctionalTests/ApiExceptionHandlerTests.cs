using System.Text.Json;
using Akua.Domain.Common;
using Akua.WebApi.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Akua.WebApi.FunctionalTests;

/// <summary>The one error mapper, given exceptions no endpoint throws on purpose.</summary>
public sealed class ApiExceptionHandlerTests
{
    private static async Task<(int Status, JsonElement Error)> HandleAsync(Exception exception)
    {
        var context = new DefaultHttpContext { TraceIdentifier = "req_test" };
        context.Response.Body = new MemoryStream();

        var handled = await new ApiExceptionHandler(NullLogger<ApiExceptionHandler>.Instance)
            .TryHandleAsync(context, exception, TestContext.Current.CancellationToken);

        Assert.True(handled);
        context.Response.Body.Position = 0;
        var body = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: TestContext.Current.CancellationToken);
        return (context.Response.StatusCode, body.RootElement.GetProperty("error").Clone());
    }

    [Fact]
    public async Task A_bug_is_a_500_that_says_nothing_of_the_exception()
    {
        var (status, error) = await HandleAsync(new InvalidOperationException("connection string Password=hunter2 at Foo.Bar()"));

        Assert.Equal(500, status);
        Assert.Equal("internal_error", error.GetProperty("code").GetString());
        Assert.Equal("req_test", error.GetProperty("request_id").GetString());
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperation", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ErrorKind.Validation, 422, "validation_error")]
    [InlineData(ErrorKind.NotFound, 404, "not_found")]
    [InlineData(ErrorKind.Conflict, 409, "conflict")]
    [InlineData(ErrorKind.Forbidden, 403, "forbidden")]
    [InlineData(ErrorKind.Unauthorized, 401, "unauthorized")]
    public async Task Each_domain_error_kind_has_its_status(ErrorKind kind, int expectedStatus, string expectedCode)
    {
        var (status, error) = await HandleAsync(new DomainException(kind, "the message"));

        Assert.Equal(expectedStatus, status);
        Assert.Equal(expectedCode, error.GetProperty("code").GetString());
        Assert.Equal("the message", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_database_timeout_is_a_503()
    {
        var (status, error) = await HandleAsync(new TimeoutException("db"));

        Assert.Equal(503, status);
        Assert.Equal("service_unavailable", error.GetProperty("code").GetString());
    }
}
