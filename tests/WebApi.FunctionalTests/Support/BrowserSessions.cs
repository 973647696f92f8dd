using Akua.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Akua.WebApi.FunctionalTests.Support;

internal static class BrowserSessions
{
    /// <summary>A browser-like session on the in-process server, signed in as <paramref name="user"/>.</summary>
    public static Task<BrowserSession> SignInAsync(AkuaApiFactory factory, TestUser user) =>
        BrowserSession.SignInAsync(factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }), user.Email, "correct horse battery");
}
