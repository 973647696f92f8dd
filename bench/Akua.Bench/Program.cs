using System.Globalization;
using System.Security.Cryptography;
using Akua.Bench;
using Akua.Infrastructure.Credentials;
using Akua.Infrastructure.Security;
using Npgsql;

// bench/run.sh builds Release and runs this. Options: --seconds N (per scenario), --postgres <connection string>,
// --check (exit 1 when a target is missed by more than the noise margin), --quick-postgres (on PostgreSQL only the
// rows whose targets name both engines: whoami, the installs lists and the 10,000 tokens; what CI runs there),
// --scaling (docs/scaling.md's model against three nodes on PostgreSQL; nothing else).
var seconds = Option("--seconds") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 10;
var postgres = Option("--postgres") ?? Environment.GetEnvironmentVariable("AKUA_BENCH_POSTGRES");
var check = args.Contains("--check");
// Only the telemetry comparison (set-up, warm-up, then telemetry on vs off): for working on telemetry's cost.
var telemetryOnly = args.Contains("--telemetry-only");
var quickPostgres = args.Contains("--quick-postgres");
// Distinct workspace tokens used in one scenario (issue 21): what a last-use flush of many credentials costs.
const int ManyTokens = 10_000;
const string ManyTokensRow = "whoami, 10,000 sk_akua_ tokens";
var root = FindRoot();
var dll = Environment.GetEnvironmentVariable("AKUA_BENCH_SERVER") is { Length: > 0 } published
    ? published
    : Path.Combine(root, "src", "WebApi", "bin", "Release", "net10.0", "Akua.WebApi.dll");
var peerDll = Environment.GetEnvironmentVariable("AKUA_BENCH_PEER") is { Length: > 0 } peerPublished
    ? peerPublished
    : Path.Combine(root, "bench", "Akua.Bench.Peer", "bin", "Release", "net10.0", "Akua.Bench.Peer.dll");
if (!File.Exists(dll))
{
    Console.Error.WriteLine($"Build first (bench/run.sh does): {dll} is missing");
    return 2;
}

if (args.Contains("--scaling"))
{
    // docs/scaling.md's model against three nodes on one PostgreSQL (Scaling.cs).
    if (string.IsNullOrWhiteSpace(postgres))
    {
        Console.Error.WriteLine("--scaling needs a PostgreSQL server: --postgres \"Host=...;Username=...\" or AKUA_BENCH_POSTGRES");
        return 2;
    }

    return await Scaling.RunAsync(dll, postgres, Option("--seconds") is null ? 90 : seconds);
}

var failures = new List<string>();
foreach (var (engine, connection) in Engines())
{
    failures.AddRange(await RunEngineAsync(engine, connection));
}

if (failures.Count > 0)
{
    Console.WriteLine("Targets missed: " + string.Join("; ", failures));
}

return check && failures.Count > 0 ? 1 : 0;

