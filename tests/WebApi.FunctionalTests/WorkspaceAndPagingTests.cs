using Akua.WebApi.FunctionalTests.Support;

namespace Akua.WebApi.FunctionalTests;

/// <summary>Workspaces, and cursor pagination as every list does it.</summary>
public abstract class WorkspaceAndPagingTests(AkuaApiFactory factory)
{
    [Fact]
    public async Task A_user_creates_a_workspace_owns_it_and_sees_it_listed()
    {
        var ann = await factory.SignUpAsync();
        var api = factory.Api(ann.Token);
        var slug = "team-" + Guid.NewGuid().ToString("N")[..8];

        var created = await api.ExpectAsync(201, HttpMethod.Post, "/v1/workspaces", new { name = "Team", slug });
        await (await api.PostAsync("/v1/workspaces", new { name = "Twin", slug })).AssertErrorAsync(409, "conflict");
        await (await api.PostAsync("/v1/workspaces", new { name = "Bad", slug = "Not A Slug" })).AssertErrorAsync(422, "validation_error");

        Assert.Equal("owner", created.GetProperty("role").GetString());
        Assert.Equal(slug, created.GetProperty("slug").GetString());
        var listed = await api.ExpectAsync(200, HttpMethod.Get, "/v1/workspaces");
        Assert.Equal([created.GetProperty("id").GetString(), ann.WorkspaceId], listed.GetProperty("data").EnumerateArray().Select(w => w.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task A_workspace_token_sees_only_its_own_workspace()
    {
        var ann = await factory.SignUpAsync();
        await factory.Api(ann.Token).ExpectAsync(201, HttpMethod.Post, "/v1/workspaces", new { name = "Second" });
        var (_, token) = await factory.Api(ann.Token, ann.WorkspaceId).CreateApiTokenAsync("member");

        var listed = await factory.Api(token).ExpectAsync(200, HttpMethod.Get, "/v1/workspaces");

        var only = Assert.Single(listed.GetProperty("data").EnumerateArray());
        Assert.Equal(ann.WorkspaceId, only.GetProperty("id").GetString());
        Assert.Equal("member", only.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Pages_are_newest_first_without_gaps_or_repeats_even_while_rows_are_added()
    {
        var ann = await factory.SignUpAsync();
        var api = factory.Api(ann.Token, ann.WorkspaceId);
        var made = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            made.Add((await api.ExpectAsync(201, HttpMethod.Post, "/v1/installs", new { name = $"i{i}", product = "p" })).GetProperty("id").GetString()!);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await api.ExpectAsync(200, HttpMethod.Get, "/v1/installs?limit=3" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
            Assert.Equal(cursor is not null, page.GetProperty("has_more").GetBoolean());
            pages++;

            // A row added mid-way is newer than every page still to come: it never shows up in them.
            await api.ExpectAsync(201, HttpMethod.Post, "/v1/installs", new { name = $"late{pages}", product = "p" });
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(made), seen);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("limit=-1")]
    [InlineData("limit=abc")]
    [InlineData("limit=99999999999")]
    [InlineData("cursor=")]
    [InlineData("cursor=not-a-cursor")]
    [InlineData("cursor=MS4xLjI")] // base64url of "1.1.2"
    [InlineData("cursor=OS4xNzAwMDAwMDAwMDAwLjAxOWEwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw")] // an unknown version (9)
    public async Task A_bad_limit_or_forged_cursor_is_a_400(string query)
    {
        var ann = await factory.SignUpAsync();

        await (await factory.Api(ann.Token, ann.WorkspaceId).GetAsync("/v1/installs?" + query)).AssertErrorAsync(400, "bad_request");
    }
}

public sealed class SqliteWorkspaceAndPagingTests(SqliteApiFactory factory) : WorkspaceAndPagingTests(factory), IClassFixture<SqliteApiFactory>;

public sealed class PostgresWorkspaceAndPagingTests(PostgresApiFactory factory) : WorkspaceAndPagingTests(factory), IClassFixture<PostgresApiFactory>;
