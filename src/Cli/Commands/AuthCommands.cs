using System.Text.Json;
using Akua.Cli.Api;
using Duende.IdentityModel.Client;
using Spectre.Console;

namespace Akua.Cli.Commands;

/// <summary><c>cnap auth login | status | logout | token</c>.</summary>
internal static class AuthCommands
{
    public const string ClientId = "cnap-cli";
    private static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(7);

    public static async Task<int> LoginAsync(CliContext context, string? token, bool noBrowser, CancellationToken cancellationToken)
    {
        token ??= await DeviceLoginAsync(context, noBrowser, cancellationToken);
        var me = await WhoAmIAsync(context, token, cancellationToken);

        context.Config.Auth.Token = token;
        context.Config.ApiUrl = context.ApiUrl;
        if (context.Config.ActiveWorkspace is null && !AkuaApi.IsWorkspaceToken(token))
        {
            // A first login picks the user's first workspace, so workspace commands work at once.
            var workspaces = await context.ApiWith(token).GetAsync("v1/workspaces?limit=1", cancellationToken);
            context.Config.ActiveWorkspace = workspaces.Data().Select(w => w.Str("id")).FirstOrDefault();
        }

        context.Store.Save(context.Config);
        if (context.Json)
        {
            context.PrintJson(me);
        }
        else
        {
            context.Say($"Logged in to {context.ApiUrl} as {Describe(me)}. The token is stored in {context.Store.Path}.");
        }

        if (context.TokenFromEnvironment)
        {
            context.Say("Note: AKUA_API_TOKEN is set in your environment and wins over the stored token.");
        }

        return ExitCodes.Ok;
    }

    public static async Task<int> StatusAsync(CliContext context, CancellationToken cancellationToken)
    {
        if (context.Token is null)
        {
            throw new CliException(ExitCodes.NotAuthenticated, "Not logged in. Run: cnap auth login");
        }

        var me = await context.Api.GetAsync("v1/auth/whoami", cancellationToken);
        var kind = me.Str("kind")!;
        var expiresAt = me.Seconds("expires_at");
        var expiresSoon = expiresAt is { } at && DateTimeOffset.FromUnixTimeSeconds(at) - DateTimeOffset.UtcNow < ExpiryWarning;
        if (expiresSoon)
        {
            context.Say($"Warning: this credential expires on {Render.Time(expiresAt)}. Log in again or create a new token before then.");
        }

        if (context.Json)
        {
            context.PrintJson(new Dictionary<string, object?>
            {
                ["api_url"] = context.ApiUrl,
                ["kind"] = kind,
                ["id"] = me.Str("id"),
                ["prefix"] = Render.Mask(context.Token, me.Str("prefix")),
                ["user"] = me.GetProperty("user"),
                ["workspace"] = me.GetProperty("workspace"),
                ["role"] = me.Str("role"),
                ["expires_at"] = expiresAt,
                ["expires_soon"] = expiresSoon,
                ["last_used_at"] = me.Seconds("last_used_at"),
                ["source"] = context.TokenSource,
                ["active_workspace"] = AkuaApi.IsWorkspaceToken(context.Token) ? null : context.Workspace,
            });
            return ExitCodes.Ok;
        }

        var table = Render.Table("", "");
        table.HideHeaders();
        table.Row("API", context.ApiUrl);
        table.Row("Logged in as", Describe(me));
        table.Row("Credential", $"{kind} {Render.Mask(context.Token, me.Str("prefix"))}");
        if (me.Str("role") is { } role)
        {
            table.Row("Role", role);
        }

        table.Row("Expires", Render.Time(expiresAt) + (expiresSoon ? "  (soon!)" : string.Empty));
        table.Row("Token from", context.TokenSource);
        if (!AkuaApi.IsWorkspaceToken(context.Token))
        {
            table.Row("Active workspace", context.Workspace ?? "none (cnap workspaces switch)");
        }

        context.Out.Write(table);
        return ExitCodes.Ok;
    }

    public static async Task<int> LogoutAsync(CliContext context, CancellationToken cancellationToken)
    {
        if (context.Token is null)
        {
            context.Say("Not logged in.");
            return ExitCodes.Ok;
        }

        if (!AkuaApi.IsWorkspaceToken(context.Token))
        {
            // End the session on the server, not only here. An already ended one is fine.
            try
            {
                await context.Api.PostAsync("api/auth/sign-out", null, cancellationToken);
            }
            catch (CliException e) when (e.ExitCode == ExitCodes.NotAuthenticated)
            {
            }
        }

        if (context.TokenFromEnvironment)
        {
            context.Say("The session is ended, but AKUA_API_TOKEN is still set in your environment: unset it.");
            return ExitCodes.Ok;
        }

        context.Config.Auth.Token = null;
        context.Store.Save(context.Config);
        context.Say(AkuaApi.IsWorkspaceToken(context.Token)
            ? "Forgot the workspace API token (it still works; revoke it with cnap auth tokens revoke)."
            : "Logged out.");
        return ExitCodes.Ok;
    }

