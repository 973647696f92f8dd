using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Akua.Cli.Output;

/// <summary>
/// <c>--output json</c>: the API's data as the API sent it, indented, with nothing escaped that JSON does not
/// require (<c>Dana's workspace</c>, not <c>Dana\u0027s workspace</c>; emoji as themselves), never truncated.
/// </summary>
public static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = MinimalJsonEncoder.Instance };

    public static string Format(JsonNode? data) => data?.ToJsonString(Options) ?? "null";

    public static string Format(JsonElement data)
    {
        try
        {
            return JsonSerializer.Serialize(data, Options);
        }
        catch (InvalidOperationException)
        {
            // A string with a lone surrogate (\ud800) cannot be written as text: it was never the API's data.
            throw new CliException(ExitCodes.Error, "The server's answer holds a string that is not text (a lone UTF-16 surrogate): it is not the Akua API's JSON.");
        }
    }
}

/// <summary>
/// Escapes only what RFC 8259 section 7 requires (quotation mark, reverse solidus, control characters). The
/// built-in encoders also escape HTML-sensitive and non-BMP characters, which is right for a web page and wrong
/// for a terminal or <c>jq</c>. (A lone surrogate never reaches it from a parsed body: System.Text.Json refuses to
/// write one, and <see cref="JsonOutput.Format(JsonElement)"/> reports that.)
/// </summary>
public sealed class MinimalJsonEncoder : JavaScriptEncoder
{
    public static readonly MinimalJsonEncoder Instance = new();

    private MinimalJsonEncoder()
    {
    }

    public override int MaxOutputCharactersPerInputCharacter => 12; // \uXXXX\uXXXX

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar is < 0x20 or '"' or '\\' or (>= 0xD800 and <= 0xDFFF);

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (var i = 0; i < textLength; i++)
        {
            var c = text[i];
            if (c < 0x20 || c is '"' or '\\' || char.IsLowSurrogate(c))
            {
                return i;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < textLength && char.IsLowSurrogate(text[i + 1]))
                {
                    i++; // a well-formed pair: written as is
                    continue;
                }

                return i;
            }
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var escape = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            _ when WillEncode(unicodeScalar) => $"\\u{unicodeScalar:x4}",
            _ => char.ConvertFromUtf32(unicodeScalar),
        };
        if (escape.Length > bufferLength)
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        for (var i = 0; i < escape.Length; i++)
        {
            buffer[i] = escape[i];
        }

        numberOfCharactersWritten = escape.Length;
        return true;
    }
}
