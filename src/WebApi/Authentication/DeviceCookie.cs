using Akua.Application.Common.Abstractions;
using Akua.Domain.Users;
using Akua.Infrastructure.Security;

namespace Akua.WebApi.Authentication;

/// <summary>
/// The browser's device cookie (<see cref="IDeviceCookies"/>): set on every successful sign-in or sign-up,
/// read on the next sign-in. HttpOnly, same-site only, Secure over https (directly or through a trusted proxy).
/// </summary>
public static class DeviceCookie
{
    public const string Name = AkuaAuthenticationDefaults.DeviceCookie;

    public static string? Read(HttpContext http) => http.Request.Cookies[Name];

    public static void Issue(HttpContext http, string email) =>
        http.Response.Cookies.Append(Name, http.RequestServices.GetRequiredService<IDeviceCookies>().Issue(User.NormalizeEmail(email)), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = "/",
            MaxAge = DeviceCookies.Lifetime,
            IsEssential = true,
        });
}
