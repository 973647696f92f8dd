using System.Net.Http.Headers;
using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

public sealed class ErrorEnvelopeTests(SqliteApiFactory factory) : IClassFixture<SqliteApiFactory>
{
    private const string SignUp = "/api/auth/sign-up/email";

    [Fact]
    public async Task An_unknown_route_is_a_404_in_the_envelope()
    {
        var response = await factory.CreateClient().GetAsync("/v1/nothing-here", TestContext.Current.CancellationToken);

        await response.AssertErrorAsync(404, "not_found");
    }

    [Fact]
    public async Task A_sane_incoming_request_id_is_echoed()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Request-Id", "ci-run-42.step:7");

        var response = await client.GetAsync("/v1/nothing-here", TestContext.Current.CancellationToken);

        Assert.Equal("ci-run-42.step:7", response.Headers.GetValues("X-Request-Id").Single());
        await response.AssertErrorAsync(404, "not_found");
    }

    [Theory]
    [InlineData("has spaces")]
    [InlineData("quote\"d")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task An_odd_incoming_request_id_is_replaced(string incoming)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Request-Id", incoming);

        var response = await client.GetAsync("/healthz", TestContext.Current.CancellationToken);

        Assert.Matches("^req_[0-9a-f]{32}$", response.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task Every_response_has_a_fresh_request_id()
    {
        var client = factory.CreateClient();

        var first = await client.GetAsync("/healthz", TestContext.Current.CancellationToken);
        var second = await client.GetAsync("/healthz", TestContext.Current.CancellationToken);

        Assert.NotEqual(first.Headers.GetValues("X-Request-Id").Single(), second.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task An_unknown_field_is_a_422_naming_the_field()
    {
        var response = await factory.CreateClient().PostRawAsync(SignUp,
            """{"email":"a@example.com","password":"correct horse","name":"Ann","is_admin":true}""");

        var error = await response.AssertErrorAsync(422, "validation_error");
        Assert.Equal("is_admin", error.GetProperty("details")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task Validation_failures_list_every_field_in_snake_case()
    {
        var response = await factory.CreateClient().PostJsonAsync(SignUp, new { email = "nope", password = "short", name = "" });

        var error = await response.AssertErrorAsync(422, "validation_error");
        var fields = error.GetProperty("details").EnumerateArray().Select(d => d.GetProperty("field").GetString()).ToHashSet();
        Assert.Equal(["email", "password", "name"], fields);
    }

    [Theory]
    [InlineData("{\"email\":")]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("")]
    public async Task Malformed_json_is_a_400(string body)
    {
        var response = await factory.CreateClient().PostRawAsync(SignUp, body);

        await response.AssertErrorAsync(400, "bad_request");
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_a_422_naming_the_field()
    {
        var response = await factory.CreateClient().PostRawAsync(SignUp, "{\"email\": 12, \"password\": \"x\", \"name\": \"y\"}");

        var error = await response.AssertErrorAsync(422, "validation_error");
        Assert.Equal("email", error.GetProperty("details")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_400()
    {
        var response = await factory.CreateClient().PostRawAsync(SignUp, "email=a", "application/x-www-form-urlencoded");

        await response.AssertErrorAsync(400, "bad_request");
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_a_413()
    {
        var content = new ByteArrayContent(new byte[(64 * 1024) + 1]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await factory.CreateClient().PostAsync(SignUp, content, TestContext.Current.CancellationToken);

        await response.AssertErrorAsync(413, "payload_too_large");
    }

    [Fact]
    public async Task Deeply_nested_json_is_a_400_not_a_500()
    {
        var body = "{\"email\":" + new string('[', 5000) + new string(']', 5000) + "}";

        var response = await factory.CreateClient().PostRawAsync(SignUp, body);

        await response.AssertErrorAsync(400, "bad_request");
    }
}
