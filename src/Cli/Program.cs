using Akua.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C stops polling cleanly; a second one ends the process as usual.
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        cancellation.Cancel();
    }
};

CliEnvironment environment;
try
{
    environment = CliEnvironment.FromProcess();
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
{
    // Even here, one line (a closed stdout or stderr, a terminal that cannot be read).
    Console.Error.WriteLine($"error: cannot start: {e.Message}");
    return ExitCodes.Error;
}

return await CnapApp.RunAsync(args, environment, cancellation.Token);
