namespace Akua.Cli;

/// <summary>The CLI's exit codes (API.md section 9), so scripts can tell failures apart.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;
    public const int NotAuthenticated = 3;
    public const int ConfirmationRequired = 4;
    public const int Conflict = 5;

    /// <summary>Rate limited, the server unreachable or unavailable: trying again later may work.</summary>
    public const int Retryable = 6;
}

/// <summary>A failure that ends the command with a message on stderr and a given exit code.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
