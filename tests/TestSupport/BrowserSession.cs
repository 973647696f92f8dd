using System.Net;
using System.Text.RegularExpressions;
using Xunit;

namespace Akua.TestSupport;

/// <summary>
/// A person at a browser, through real HTTP: signs in on the /login form (the cookie jar keeps the session
/// and anti-forgery cookies) and posts the pages' forms with the anti-forgery token they carry.
/// </summary>
public sealed partial class BrowserSession(HttpClient http)
{
    public HttpClient Http { get; } = http;

    /// <summary>Signs in on the /login form with a client that keeps cookies and does not follow redirects.</summary>
    public static async Task<BrowserSession> SignInAsync(HttpClient http, string email, string password)
    {
        var browser = new BrowserSession(http);
        var response = await browser.SubmitAsync("/login", "/login", new() { ["Email"] = email, ["Password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    /// <summary>A client for a real server process that keeps cookies, as a browser does.</summary>
    public static HttpClient CookieClient(Uri baseAddress) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = baseAddress };

    public async Task<string> GetPageAsync(string url)
    {
        var response = await Http.GetAsync(url, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Loads <paramref name="pageUrl"/>, takes its anti-forgery token, and posts the form to <paramref name="postUrl"/>.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string pageUrl, string postUrl, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = AntiforgeryTokenOf(await GetPageAsync(pageUrl));
        return await Http.PostAsync(postUrl, new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Submits a device code on the /device page, as a person does after following the CLI's link (which only
    /// fills the code in); returns the page that shows what is asking, or why not.
    /// </summary>
    public async Task<string> LookUpDeviceCodeAsync(string userCode)
    {
        var response = await SubmitAsync($"/device?user_code={Uri.EscapeDataString(userCode)}", "/device?handler=Lookup", new() { ["user_code"] = userCode });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
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

    /// <summary>The anti-forgery token a page's form carries (decoded, ready to post).</summary>
    public static string AntiforgeryTokenOf(string page)
    {
        var token = AntiforgeryToken().Match(page);
        Assert.True(token.Success, "the page has no anti-forgery token");
        return WebUtility.HtmlDecode(token.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