    public static int PrintToken(CliContext context)
    {
        if (context.Token is null)
        {
            throw new CliException(ExitCodes.NotAuthenticated, "Not logged in. Run: cnap auth login");
        }

        context.Environment.Out.WriteLine(context.Token);
        return ExitCodes.Ok;
    }

    private static async Task<JsonElement> WhoAmIAsync(CliContext context, string token, CancellationToken cancellationToken)
    {
        try
        {
            return await context.ApiWith(token).GetAsync("v1/auth/whoami", cancellationToken);
        }
        catch (CliException e) when (e.ExitCode == ExitCodes.NotAuthenticated)
        {
            throw new CliException(ExitCodes.NotAuthenticated, "The server rejected that token: it is unknown, expired or revoked.");
        }
    }

    /// <summary>RFC 8628 with a library made for it: discovery, device authorization, polling at the server's pace.</summary>
    private static async Task<string> DeviceLoginAsync(CliContext context, bool noBrowser, CancellationToken cancellationToken)
    {
        var discovery = await context.Http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = context.ApiUrl,
            Policy = new DiscoveryPolicy { DiscoveryDocumentPath = ".well-known/oauth-authorization-server", RequireKeySet = false },
        }, cancellationToken);
        ThrowIfFailed(context, discovery, "discover the login endpoints");

        var authorization = await context.Http.RequestDeviceAuthorizationAsync(new DeviceAuthorizationRequest
        {
            Address = discovery.DeviceAuthorizationEndpoint,
            ClientId = ClientId,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
        }, cancellationToken);
        ThrowIfFailed(context, authorization, "start the login");

        var url = authorization.VerificationUriComplete ?? authorization.VerificationUri!;
        context.Say("To log in, open this page in a browser and approve the request:");
        context.Say($"  {url}");
        context.Say($"Your code: {authorization.UserCode}");
        if (!noBrowser && context.Environment.OpenBrowser(url))
        {
            context.Say("(A browser window should have opened.)");
        }

        var poll = () => PollAsync(context, discovery.TokenEndpoint!, authorization, cancellationToken);
        return context.Environment.IsInteractive && !context.Json
            ? await context.Err.Status().Spinner(Spinner.Known.Dots).StartAsync("Waiting for approval in the browser… (Ctrl-C to stop)", _ => poll())
            : await poll();
    }

    private static async Task<string> PollAsync(CliContext context, string tokenEndpoint, DeviceAuthorizationResponse authorization, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(authorization.Interval > 0 ? authorization.Interval : 5);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(authorization.ExpiresIn ?? 900);
        while (DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(interval, cancellationToken);
            var answer = await context.Http.RequestDeviceTokenAsync(new DeviceTokenRequest
            {
                Address = tokenEndpoint,
                ClientId = ClientId,
                ClientCredentialStyle = ClientCredentialStyle.PostBody,
                DeviceCode = authorization.DeviceCode!,
            }, cancellationToken);
            if (!answer.IsError)
            {
                return answer.AccessToken!;
            }

            switch (answer.Error)
            {
                case "authorization_pending":
                    continue;
                case "slow_down":
                    interval += TimeSpan.FromSeconds(5); // RFC 8628 section 3.5, and it stays grown
                    continue;
                case "access_denied":
                    throw new CliException(ExitCodes.Error, "The login was denied in the browser.");
                case "expired_token":
                    throw new CliException(ExitCodes.Error, "The code expired before it was approved. Run cnap auth login again.");
                default:
                    ThrowIfFailed(context, answer, "finish the login");
                    break;
            }
        }

        throw new CliException(ExitCodes.Error, "The code expired before it was approved. Run cnap auth login again.");
    }

    private static void ThrowIfFailed(CliContext context, ProtocolResponse response, string what)
    {
        if (!response.IsError)
        {
            return;
        }

        if (response.ErrorType == ResponseErrorType.Exception && response.Exception is HttpRequestException or System.Net.Sockets.SocketException)
        {
            throw AkuaApi.Unreachable(context.Http.BaseAddress);
        }

        throw response.HttpStatusCode == System.Net.HttpStatusCode.TooManyRequests
            ? new CliException(ExitCodes.Retryable, $"Could not {what}: too many attempts from this address. Wait a minute, then try again.")
            : new CliException(ExitCodes.Error, $"Could not {what}: {response.Error}");
    }

    private static string Describe(JsonElement me) =>
        me.GetProperty("user") is { ValueKind: JsonValueKind.Object } user
            ? $"{user.Str("name")} <{user.Str("email")}>"
            : $"workspace {me.GetProperty("workspace").Str("name")} ({me.GetProperty("workspace").Str("id")}), role {me.Str("role")}";
}
