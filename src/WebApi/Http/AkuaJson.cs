using System.Text.Json;
using System.Text.Json.Serialization;

namespace Akua.WebApi.Http;

/// <summary>The wire conventions: snake_case names, unknown request fields rejected.</summary>
public static class AkuaJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new StrictEnumConverterFactory()); // exactly the documented names, no flags, no casing
        options.MaxDepth = 32;
        // {"allowed_ips": [...], "allowed_ips": null} is one field said twice: refuse it rather than keep the last.
        options.AllowDuplicateProperties = false;
        return options;
    }

    /// <summary>System.Text.Json reports an unknown member only through its message; this is where we read it.</summary>
    public static bool IsUnknownMember(JsonException exception) =>
        exception.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal);

    /// <summary>
    /// Bytes that are not UTF-8 inside a string: malformed input (400), not a value of the wrong type. The reader
    /// finds them only when it decodes the string, and reports them as a failed conversion with the decoder's
    /// error inside.
    /// </summary>
    public static bool IsInvalidUtf8(JsonException exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Text.DecoderFallbackException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Well-formed JSON with a value of the wrong type (or an unknown enum name): a validation error, not a syntax error.</summary>
    public static bool IsWrongValue(JsonException exception) =>
        exception.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) && exception.Path is { Length: > 2 };
}
