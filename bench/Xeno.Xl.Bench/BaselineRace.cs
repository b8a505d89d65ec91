using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Xeno.Engine.Bench;
using Xeno.Xl.Bench.Interop;

namespace Xeno.Xl.Bench;

/// <summary>One xenod with its own xl (Native AOT) and prefix: this tree's, or a baseline tree's.</summary>
internal sealed record Side(string Label, string Xl, string Prefix, int XenodPid);

/// <summary>One side's figures: whole `xl list` processes, xenod's CPU per list, and xenod's two answers.</summary>
internal sealed record SideResult(string Label, List<double> XlMs, List<double> XlCpuMs, double XenodCpuMsPerList, List<double> DomainsMs, List<double> HostMs);

/// <summary>
/// Old against new in one run (`--baseline DIR`): two xenods, one per tree, each with the same
/// number of domains; each round runs `xl list` once against each (order alternating), then one
/// bare GET /v1/domains and GET /v1/host (the two requests `xl list` makes) against each, so a busy
/// moment of the host is shared by both sides. xenod's CPU per list is the change of its utime +
/// stime (/proc/PID/stat) over the xl runs divided by their number: clock ticks are 10 ms, the
/// sum over all rounds is not.
/// </summary>
internal static class BaselineRace
{
    public static IReadOnlyList<SideResult> Run(IReadOnlyList<Side> sides, int domains, int rounds)
    {
        var results = sides.ToDictionary(s => s.Label, s => (Xl: new List<double>(), Cpu: new List<double>(), Ticks: 0L, Domains: new List<double>(), Host: new List<double>()));
        foreach (var s in sides) ListOnce(s, domains); // untimed: binaries in the page cache
        for (int round = 0; round < rounds; round++)
        {
            foreach (var s in round % 2 == 0 ? sides : sides.Reverse())
            {
                var r = results[s.Label];
                long ticks = XenodTicks(s.XenodPid);
                double cpu = ChildCpu.Milliseconds();
                r.Xl.Add(ListOnce(s, domains));
                r.Cpu.Add(ChildCpu.Milliseconds() - cpu);
                results[s.Label] = r with { Ticks = r.Ticks + XenodTicks(s.XenodPid) - ticks };
            }
            foreach (var s in round % 2 == 0 ? sides : sides.Reverse())
            {
                var socket = Path.Combine(s.Prefix, "run/xeno/xenod.sock");
                var sw = System.Diagnostics.Stopwatch.StartNew();
                int listed = ApiProbe.ListDomains(socket);
                results[s.Label].Domains.Add(sw.Elapsed.TotalMilliseconds);
                if (listed != domains)
                    throw new InvalidOperationException($"{s.Label}: GET /v1/domains listed {listed} domains, expected {domains}");
                sw.Restart();
                GetHost(socket);
                results[s.Label].Host.Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        return [.. sides.Select(s =>
        {
            var r = results[s.Label];
            return new SideResult(s.Label, r.Xl, r.Cpu, r.Ticks * 1000.0 / ProcTicksPerSecond / rounds, r.Domains, r.Host);
        })];
    }

    private const int ProcTicksPerSecond = 100;

    private static double ListOnce(Side s, int domains)
    {
        var r = HostProcesses.Run(s.Xl, "--prefix", s.Prefix, "list");
        if (r.Exit != 0)
            throw new InvalidOperationException($"{s.Label} xl list failed ({r.Exit}): {r.Err}");
        int rows = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        if (rows != domains + 2)
            throw new InvalidOperationException($"{s.Label} xl list printed {rows} lines, expected {domains + 2}:\n{r.Out}");
        return r.Milliseconds;
    }

    /// <summary>utime + stime of a process in clock ticks (fields 14 and 15 of its stat line, after the command's ')').</summary>
    private static long XenodTicks(int pid)
    {
        var line = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        var f = line[(line.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
    }

    private static readonly byte[] HostRequest = Encoding.ASCII.GetBytes("GET /v1/host HTTP/1.0\r\nHost: xenod\r\n\r\n");

    private static void GetHost(string socketPath)
    {
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Connect(new UnixDomainSocketEndPoint(socketPath));
        s.Send(HostRequest);
        var reply = new MemoryStream();
        var buffer = new byte[16384];
        int n;
        while ((n = s.Receive(buffer)) > 0)
            reply.Write(buffer, 0, n);
        if (!Encoding.ASCII.GetString(reply.GetBuffer(), 0, (int)Math.Min(12, reply.Length)).StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
            throw new InvalidOperationException("GET /v1/host failed");
    }

    public static string Markdown(IReadOnlyList<SideResult> results, int domains, int rounds, bool paused, string loadBefore, string loadAfter)
    {
        static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        var md = new StringBuilder();
        md.Append(F($"### Old and new xenod side by side, {domains} {(paused ? "paused" : "running")} domains each\n\n"));
        md.Append(F($"{rounds} rounds. Host load (1-minute average) {loadBefore} at the start, {loadAfter} at the end, on {Environment.ProcessorCount} cores.\n\n"));
        md.Append("| build | `xl list` median ms | p90 ms | min ms | xl CPU ms (median) | xenod CPU ms per `xl list` | GET /v1/domains median ms | min ms | GET /v1/host median ms | min ms |\n");
        md.Append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var r in results)
            md.Append(F($"| {r.Label} | {Stats.Median(r.XlMs):F1} | {Stats.Percentile(r.XlMs, 90):F1} | {r.XlMs.Min():F1} | {Stats.Median(r.XlCpuMs):F1} | {r.XenodCpuMsPerList:F2} | {Stats.Median(r.DomainsMs):F2} | {r.DomainsMs.Min():F2} | {Stats.Median(r.HostMs):F2} | {r.HostMs.Min():F2} |\n"));
        md.Append('\n');
        return md.ToString();
    }
}
