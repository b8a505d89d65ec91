using System.Globalization;
using System.Text;
using Xeno.Api.Contracts;

namespace Xeno.Cli.Commands.Top;

/// <summary>
/// xentop's domain table, byte for byte as xentop prints it: the header (each column right-aligned
/// to its width, one space apart), one row per domain sorted by name (case-insensitive; -z keeps
/// Domain-0 first), the optional vCPU, network and VBD lines, and the summary above the table in
/// interactive mode. The counters' columns widen to fit their largest value, as xentop's do.
/// Pure: a sample (and the previous one, for CPU(%)) in, text out.
/// </summary>
public static class XentopTable
{
    public const string Version = "1.0";

    private static readonly string[] Headers =
        ["NAME", "STATE", "CPU(sec)", "CPU(%)", "MEM(k)", "MEM(%)", "MAXMEM(k)", "MAXMEM(%)", "VCPUS", "NETS",
         "NETTX(k)", "NETRX(k)", "VBDS", "VBD_OO", "VBD_RD", "VBD_WR", "VBD_RSECT", "VBD_WSECT", "SSID"];

    private static readonly int[] DefaultWidths = [10, 6, 10, 6, 10, 6, 10, 9, 5, 4, 8, 8, 4, 8, 8, 8, 10, 10, 4];

    /// <summary>The header line (no summary) and rows of one sample.</summary>
    public static string Format(XentopSnapshot now, XentopSnapshot? previous, XentopOptions options)
    {
        var domains = Sorted(now.Domains, options.Dom0First);
        var widths = Widths(domains, options.FullName);
        var o = new StringBuilder();
        for (int i = 0; i < domains.Count; i++)
        {
            if (i == 0 || options.RepeatHeader)
                Header(o, widths);
            Row(o, domains[i], now, previous, widths, options.FullName);
            if (options.Vcpus) VcpuLines(o, domains[i]);
            if (options.Networks) NetworkLines(o, domains[i]);
            if (options.Vbds) VbdLines(o, domains[i]);
        }
        return o.ToString();
    }

    /// <summary>The three summary lines interactive xentop prints above the table.</summary>
    public static string Summary(XentopSnapshot now, string version, DateTime localTime)
    {
        int run = 0, block = 0, pause = 0, crash = 0, dying = 0, shutdown = 0;
        foreach (var d in now.Domains)
        {
            // The first matching flag counts, in xentop's order.
            if (d.State[5] == 'r') run++;
            else if (d.State[2] == 'b') block++;
            else if (d.State[4] == 'p') pause++;
            else if (d.State[1] == 's') shutdown++;
            else if (d.State[3] == 'c') crash++;
            else if (d.State[0] == 'd') dying++;
        }
        long used = now.TotalMemoryKb - now.FreeMemoryKb;
        return Invariant($"xentop - {localTime:HH:mm:ss}   Xen {version}\n") +
               Invariant($"{now.Domains.Count} domains: {run} running, {block} blocked, {pause} paused, {crash} crashed, {dying} dying, {shutdown} shutdown \n") +
               Invariant($"Mem: {now.TotalMemoryKb}k total, {used}k used, {now.FreeMemoryKb}k free    CPUs: {now.Cpus} @ {now.CpuMhz}MHz\n");
    }

    /// <summary>CPU(%): CPU time used since the previous sample over the wall time between them; 0 without one.</summary>
    public static double CpuPercent(XentopDomain d, XentopSnapshot now, XentopSnapshot? previous)
    {
        var old = previous?.Domains.FirstOrDefault(p => p.Domid == d.Domid);
        if (old is null) return 0.0;
        double elapsedUs = (now.Time - previous!.Time) * 1e6;
        if (elapsedUs <= 0) return 0.0;
        return (d.CpuNs - old.CpuNs) / 10.0 / elapsedUs;
    }

