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

return await CnapApp.RunAsync(args, CliEnvironment.FromProcess(), cancellation.Token);
