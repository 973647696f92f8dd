using System.Net;
using System.Text.RegularExpressions;

namespace Akua.WebApi.FunctionalTests.Support;

/// <summary>
/// A person at a browser, through real HTTP: signs in on the /login form (the cookie jar keeps the session
/// and anti-forgery cookies) and posts the pages' forms with the anti-forgery token they carry.
/// </summary>
public sealed partial class BrowserSession(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public static async Task<BrowserSession> SignInAsync(AkuaApiFactory factory, TestUser user)
    {
        var browser = new BrowserSession(factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));
        var response = await browser.SubmitAsync("/login", "/login", new() { ["Email"] = user.Email, ["Password"] = "correct horse battery" });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    public async Task<string> GetPageAsync(string url)
    {
        var response = await Http.GetAsync(url, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Loads <paramref name="pageUrl"/>, takes its anti-forgery token, and posts the form to <paramref name="postUrl"/>.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string pageUrl, string postUrl, Dictionary<string, string> fields)
    {
        var page = await GetPageAsync(pageUrl);
        var token = AntiforgeryToken().Match(page);
        Assert.True(token.Success, "the page has no anti-forgery token");
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        return await Http.PostAsync(postUrl, new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);
    }

    /// <summary>Approves or denies a device code on the /device page, as a person would.</summary>
    public async Task<string> DecideAsync(string userCode, bool approve)
    {
        var handler = approve ? "Approve" : "Deny";
        var response = await SubmitAsync($"/device?user_code={userCode}", $"/device?handler={handler}", new() { ["user_code"] = userCode });

        // The decision redirects (post, redirect, get) to the page that says what happened.
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await GetPageAsync(response.Headers.Location!.OriginalString);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