async Task<List<string>> RunEngineAsync(string engine, string connection)
{
    var work = Directory.CreateTempSubdirectory("akua-bench-").FullName;
    var environment = new Dictionary<string, string>
    {
        ["Database__Provider"] = engine,
        ["ConnectionStrings__Akua"] = connection.Replace("{work}", work, StringComparison.Ordinal),
        ["Telemetry__Prometheus"] = "true", // the counters are read from its /metrics
        ["RateLimits__DeviceCodesPerMinute"] = "1000000",
        ["RateLimits__SignUpsPerHour"] = "1000000",
        // Per-request log lines would measure the console, not authentication.
        ["Serilog__MinimumLevel__Default"] = "Warning",
    };
    if (engine != "Sqlite")
    {
        // Production on a shared database needs a key-ring certificate (ADR 0018): a throwaway one.
        environment["DataProtection__CertificatePath"] = Path.Combine(work, "keyring.pfx");
        environment["DataProtection__CertificatePassword"] = Server.KeyRingCertificate(environment["DataProtection__CertificatePath"]);
        await using (await Server.StartAsync(dll, environment, "migrate"))
        {
        }
    }

    await using var server = await Server.StartAsync(dll, environment);
    var quick = quickPostgres && engine != "Sqlite";
    Console.WriteLine($"== {engine}: ready in {server.Startup.TotalMilliseconds:0} ms; wrk -t2 -c64 on loopback, server and wrk sharing {Environment.ProcessorCount} cores{(quick ? "; quick: the rows of the targets on both engines only" : "")}");
    var credentials = await Credentials.CreateAsync(server.BaseAddress, deviceCodes: quick ? 0 : 1000);
    var many = Path.Combine(work, "many.txt"); // the 10,000 tokens, made on their own node (below)

    var broken = Write(work, "broken.txt", Enumerable.Range(0, 10_000).Select(_ => "sk_akua_" + RandomNumberGenerator.GetString(TokenFormat.Base62, 32)).Where(t => !TokenFormat.HasValidChecksum(t)));
    var unknown = Write(work, "unknown.txt", Enumerable.Range(0, 1_000).Select(_ => TokenFormat.WithChecksum("sk_akua_" + RandomNumberGenerator.GetString(TokenFormat.Base62, 26))));
    var devices = Write(work, "devices.txt", credentials.DeviceCodes);
    var cycle = Wrk.WhoamiCycle(Path.Combine(work, "cycle.lua"), broken, seeded: false);
    var cycleUnknown = Wrk.WhoamiCycle(Path.Combine(work, "unknown.lua"), unknown, seeded: false);
    var cycleMany = Wrk.WhoamiCycle(Path.Combine(work, "many.lua"), many, seeded: true);
    var create = Lua(work, "create.lua", """
        wrk.method = "POST"
        wrk.body = '{"name": "bench"}'
        wrk.headers["Content-Type"] = "application/json"
        """);
    var poll = Lua(work, "poll.lua", $$"""
        local codes = {}
        for line in io.lines("{{devices}}") do codes[#codes + 1] = line end
        math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
        local i = math.random(1, #codes)
        request = function()
          i = i % #codes + 1
          return wrk.format("POST", "/oauth/token", { ["Content-Type"] = "application/x-www-form-urlencoded" },
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=cnap-cli&device_code=" .. codes[i])
        end
        -- 25 connections, one request each 125 ms: 200 polls a second, each code about every 5 s.
        delay = function() return 125 end
        """);

    var bearer = (string token) => $"Authorization: Bearer {token}";
    var context = $"Akua-Context: {credentials.Workspace}";
    // Quick: in the PostgreSQL pass of --quick-postgres (with the 10,000 tokens and the installs lists' paired rounds,
    // below): the rows whose cost is the engine's. A cached credential's whoami touches no database, so the engine
    // does not enter into it; the installs lists' targets are read from their paired rounds, which count their
    // commands too, so their rows are left out there.
    var scenarios = new (string Name, string Path, string[] Headers, string? Script, int Connections, bool Quick)[]
    {
        ("baseline GET /healthz", "/healthz", [], null, 64, true),
        ("whoami, sk_akua_ token", "/v1/auth/whoami", [bearer(credentials.ApiToken)], null, 64, false),
        ("whoami, session token", "/v1/auth/whoami", [bearer(credentials.Session)], null, 64, false),
        ("whoami, JWT", "/v1/auth/whoami", [bearer(credentials.Jwt)], null, 64, false),
        ("installs, session + Akua-Context", "/v1/installs", [bearer(credentials.Session), context], null, 64, false),
        ("installs, sk_akua_ token", "/v1/installs", [bearer(credentials.ApiToken)], null, 64, false),
        // One broken token serves: the server does the same work for each (nothing is cached for it), and a
        // static request keeps wrk's own cost equal to the baseline's.
        ("broken-checksum flood", "/v1/auth/whoami", [bearer(File.ReadLines(broken).First())], null, 64, false),
        ("unknown-token flood (1,000 tokens)", "/v1/auth/whoami", [], cycleUnknown, 64, false),
        ("token creation", "/v1/api_tokens", [bearer(credentials.Session), context], create, 16, false),
        ("1,000 device codes polled", "/oauth/token", [], poll, 25, false),
    };

    // Warm up (JIT, pools, caches) so the baseline is not measured cold.
    await Wrk.RunAsync(new Uri(server.BaseAddress, "/healthz"), Math.Min(seconds, 5), 64);
    // Each credential kind too: the first scenario should not be the one that pays for the last tier-ups.
    foreach (var token in new[] { credentials.ApiToken, credentials.Session, credentials.Jwt })
    {
        await Wrk.RunAsync(new Uri(server.BaseAddress, "/v1/auth/whoami"), Math.Min(seconds, 2), 64, headers: [bearer(token)]);
    }

    // And a database query per request at full concurrency: the pool opens its connections here, not in the first
    // scenario that queries (on PostgreSQL 64 connections opened at once, a forked backend each, stalled that
    // scenario's first second: its p99 read 953-1,000 ms against the next one's 49-94).
    foreach (var headers in new[] { new[] { bearer(credentials.Session), context }, [bearer(credentials.ApiToken)] })
    {
        await Wrk.RunAsync(new Uri(server.BaseAddress, "/v1/installs"), Math.Min(seconds, 2), 64, headers: headers);
    }

    // Two cores shared by server and wrk make throughput drift from second to second (the baseline alone
    // moves by 15 % between runs), so each scenario alternates with the baseline in one-second rounds and its
    // ratio is the median of the rounds' ratios: a drift hits both sides of a round alike, and one disturbed
    // round in six does not move the median.
    var rounds = Math.Max(3, seconds);
    const int slice = 1;
    Console.WriteLine($"each scenario: {rounds} rounds of {slice} s, each after {slice} s of the baseline");
    var rows = new List<Row>();
    var setupMemory = server.Memory();
    Console.WriteLine($"memory after set-up and warm-up (MB):{MemoryReading.Header}\n{"",33}{setupMemory}");
    foreach (var (name, path, headers, script, connections, _) in scenarios.Where(s => !telemetryOnly && (!quick || s.Quick)))
    {
        rows.Add(await MeasureAsync(server, name, path, headers, script, connections));
    }

    // Issue 21's installs target compares two rows, each measured in its own minute: a drift between those minutes
    // (SQLite's checkpoints, the machine) moved their quotient from 0.82 to 1.11 over four runs of one code. So the
    // check reads it from paired rounds, as the telemetry cost: a second of each list back to back, in alternating
    // order, and the median of the rounds' quotients. The commands each list sends per request are counted around
    // each of its seconds (commands made for requests only: a background flush is not one); the rows stay for the table.
    var installsPaired = new List<double>();
    var (sessionCommands, tokenCommands) = ((Requests: 0L, Commands: 0L), (Requests: 0L, Commands: 0L));
    if (!telemetryOnly)
    {
        var installs = new Uri(server.BaseAddress, "/v1/installs");
        async Task<WrkResult> ListAsync(string[] headers, bool bySession)
        {
            var before = await server.CountersAsync();
            var result = await Wrk.RunAsync(installs, slice, 64, headers: headers);
            var commands = (await server.CountersAsync()).RequestCommands - before.RequestCommands;
            if (bySession)
            {
                sessionCommands = (sessionCommands.Requests + result.Requests, sessionCommands.Commands + commands);
            }
            else
            {
                tokenCommands = (tokenCommands.Requests + result.Requests, tokenCommands.Commands + commands);
            }

            return result;
        }

        for (var round = 0; round < Math.Max(12, 2 * rounds); round++)
        {
            WrkResult sessionRound, tokenRound;
            if (round % 2 == 0)
            {
                sessionRound = await ListAsync([bearer(credentials.Session), context], bySession: true);
                tokenRound = await ListAsync([bearer(credentials.ApiToken)], bySession: false);
            }
            else
            {
                tokenRound = await ListAsync([bearer(credentials.ApiToken)], bySession: false);
                sessionRound = await ListAsync([bearer(credentials.Session), context], bySession: true);
            }

            installsPaired.Add(sessionRound.RequestsPerSecond / tokenRound.RequestsPerSecond);
        }
    }

    // Issue 21: 10,000 distinct tokens on a node of their own (so its memory and counters are theirs alone, and the
    // other rows' memory is read as before). Each token's first use there is a cache miss (a query) and a last use due
    // at once: a pass uses every token once, then the rounds cycle through them, and the flushes that follow write all
    // of them, each flush in a constant number of statements.
    Row? manyRow = null;
    MemoryReading? manyBefore = null;
    if (!telemetryOnly)
    {
        await using var manyNode = await Server.StartAsync(dll, environment);
        await Wrk.RunAsync(new Uri(manyNode.BaseAddress, "/healthz"), Math.Min(seconds, 3), 64); // warm up, as above
        // Made through that node, not the measured one: 10,000 creations grow a heap, and the other rows' memory is read
        // as before this row existed (it took the PostgreSQL run's peak from 243 MB to 250).
        var made = System.Diagnostics.Stopwatch.StartNew();
        var manyTokens = await credentials.CreateTokensAsync(manyNode.BaseAddress, ManyTokens);
        Write(work, "many.txt", manyTokens);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ManyTokens:N0} workspace tokens made through the API in {made.Elapsed.TotalSeconds:0.0} s"));
        await Wrk.RunAsync(new Uri(manyNode.BaseAddress, "/v1/auth/whoami"), Math.Min(seconds, 2), 64, headers: [bearer(credentials.ApiToken)]);
        manyBefore = manyNode.Memory();
        manyRow = await MeasureAsync(manyNode, ManyTokensRow, "/v1/auth/whoami", [], cycleMany, 64, firstPass: manyTokens);
    }

    // A scenario in rounds, each after a second of the same node's baseline; its counters over the whole of it.
    // firstPass: tokens to use once each (their whoami) before the rounds, counted with the row.
    async Task<Row> MeasureAsync(Server target, string name, string path, string[] headers, string? script, int connections, IReadOnlyList<string>? firstPass = null)
    {
        await Task.Delay(TimeSpan.FromSeconds(1)); // let background writes of the previous scenario settle
        var isBaseline = name == scenarios[0].Name;
        var before = await target.CountersAsync();
        if (firstPass is not null)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await Credentials.UseEachAsync(target.BaseAddress, firstPass);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: a first pass used each once in {clock.Elapsed.TotalSeconds:0.0} s"));
        }

        var results = new List<WrkResult>();
        var ratios = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var adjacent = isBaseline ? null : await Wrk.RunAsync(new Uri(target.BaseAddress, "/healthz"), slice, 64);
            var result = await Wrk.RunAsync(new Uri(target.BaseAddress, path), slice, connections, script, headers);
            results.Add(result);
            ratios.Add(result.RequestsPerSecond / (adjacent ?? result).RequestsPerSecond);
        }

        await Task.Delay(TimeSpan.FromSeconds(6)); // the last-use writer runs every 5 s: count what this scenario caused
        var after = await target.CountersAsync();
        return new Row(name, WrkResult.Combine(results), Median(ratios), after - before, target.Memory());
    }

    // The peer (issue 21): stock ASP.NET Core JwtBearer with an ES256 key, as a .NET team would accept JWTs, run on
    // the same machine in the same run and measured the same way: its whoami against its own /healthz, in rounds.
    double? peerRatio = null;
    if (!telemetryOnly && !quick)
    {
        using var signing = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicKey = Path.Combine(work, "peer.pem");
        await File.WriteAllTextAsync(publicKey, signing.ExportSubjectPublicKeyInfoPem());
        var peerJwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = "https://peer.bench",
            Audience = "bench",
            Claims = new Dictionary<string, object> { ["sub"] = "usr_peer" },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new(new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(signing), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.EcdsaSha256),
        });
        await using var peer = await Server.StartAsync(peerDll, new Dictionary<string, string> { ["PEER_PUBLIC_KEY"] = publicKey });
        var peerWhoami = new Uri(peer.BaseAddress, "/v1/auth/whoami");
        await Wrk.RunAsync(peerWhoami, Math.Min(seconds, 3), 64, headers: [bearer(peerJwt)]); // warm up, as above
        var peerRatios = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var adjacent = await Wrk.RunAsync(new Uri(peer.BaseAddress, "/healthz"), slice, 64);
            var result = await Wrk.RunAsync(peerWhoami, slice, 64, headers: [bearer(peerJwt)]);
            if (result.Non2xx > 0)
            {
                throw new InvalidOperationException($"the peer refused its own token ({result.Non2xx} non-2xx answers)");
            }

            peerRatios.Add(result.RequestsPerSecond / adjacent.RequestsPerSecond);
        }

        peerRatio = Median(peerRatios);
    }

    // Telemetry on (issue 20): two fresh nodes on the same database, started and warmed alike, differ only in
    // telemetry. "Off" has none at all (not even the scrape this node has); "on" exports every span and metric over
    // OTLP to a local sink, configured only the standard way. Their whoami alternate in paired rounds, each divided
    // by the same second of the off node's baseline, so the difference is the price of the telemetry alone.
    // On SQLite only: a cached credential's whoami touches no database, so the engine does not enter into it.
    (double Off, double On, double Cost, int Rounds, long Exports, long Kb)? telemetry = null;
    if (engine == "Sqlite")
    {
        using var sink = new OtlpSink();
        var untraced = new Dictionary<string, string>(environment) { ["Telemetry__Prometheus"] = "false" };
        var traced = new Dictionary<string, string>(untraced)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = sink.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        };
        // For working on the cost: AKUA_BENCH_ON_<NAME>=value sets <NAME> on the telemetry node only
        // (AKUA_BENCH_ON_OTEL_SDK_DISABLED=true measures the two nodes' difference without any telemetry).
        foreach (var (key, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                     .Select(e => ((string)e.Key, (string)e.Value!)).Where(e => e.Item1.StartsWith("AKUA_BENCH_ON_", StringComparison.Ordinal)))
        {
            traced[key["AKUA_BENCH_ON_".Length..]] = value;
        }

        await using var off = await Server.StartAsync(dll, untraced);
        await using var on = await Server.StartAsync(dll, traced);
        var whoamiOn = new Uri(on.BaseAddress, "/v1/auth/whoami");
        var whoamiOff = new Uri(off.BaseAddress, "/v1/auth/whoami");
        foreach (var target in new[] { whoamiOff, whoamiOn })
        {
            await Wrk.RunAsync(target, Math.Min(seconds, 3), 64, headers: [bearer(credentials.ApiToken)]); // warm up, as above
        }

        // For working on the cost: AKUA_BENCH_PERF=<file> records 12 s of the "on" node's whoami with Linux perf
        // (after 15 s more of warm-up) instead of comparing; bench/README.md says how to see .NET's frames in it.
        if (Environment.GetEnvironmentVariable("AKUA_BENCH_PERF") is { Length: > 0 } perfData)
        {
            await Wrk.RunAsync(whoamiOn, 15, 64, headers: [bearer(credentials.ApiToken)]);
            using var perf = System.Diagnostics.Process.Start("perf", ["record", "-F", "1999", "-g", "-o", perfData, "-p", on.Pid.ToString(CultureInfo.InvariantCulture), "--", "sleep", "12"]);
            await Wrk.RunAsync(whoamiOn, 12, 64, headers: [bearer(credentials.ApiToken)]);
            await perf.WaitForExitAsync();
            Console.WriteLine(perf.ExitCode == 0 ? $"perf: the telemetry node's profile is in {perfData}" : $"perf failed (exit {perf.ExitCode})");
            return check ? ["AKUA_BENCH_PERF is set: a profiling run measures nothing"] : [];
        }

        var offRatios = new List<double>();
        var onRatios = new List<double>();
        var costs = new List<double>();
        // At least 24 rounds, twice a scenario's: the cost is a difference of two readings, each with its own noise,
        // and 12 rounds read 0.04-0.07 on fresh machines where 24 read 0.03-0.04 (bench/README.md).
        var telemetryRounds = Math.Max(24, 2 * rounds);
        for (var round = 0; round < telemetryRounds; round++)
        {
            var baseline = await Wrk.RunAsync(new Uri(off.BaseAddress, "/healthz"), slice, 64);
            // Alternate which goes first, so a drift within the round favours neither.
            WrkResult offRound, onRound;
            if (round % 2 == 0)
            {
                offRound = await Wrk.RunAsync(whoamiOff, slice, 64, headers: [bearer(credentials.ApiToken)]);
                onRound = await Wrk.RunAsync(whoamiOn, slice, 64, headers: [bearer(credentials.ApiToken)]);
            }
            else
            {
                onRound = await Wrk.RunAsync(whoamiOn, slice, 64, headers: [bearer(credentials.ApiToken)]);
                offRound = await Wrk.RunAsync(whoamiOff, slice, 64, headers: [bearer(credentials.ApiToken)]);
            }

            offRatios.Add(offRound.RequestsPerSecond / baseline.RequestsPerSecond);
            onRatios.Add(onRound.RequestsPerSecond / baseline.RequestsPerSecond);
            costs.Add(offRatios[^1] - onRatios[^1]);
        }

        await Task.Delay(TimeSpan.FromSeconds(6)); // the batch exporter sends every 5 s: count what it sent
        telemetry = (Median(offRatios), Median(onRatios), Median(costs), telemetryRounds, sink.Exports, sink.Bytes / 1024);
    }

    if (telemetryOnly)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"telemetry on: whoami sk_akua_ ratio {telemetry!.Value.On:0.00} against {telemetry.Value.Off:0.00} off, cost {telemetry.Value.Cost:0.00} (median of {telemetry.Value.Rounds} rounds); {telemetry.Value.Exports} exports, {telemetry.Value.Kb} KB"));
        return [];
    }

    double? floodRatio = null;
    string? floodLine = null;
    if (!quick)
    {
        // A sign-in flood (every sign-in a password hash: the right password, so no limit stops it) beside whoami:
        // the hashes run a bounded number at a time, so whoami keeps its latency (ADR 0018). Quiet, then flooded.
        // Not in the quick PostgreSQL pass: password hashing does not touch the engine.
        var signIn = Lua(work, "signin.lua", $$"""
            wrk.method = "POST"
            wrk.body = '{"email": "{{credentials.Email}}", "password": "{{Credentials.Password}}"}'
            wrk.headers["Content-Type"] = "application/json"
            """);
        var whoami = new Uri(server.BaseAddress, "/v1/auth/whoami");
        var signInUrl = new Uri(server.BaseAddress, "/api/auth/sign-in/email");
        await Task.Delay(TimeSpan.FromSeconds(1));
        // Paired rounds, as the ratios above: a quiet second of whoami, then a second of whoami half a second into a
        // two-second flood. One p99 divided by another swung from 1.58x to 1.97x between runs on the same code (a
        // single quiet reading came out low); the median of the rounds' ratios does not follow one odd second.
        var floodBefore = await server.CountersAsync();
        var quietRounds = new List<WrkResult>();
        var floodedRounds = new List<WrkResult>();
        var signInRounds = new List<WrkResult>();
        var floodRatios = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var quietRound = await Wrk.RunAsync(whoami, slice, 64, headers: [bearer(credentials.ApiToken)]);
            var flooding = Wrk.RunAsync(signInUrl, slice + 1, 16, signIn);
            await Task.Delay(TimeSpan.FromMilliseconds(500)); // the flood is under way
            var floodedRound = await Wrk.RunAsync(whoami, slice, 64, headers: [bearer(credentials.ApiToken)]);
            signInRounds.Add(await flooding);
            quietRounds.Add(quietRound);
            floodedRounds.Add(floodedRound);
            floodRatios.Add(floodedRound.P99Ms / quietRound.P99Ms);
        }

        var quiet = WrkResult.Combine(quietRounds);
        var flooded = WrkResult.Combine(floodedRounds);
        var signIns = WrkResult.Combine(signInRounds);
        floodRatio = Median(floodRatios);
        var floodAfter = await server.CountersAsync();
        rows.Add(new("whoami during a sign-in flood", flooded, flooded.RequestsPerSecond / quiet.RequestsPerSecond, floodAfter - floodBefore, server.Memory()));
        // Password hashes run on half the cores by default (Passwords:MaxConcurrent): what bounds sign-ins per second.
        var hashingThreads = Math.Max(1, Environment.ProcessorCount / 2);
        floodLine = string.Create(CultureInfo.InvariantCulture,
            $"whoami during a sign-in flood: p99 {floodRatio:0.00}x quiet (median of {rounds} paired rounds: {string.Join(", ", floodRatios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}); worst p99 {flooded.P99Ms:0.00} ms against {quiet.P99Ms:0.00} ms quiet; {flooded.RequestsPerSecond:0} req/s against {quiet.RequestsPerSecond:0}; sign-ins {signIns.RequestsPerSecond:0}/s, {signIns.Non2xx} refused; {signIns.RequestsPerSecond / hashingThreads:0.0} sign-ins/s per hashing core ({hashingThreads} of {Environment.ProcessorCount}: Passwords:MaxConcurrent's default)");
    }

    var peak = server.PeakMemoryMb();
    // The scenario during which the peak was reached: the first whose peak-so-far equals the final peak.
    var raisedBy = peak <= setupMemory.PeakMb ? "set-up and warm-up"
        : rows.Where(r => r.Memory.PeakMb >= peak).Select(r => r.Name).FirstOrDefault() ?? "the paired installs rounds, after the rows";

    // Start-up is one cold start, and a disturbed second on this shared machine moves it by a few hundred ms:
    // on SQLite (the target's engine) two more starts, each on a fresh database, and the median of the three.
    var starts = new List<double> { server.Startup.TotalMilliseconds };
    for (var i = 0; engine == "Sqlite" && i < 2; i++)
    {
        var fresh = new Dictionary<string, string>(environment) { ["ConnectionStrings__Akua"] = $"Data Source={Path.Combine(work, $"start{i}.db")}" };
        await using var again = await Server.StartAsync(dll, fresh);
        starts.Add(again.Startup.TotalMilliseconds);
    }

    var startup = Median(starts);
    Console.WriteLine($"{"scenario",-36} {"req/s",10} {"p50 ms",8} {"p99 ms",8} {"ratio",6} {"db cmds",9} {"db writes",9} {"non-2xx",9}{MemoryReading.Header}");
    foreach (var (name, r, ratio, delta, memory) in manyRow is null ? rows : rows.Append(manyRow with { Name = ManyTokensRow + " *" }))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-36} {r.RequestsPerSecond,10:0} {r.P50Ms,8:0.00} {r.P99Ms,8:0.00} {ratio,6:0.00} {delta.RequestCommands,9} {delta.Writes,9} {r.Non2xx,9} {memory}"));
    }

    if (floodLine is not null)
    {
        Console.WriteLine(floodLine);
    }

    // Issue 21: the flushes during the 10,000-token row wrote each token's first use, in a constant number of statements.
    var lastUse = manyRow!.Delta;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"* on a node of its own: last use of {ManyTokens:N0} distinct sk_akua_ tokens: {lastUse.Flushes} flushes wrote {lastUse.CredentialsWritten:N0} credentials in {lastUse.FlushStatements} statements ({(double)lastUse.FlushStatements / Math.Max(1, lastUse.Flushes):0.0} per flush); {lastUse.CacheMisses:N0} cache misses; resident memory {manyBefore!.Value.ResidentMb:0} MB before, {manyRow.Memory.ResidentMb:0} MB after (peak {manyRow.Memory.PeakMb:0})"));
    if (telemetry is { } t)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"telemetry on (OTLP over HTTP to a local sink, the default sampler: ten traces a second): whoami sk_akua_ ratio {t.On:0.00} against {t.Off:0.00} off, cost {t.Cost:0.00} (median of {t.Rounds} rounds); {t.Exports} exports, {t.Kb} KB"));
    }

    if (peerRatio is not null)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peer, stock ASP.NET Core JwtBearer (ES256) on the same machine: whoami ratio {peerRatio:0.00} against its own /healthz; Akua's: JWT {rows.Single(r => r.Name == "whoami, JWT").Ratio:0.00}, sk_akua_ {rows.Single(r => r.Name == "whoami, sk_akua_ token").Ratio:0.00}, session {rows.Single(r => r.Name == "whoami, session token").Ratio:0.00}"));
    }

    var bySessionPerRequest = (double)sessionCommands.Commands / Math.Max(1, sessionCommands.Requests);
    var byTokenPerRequest = (double)tokenCommands.Commands / Math.Max(1, tokenCommands.Requests);
    var rowsQuotient = rows.SingleOrDefault(r => r.Name == "installs, session + Akua-Context") is { } sessionList && rows.SingleOrDefault(r => r.Name == "installs, sk_akua_ token") is { } tokenList
        ? string.Create(CultureInfo.InvariantCulture, $"; the rows' quotient {sessionList.Ratio / tokenList.Ratio:0.00}") : "";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"installs with a session + Akua-Context: {Median(installsPaired):0.00} of the rate with an sk_akua_ token (median of {installsPaired.Count} paired rounds{rowsQuotient}); database commands per request {bySessionPerRequest:0.00} against {byTokenPerRequest:0.00} (in those rounds)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak server memory: {peak:0} MB (reached during: {raisedBy}); start to /readyz: {startup:0} ms (median of {string.Join(", ", starts.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))})"));

    // The targets of the performance issue, with a noise margin of 0.07 on each ratio (measured: see the README).
    const double margin = 0.07;
    const double telemetryMargin = 0.03;
    var missed = new List<string>();
    void Expect(bool ok, string what) { if (!ok) missed.Add($"{engine}: {what}"); }
    var byName = rows.ToDictionary(r => r.Name);
    foreach (var kind in new[] { "whoami, sk_akua_ token", "whoami, session token", "whoami, JWT" }.Where(byName.ContainsKey))
    {
        Expect(byName[kind].Ratio >= 0.85 - margin, $"{kind} ratio {byName[kind].Ratio:0.00} < 0.85");
    }

    var minutes = Math.Ceiling(rounds * slice / 60.0);
    if (byName.TryGetValue("broken-checksum flood", out var flood))
    {
        Expect(flood.Ratio >= 0.95 - margin, $"broken-checksum ratio {flood.Ratio:0.00} < 0.95");
        Expect(flood.Delta.RequestCommands == 0, $"broken-checksum flood sent {flood.Delta.RequestCommands} database commands");
    }

    if (byName.TryGetValue("unknown-token flood (1,000 tokens)", out var unknownFlood))
    {
        Expect(unknownFlood.Delta.RequestCommands <= 1_000 * minutes, "the unknown-token flood queried more than once per token per minute");
    }

    var credentialRows = rows.Where(r => r.Name.StartsWith("whoami, ", StringComparison.Ordinal) || r.Name.StartsWith("installs, ", StringComparison.Ordinal)).ToList();
    var reads = credentialRows.Sum(r => r.Delta.Writes);
    Expect(reads <= 3 * credentialRows.Count * (minutes + 1), $"last-use writes {reads} over 3 credentials in {credentialRows.Count} scenarios");
    // Issue 21: a flush writes its credentials in at most three statements (sessions, tokens, the day's counts), not
    // one per credential, and the flushes during the row wrote every token it used.
    Expect(lastUse.Flushes > 0 && lastUse.FlushStatements <= 3 * lastUse.Flushes,
        $"the last-use flushes of {ManyTokens:N0} tokens sent {lastUse.FlushStatements} statements in {lastUse.Flushes} flushes (target: at most 3 each)");
    // Every token, and each at most once a minute (the row takes well under one; +1 for the warm-up's token).
    Expect(lastUse.CredentialsWritten >= ManyTokens, $"the last-use flushes wrote {lastUse.CredentialsWritten:N0} credentials, not all {ManyTokens:N0} tokens used");
    Expect(lastUse.CredentialsWritten <= ManyTokens + 1, $"the last-use flushes wrote {lastUse.CredentialsWritten:N0} credentials for {ManyTokens:N0} tokens used within a minute");
    // Issue 21: a session's workspace request is authorized by the role the node remembers, so it sends the same
    // queries per request as a workspace token's, and runs at nearly its rate.
    Expect(sessionCommands.Requests > 0 && tokenCommands.Requests > 0 && bySessionPerRequest <= byTokenPerRequest + 0.01,
        $"installs with a session sends {bySessionPerRequest:0.00} commands per request against {byTokenPerRequest:0.00} with a workspace token");
    Expect(Median(installsPaired) >= 0.95 - margin, $"installs with a session runs at {Median(installsPaired):0.00} of a workspace token's rate (median of {installsPaired.Count} paired rounds; target: 0.95)");
    Expect(floodRatio is not { } f || f <= 2, $"whoami p99 during a sign-in flood is {floodRatio:0.00}x its quiet p99 (median of {rounds} paired rounds; target: at most 2x)");
    if (telemetry is { } cost)
    {
        Expect(cost.Exports > 0, "telemetry on exported nothing to the sink");
        Expect(cost.Cost <= 0.05 + telemetryMargin, $"telemetry on costs whoami {cost.Cost:0.00} of the baseline's rate (target: at most 0.05)");
    }

    Expect(peak < 250, $"peak memory {peak:0} MB >= 250 MB (reached during: {raisedBy})");
    // Start-up moves with the machine's state far more than with the code: the same commit read 1.52 s and
    // 2.09 s in two fresh CI runs (session 4, README). Like the ratios, it fails beyond a measured noise margin
    // (0.3 s: the largest reading above its commit's median was 0.29 s), and a reading over the target within
    // the margin is printed, not hidden.
    const double startupTargetMs = 2000, startupMarginMs = 300;
    Expect(engine != "Sqlite" || startup < startupTargetMs + startupMarginMs, $"start to /readyz {startup:0} ms >= 2 s + {startupMarginMs:0} ms noise margin");
    if (engine == "Sqlite" && startup >= startupTargetMs && startup < startupTargetMs + startupMarginMs)
    {
        Console.WriteLine($"note: start to /readyz {startup:0} ms is over the 2 s target, within the {startupMarginMs:0} ms noise margin");
    }
    Console.WriteLine(missed.Count == 0 ? "all targets met" : "missed: " + string.Join("; ", missed));
    Directory.Delete(work, recursive: true);
    return missed;
}


IEnumerable<(string Engine, string Connection)> Engines()
{
    yield return ("Sqlite", "Data Source={work}/akua.db");
    if (!string.IsNullOrWhiteSpace(postgres))
    {
        var name = "akua_bench_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        using (var admin = new NpgsqlConnection(postgres))
        {
            admin.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            create.ExecuteNonQuery();
        }

        yield return ("PostgreSQL", new NpgsqlConnectionStringBuilder(postgres) { Database = name }.ToString());
    }
}

string? Option(string name) => Array.IndexOf(args, name) is >= 0 and var i && i + 1 < args.Length ? args[i + 1] : null;

static string Write(string folder, string name, IEnumerable<string> lines)
{
    var path = Path.Combine(folder, name);
    File.WriteAllLines(path, lines);
    return path;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

static string Lua(string folder, string name, string text) => Write(folder, name, [text]);

static string FindRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Akua.sln")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? Directory.GetCurrentDirectory();
}
