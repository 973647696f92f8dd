using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Akua.Bench;

internal sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Non2xx, double Seconds)
{
    /// <summary>Several rounds of one scenario: overall throughput, the median p50, the worst p99.</summary>
    public static WrkResult Combine(IReadOnlyList<WrkResult> rounds) => new(
        rounds.Sum(r => r.Requests) / rounds.Sum(r => r.Seconds),
        rounds.Select(r => r.P50Ms).Order().ElementAt(rounds.Count / 2),
        rounds.Max(r => r.P99Ms),
        rounds.Sum(r => r.Requests),
        rounds.Sum(r => r.Non2xx),
        rounds.Sum(r => r.Seconds));
}

/// <summary>Runs wrk (Debian's package) for a fixed time and reads its summary; each run stops by itself.</summary>
internal static partial class Wrk
{
    /// <summary>
    /// Writes a wrk script at <paramref name="script"/> whose requests are whoami with each token of the file
    /// <paramref name="tokens"/> (one a line) in turn. <paramref name="seeded"/>: each of wrk's threads starts at a place
    /// of its own, so that together they use every token in one pass rather than the same ones at once.
    /// </summary>
    public static string WhoamiCycle(string script, string tokens, bool seeded)
    {
        File.WriteAllText(script, $$"""
            local tokens = {}
            for line in io.lines("{{tokens}}") do tokens[#tokens + 1] = line end
            {{(seeded ? "math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))" : "")}}
            local i = math.random(1, #tokens)
            request = function()
              i = i % #tokens + 1
              return wrk.format("GET", "/v1/auth/whoami", { ["Authorization"] = "Bearer " .. tokens[i] })
            end
            """);
        return script;
    }

    public static async Task<WrkResult> RunAsync(Uri url, int seconds, int connections, string? script = null, IEnumerable<string>? headers = null)
    {
        var info = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-t2", $"-c{connections}", $"-d{seconds}s", "--latency", "--timeout", "5s" })
        {
            info.ArgumentList.Add(a);
        }

        foreach (var header in headers ?? [])
        {
            info.ArgumentList.Add("-H");
            info.ArgumentList.Add(header);
        }

        if (script is not null)
        {
            info.ArgumentList.Add("-s");
            info.ArgumentList.Add(script);
        }

        info.ArgumentList.Add(url.ToString());
        using var process = Process.Start(info) ?? throw new InvalidOperationException("wrk did not start (apt-get install wrk)");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("wrk failed: " + await process.StandardError.ReadToEndAsync() + output);
        }

        return new WrkResult(
            Number(RequestsPerSecond().Match(output).Groups[1].Value),
            Latency(output, "50"),
            Latency(output, "99"),
            (long)Number(Requests().Match(output).Groups[1].Value),
            Non2xx().Match(output) is { Success: true } m ? (long)Number(m.Groups[1].Value) : 0,
            seconds);
    }

    private static double Latency(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s*{percentile}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var value = Number(match.Groups[1].Value);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    private static double Number(string text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();
}
