using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

// Stock ASP.NET Core JwtBearer (ES256): the public key from the PEM file PEER_PUBLIC_KEY names, issuer and
// audience fixed, logging at warnings as Akua's benchmark node has it. /readyz and /healthz are anonymous.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var key = ECDsa.Create();
key.ImportFromPem(File.ReadAllText(Environment.GetEnvironmentVariable("PEER_PUBLIC_KEY") ?? throw new InvalidOperationException("PEER_PUBLIC_KEY is not set")));
builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
{
    options.MapInboundClaims = false;
    options.TokenValidationParameters = new TokenValidationParameters
    {
        ValidIssuer = PeerToken.Issuer,
        ValidAudience = PeerToken.Audience,
        IssuerSigningKey = new ECDsaSecurityKey(key),
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
    };
});
builder.Services.AddAuthorization();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapGet("/healthz", () => Results.Text("ok"));
app.MapGet("/readyz", () => Results.Text("ok"));
app.MapGet("/v1/auth/whoami", (ClaimsPrincipal user) => Results.Json(new { kind = "jwt", user = new { id = user.FindFirstValue("sub") } })).RequireAuthorization();
app.Run();

internal static class PeerToken
{
    public const string Issuer = "https://peer.bench";
    public const string Audience = "bench";
}
