using System.Text.Json.Nodes;
using Akua.Cli.Api;
using Akua.Cli.Api.Generated;
using Akua.Cli.Output;
using Duende.IdentityModel.Client;
using Spectre.Console;

namespace Akua.Cli.Commands;

/// <summary><c>cnap auth login | status | logout | token</c>.</summary>
internal static class AuthCommands
{
    public const string ClientId = "cnap-cli";
    private static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(7);

    /// <param name="token">The <c>--token</c> value ("" when given empty), or null.</param>
    public static async Task<int> LoginAsync(CliContext context, string? token, bool withToken, bool noBrowser, CancellationToken cancellationToken)
    {
        if (token is not null && withToken)
        {
            throw new CliException(ExitCodes.Usage, "Give the token one way: --token <token> or --with-token (from stdin). Run 'cnap auth login --help' for usage.");
        }

        if (withToken)
        {
            token = (await context.Environment.In().ReadToEndAsync(cancellationToken)).Trim();
            if (token.Length == 0)
            {
                throw new CliException(ExitCodes.Usage, "--with-token read no token from stdin. Example: echo \"$TOKEN\" | cnap auth login --with-token");
            }
        }
        else if (token is not null && string.IsNullOrWhiteSpace(token))
        {
            throw new CliException(ExitCodes.Usage, "--token is empty. Pass the token, or pipe it to: cnap auth login --with-token");
        }

        // Where the token will be stored is checked first: a device login must not leave a live session on the
        // server that nothing remembers.
        context.Store.EnsureWritable();
        token = token is null ? await DeviceLoginAsync(context, noBrowser, cancellationToken) : CliContext.CheckToken(token.Trim(), withToken ? "stdin" : "--token");
        var api = context.ApiWith(new Credential(token, CredentialSource.Stored, context.ApiUrl));
        WhoAmIResponse me;
        try
        {
            me = await api.CallAsync((client, ct) => client.WhoAmIAsync(ct), cancellationToken);
        }
        catch (CliException e) when (e.ExitCode == ExitCodes.NotAuthenticated)
        {
            throw new CliException(ExitCodes.NotAuthenticated, $"{context.ApiUrl} rejected that token: it is unknown, expired or revoked. Nothing was stored.");
        }

        var meJson = api.LastJson;
        var entry = context.Config.Ensure(context.ApiUrl);
        var replaced = entry.Token is { } previous && previous != token ? previous : null;
        entry.Token = token;
        context.Config.ApiUrl = context.ApiUrl; // the server commands talk to from now on
        if (!AkuaApi.IsWorkspaceToken(token))
        {
            // The active workspace stays if this user is in it (a login again); otherwise the user's newest one,
            // so workspace commands work at once.
            var page = await api.CallAsync((client, ct) => client.ListWorkspacesAsync(limit: 100, cursor: null, cancellationToken: ct), cancellationToken);
            if (!page.Data.Any(w => w.Id == entry.ActiveWorkspace))
            {
                entry.ActiveWorkspace = page.Data.Select(w => w.Id).FirstOrDefault();
            }
        }
        else
        {
            entry.ActiveWorkspace = null;
        }

        context.Store.Save(context.Config);
        if (replaced is not null)
        {
            await EndReplacedAsync(context, replaced, cancellationToken);
        }

        if (context.Json)
        {
            context.PrintJson(meJson);
        }
        else
        {
            context.Say($"Logged in to {context.ApiUrl} as {Describe(me)}. The token is stored in {context.Store.Path}, for this server only.");
        }

        if (context.Credential?.Source == CredentialSource.Environment)
        {
            context.Say($"Note: {Credential.Variable} is set in your environment and wins over the stored token.");
        }

        return ExitCodes.Ok;
    }

    /// <summary>A login over a stored session ends that session on the server (best effort), so none is left alive unremembered.</summary>
    private static async Task EndReplacedAsync(CliContext context, string previous, CancellationToken cancellationToken)
    {
        if (AkuaApi.IsWorkspaceToken(previous) || previous.Contains('.', StringComparison.Ordinal) || previous.Any(c => c <= ' ' || c > '~'))
        {
            return; // a workspace token or a JWT is not a session: nothing to end here
        }

        try
        {
            await context.ApiWith(new Credential(previous, CredentialSource.Stored, context.ApiUrl)).CallAsync((client, ct) => client.SignOutAsync(ct), cancellationToken);
            context.Say("Ended the session this login replaced.");
        }
        catch (CliException e) when (e.ExitCode is ExitCodes.NotAuthenticated or ExitCodes.Error)
        {
            // Already ended, or not a session: nothing is left alive.
        }
        catch (CliException)
        {
            context.Say($"Could not end the session this login replaced; end it at {context.ApiUrl}/settings/sessions.");
        }
    }

