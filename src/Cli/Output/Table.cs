using System.Globalization;
using Spectre.Console;

namespace Akua.Cli.Output;

/// <summary>A column: its header, whether it may be shortened (names, never ids), and which columns go first when space runs out.</summary>
/// <param name="DropOrder">0: never dropped; otherwise lower numbers are dropped first on a narrow terminal.</param>
public sealed record Column(string Header, bool Shortens = false, int DropOrder = 0);

/// <summary>
/// Rows as gh prints them. At a terminal: a header and aligned columns, no box drawing; ids are never wrapped
/// or cut: a name is shortened with an ellipsis, then optional columns are left out, to fit the width.
/// Piped: tab-separated rows without a header, every value whole, for <c>cut</c> and <c>awk</c>.
/// </summary>
public sealed class Table(params Column[] columns)
{
    private const int Gap = 2;
    private const int ShortestName = 12;
    private readonly List<string[]> _rows = [];

    public Table Row(params string?[] values)
    {
        _rows.Add([.. values.Select(v => Clean(v ?? string.Empty))]);
        return this;
    }

    public void Write(TextWriter output, bool terminal, int width)
    {
        if (!terminal)
        {
            foreach (var row in _rows)
            {
                output.WriteLine(string.Join('\t', row));
            }

            return;
        }

        var shown = Enumerable.Range(0, columns.Length).ToList();
        var widths = columns.Select((c, i) => _rows.Select(r => Length(r[i])).Append(Length(c.Header)).Max()).ToArray();
        int Needed() => shown.Sum(i => columns[i].Shortens ? Math.Min(widths[i], ShortestName) : widths[i]) + (Gap * (shown.Count - 1));
        foreach (var drop in columns.Select((c, i) => (c, i)).Where(x => x.c.DropOrder > 0).OrderBy(x => x.c.DropOrder).Select(x => x.i))
        {
            if (Needed() <= width)
            {
                break;
            }

            shown.Remove(drop);
        }

        // What is left over goes to the shortenable columns, widest first.
        var fixedWidth = shown.Where(i => !columns[i].Shortens).Sum(i => widths[i]) + (Gap * (shown.Count - 1));
        var flexible = shown.Where(i => columns[i].Shortens).OrderBy(i => widths[i]).ToList();
        var room = Math.Max(0, width - fixedWidth);
        for (var k = 0; k < flexible.Count; k++)
        {
            var share = Math.Max(ShortestName, room / (flexible.Count - k));
            var i = flexible[k];
            widths[i] = Math.Min(widths[i], share);
            room = Math.Max(0, room - widths[i]);
        }

        WriteLine(output, shown, widths, columns.Select(c => c.Header.ToUpperInvariant()).ToArray());
        foreach (var row in _rows)
        {
            WriteLine(output, shown, widths, row);
        }
    }

    private static void WriteLine(TextWriter output, List<int> shown, int[] widths, string[] cells)
    {
        var line = new System.Text.StringBuilder();
        for (var k = 0; k < shown.Count; k++)
        {
            var i = shown[k];
            var cell = Fit(cells[i], widths[i]);
            line.Append(cell);
            if (k < shown.Count - 1)
            {
                line.Append(' ', widths[i] - Length(cell) + Gap);
            }
        }

        output.WriteLine(line.ToString());
    }

    private static string Fit(string text, int width)
    {
        if (Length(text) <= width)
        {
            return text;
        }

        var elements = StringInfo.GetTextElementEnumerator(text);
        var kept = new System.Text.StringBuilder();
        var cells = 0;
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            var next = Length(element);
            if (cells + next > width - 1)
            {
                break;
            }

            kept.Append(element);
            cells += next;
        }

        return kept.Append('…').ToString();
    }

    /// <summary>Terminal cells, not characters: an emoji or a CJK letter takes two.</summary>
    private static int Length(string text) => text.GetCellWidth();

    /// <summary>A value on one line and harmless to a terminal (see <see cref="TerminalText.Safe"/>); tabs and line breaks become spaces.</summary>
    private static string Clean(string value) => TerminalText.Safe(value.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' '));
}

/// <summary>Times as a person reads them at a terminal, and as a script reads them in a pipe.</summary>
public static class Times
{
    public static string Show(long? unixSeconds, bool terminal, DateTimeOffset now, string never = "never")
    {
        if (unixSeconds is not { } seconds)
        {
            return terminal ? never : string.Empty;
        }

        var at = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return terminal ? Relative(at, now) : at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>A moment for a sentence: <c>2026-12-30 14:00 UTC</c>.</summary>
    public static string Absolute(long? unixSeconds) => unixSeconds is { } s
        ? DateTimeOffset.FromUnixTimeSeconds(s).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)
        : "never";

    private static string Relative(DateTimeOffset at, DateTimeOffset now)
    {
        var span = at - now;
        var future = span > TimeSpan.Zero;
        var length = span.Duration();
        var amount = length switch
        {
            { TotalMinutes: < 1 } => null,
            { TotalHours: < 1 } => $"{(int)length.TotalMinutes}m",
            { TotalDays: < 1 } => $"{(int)length.TotalHours}h",
            { TotalDays: < 365 } => $"{(int)length.TotalDays}d",
            _ => $"{(int)(length.TotalDays / 365)}y",
        };
        return amount is null ? "just now" : future ? $"in {amount}" : $"{amount} ago";
    }
}

/// <summary>What may reach a terminal.</summary>
public static class TerminalText
{
    /// <summary>
    /// Text someone else chose (a token or workspace name) made safe to show at a terminal: every control
    /// character (C0, DEL, C1) becomes U+FFFD, so a name cannot carry an escape sequence that moves the cursor,
    /// fakes a prompt or writes to the clipboard (OSC 52), as gh's asciisanitizer does. Line breaks survive.
    /// </summary>
    public static string Safe(string text)
    {
        if (!text.Any(IsUnsafe))
        {
            return text;
        }

        return string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = IsUnsafe(source[i]) ? '\uFFFD' : source[i];
            }
        });
    }

    private static bool IsUnsafe(char c) => c is (< ' ' and not '\n' and not '\t') or (>= '\u007F' and <= '\u009F');
}
