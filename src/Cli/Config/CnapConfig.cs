using System.Text;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Akua.Cli.Config;

/// <summary>
/// <c>~/.cnap/config.yaml</c>: the server commands talk to by default (<c>api_url</c>: the last one logged in to),
/// and per server (like gh's hosts) its credential and active workspace. A token is stored under the server that
/// accepted it and is sent to no other (ADR 0019).
/// </summary>
/// <example>
/// <code>
/// api_url: https://auth.example.com
/// servers:
///   https://auth.example.com:
///     token: ...
///     active_workspace: ws_...
/// </code>
/// </example>
public sealed class CnapConfig
{
    public string? ApiUrl { get; set; }

    public Dictionary<string, ServerEntry> Servers { get; set; } = [];

    /// <summary>Before per-server credentials (cnap 0.1): one token, bound to <see cref="ApiUrl"/>. Read, never written.</summary>
    public string? ActiveWorkspace { get; set; }

    /// <inheritdoc cref="ActiveWorkspace"/>
    public LegacyAuth? Auth { get; set; }

    /// <summary>The entry of <paramref name="apiUrl"/> (canonical), if any.</summary>
    public ServerEntry? For(string apiUrl) => Servers.GetValueOrDefault(apiUrl);

    /// <summary>The entry of <paramref name="apiUrl"/>, made if missing.</summary>
    public ServerEntry Ensure(string apiUrl) => Servers.TryGetValue(apiUrl, out var entry) ? entry : Servers[apiUrl] = new ServerEntry();

    /// <summary>Moves a cnap 0.1 file's single token under the server it was used with.</summary>
    internal void Upgrade()
    {
        if (Auth?.Token is { Length: > 0 } token || ActiveWorkspace is { Length: > 0 })
        {
            var server = ServerUrl.Normalize(ApiUrl ?? ServerUrl.Default, "the config file's api_url");
            var entry = Ensure(server);
            entry.Token ??= Auth?.Token;
            entry.ActiveWorkspace ??= ActiveWorkspace;
        }

        Auth = null;
        ActiveWorkspace = null;
        Servers = Servers.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value);
    }

    public sealed class ServerEntry
    {
        public string? Token { get; set; }

        public string? ActiveWorkspace { get; set; }
    }

    public sealed class LegacyAuth
    {
        public string? Token { get; set; }
    }
}

/// <summary>
/// Reads and writes the config file. It is found like this: <c>--config</c>, else <c>CNAP_CONFIG</c>, else
/// <c>.cnap/config.yaml</c> in the home folder (<c>HOME</c>; the user profile on Windows), never the working
/// directory. The folder is made 0700 and the file 0600 (it holds tokens), written to a temporary file first
/// and moved into place, so a crash never leaves half a file. Every failure is one line that says what to do.
/// </summary>
public sealed class ConfigStore
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull | DefaultValuesHandling.OmitEmptyCollections)
        .Build();

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    private static readonly UTF8Encoding Utf8WithoutBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly string? _unusableReason;

    private ConfigStore(string? path, string? unusableReason)
    {
        Path = path;
        _unusableReason = unusableReason;
    }

    /// <summary>The file, or null when there is no home folder to put it in (then only the environment can log in).</summary>
    public string? Path { get; }

    public static ConfigStore Locate(string? option, CliEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return new ConfigStore(System.IO.Path.GetFullPath(option), null);
        }

        if (environment.Variable("CNAP_CONFIG") is { } named && !string.IsNullOrWhiteSpace(named))
        {
            return new ConfigStore(System.IO.Path.GetFullPath(named), null);
        }

        var home = environment.Home;
        if (string.IsNullOrWhiteSpace(home) || !System.IO.Path.IsPathFullyQualified(home))
        {
            return new ConfigStore(null, "there is no home folder (HOME is not set to an absolute path)");
        }

        return new ConfigStore(System.IO.Path.Combine(home, ".cnap", "config.yaml"), null);
    }

    public CnapConfig Load()
    {
        if (Path is null || !File.Exists(Path))
        {
            return new CnapConfig();
        }

        string text;
        try
        {
            text = File.ReadAllText(Path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Error, $"Cannot read the config file {Path}: {Reason(e)}.");
        }

        CnapConfig config;
        try
        {
            config = Deserializer.Deserialize<CnapConfig?>(text) ?? new CnapConfig();
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new CliException(ExitCodes.Error, $"The config file {Path} is not valid YAML (line {e.Start.Line}). Fix or delete it.");
        }

        config.Servers ??= [];
        config.Upgrade();
        return config;
    }

    /// <summary>Fails now, with the message <see cref="Save"/> would give, if the config cannot be written.</summary>
    public void EnsureWritable() => Write(null);

    public void Save(CnapConfig config) => Write(Serializer.Serialize(config));

    /// <summary>Writes <paramref name="yaml"/>, or only proves it could be written when it is null.</summary>
    private void Write(string? yaml)
    {
        if (Path is null)
        {
            throw new CliException(ExitCodes.Error, $"Cannot store anything: {_unusableReason}. Set HOME, or name a file with --config or CNAP_CONFIG (or, in CI, use AKUA_API_TOKEN and store nothing).");
        }

        var folder = System.IO.Path.GetDirectoryName(Path)!;
        var isUnix = !OperatingSystem.IsWindows();
        string? temporary = null;
        try
        {
            if (!Directory.Exists(folder))
            {
                // Only the config's own folder is made: a home folder that is missing (or is a file) is a mistake to
                // report, not to paper over by writing somewhere else.
                foreach (var level in new[] { folder, System.IO.Path.GetDirectoryName(folder) })
                {
                    if (level is not null && File.Exists(level))
                    {
                        throw new CliException(ExitCodes.Error, $"Cannot write the config file {Path}: {level} is a file, not a folder. Name another file with --config or CNAP_CONFIG.");
                    }
                }

                if (System.IO.Path.GetDirectoryName(folder) is { } parent && !Directory.Exists(parent))
                {
                    throw new CliException(ExitCodes.Error, $"Cannot write the config file {Path}: the folder {parent} does not exist. Create it, or name another file with --config or CNAP_CONFIG.");
                }

                if (isUnix)
                {
                    Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
                else
                {
                    Directory.CreateDirectory(folder);
                }
            }

            // A new file of our own (O_EXCL, 0600 from the start), never one planted there or a link to another:
            // the token is written only into it, then it is moved over the config in one step.
            temporary = $"{Path}.{Guid.NewGuid():N}.tmp";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (isUnix)
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var writer = new StreamWriter(temporary, Utf8WithoutBom, options))
            {
                writer.Write(yaml ?? string.Empty);
            }

            if (yaml is not null)
            {
                File.Move(temporary, Path, overwrite: true);
                temporary = null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Error, $"Cannot write the config file {Path}: {Reason(e)}. Name another file with --config or CNAP_CONFIG (or, in CI, use AKUA_API_TOKEN and store nothing).");
        }
        finally
        {
            if (temporary is not null)
            {
                try
                {
                    File.Delete(temporary);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
    }

    private static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        DirectoryNotFoundException => "its folder does not exist",
        FileNotFoundException => "it does not exist",
        PathTooLongException => "the path is too long",
        IOException { HResult: 30 } => "the file system is read-only", // EROFS
        _ => e.Message.TrimEnd('.'),
    };
}
