using System.CommandLine;
using Akua.Cli.Commands;

namespace Akua.Cli;

/// <summary>The <c>cnap</c> command tree (API.md section 9). Parsing, help and completions are System.CommandLine's.</summary>
public static class CnapApp
{
    public const int Cancelled = 130;

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var root = Build(environment);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await environment.Err.WriteLineAsync("error: " + error.Message);
            }

            await environment.Err.WriteLineAsync("Run 'cnap --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = environment.Out, Error = environment.Err, EnableDefaultExceptionHandler = false }, cancellationToken);
    }

    private static RootCommand Build(CliEnvironment environment)
    {
        var apiUrl = new Option<string?>("--api-url") { Description = "The Akua API (default: AKUA_API_URL, then the config file, then " + CliContext.DefaultApiUrl + ")", Recursive = true };
        var output = new Option<string>("--output", "-o") { Description = "table (default) or json (data only on stdout)", DefaultValueFactory = _ => "table", Recursive = true };
        output.AcceptOnlyFromAmong("table", "json");
        var config = new Option<string?>("--config") { Description = "The config file (default: CNAP_CONFIG, then ~/.cnap/config.yaml)", Recursive = true };

        Func<ParseResult, CancellationToken, Task<int>> Run(Func<CliContext, ParseResult, CancellationToken, Task<int>> body) => async (parse, ct) =>
        {
            try
            {
                using var context = new CliContext(environment, parse.GetValue(apiUrl), parse.GetValue(config), parse.GetValue(output) == "json");
                return await body(context, parse, ct);
            }
            catch (CliException e)
            {
                await environment.Err.WriteLineAsync("error: " + e.Message);
                return e.ExitCode;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await environment.Err.WriteLineAsync("Cancelled.");
                return Cancelled;
            }
        };

        // auth login
        var token = new Option<string?>("--token") { Description = "Store this token (sk_akua_..., a session token or a JWT) after checking it, instead of logging in" };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Do not open a browser; print the URL and code only" };
        var login = new Command("login", "Log in through the browser (OAuth device flow), or store a given token") { token, noBrowser };
        login.SetAction(Run((c, p, ct) => AuthCommands.LoginAsync(c, p.GetValue(token), p.GetValue(noBrowser), ct)));

        var status = new Command("status", "Show the API, the credential (kind and prefix), who it is, its expiry and where it came from");
        status.SetAction(Run((c, _, ct) => AuthCommands.StatusAsync(c, ct)));

        var logout = new Command("logout", "End the session on the server, then forget it");
        logout.SetAction(Run((c, _, ct) => AuthCommands.LogoutAsync(c, ct)));

        var printToken = new Command("token", "Print the stored token (for scripts)");
        printToken.SetAction(Run((c, _, _) => Task.FromResult(AuthCommands.PrintToken(c))));

        // auth tokens
        var list = new Command("list", "List the active workspace's API tokens");
        list.SetAction(Run((c, _, ct) => TokenCommands.ListAsync(c, ct)));
        var name = new Option<string>("--name") { Description = "A name to recognize the token by", Required = true };
        var expiresIn = new Option<string?>("--expires-in") { Description = "Lifetime, like 30d, 12h, 2w or 1y (default: no expiry)" };
        var role = new Option<string>("--role") { Description = "admin (default) or member", DefaultValueFactory = _ => "admin" };
        role.AcceptOnlyFromAmong("admin", "member");
        var create = new Command("create", "Create an API token in the active workspace (shown once)") { name, expiresIn, role };
        create.SetAction(Run((c, p, ct) => TokenCommands.CreateAsync(c, p.GetValue(name)!, p.GetValue(expiresIn), p.GetValue(role)!, ct)));
        var tokenId = new Argument<string>("token-id") { Description = "The token's id (tok_...)" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation" };
        var revoke = new Command("revoke", "Revoke an API token at once") { tokenId, yes };
        revoke.SetAction(Run((c, p, ct) => TokenCommands.RevokeAsync(c, p.GetValue(tokenId)!, p.GetValue(yes), ct)));
        var tokens = new Command("tokens", "Manage the active workspace's API tokens") { list, create, revoke };

        var auth = new Command("auth", "Log in and out, and manage API tokens") { login, status, logout, printToken, tokens };

        // workspaces
        var workspacesList = new Command("list", "List your workspaces (* marks the active one)");
        workspacesList.SetAction(Run((c, _, ct) => WorkspaceCommands.ListAsync(c, ct)));
        var workspaceId = new Argument<string?>("workspace") { Description = "Workspace id or slug (omit to choose interactively)", Arity = ArgumentArity.ZeroOrOne };
        var @switch = new Command("switch", "Set the active workspace (sent as Akua-Context with your session)") { workspaceId };
        @switch.SetAction(Run((c, p, ct) => WorkspaceCommands.SwitchAsync(c, p.GetValue(workspaceId), ct)));
        var workspaceName = new Argument<string>("name") { Description = "The new workspace's name" };
        var slug = new Option<string?>("--slug") { Description = "A URL-safe short name (default: made from the name)" };
        var workspacesCreate = new Command("create", "Create a workspace that you own") { workspaceName, slug };
        workspacesCreate.SetAction(Run((c, p, ct) => WorkspaceCommands.CreateAsync(c, p.GetValue(workspaceName)!, p.GetValue(slug), ct)));
        var workspaces = new Command("workspaces", "List, switch and create workspaces") { workspacesList, @switch, workspacesCreate };

        return new RootCommand("cnap: the Akua command-line client") { apiUrl, output, config, auth, workspaces };
    }
}
