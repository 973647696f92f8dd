using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Akua.Cli;

/// <summary>
/// Everything the CLI takes from the process: streams, environment, home folder, whether a person is at a
/// terminal, and how to open a browser. Tests run the real commands with their own.
/// </summary>
public sealed class CliEnvironment
{
    public required TextWriter Out { get; init; }

    public required TextWriter Err { get; init; }

    public required Func<string, string?> Variable { get; init; }

    /// <summary>The home folder: <c>HOME</c> as set (the user profile on Windows); null when unset.</summary>
    public required string? Home { get; init; }

    /// <summary>stdin, opened only when a command reads it (<c>--with-token</c>).</summary>
    public Func<TextReader> In { get; init; } = () => TextReader.Null;

    /// <summary>A person can answer prompts (stdin, stdout and stderr are a terminal).</summary>
    public bool IsInteractive { get; init; }

    /// <summary>stdout is a terminal: aligned columns with headers; otherwise tab-separated rows for scripts.</summary>
    public bool OutputIsTerminal { get; init; }

    /// <summary>The terminal's width in columns (80 when it cannot be told).</summary>
    public int Width { get; init; } = 80;

    /// <summary>Opens a URL in a browser; false when there is no display or no opener.</summary>
    public Func<string, bool> OpenBrowser { get; init; } = _ => false;

    public static CliEnvironment FromProcess() => new()
    {
        Out = Console.Out,
        Err = Console.Error,
        Variable = Environment.GetEnvironmentVariable,
        // Not GetFolderPath(UserProfile): it answers "" for a HOME that does not exist, and a relative path made
        // from "" would put the config in the working directory.
        Home = OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify) : Environment.GetEnvironmentVariable("HOME"),
        In = () => Console.In,
        // Prompts are drawn on stderr: a person must see it as well as type.
        IsInteractive = !Console.IsInputRedirected && !Console.IsOutputRedirected && !Console.IsErrorRedirected,
        OutputIsTerminal = !Console.IsOutputRedirected,
        Width = TerminalWidth(),
        OpenBrowser = OpenWithPlatformOpener,
    };

    private static int TerminalWidth()
    {
        try
        {
            return !Console.IsOutputRedirected && Console.WindowWidth is > 0 and var width ? width : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }

    private static bool OpenWithPlatformOpener(string url)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Process.Start(new ProcessStartInfo(url) { UseShellExecute = true });
                return true;
            }

            if (OperatingSystem.IsMacOS())
            {
                Process.Start("open", url);
                return true;
            }

            // Elsewhere only with a display: over SSH or in a container there is nothing to open.
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.IsOSPlatform(OSPlatform.FreeBSD))
            {
                if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY")))
                {
                    return false;
                }

                var opener = new ProcessStartInfo("xdg-open") { RedirectStandardOutput = true, RedirectStandardError = true };
                opener.ArgumentList.Add(url);
                Process.Start(opener);
                return true;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }

        return false;
    }
}