    public static async Task<int> StatusAsync(CliContext context, CancellationToken cancellationToken)
    {
        var api = context.Api;
        var me = await api.CallAsync((client, ct) => client.WhoAmIAsync(ct), cancellationToken);
        var meJson = api.LastJson;
        var expiresSoon = me.Expires_at is { } at && DateTimeOffset.FromUnixTimeSeconds(at) - DateTimeOffset.UtcNow < ExpiryWarning;
        context.ExpiryShown = true; // said below, in its own words
        if (expiresSoon)
        {
            context.Say($"Warning: this credential expires on {Times.Absolute(me.Expires_at)}. Log in again or create a new token before then.");
        }

        // A broad credential acts in the active workspace: name it, and say so when it is gone.
        WorkspaceResponse? active = null;
        JsonNode? activeJson = null;
        string? activeProblem = null;
        if (!api.Credential.IsWorkspaceToken && context.Workspace is { } workspaceId)
        {
            try
            {
                active = await api.CallAsync((client, ct) => client.GetWorkspaceAsync(workspaceId, ct), cancellationToken);
                activeJson = JsonNode.Parse(api.LastJson.GetRawText());
            }
            catch (CliException e) when (e.ExitCode == ExitCodes.Error)
            {
                activeProblem = $"{workspaceId} (not one of yours any more: cnap workspaces switch)";
            }
        }

        if (context.Json)
        {
            var data = JsonNode.Parse(meJson.GetRawText())!.AsObject();
            data["api_url"] = context.ApiUrl;
            data["source"] = api.Credential.Source == CredentialSource.Environment ? "environment" : "config";
            data["config_file"] = context.Store.Path;
            data["expires_soon"] = expiresSoon;
            data["active_workspace"] = activeJson ?? (context.Workspace is { } id && !api.Credential.IsWorkspaceToken ? new JsonObject { ["id"] = id } : null);
            context.PrintJson(data);
            return ExitCodes.Ok;
        }

        var terminal = context.Environment.OutputIsTerminal;
        var rows = new List<(string Key, string Value)>
        {
            ("Server", context.ApiUrl),
            ("Logged in as", Describe(me)),
            ("Credential", $"{Kind(me.Kind)} {Mask(api.Credential.Token, me.Prefix)}"),
        };
        if (me.Role is { } role)
        {
            rows.Add(("Role", role.ToString().ToLowerInvariant()));
        }

        rows.Add(("Expires", Times.Absolute(me.Expires_at) + (expiresSoon ? "  (soon!)" : string.Empty)));
        rows.Add(("Token from", api.Credential.Origin(context.Store.Path)));
        if (!api.Credential.IsWorkspaceToken)
        {
            rows.Add(("Active workspace", active is not null ? $"{active.Name} ({active.Id})" : activeProblem ?? "none (cnap workspaces switch)"));
        }

        var width = rows.Max(r => r.Key.Length);
        foreach (var (key, value) in rows)
        {
            context.Line(terminal ? $"{(key + ":").PadRight(width + 2)}{value}" : $"{key}\t{value}");
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// Ends the session stored for this server, whatever the environment holds, then removes it from the file.
    /// Says exactly what happened; <c>AKUA_API_TOKEN</c> is the user's to unset, never sent here.
    /// </summary>
    public static async Task<int> LogoutAsync(CliContext context, CancellationToken cancellationToken)
    {
        var fromEnvironment = context.Credential?.Source == CredentialSource.Environment;
        var environmentNote = $"{Credential.Variable} is still set in your environment, and commands use it; cnap never stores or ends it: unset it yourself.";
        if (context.Config.For(context.ApiUrl)?.Token is not { Length: > 0 } stored)
        {
            context.Say($"Not logged in to {context.ApiUrl}: nothing is stored for it in {context.Store.Path ?? "the config file"}.");
            if (fromEnvironment)
            {
                context.Say(environmentNote);
            }

            return ExitCodes.Ok;
        }

        var credential = new Credential(stored, CredentialSource.Stored, context.ApiUrl);
        string done;
        if (credential.IsWorkspaceToken)
        {
            done = $"Removed the workspace API token {Mask(stored)} from {context.Store.Path}. It still works until it is revoked: cnap auth tokens revoke <id>.";
        }
        else if (stored.Contains('.', StringComparison.Ordinal))
        {
            done = $"Removed the OAuth access token from {context.Store.Path}. It stays valid until it expires (see cnap auth status before logging out).";
        }
        else
        {
            // The session ends on the server first: if the server cannot be reached, nothing is removed, so the
            // user can try again rather than leave a live session behind.
            try
            {
                await context.ApiWith(credential).CallAsync((client, ct) => client.SignOutAsync(ct), cancellationToken);
                done = $"Ended the session on {context.ApiUrl} and removed it from {context.Store.Path}.";
            }
            catch (CliException e) when (e.ExitCode == ExitCodes.NotAuthenticated)
            {
                done = $"The session had already ended on {context.ApiUrl}; removed it from {context.Store.Path}.";
            }
            catch (CliException e) when (e.ExitCode == ExitCodes.Retryable)
            {
                throw new CliException(ExitCodes.Retryable, $"{e.Message} The session was not ended, and is still stored: try again.");
            }
        }

        context.Config.Ensure(context.ApiUrl).Token = null;
        context.Store.Save(context.Config);
        context.Say(done);
        if (fromEnvironment)
        {
            context.Say(environmentNote);
        }

        return ExitCodes.Ok;
    }

    public static int PrintToken(CliContext context)
    {
        var credential = context.Credential ?? throw context.NotLoggedIn();
        context.Environment.Out.WriteLine(credential.Token);
        return ExitCodes.Ok;
    }

    /// <summary>RFC 8628 with a library made for it: discovery, device authorization, polling at the server's pace.</summary>
    private static async Task<string> DeviceLoginAsync(CliContext context, bool noBrowser, CancellationToken cancellationToken)
    {
        var discovery = await Transport.GuardAsync(context.ApiUrl, () => context.Http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = context.ApiUrl,
            Policy = new DiscoveryPolicy { DiscoveryDocumentPath = ".well-known/oauth-authorization-server", RequireKeySet = false },
        }, cancellationToken), cancellationToken);
        ThrowIfFailed(context, discovery, "discover the login endpoints");

        var authorization = await Transport.GuardAsync(context.ApiUrl, () => context.Http.RequestDeviceAuthorizationAsync(new DeviceAuthorizationRequest
        {
            Address = discovery.DeviceAuthorizationEndpoint,
            ClientId = ClientId,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
        }, cancellationToken), cancellationToken);
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

    /// <summary>
    /// A poll the server has not answered in this long is lost: the token endpoint only looks up a code, so a
    /// stalled connection is noticed here, not at the client's 30-second timeout for every request.
    /// </summary>
    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Polls at the server's interval (growing on <c>slow_down</c>, RFC 8628 section 3.5). A dropped connection,
    /// a poll unanswered for <see cref="PollTimeout"/> or a 5xx is not the end: the code is still good, so it
    /// retries with backoff until the code expires.
    /// </summary>
    private static async Task<string> PollAsync(CliContext context, string tokenEndpoint, DeviceAuthorizationResponse authorization, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(authorization.Interval > 0 ? authorization.Interval : 5);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(authorization.ExpiresIn ?? 900);
        var wait = interval;
        var failures = 0;
        var answerLost = false; // a poll the server may have answered with the token
        while (DateTimeOffset.UtcNow + wait < deadline)
        {
            await Task.Delay(wait, cancellationToken);
            wait = interval;
            TokenResponse? answer;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(PollTimeout);
            try
            {
                answer = await context.Http.RequestDeviceTokenAsync(new DeviceTokenRequest
                {
                    Address = tokenEndpoint,
                    ClientId = ClientId,
                    ClientCredentialStyle = ClientCredentialStyle.PostBody,
                    DeviceCode = authorization.DeviceCode!,
                }, attempt.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                answer = null; // the poll's timeout: a stalled connection, not the user's Ctrl-C
                answerLost = true;
            }

            if (answer is null || IsTransient(answer))
            {
                answerLost |= answer?.ErrorType == ResponseErrorType.Exception; // a reset may come after the server answered
                failures++;
                wait = TimeSpan.FromSeconds(Math.Min(60, interval.TotalSeconds * Math.Pow(2, Math.Min(failures, 6))));
                if (failures == 1)
                {
                    context.Say($"Lost contact with {context.ApiUrl}; still waiting, retrying every few seconds until the code expires.");
                }

                continue;
            }

            if (failures > 0)
            {
                context.Say($"Back in contact with {context.ApiUrl}.");
                failures = 0;
            }

            if (!answer.IsError)
            {
                return answer.AccessToken!;
            }

            switch (answer.Error)
            {
                case "authorization_pending":
                    continue;
                case "slow_down":
                    interval += TimeSpan.FromSeconds(5); // and it stays grown
                    wait = interval;
                    continue;
                case "access_denied":
                    throw new CliException(ExitCodes.Error, "The login was denied in the browser.");
                case "expired_token":
                    throw new CliException(ExitCodes.Error, "The code expired before it was approved. Run cnap auth login again.");
                case "invalid_grant" when answerLost:
                    // The code is spent: a poll that timed out reached the server after the approval, and its answer,
                    // the token, was lost on the way back.
                    throw new CliException(ExitCodes.Retryable, "The login was approved, but its answer was lost with the connection. Run cnap auth login again.");
                default:
                    ThrowIfFailed(context, answer, "finish the login");
                    break;
            }
        }

        throw new CliException(ExitCodes.Error, failures > 0
            ? $"The code expired while {context.ApiUrl} could not be reached. Run cnap auth login again."
            : "The code expired before it was approved. Run cnap auth login again.");
    }

    /// <summary>No answer at all (the library turns a dropped connection into an exception result), a 429 or a 5xx.</summary>
    private static bool IsTransient(TokenResponse answer) =>
        answer.ErrorType == ResponseErrorType.Exception
        || answer.HttpStatusCode == System.Net.HttpStatusCode.TooManyRequests
        || answer.HttpStatusCode is System.Net.HttpStatusCode.BadGateway or System.Net.HttpStatusCode.ServiceUnavailable or System.Net.HttpStatusCode.GatewayTimeout or System.Net.HttpStatusCode.InternalServerError;

    private static void ThrowIfFailed(CliContext context, ProtocolResponse response, string what)
    {
        if (!response.IsError)
        {
            return;
        }

        if (response.ErrorType == ResponseErrorType.Exception)
        {
            throw response.Exception switch
            {
                HttpRequestException e => Transport.Failure(context.ApiUrl, e),
                System.Net.Sockets.SocketException or IOException => Transport.Unreachable(context.ApiUrl),
                TaskCanceledException => new CliException(ExitCodes.Retryable, $"The Akua API at {context.ApiUrl} did not answer in time. Try again."),
                _ => new CliException(ExitCodes.Error, $"Could not {what} at {context.ApiUrl}: {response.Error}. Check --api-url or AKUA_API_URL."),
            };
        }

        throw response.HttpStatusCode == System.Net.HttpStatusCode.TooManyRequests
            ? new CliException(ExitCodes.Retryable, $"Could not {what}: too many attempts from this address. Wait a minute, then try again.")
            : new CliException(ExitCodes.Error, $"Could not {what} at {context.ApiUrl}: {response.Error}");
    }

    private static string Describe(WhoAmIResponse me) =>
        me.User is { } user
            ? $"{user.Name} <{user.Email}>"
            : $"workspace {me.Workspace?.Name} ({me.Workspace?.Id}), role {me.Role?.ToString().ToLowerInvariant()}";

    private static string Kind(CredentialKind kind) => kind switch
    {
        CredentialKind.Session => "session",
        CredentialKind.Jwt => "OAuth access token (JWT)",
        _ => "workspace API token",
    };

    /// <summary>A token for display: the API's prefix of a workspace token, else its first four characters.</summary>
    public static string Mask(string token, string? prefix = null) =>
        (prefix ?? (token.Length > 4 ? token[..4] : string.Empty)) + "…";
}
