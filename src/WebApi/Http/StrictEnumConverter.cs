using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Akua.WebApi.Http;

/// <summary>
/// Enums on the wire are exactly their documented lowercase names. System.Text.Json's own string converter also
/// reads <c>"member,admin"</c> as a combination of flags (which made a member an owner), any casing, and names
/// padded with spaces; this one accepts each name as written in the contract and nothing else (API.md, 422).
/// </summary>
public sealed class StrictEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(StrictEnumConverter<>).MakeGenericType(typeToConvert))!;

    /// <summary>The wire name of each value (snake_case, lowercase).</summary>
    public static string[] NamesOf(Type enumType) =>
        [.. Enum.GetNames(enumType).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName)];
}

internal sealed class StrictEnumConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<string, TEnum> ByName =
        Enum.GetValues<TEnum>().ToFrozenDictionary(v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()), StringComparer.Ordinal);

    private static readonly FrozenDictionary<TEnum, JsonEncodedText> ToName =
        ByName.ToFrozenDictionary(p => p.Value, p => JsonEncodedText.Encode(p.Key));

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // Anything but one exact name (a number, a combination, another casing) is "could not be converted": a 422.
        if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } name && ByName.TryGetValue(name, out var value))
        {
            return value;
        }

        throw new JsonException($"The JSON value could not be converted to {typeof(TEnum).Name}.");
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        if (!ToName.TryGetValue(value, out var name))
        {
            throw new JsonException($"{typeof(TEnum).Name} has no wire name for {value}.");
        }

        writer.WriteStringValue(name);
    }
}