    private static List<XentopDomain> Sorted(IReadOnlyList<XentopDomain> all, bool dom0First)
    {
        var list = all.ToList();
        int start = 0;
        if (dom0First && list.FindIndex(d => d.Name == "Domain-0") is var i and >= 0)
        {
            (list[0], list[i]) = (list[i], list[0]);
            start = 1;
        }
        var rest = list.Skip(start).OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase).ToList();
        return [.. list.Take(start), .. rest];
    }

    private static int[] Widths(IReadOnlyList<XentopDomain> domains, bool fullName)
    {
        var w = (int[])DefaultWidths.Clone();
        foreach (var d in domains)
        {
            if (fullName) w[0] = Math.Max(w[0], d.Name.Length);
            w[10] = Math.Max(w[10], Digits(NetBytes(d, rx: false) / 1024 + 1));
            w[11] = Math.Max(w[11], Digits(NetBytes(d, rx: true) / 1024 + 1));
            w[14] = Math.Max(w[14], Digits(Vbd(d, b => b.ReadRequests).Total + 1));
            w[15] = Math.Max(w[15], Digits(Vbd(d, b => b.WriteRequests).Total + 1));
            w[16] = Math.Max(w[16], Digits(Vbd(d, b => b.ReadSectors).Total + 1));
            w[17] = Math.Max(w[17], Digits(Vbd(d, b => b.WriteSectors).Total + 1));
        }
        return w;
    }

    private static void Header(StringBuilder o, int[] widths)
    {
        for (int i = 0; i < Headers.Length; i++)
        {
            if (i != 0) o.Append(' ');
            o.Append(Headers[i].PadLeft(widths[i]));
        }
        o.Append('\n');
    }

    private static void Row(StringBuilder o, XentopDomain d, XentopSnapshot now, XentopSnapshot? previous, int[] w, bool fullName)
    {
        string name = fullName ? d.Name.PadLeft(w[0]) : (d.Name.Length > 10 ? d.Name[..10] : d.Name).PadLeft(10);
        double total = now.TotalMemoryKb;
        var cells = new List<string>
        {
            name,
            d.State,
            (d.CpuNs / 1_000_000_000).ToString(CultureInfo.InvariantCulture).PadLeft(10),
            Fixed(CpuPercent(d, now, previous), 6),
            d.MemoryKb.ToString(CultureInfo.InvariantCulture).PadLeft(10),
            Fixed(total > 0 ? d.MemoryKb / total * 100 : 0, 6),
            d.MaxMemoryKb is { } max ? max.ToString(CultureInfo.InvariantCulture).PadLeft(10) : "no limit".PadLeft(10),
            d.MaxMemoryKb is { } m ? Fixed(total > 0 ? m / total * 100 : 0, 9) : "n/a".PadLeft(9),
            d.Vcpus.ToString(CultureInfo.InvariantCulture).PadLeft(5),
            d.Networks.Count.ToString(CultureInfo.InvariantCulture).PadLeft(4),
            (NetBytes(d, rx: false) / 1024).ToString(CultureInfo.InvariantCulture).PadLeft(w[10]),
            (NetBytes(d, rx: true) / 1024).ToString(CultureInfo.InvariantCulture).PadLeft(w[11]),
            d.Blocks.Count.ToString(CultureInfo.InvariantCulture).PadLeft(4),
            VbdCell(Vbd(d, b => b.OoRequests), 8),
            VbdCell(Vbd(d, b => b.ReadRequests), w[14]),
            VbdCell(Vbd(d, b => b.WriteRequests), w[15]),
            VbdCell(Vbd(d, b => b.ReadSectors), w[16]),
            VbdCell(Vbd(d, b => b.WriteSectors), w[17]),
            "0".PadLeft(4),
        };
        o.Append(string.Join(' ', cells)).Append('\n');
    }

    private static void VcpuLines(StringBuilder o, XentopDomain d)
    {
        o.Append("VCPUs(sec): ");
        for (int i = 0; i < d.VcpuTimes.Count; i++)
        {
            if (i != 0 && i % 5 == 0)
                o.Append("\n        ");
            o.Append(Invariant($" {d.VcpuTimes[i].Vcpu,2}: {d.VcpuTimes[i].CpuNs / 1_000_000_000,10}s"));
        }
        o.Append('\n');
    }

    private static void NetworkLines(StringBuilder o, XentopDomain d)
    {
        for (int i = 0; i < d.Networks.Count; i++)
        {
            var n = d.Networks[i];
            o.Append(Invariant($"Net{i} RX: {n.RxBytes,8}bytes {n.RxPackets,8}pkts {n.RxErrors,8}err {n.RxDrops,8}drop  "));
            o.Append(Invariant($"TX: {n.TxBytes,8}bytes {n.TxPackets,8}pkts {n.TxErrors,8}err {n.TxDrops,8}drop\n"));
        }
    }

    private static void VbdLines(StringBuilder o, XentopDomain d)
    {
        foreach (var b in d.Blocks)
        {
            // glibc's major()/minor() of the device number, as "[%2x:%2x] ".
            long dev = b.Devid;
            long major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffL);
            long minor = (dev & 0xff) | ((dev >> 12) & ~0xffL);
            var details = Invariant($"[{major,2:x}:{minor,2:x}] ");
            if (b.Error)
                o.Append(Invariant($"VBD BlkBack {b.Devid,4} {details} OO: {'-',8}   RD: {'-',8}   WR: {'-',8}   RSECT: {'-',10}   WSECT: {'-',10}\n"));
            else
                o.Append(Invariant($"VBD BlkBack {b.Devid,4} {details} OO: {b.OoRequests,8}   RD: {b.ReadRequests,8}   WR: {b.WriteRequests,8}   RSECT: {b.ReadSectors,10}   WSECT: {b.WriteSectors,10}\n"));
        }
    }

    private static long NetBytes(XentopDomain d, bool rx) => d.Networks.Sum(n => rx ? n.RxBytes : n.TxBytes);

    /// <summary>xentop's tot_vbd_reqs: the sum over readable disks; shown when there is one, or no disk at all.</summary>
    private static (long Total, bool Show) Vbd(XentopDomain d, Func<BlockStatistics, long> field)
    {
        bool show = d.Blocks.Count == 0;
        long total = 0;
        foreach (var b in d.Blocks.Where(b => !b.Error))
        {
            show = true;
            total += field(b);
        }
        return (total, show);
    }

    private static string VbdCell((long Total, bool Show) v, int width) =>
        v.Show ? v.Total.ToString(CultureInfo.InvariantCulture).PadLeft(width) : "-".PadLeft(width);

    /// <summary>printf's "%W.1f".</summary>
    private static string Fixed(double value, int width) => value.ToString("F1", CultureInfo.InvariantCulture).PadLeft(width);

    /// <summary>xentop's INT_FIELD_WIDTH: decimal digits of n (n ≥ 1).</summary>
    internal static int Digits(long n) => n <= 0 ? 1 : (int)Math.Floor(Math.Log10(n)) + 1;

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
