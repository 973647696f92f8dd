using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Akua.Cli.Commands;

namespace Akua.Cli;

/// <summary>The <c>cnap</c> command tree (API.md section 9). Parsing, help and completions are System.CommandLine's.</summary>
public static class CnapApp
{
    public const int Cancelled = 130;

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken)
    {
        try
        {
            var root = Build(environment);
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0 && parsed.Action is not HelpWithExamples)
            {
                foreach (var error in parsed.Errors)
                {
                    await environment.Err.WriteLineAsync("error: " + error.Message);
                }

                await environment.Err.WriteLineAsync($"Run '{CommandPath(parsed.CommandResult.Command)} --help' for usage.");
                return ExitCodes.Usage;
            }

            // Ctrl-C is Program's (it cancels cancellationToken), not System.CommandLine's own handler.
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = environment.Out, Error = environment.Err, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, cancellationToken);
        }
        catch (CliException e)
        {
            await environment.Err.WriteLineAsync("error: " + Output.TerminalText.Safe(e.Message)); // it may name what someone else chose
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await environment.Err.WriteLineAsync("Cancelled.");
            return Cancelled;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A failure no one foresaw is still one line and exit 1; the stack trace only on request.
            await environment.Err.WriteLineAsync($"error: unexpected {e.GetType().Name}: {Output.TerminalText.Safe(e.Message)}");
            if (environment.Variable("CNAP_DEBUG") is { Length: > 0 })
            {
                await environment.Err.WriteLineAsync(e.ToString());
            }
            else
            {
                await environment.Err.WriteLineAsync("Set CNAP_DEBUG=1 to see where, and report it.");
            }

            return ExitCodes.Error;
        }
    }

    private static string CommandPath(Command command) =>
        string.Join(' ', Ancestry(command).Reverse().Select(c => c is RootCommand ? "cnap" : c.Name));

    private static IEnumerable<Command> Ancestry(Command command)
    {
        for (Symbol? symbol = command; symbol is Command c; symbol = c.Parents.FirstOrDefault())
        {
            yield return c;
        }
    }

    private static RootCommand Build(CliEnvironment environment)
    {
        var apiUrl = new Option<string?>("--api-url") { Description = "The Akua API (default: AKUA_API_URL, then the config file's api_url, then " + Config.ServerUrl.Default + ")", Recursive = true };
        var output = new Option<string>("--output", "-o") { Description = "table (default; tab-separated when piped) or json (the API's data only, on stdout)", DefaultValueFactory = _ => "table", Recursive = true };
        output.AcceptOnlyFromAmong("table", "json");
        var config = new Option<string?>("--config") { Description = "The config file (default: CNAP_CONFIG, then ~/.cnap/config.yaml)", Recursive = true };
        var examples = new Dictionary<Command, string[]>();

        Func<ParseResult, CancellationToken, Task<int>> Run(Func<CliContext, ParseResult, CancellationToken, Task<int>> body) => async (parse, ct) =>
        {
            using var context = new CliContext(environment, parse.GetValue(apiUrl), parse.GetValue(config), parse.GetValue(output) == "json");
            try
            {
                return await body(context, parse, ct);
            }
            finally
            {
                context.WarnIfExpiringSoon();
            }
        };

        Command Group(string name, string description, params Command[] children)
        {
            var group = new Command(name, description);
            foreach (var child in children)
            {
                group.Subcommands.Add(child);
            }

            return group;
        }

        // auth login
        var token = new Option<string?>("--token") { Description = "Store this token (sk_akua_..., a session token or a JWT) after checking it. It lands in your shell history: prefer --with-token" };
        var withToken = new Option<bool>("--with-token") { Description = "Read the token to store from stdin (keeps it out of argv and shell history)" };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Do not open a browser; print the URL and code only" };
        var login = new Command("login", "Log in through the browser (OAuth device flow), or store a given token") { token, withToken, noBrowser };
        login.SetAction(Run((c, p, ct) => AuthCommands.LoginAsync(c, p.GetResult(token) is not null ? p.GetValue(token) ?? string.Empty : null, p.GetValue(withToken), p.GetValue(noBrowser), ct)));
        examples[login] =
        [
            "cnap auth login                                   # device login: approve in the browser",
            "cnap auth login --api-url https://auth.example.com",
            "echo \"$AKUA_TOKEN\" | cnap auth login --with-token   # store a token without putting it in argv",
        ];

        var status = new Command("status", "Show the server, the credential (kind and prefix, never the token), who it is, its workspace, expiry and where it came from");
        status.SetAction(Run((c, _, ct) => AuthCommands.StatusAsync(c, ct)));
        examples[status] = ["cnap auth status", "cnap auth status --output json | jq -r .user.email"];

        var logout = new Command("logout", "End the stored session on the server, then remove it from the config file");
        logout.SetAction(Run((c, _, ct) => AuthCommands.LogoutAsync(c, ct)));
        examples[logout] = ["cnap auth logout", "cnap auth logout --api-url https://auth.example.com"];

        var printToken = new Command("token", "Print the token this invocation would send (for scripts)");
        printToken.SetAction(Run((c, _, _) => Task.FromResult(AuthCommands.PrintToken(c))));
        examples[printToken] = ["curl -H \"Authorization: Bearer $(cnap auth token)\" http://localhost:5080/v1/auth/whoami"];

        // auth tokens
        var list = new Command("list", "List the active workspace's API tokens");
        list.SetAction(Run((c, _, ct) => TokenCommands.ListAsync(c, ct)));
        examples[list] = ["cnap auth tokens list", "cnap auth tokens list | cut -f1,2        # ids and names, tab-separated"];
        var name = new Option<string>("--name") { Description = "A name to recognize the token by", Required = true };
        var expiresIn = new Option<string?>("--expires-in") { Description = "Lifetime, like 30d, 12h, 2w or 1y (default: no expiry)" };
        var role = new Option<string>("--role") { Description = "admin (default) or member", DefaultValueFactory = _ => "admin" };
        role.AcceptOnlyFromAmong("admin", "member");
        var permission = new Option<string[]>("--permission") { Description = "What the token may do, repeatable: installs:write, api_tokens:read, ... (default: all its role allows)", DefaultValueFactory = _ => [] };
        var allowIp = new Option<string[]>("--allow-ip") { Description = "Where the token may be used from, repeatable: an IPv4 or IPv6 network (203.0.113.0/24, 2001:db8::/32) or address (default: anywhere)", DefaultValueFactory = _ => [] };
        var create = new Command("create", "Create an API token in the active workspace (shown once, on stdout)") { name, expiresIn, role, permission, allowIp };
        create.SetAction(Run((c, p, ct) => TokenCommands.CreateAsync(c, p.GetValue(name)!, p.GetValue(expiresIn), p.GetValue(role)!, p.GetValue(permission)!, p.GetValue(allowIp)!, ct)));
        examples[create] =
        [
            "cnap auth tokens create --name ci --expires-in 90d --role member",
            "TOKEN=$(cnap auth tokens create --name deploy --expires-in 30d --permission installs:write --allow-ip 203.0.113.0/24)",
        ];
        var tokenId = new Argument<string>("token-id") { Description = "The token's id (tok_...)" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation" };
        var revoke = new Command("revoke", "Revoke an API token at once, on every node") { tokenId, yes };
        revoke.SetAction(Run((c, p, ct) => TokenCommands.RevokeAsync(c, p.GetValue(tokenId)!, p.GetValue(yes), ct)));
        examples[revoke] = ["cnap auth tokens revoke tok_0123456789abcdef0123456789abcdef", "cnap auth tokens revoke tok_0123456789abcdef0123456789abcdef --yes   # in a script"];
        var overlap = new Option<string>("--overlap") { Description = "How long the old token keeps working: 0 (stops now) to 7d, like 1h or 2d (default 24h)", DefaultValueFactory = _ => "24h" };
        var roll = new Command("roll", "Replace an API token with a new one (printed once, on stdout); the old one works for the overlap") { tokenId, overlap };
        roll.SetAction(Run((c, p, ct) => TokenCommands.RollAsync(c, p.GetValue(tokenId)!, p.GetValue(overlap)!, ct)));
        examples[roll] = ["cnap auth tokens roll tok_0123456789abcdef0123456789abcdef --overlap 1h", "NEW=$(cnap auth tokens roll tok_0123456789abcdef0123456789abcdef --overlap 0)"];
        var tokens = Group("tokens", "Manage the active workspace's API tokens", list, create, roll, revoke);

        var auth = Group("auth", "Log in and out, and manage API tokens", login, status, logout, printToken, tokens);

        // workspaces
        var workspacesList = new Command("list", "List your workspaces (* marks the active one)");
        workspacesList.SetAction(Run((c, _, ct) => WorkspaceCommands.ListAsync(c, ct)));
        examples[workspacesList] = ["cnap workspaces list", "cnap workspaces list --output json | jq -r '.[] | select(.active) | .id'"];
        var workspaceId = new Argument<string?>("workspace") { Description = "Workspace id or slug (omit to choose at a terminal)", Arity = ArgumentArity.ZeroOrOne };
        var @switch = new Command("switch", "Set the active workspace (sent as Akua-Context with your session)") { workspaceId };
        @switch.SetAction(Run((c, p, ct) => WorkspaceCommands.SwitchAsync(c, p.GetValue(workspaceId), ct)));
        examples[@switch] = ["cnap workspaces switch                # choose from a list", "cnap workspaces switch my-team"];
        var workspaceName = new Argument<string>("name") { Description = "The new workspace's name" };
        var slug = new Option<string?>("--slug") { Description = "A URL-safe short name (default: made from the name)" };
        var workspacesCreate = new Command("create", "Create a workspace that you own") { workspaceName, slug };
        workspacesCreate.SetAction(Run((c, p, ct) => WorkspaceCommands.CreateAsync(c, p.GetValue(workspaceName)!, p.GetValue(slug), ct)));
        examples[workspacesCreate] = ["cnap workspaces create \"Payments team\" --slug payments"];
        var workspaces = Group("workspaces", "List, switch and create workspaces", workspacesList, @switch, workspacesCreate);

        // audit
        var mine = new Option<bool>("--mine") { Description = "Your own account's events (sign-ins, sessions, device logins) instead of the workspace's" };
        var action = new Option<string?>("--action") { Description = "One action (api_token.created) or a family, with the dot (api_token.)" };
        var actor = new Option<string?>("--actor") { Description = "Only what this usr_ or tok_ id did" };
        var since = new Option<string?>("--since") { Description = "Only the last ..., like 24h, 7d or 2w" };
        var limit = new Option<int>("--limit") { Description = "At most this many events, newest first (default 50, at most 1000)", DefaultValueFactory = _ => 50 };
        var auditList = new Command("list", "List the active workspace's audit log, newest first (owners and admins)") { mine, action, actor, since, limit };
        auditList.SetAction(Run((c, p, ct) => AuditCommands.ListAsync(c, p.GetValue(mine), p.GetValue(action), p.GetValue(actor), p.GetValue(since), p.GetValue(limit), ct)));
        examples[auditList] = ["cnap audit list --since 7d", "cnap audit list --action api_token. --limit 200", "cnap audit list --mine --action user.sign_in_failed"];
        var audit = Group("audit", "Read the audit log: who changed what, from where", auditList);

        var root = new RootCommand("cnap: the Akua command-line client") { apiUrl, output, config, auth, workspaces, audit };
        examples[root] = ["cnap auth login", "cnap workspaces switch", "cnap auth tokens create --name ci --expires-in 90d"];
        examples[auth] = examples[login].Take(1).Concat(examples[status].Take(1)).ToArray();
        examples[tokens] = [examples[list][0], examples[create][0]];
        examples[workspaces] = [examples[workspacesList][0], examples[@switch][1]];
        examples[audit] = [examples[auditList][0], examples[auditList][2]];

        // A command with subcommands and nothing else to do shows its help (bare "cnap" too), exit 0.
        foreach (var group in new Command[] { root, auth, tokens, workspaces, audit })
        {
            group.SetAction(parse => parse.RootCommandResult.Command.Parse([.. Ancestry(group).Reverse().Skip(1).Select(c => c.Name), "--help"])
                .Invoke(new InvocationConfiguration { Output = environment.Out, Error = environment.Err }));
        }

        AddExamples(root, examples);
        return root;
    }

    /// <summary>Every command's help ends with examples.</summary>
    private static void AddExamples(RootCommand root, Dictionary<Command, string[]> examples)
    {
        if (root.Options.OfType<HelpOption>().FirstOrDefault() is { Action: HelpAction standard } help)
        {
            help.Action = new HelpWithExamples(standard, examples);
        }
    }

    /// <summary>System.CommandLine's help, then the command's examples.</summary>
    private sealed class HelpWithExamples(HelpAction standard, Dictionary<Command, string[]> examples) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var code = standard.Invoke(parseResult);
            if (examples.TryGetValue(parseResult.CommandResult.Command, out var lines))
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (var line in lines)
                {
                    output.WriteLine("  " + line);
                }

                output.WriteLine();
            }

            return code;
        }
    }
}
