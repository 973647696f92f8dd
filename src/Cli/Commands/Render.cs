using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Akua.Cli.Commands;

/// <summary>Small helpers for tables: values as plain text (never markup), times as UTC.</summary>
internal static class Render
{
    public static Table Table(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column)));
        }

        return table;
    }

    public static void Row(this Table table, params string?[] values) => table.AddRow(values.Select(v => new Text(v ?? "—")).ToArray());

    public static string? Str(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long? Seconds(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;

    public static string Time(long? unixSeconds) => unixSeconds is { } s
        ? DateTimeOffset.FromUnixTimeSeconds(s).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)
        : "never";

    public static IEnumerable<JsonElement> Data(this JsonElement page) => page.GetProperty("data").EnumerateArray();

    /// <summary>A token for display: the stored prefix of a workspace token, else its first four characters.</summary>
    public static string Mask(string token, string? prefix = null) =>
        prefix ?? (token.Length > 4 ? token[..4] : string.Empty) + "…";
}
