namespace Akua.Infrastructure.Persistence;

/// <summary>A configuration or environment problem that stops the server; its message is the one line the operator sees.</summary>
public sealed class StartupException(string message) : Exception(message);
