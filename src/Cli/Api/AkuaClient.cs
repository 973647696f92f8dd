using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Akua.Cli.Api.Generated;

/// <summary>
/// The other half of the client NSwag generates from <c>docs/openapi.json</c> at build time
/// (<c>obj/Generated/AkuaClient.g.cs</c>): the bearer token goes on every request it sends, and enums are
/// written with their wire names.
/// </summary>
public partial class AkuaClient
{
    /// <summary>
    /// NSwag marks each enum property with System.Text.Json's string converter, which writes the C# name
    /// (<c>Member</c>) and ignores the <c>EnumMember</c> wire name (<c>member</c>) the server requires exactly.
    /// A resolver modifier runs after the attributes: it drops theirs, so the options' converter (wire names,
    /// snake_case lower) serves every enum, nullable or not.
    /// </summary>
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings)
    {
        settings.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        settings.TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { WireEnumNames } };
    }

    private static void WireEnumNames(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if ((Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType).IsEnum)
            {
                property.CustomConverter = null;
            }
        }
    }

    public string? BearerToken { get; init; }

    partial void PrepareRequest(HttpClient client, HttpRequestMessage request, string url)
    {
        if (BearerToken is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", BearerToken);
        }
    }
}
