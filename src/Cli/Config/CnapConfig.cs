using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Akua.Cli.Config;

/// <summary><c>~/.cnap/config.yaml</c>: <c>api_url</c>, <c>active_workspace</c>, <c>auth.token</c>.</summary>
public sealed class CnapConfig
{
    public string? ApiUrl { get; set; }

    public string? ActiveWorkspace { get; set; }

    public AuthSection Auth { get; set; } = new();

    public sealed class AuthSection
    {
        public string? Token { get; set; }
    }
}

/// <summary>
/// Reads and writes the config file: the folder is 0700 and the file 0600 (it holds a token), written to a
/// temporary file first and moved into place, so a crash never leaves half a file.
/// </summary>
public sealed class ConfigStore(string path)
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .Build();

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    public string Path { get; } = path;

    /// <summary>The file named by <c>--config</c>, else <c>CNAP_CONFIG</c>, else <c>~/.cnap/config.yaml</c>.</summary>
    public static ConfigStore Locate(string? option, CliEnvironment environment) => new(
        !string.IsNullOrEmpty(option) ? option
        : environment.Variable("CNAP_CONFIG") is { Length: > 0 } fromEnvironment ? fromEnvironment
        : System.IO.Path.Combine(environment.Home, ".cnap", "config.yaml"));

    public CnapConfig Load()
    {
        if (!File.Exists(Path))
        {
            return new CnapConfig();
        }

        try
        {
            return Deserializer.Deserialize<CnapConfig?>(File.ReadAllText(Path)) ?? new CnapConfig();
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new CliException(ExitCodes.Error, $"The config file {Path} is not valid YAML (line {e.Start.Line}). Fix or delete it.");
        }
    }

    public void Save(CnapConfig config)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        var isUnix = !OperatingSystem.IsWindows();
        if (!Directory.Exists(folder))
        {
            if (isUnix)
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            else
            {
                Directory.CreateDirectory(folder);
            }
        }

        var temporary = Path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (isUnix)
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, System.Text.Encoding.UTF8, options))
        {
            writer.Write(Serializer.Serialize(config));
        }

        if (isUnix)
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, Path, overwrite: true);
    }
}
