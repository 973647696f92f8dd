namespace Akua.Cli.Tests;

/// <summary><c>cnap auth tokens roll</c>, <c>cnap audit list</c> and the expiry warning on every command (issue 18).</summary>
public sealed class LifecycleTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Roll_prints_the_new_token_once_and_the_old_one_works_for_the_overlap()
    {
        using var cnap = await server.LoggedInAsync();
        var created = (await cnap.RunAsync("auth", "tokens", "create", "--name", "deploy", "--output", "json")).Expect(ExitCodes.Ok).Json;
        var id = created.GetProperty("id").GetString()!;
        var old = created.GetProperty("token").GetString()!;

        var rolled = (await cnap.RunAsync("auth", "tokens", "roll", id, "--overlap", "1h")).Expect(ExitCodes.Ok);
        var fresh = rolled.Out.Trim();
        Assert.Matches("^sk_akua_[A-Za-z0-9]{32}$", fresh); // stdout is the token alone: NEW=$(cnap auth tokens roll ...)
        Assert.Contains("works until", rolled.Err, StringComparison.Ordinal);
        Assert.Equal(200, await server.WhoAmIStatusAsync(old));
        Assert.Equal(200, await server.WhoAmIStatusAsync(fresh));

        var table = (await cnap.RunAsync("auth", "tokens", "list")).Expect(ExitCodes.Ok).Out;
        Assert.Contains("replaced by tok_", table, StringComparison.Ordinal);
        Assert.DoesNotContain(fresh, table, StringComparison.Ordinal);

        // Rolled again, it is a conflict (roll the replacement instead); with no overlap the old one stops at once.
        (await cnap.RunAsync("auth", "tokens", "roll", id)).Expect(ExitCodes.Conflict);
        var next = (await cnap.RunAsync("auth", "tokens", "roll", (await ReplacementOfAsync(cnap, id)), "--overlap", "0", "--output", "json")).Expect(ExitCodes.Ok).Json;
        Assert.Equal(401, await server.WhoAmIStatusAsync(fresh));
        Assert.Equal(200, await server.WhoAmIStatusAsync(next.GetProperty("token").GetString()!));

        (await cnap.RunAsync("auth", "tokens", "roll", id, "--overlap", "8d")).Expect(ExitCodes.Usage);
        (await cnap.RunAsync("auth", "tokens", "roll", id, "--overlap", "soon")).Expect(ExitCodes.Usage);
    }

    [Fact]
    public async Task Audit_list_shows_who_did_what_and_filters()
    {
        using var cnap = await server.LoggedInAsync();
        var id = (await cnap.RunAsync("auth", "tokens", "create", "--name", "audited", "--output", "json")).Expect(ExitCodes.Ok).Json.GetProperty("id").GetString()!;
        (await cnap.RunAsync("auth", "tokens", "revoke", id, "--yes")).Expect(ExitCodes.Ok);

        var table = (await cnap.RunAsync("audit", "list", "--since", "1h")).Expect(ExitCodes.Ok).Out;
        Assert.Contains("api_token.revoked", table, StringComparison.Ordinal);
        Assert.Contains("api_token.created", table, StringComparison.Ordinal);
        Assert.Contains(id, table, StringComparison.Ordinal);

        var revoked = (await cnap.RunAsync("audit", "list", "--action", "api_token.revoked", "--output", "json")).Expect(ExitCodes.Ok).Json;
        var only = Assert.Single(revoked.EnumerateArray());
        Assert.Equal(id, only.GetProperty("target").GetProperty("id").GetString());

        var mine = (await cnap.RunAsync("audit", "list", "--mine", "--output", "json")).Expect(ExitCodes.Ok).Json;
        Assert.Contains(mine.EnumerateArray(), e => e.GetProperty("action").GetString() == "user.signed_up"); // this account's own
        (await cnap.RunAsync("audit", "list", "--limit", "0")).Expect(ExitCodes.Usage);
    }

    [Fact]
    public async Task Any_command_warns_on_stderr_when_the_credential_expires_within_7_days()
    {
        using var cnap = await server.LoggedInAsync();
        var shortLived = (await cnap.RunAsync("auth", "tokens", "create", "--name", "short", "--expires-in", "3d", "--output", "json")).Json.GetProperty("token").GetString()!;
        cnap.Environment["AKUA_API_TOKEN"] = shortLived;

        var listed = (await cnap.RunAsync("auth", "tokens", "list", "--output", "json")).Expect(ExitCodes.Ok);
        Assert.Contains("Warning: this credential expires on", listed.Err, StringComparison.Ordinal);
        Assert.Contains("Roll or replace this API token", listed.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("Warning", listed.Out, StringComparison.Ordinal); // stdout stays the data
        var status = (await cnap.RunAsync("auth", "status")).Expect(ExitCodes.Ok);
        Assert.Single(status.Err.Split('\n'), l => l.Contains("Warning", StringComparison.Ordinal)); // said once

        var longLived = (await cnap.RunAsync("auth", "tokens", "create", "--name", "long", "--expires-in", "30d", "--output", "json")).Json.GetProperty("token").GetString()!;
        cnap.Environment["AKUA_API_TOKEN"] = longLived;
        Assert.DoesNotContain("Warning", (await cnap.RunAsync("auth", "tokens", "list")).Expect(ExitCodes.Ok).Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_with_permissions_makes_a_narrow_token_and_names_an_unknown_one()
    {
        using var cnap = await server.LoggedInAsync();
        var created = (await cnap.RunAsync("auth", "tokens", "create", "--name", "deploy", "--permission", "installs:write", "--permission", "api_tokens:read", "--output", "json")).Expect(ExitCodes.Ok).Json;
        Assert.Equal(["installs:read", "installs:write", "api_tokens:read"], created.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        var token = created.GetProperty("token").GetString()!;

        cnap.Environment["AKUA_API_TOKEN"] = token;
        var refused = (await cnap.RunAsync("auth", "tokens", "create", "--name", "wider")).Expect(ExitCodes.Error);
        Assert.Contains("api_tokens:write", refused.Err, StringComparison.Ordinal); // a narrow token mints nothing
        cnap.Environment.Remove("AKUA_API_TOKEN");

        var unknown = (await cnap.RunAsync("auth", "tokens", "create", "--name", "x", "--permission", "installs:delete")).Expect(ExitCodes.Error);
        Assert.Contains("'installs:delete' is not a permission", unknown.Err, StringComparison.Ordinal);
    }

    /// <summary>The README's CI example: a deploy-only token usable from the runner's addresses alone.</summary>
    [Fact]
    public async Task Create_with_allow_ip_binds_the_token_to_networks_and_names_a_typo()
    {
        using var cnap = await server.LoggedInAsync();
        var bound = (await cnap.RunAsync("auth", "tokens", "create", "--name", "ci deploy", "--permission", "installs:write", "--allow-ip", "127.0.0.1", "--allow-ip", "2001:db8::/32")).Expect(ExitCodes.Ok);
        Assert.Contains("from 127.0.0.1/32, 2001:db8::/32 only", bound.Err, StringComparison.Ordinal);
        Assert.Equal(200, await server.WhoAmIStatusAsync(bound.Out.Trim())); // this test runs on 127.0.0.1

        var elsewhere = (await cnap.RunAsync("auth", "tokens", "create", "--name", "elsewhere", "--allow-ip", "192.0.2.0/24", "--output", "json")).Expect(ExitCodes.Ok).Json;
        cnap.Environment["AKUA_API_TOKEN"] = elsewhere.GetProperty("token").GetString()!;
        var refused = (await cnap.RunAsync("auth", "tokens", "list")).Expect(ExitCodes.Error);
        Assert.Contains("allowlist", refused.Err, StringComparison.Ordinal);
        cnap.Environment.Remove("AKUA_API_TOKEN");

        var table = (await cnap.RunAsync("auth", "tokens", "list")).Expect(ExitCodes.Ok).Out;
        Assert.Contains("127.0.0.1/32, 2001:db8::/32", table, StringComparison.Ordinal);
        Assert.Contains("192.0.2.0/24", table, StringComparison.Ordinal);

        var typo = (await cnap.RunAsync("auth", "tokens", "create", "--name", "x", "--allow-ip", "203.0.113.5/24")).Expect(ExitCodes.Error);
        Assert.Contains("did you mean 203.0.113.0/24", typo.Err, StringComparison.Ordinal);
    }

    private static async Task<string> ReplacementOfAsync(Cnap cnap, string id)
    {
        var tokens = (await cnap.RunAsync("auth", "tokens", "list", "--output", "json")).Expect(ExitCodes.Ok).Json;
        return tokens.EnumerateArray().Single(t => t.GetProperty("id").GetString() == id).GetProperty("replaced_by").GetString()!;
    }
}
