namespace Akua.WebApi.FunctionalTests.Support;

internal static class Accounts
{
    public static string NewEmail() => $"user-{Guid.NewGuid():N}@example.com";

    public static object SignUpBody(string? email = null, string password = "correct horse battery", string name = "Ann Example") =>
        new { email = email ?? NewEmail(), password, name };
}
