using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xeno.Store.Server;
using Xeno.Store.Wire;

namespace Xeno.Store.Bench;

/// <summary>
/// Measures xenostored over its unix socket next to an echo server on the same kind of
/// socket, in one run, and writes a markdown section.
/// </summary>
internal static class Program
{
    private sealed record Row(string Scenario, int Clients, double PerSecond, double P50Us, double P99Us);

    private static int Main(string[] args)
    {
        string? outPath = null;
        var quick = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--out" && i + 1 < args.Length) outPath = args[++i];
            else if (args[i] == "--quick") quick = true;
            else { Console.Error.WriteLine($"usage: Xeno.Store.Bench --out FILE.md [--quick] (unknown '{args[i]}')"); return 2; }
        }
        if (outPath is null) { Console.Error.WriteLine("usage: Xeno.Store.Bench --out FILE.md [--quick]"); return 2; }

        var duration = TimeSpan.FromSeconds(quick ? 0.5 : 3);
        var dir = Path.Combine("/tmp", "xsb-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var markdown = Run(dir, duration, quick);
            File.WriteAllText(outPath, markdown);
            Console.Write(markdown);
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Run(string dir, TimeSpan duration, bool quick)
    {
        var storeSocket = Path.Combine(dir, "store.sock");
        var server = XenStoreServer.Start(new XenStoreServerOptions { SocketPath = storeSocket, StateDirectory = Path.Combine(dir, "state") });
        using var echoSmall = new EchoServer(Path.Combine(dir, "echo1.sock"), 1);
        using var setup = new BenchClient(storeSocket);

        // 100 domains x 200 nodes, plus a directory of 1,000 children (short names so the list fits one reply).
        for (var d = 1; d <= 100; d++)
            for (var n = 0; n < 200; n++)
                Check(setup.Call(XsMessageType.Write, 0, $"/local/domain/{d}/k{n}\0x"));
        for (var n = 0; n < 1000; n++) Check(setup.Call(XsMessageType.Write, 0, $"/bench/dir/{n}\0"));
        var listingSize = setup.Call(XsMessageType.Directory, 0, "/bench/dir\0").Payload.Length;
        using var echoListing = new EchoServer(Path.Combine(dir, "echo2.sock"), listingSize);

        // Interleaved rounds, best round kept per row: other load on a shared machine only ever slows a round down.
        var rounds = quick ? 1 : 3;
        duration /= rounds;
        var rows = new List<Row>();
        for (var round = 0; round < rounds; round++)
        foreach (var clients in new[] { 1, 16 })
        {
            rows.Add(Measure("echo (1-byte reply)", clients, duration, () => new BenchClient(Path.Combine(dir, "echo1.sock")),
                (c, r) => c.Call(XsMessageType.Read, 0, ReadPath(r))));
            rows.Add(Measure("read 1 byte", clients, duration, () => new BenchClient(storeSocket),
                (c, r) => Check(c.Call(XsMessageType.Read, 0, ReadPath(r)))));
            rows.Add(Measure("write 1 byte", clients, duration, () => new BenchClient(storeSocket),
                (c, r) => Check(c.Call(XsMessageType.Write, 0, $"/local/domain/{r.Next(1, 101)}/k{r.Next(200)}\0y"))));
            rows.Add(Measure($"echo ({listingSize}-byte reply)", clients, duration, () => new BenchClient(Path.Combine(dir, "echo2.sock")),
                (c, r) => c.Call(XsMessageType.Directory, 0, "/bench/dir\0")));
            rows.Add(Measure("directory, 1,000 children", clients, duration, () => new BenchClient(storeSocket),
                (c, r) => Check(c.Call(XsMessageType.Directory, 0, "/bench/dir\0"))));
            rows.Add(Measure("transaction (start, read, write, commit)", clients, duration, () => new BenchClient(storeSocket),
                (c, r) => Transaction(c, r)));
        }
        rows = rows.GroupBy(r => (r.Scenario, r.Clients)).Select(g => g.MaxBy(r => r.PerSecond)!).ToList();
        var watch = WatchLatency(storeSocket, quick ? 300 : 2000);
        var engineOnly = EngineOnlyRead(server, quick ? 50_000 : 500_000);
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return Render(rows, watch, engineOnly, duration * rounds, rounds, listingSize);
    }

    private static string ReadPath(Random r) => $"/local/domain/{r.Next(1, 101)}/k{r.Next(200)}\0";

    private static void Check(XsMessage reply)
    {
        if (reply.Type == XsMessageType.Error) throw new InvalidOperationException("benchmark request failed: " + Encoding.ASCII.GetString(reply.Payload));
    }

    private static void Transaction(BenchClient c, Random r)
    {
        // Each client works on its own domain's nodes, so conflicts are rare; retry on EAGAIN as xenstore clients do.
        var path = $"/local/domain/{r.Next(1, 101)}/k{r.Next(200)}";
        while (true)
        {
            var tx = uint.Parse(Encoding.ASCII.GetString(c.Call(XsMessageType.TransactionStart, 0, "\0").Payload).TrimEnd('\0'), CultureInfo.InvariantCulture);
            Check(c.Call(XsMessageType.Read, tx, path + "\0"));
            Check(c.Call(XsMessageType.Write, tx, path + "\0z"));
            var end = c.Call(XsMessageType.TransactionEnd, tx, "T\0");
            if (end.Type != XsMessageType.Error) return;
        }
    }

    private static Row Measure(string name, int clients, TimeSpan duration, Func<BenchClient> connect, Action<BenchClient, Random> op)
    {
        var latencies = new List<long>[clients];
        var counts = new long[clients];
        using var start = new Barrier(clients + 1);
        var threads = new Thread[clients];
        long deadline = 0;
        for (var i = 0; i < clients; i++)
        {
            var index = i;
            latencies[i] = new List<long>(1 << 16);
            threads[i] = new Thread(() =>
            {
                using var c = connect();
                var r = new Random(index * 7919 + 1);
                for (var w = 0; w < 2000; w++) op(c, r);
                start.SignalAndWait();
                var list = latencies[index];
                while (true)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    if (t0 >= Volatile.Read(ref deadline)) break;
                    op(c, r);
                    list.Add(Stopwatch.GetTimestamp() - t0);
                }
                counts[index] = list.Count;
            }) { IsBackground = true };
            threads[i].Start();
        }
        Volatile.Write(ref deadline, long.MaxValue);
        start.SignalAndWait();
        var began = Stopwatch.GetTimestamp();
        Volatile.Write(ref deadline, began + (long)(duration.TotalSeconds * Stopwatch.Frequency));
        foreach (var t in threads) t.Join();
        var elapsed = Stopwatch.GetElapsedTime(began).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Row(name, clients, counts.Sum() / elapsed, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))] * 1e6 / Stopwatch.Frequency;

    /// <summary>Time from sending a write to receiving its watch event, with 1,000 other watches registered.</summary>
    private static (double P50, double P99, int Samples) WatchLatency(string socket, int samples)
    {
        var others = Enumerable.Range(0, 10).Select(_ => new BenchClient(socket)).ToList();
        var r = new Random(5);
        for (var i = 0; i < 1000; i++)
        {
            var c = others[i % others.Count];
            Check(c.Call(XsMessageType.Watch, 0, $"/local/domain/{r.Next(1, 101)}/k{r.Next(200)}\0w{i}\0"));
            c.WaitEvent();
        }
        using var watcher = new BenchClient(socket);
        using var writer = new BenchClient(socket);
        Check(watcher.Call(XsMessageType.Watch, 0, "/bench/watched\0t\0"));
        watcher.WaitEvent();
        var times = new long[samples];
        for (var i = 0; i < samples; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            Check(writer.Call(XsMessageType.Write, 0, "/bench/watched\0" + (i % 10)));
            watcher.WaitEvent();
            times[i] = Stopwatch.GetTimestamp() - t0;
        }
        foreach (var o in others) o.Dispose();
        Array.Sort(times);
        return (Percentile(times, 0.5), Percentile(times, 0.99), samples);
    }

    /// <summary>The engine's own cost for a read, without sockets: what the store adds on top of the echo.</summary>
    private static double EngineOnlyRead(XenStoreServer server, int iterations)
    {
        lock (server.Gate)
        {
            var session = server.Engine.Connect(0);
            var message = XsMessage.Create(XsMessageType.Read, 1, 0, "/local/domain/50/k100");
            for (var i = 0; i < 10_000; i++) server.Engine.Process(session, message);
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < iterations; i++) server.Engine.Process(session, message).Outgoing[0].Message.ToBytes();
            var us = Stopwatch.GetElapsedTime(t0).TotalMicroseconds / iterations;
            server.Engine.Disconnect(session);
            return us;
        }
    }

    private static string Render(List<Row> rows, (double P50, double P99, int Samples) watch, double engineUs, TimeSpan duration, int rounds, int listingSize)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("## xenstored (Xeno.Store) over a unix socket");
        sb.AppendLine();
        sb.AppendLine("Method: an in-process `XenStoreServer` with its journal on (every write is logged before the reply)");
        sb.AppendLine("holds a tree of 100 domains x 200 nodes plus a directory of 1,000 children. Blocking clients,");
        sb.AppendLine("one thread each, send one request and wait for its reply, for " + duration.TotalSeconds.ToString(inv) + " s per row after a");
        sb.AppendLine("warm-up, split into " + rounds.ToString(inv) + " interleaved round(s); the best round is shown (load from other processes");
        sb.AppendLine("only ever slows a round down). In the same run a minimal echo server, framing the same requests on the same kind of unix");
        sb.AppendLine("socket and answering with a reply of the same payload size, gives the round-trip floor.");
        sb.AppendLine("Latencies are per request (a transaction row counts the whole 4-request transaction).");
        sb.AppendLine();
        sb.AppendLine("| scenario | clients | operations/s | p50 (µs) | p99 (µs) |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var r in rows)
            sb.AppendLine(inv, $"| {r.Scenario} | {r.Clients} | {r.PerSecond:F0} | {r.P50Us:F1} | {r.P99Us:F1} |");
        sb.AppendLine(inv, $"| watch event after a write, 1,000 other watches | 1 | - | {watch.P50:F1} | {watch.P99:F1} |");
        sb.AppendLine();
        sb.AppendLine("Ratios (same run):");
        sb.AppendLine();
        foreach (var clients in new[] { 1, 16 })
        {
            var echo = rows.Single(r => r.Clients == clients && r.Scenario.StartsWith("echo (1-byte", StringComparison.Ordinal));
            var read = rows.Single(r => r.Clients == clients && r.Scenario == "read 1 byte");
            var echoDir = rows.Single(r => r.Clients == clients && r.Scenario.StartsWith($"echo ({listingSize}", StringComparison.Ordinal));
            var dir = rows.Single(r => r.Clients == clients && r.Scenario.StartsWith("directory", StringComparison.Ordinal));
            sb.AppendLine(inv, $"- {clients} client(s): read / echo = **{read.PerSecond / echo.PerSecond:P0}**; directory / echo of the same size = {dir.PerSecond / echoDir.PerSecond:P0}");
        }
        var echo1 = rows.Single(r => r.Clients == 1 && r.Scenario.StartsWith("echo (1-byte", StringComparison.Ordinal));
        var read1 = rows.Single(r => r.Clients == 1 && r.Scenario == "read 1 byte");
        sb.AppendLine();
        sb.AppendLine(inv, $"Where the rest goes: the store's own work for a read (path checks, lookup, permission check, reply");
        sb.AppendLine(inv, $"encoding, measured in-process without sockets) costs {engineUs:F2} µs; the single-client read round trip is");
        sb.AppendLine(inv, $"{read1.P50Us - echo1.P50Us:F1} µs (p50) longer than the echo's. The remainder beyond the engine is the server's");
        sb.AppendLine("per-request plumbing: the global store lock, the per-connection send queue and its pump, and one extra");
        sb.AppendLine("buffer copy per reply. Writes add the journal append (one write(2) per acknowledged change).");
        sb.AppendLine("With 16 clients on 2 cores the numbers are bound by the CPU the clients themselves use.");
        sb.AppendLine();
        return sb.ToString();
    }
}
