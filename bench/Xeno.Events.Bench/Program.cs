using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;

namespace Xeno.Events.Bench;

/// <summary>
/// Event delivery latency: an in-process xenod (EngineHost on a temporary prefix, no guests),
/// events published through the engine's sink, read by clients of GET /v1/events over the unix
/// socket (the client's EventStream for JSON lines, a raw reader for server-sent events). One
/// event at a time with a short random pause between events, as domain events come; each
/// event's latency is publish → parsed by the client (one clock: same process). The floor is a
/// line written to a bare unix socket and read back by a reader thread, measured the same way.
/// </summary>
internal static class Program
{
    private sealed record Row(string Scenario, int Samples, double P50Ms, double P90Ms, double P99Ms, double MaxMs);

    private static async Task<int> Main(string[] args)
    {
        string? outPath = null;
        var quick = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--out" && i + 1 < args.Length) outPath = args[++i];
            else if (args[i] == "--quick") quick = true;
            else { Console.Error.WriteLine($"usage: Xeno.Events.Bench --out FILE.md [--quick] (unknown '{args[i]}')"); return 2; }
        }
        if (outPath is null) { Console.Error.WriteLine("usage: Xeno.Events.Bench --out FILE.md [--quick]"); return 2; }

        int samples = quick ? 200 : 2_000;
        var root = Directory.CreateTempSubdirectory("xeb-").FullName;
        try
        {
            var rows = new List<Row>
            {
                await BareSocketAsync(root, samples),
            };
            await using (var host = await EngineHost.StartAsync(Path.Combine(root, "p"), options: new EngineOptions { EmbeddedXenstore = false }))
            {
                rows.Add(await StreamAsync(host, samples, subscribers: 1));
                rows.Add(await StreamAsync(host, samples, subscribers: 10));
                rows.Add(await SseAsync(host, samples));
            }
            var markdown = Markdown(rows, samples);
            File.WriteAllText(outPath, markdown);
            Console.Write(markdown);
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Publish → every subscriber's EventStream has parsed the event; one sample per delivery.</summary>
    private static async Task<Row> StreamAsync(EngineHost host, int samples, int subscribers)
    {
        var streams = new List<EventStream>();
        for (int i = 0; i < subscribers; i++)
            streams.Add(await EventStream.OpenAsync(host.Paths.Socket));
        var latencies = new List<double>();
        var random = new Random(1);
        try
        {
            for (int n = 0; n < samples + 20; n++)
            {
                long start = Stopwatch.GetTimestamp();
                var reads = streams.Select(async s =>
                {
                    var e = await s.ReadAsync() ?? throw new InvalidOperationException("stream ended");
                    return Stopwatch.GetElapsedTime(start, Stopwatch.GetTimestamp()).TotalMilliseconds;
                }).ToList();
                host.Engine.Events.Publish(new DomainEvent { Kind = DomainEventKind.Phase, Domid = n, Name = "bench", Phase = "running" });
                var done = await Task.WhenAll(reads);
                if (n >= 20) // warm-up
                    latencies.AddRange(done);
                await Task.Delay(random.Next(1, 4));
            }
        }
        finally
        {
            foreach (var s in streams)
                s.Dispose();
        }
        return Stats(subscribers == 1 ? "GET /v1/events, JSON lines, 1 reader" : $"GET /v1/events, JSON lines, {subscribers} readers", latencies);
    }

    /// <summary>Publish → a raw reader of the server-sent events has the data: line.</summary>
    private static async Task<Row> SseAsync(EngineHost host, int samples)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(host.Paths.Socket), cancel);
                return new NetworkStream(s, ownsSocket: true);
            },
        }) { BaseAddress = new Uri("http://xenod/"), Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/events");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var latencies = new List<double>();
        var random = new Random(2);
        for (int n = 0; n < samples + 20; n++)
        {
            long start = Stopwatch.GetTimestamp();
            var read = Task.Run(async () =>
            {
                while (await reader.ReadLineAsync() is { } line)
                {
                    if (line.StartsWith("data: ", StringComparison.Ordinal))
                        return Stopwatch.GetElapsedTime(start, Stopwatch.GetTimestamp()).TotalMilliseconds;
                }
                throw new InvalidOperationException("stream ended");
            });
            host.Engine.Events.Publish(new DomainEvent { Kind = DomainEventKind.Phase, Domid = n, Name = "bench", Phase = "running" });
            var ms = await read;
            if (n >= 20)
                latencies.Add(ms);
            await Task.Delay(random.Next(1, 4));
        }
        return Stats("GET /v1/events, server-sent events, 1 reader", latencies);
    }

    /// <summary>The floor: one JSON-sized line over a bare unix socket to a waiting reader.</summary>
    private static async Task<Row> BareSocketAsync(string root, int samples)
    {
        var path = Path.Combine(root, "bare.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(path));
        using var server = await listener.AcceptAsync();
        using var reader = new StreamReader(new NetworkStream(client));
        var line = Encoding.UTF8.GetBytes(new string('x', 120) + "\n");
        var latencies = new List<double>();
        var random = new Random(3);
        for (int n = 0; n < samples + 20; n++)
        {
            long start = Stopwatch.GetTimestamp();
            var read = Task.Run(async () =>
            {
                _ = await reader.ReadLineAsync() ?? throw new InvalidOperationException("socket closed");
                return Stopwatch.GetElapsedTime(start, Stopwatch.GetTimestamp()).TotalMilliseconds;
            });
            server.Send(line);
            var ms = await read;
            if (n >= 20)
                latencies.Add(ms);
            await Task.Delay(random.Next(1, 4));
        }
        return Stats("floor: a line over a bare unix socket", latencies);
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static Row Stats(string scenario, List<double> ms)
    {
        ms.Sort();
        double At(double q) => ms[Math.Min(ms.Count - 1, (int)Math.Floor(q * ms.Count))];
        return new Row(scenario, ms.Count, At(0.5), At(0.9), At(0.99), ms[^1]);
    }

    private static string Markdown(List<Row> rows, int samples)
    {
        string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
        var floor = rows[0].P50Ms;
        var sb = new StringBuilder();
        sb.AppendLine("## Domain events: delivery latency (GET /v1/events)");
        sb.AppendLine();
        sb.AppendLine("From the engine's event sink (`DomainEngine.Events.Publish`, where the engine reports a QMP");
        sb.AppendLine("event it has just read) to a client that has read and parsed the event from `GET /v1/events`");
        sb.AppendLine("over xenod's unix socket. In-process xenod (`EngineHost`, no guests), client in the same");
        sb.AppendLine($"process (one clock). {samples} events per row, one at a time with a 1-3 ms pause between them");
        sb.AppendLine("(domain events are sparse), after 20 warm-up events; with 10 readers each delivery is a sample.");
        sb.AppendLine("The floor is a line written to a bare unix socket and read by a waiting reader, same method.");
        sb.AppendLine("Goal: median ≤ 5 ms. Load average during the run (1, 5, 15 min): " + LoadAverage() + ".");
        sb.AppendLine();
        sb.AppendLine("| Scenario | Samples | Median ms | p90 ms | p99 ms | Max ms | Median / floor |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
            sb.AppendLine($"| {r.Scenario} | {r.Samples} | {F(r.P50Ms)} | {F(r.P90Ms)} | {F(r.P99Ms)} | {F(r.MaxMs)} | {(r.P50Ms / floor).ToString("0.0", CultureInfo.InvariantCulture)}x |");
        sb.AppendLine();
        var worst = rows.Skip(1).Max(r => r.P50Ms);
        sb.AppendLine($"Worst median over the stream rows: {F(worst)} ms ({(worst <= 5 ? "meets" : "misses")} the 5 ms goal).");
        return sb.ToString();
    }
}
