using System.Globalization;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// xl info against /proc and /sys read here independently, xl info -n's tables, xl list's -c, -n
/// and SXP forms, and xl dmesg -c, all through a real xenod (no guest needed).
/// </summary>
public sealed class HostInfoTests : IAsyncLifetime
{
    private Xenod _x = null!;

    public async ValueTask InitializeAsync() => _x = await Xenod.StartAsync();

    public async ValueTask DisposeAsync() => await _x.DisposeAsync();

    /// <summary>"name : value" lines of xl info.</summary>
    internal static Dictionary<string, string> Fields(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Length > 24 && l[23] == ':')
            .ToDictionary(l => l[..23].TrimEnd(), l => l.Length > 25 ? l[25..] : "");

    private static SortedSet<int> CpuList(string path)
    {
        var set = new SortedSet<int>();
        foreach (var part in File.ReadAllText(path).Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var ends = part.Split('-').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
            for (int c = ends[0]; c <= ends[^1]; c++) set.Add(c);
        }
        return set;
    }

    private static string Sys(string path) => File.ReadAllText(Path.Combine("/sys/devices/system", path)).Trim();

    [Fact]
    public void InfoFieldsComeFromProcAndSys()
    {
        var r = _x.Xl("info");
        Assert.Equal(0, r.Exit);
        var f = Fields(r.Out);
        var online = CpuList("/sys/devices/system/cpu/online");
        Assert.Equal(online.Count.ToString(CultureInfo.InvariantCulture), f["nr_cpus"]);
        Assert.Equal(online.Max.ToString(CultureInfo.InvariantCulture), f["max_cpu_id"]);
        int nodes = Directory.Exists("/sys/devices/system/node") ? CpuList("/sys/devices/system/node/online").Count : 1;
        Assert.Equal(nodes.ToString(CultureInfo.InvariantCulture), f["nr_nodes"]);
        int threads = CpuList($"/sys/devices/system/cpu/cpu{online.Min}/topology/thread_siblings_list").Count;
        int package = CpuList($"/sys/devices/system/cpu/cpu{online.Min}/topology/core_siblings_list").Count;
        Assert.Equal(threads.ToString(CultureInfo.InvariantCulture), f["threads_per_core"]);
        Assert.Equal((package / threads).ToString(CultureInfo.InvariantCulture), f["cores_per_socket"]);

        // cpu_mhz: /proc/cpuinfo's first "cpu MHz" as Xen's "%d.%03d" of kHz.
        var mhz = File.ReadAllLines("/proc/cpuinfo").First(l => l.StartsWith("cpu MHz", StringComparison.Ordinal)).Split(':')[1].Trim();
        var whole = mhz.Split('.')[0];
        var fraction = (mhz.Split('.').ElementAtOrDefault(1) ?? "").PadRight(3, '0')[..3];
        Assert.Equal($"{whole}.{fraction}", f["cpu_mhz"]);

        // hw_caps: eight words in Xen's featureset order; spot-check bits against the kernel's flags.
        // Only flags the kernel shows whenever CPUID has them: fsgsbase, for one, is left out of
        // /proc/cpuinfo by a kernel that does not enable it (seen on a VM host whose CPUID has it).
        var words = f["hw_caps"].Split(':').Select(w => uint.Parse(w, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(8, words.Length);
        var flags = File.ReadAllLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(':')[1]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        (string Flag, int Word, int Bit)[] known =
        [
            ("fpu", 0, 0), ("tsc", 0, 4), ("cx8", 0, 8), ("cmov", 0, 15), ("mmx", 0, 23), ("fxsr", 0, 24), ("sse", 0, 25), ("sse2", 0, 26),
            ("pni", 1, 0), ("ssse3", 1, 9), ("cx16", 1, 13), ("sse4_1", 1, 19), ("sse4_2", 1, 20), ("popcnt", 1, 23), ("hypervisor", 1, 31),
            ("nx", 2, 20), ("lm", 2, 29), ("lahf_lm", 3, 0), ("bmi1", 5, 3), ("bmi2", 5, 8), ("erms", 5, 9),
        ];
        foreach (var (flag, word, bit) in known)
            Assert.True(flags.Contains(flag) == ((words[word] >> bit & 1) == 1), $"{flag}: /proc/cpuinfo {flags.Contains(flag)}, hw_caps word {word} bit {bit}");

        Assert.Matches(@"^virt_caps              : pv hvm (hap|shadow)$", r.Out.Split('\n').Single(l => l.StartsWith("virt_caps", StringComparison.Ordinal)));
        Assert.Equal("credit", f["xen_scheduler"]);

        var meminfo = File.ReadAllLines("/proc/meminfo").ToDictionary(l => l.Split(':')[0], l => long.Parse(l.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
        Assert.Equal((meminfo["MemTotal"] / 1024).ToString(CultureInfo.InvariantCulture), f["total_memory"]);
        AssertMemoryAddsUp(_x, 0);
    }

    /// <summary>
    /// total = free + Domain-0 + Σ guests, with xl info's figures and xl list's Mem column. The two
    /// commands read the host at different moments, so the host's own use may move between them
    /// (other processes on this machine); within one answer the identity is exact (unit tests).
    /// </summary>
    internal static void AssertMemoryAddsUp(Xenod x, long guestsMiB)
    {
        var f = Fields(x.Xl("info").Out);
        long total = long.Parse(f["total_memory"], CultureInfo.InvariantCulture), free = long.Parse(f["free_memory"], CultureInfo.InvariantCulture);
        var rows = x.Xl("list").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        long Mem(string row) => long.Parse(row[47..52].Trim(), CultureInfo.InvariantCulture);
        long dom0 = Mem(rows[0]);
        Assert.StartsWith("Domain-0 ", rows[0], StringComparison.Ordinal);
        Assert.Equal(guestsMiB, rows.Skip(1).Sum(Mem));
        Assert.True(free >= 0 && dom0 >= 0, $"free {free}, Domain-0 {dom0}");
        long hypervisor = total - free - dom0 - guestsMiB;
        Assert.True(Math.Abs(hypervisor) <= 256, $"total {total} - free {free} - Domain-0 {dom0} - guests {guestsMiB} = {hypervisor} MiB");
    }

    [Fact]
    public void InfoNPrintsCpuTopologyAndNumaInfoFromSys()
    {
        var r = _x.Xl("info", "-n");
        Assert.Equal(0, r.Exit);
        var lines = r.Out.Split('\n');
        int at = Array.IndexOf(lines, "cpu_topology           :");
        Assert.True(at > 0, r.Out);
        Assert.Equal("cpu:    core    socket     node", lines[at + 1]);
        var online = CpuList("/sys/devices/system/cpu/online");
        int i = at + 2;
        foreach (int cpu in online)
        {
            int core = int.Parse(Sys($"cpu/cpu{cpu}/topology/core_id"), CultureInfo.InvariantCulture);
            int socket = int.Parse(Sys($"cpu/cpu{cpu}/topology/physical_package_id"), CultureInfo.InvariantCulture);
            int node = Directory.GetDirectories($"/sys/devices/system/cpu/cpu{cpu}", "node*").Select(d => int.Parse(Path.GetFileName(d)[4..], CultureInfo.InvariantCulture)).FirstOrDefault();
            Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{cpu,3}:    {core,4}     {socket,4}     {node,4}"), lines[i++]);
        }
        Assert.Equal("device topology        :", lines[i++]);
        Assert.Equal("device           node", lines[i++]);
        var pci = Directory.Exists("/sys/bus/pci/devices")
            ? Directory.GetDirectories("/sys/bus/pci/devices").Order(StringComparer.Ordinal)
                .Select(d => (Name: Path.GetFileName(d), Node: int.Parse(File.ReadAllText(Path.Combine(d, "numa_node")).Trim(), CultureInfo.InvariantCulture)))
                .Where(p => p.Node >= 0).ToList()
            : [];
        foreach (var (name, node) in pci)
            Assert.Equal($"{name}      {node}", lines[i++]);
        if (pci.Count == 0)
            Assert.Equal("No device topology data available", lines[i++]);
        Assert.Equal("numa_info              :", lines[i++]);
        Assert.Equal("node:    memsize    memfree    distances", lines[i++]);
        if (Directory.Exists("/sys/devices/system/node"))
        {
            foreach (int node in CpuList("/sys/devices/system/node/online"))
            {
                var row = lines[i++];
                var meminfo = Sys($"node/node{node}/meminfo").Split('\n');
                long size = long.Parse(meminfo.First(l => l.Contains("MemTotal:", StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
                Assert.StartsWith(string.Create(CultureInfo.InvariantCulture, $"{node,4}:    {size,6}     "), row, StringComparison.Ordinal);
                Assert.EndsWith("      " + string.Join(',', Sys($"node/node{node}/distance").Split(' ', StringSplitOptions.RemoveEmptyEntries)), row, StringComparison.Ordinal);
            }
        }
        Assert.StartsWith("xen_major", lines[i], StringComparison.Ordinal);
        // A name filter prints one value; with -n, xl ignores it.
        Assert.Equal((0, "credit\n", ""), _x.Xl("info", "xen_scheduler"));
        static string Topology(string info) => info[info.IndexOf("cpu_topology", StringComparison.Ordinal)..info.IndexOf("numa_info", StringComparison.Ordinal)];
        var filtered = _x.Xl("info", "-n", "xen_scheduler").Out;
        Assert.StartsWith("host                   : ", filtered, StringComparison.Ordinal);
        Assert.Equal(Topology(r.Out), Topology(filtered));
    }

    [Fact]
    public void ListCNAndSxpLongForm()
    {
        var r = _x.Xl("list", "-c", "-n");
        Assert.Equal(0, r.Exit);
        var lines = r.Out.Split('\n');
        Assert.Equal("Name                                        ID   Mem VCPUs\tState\tTime(s)         Cpupool NODE Affinity", lines[0]);
        Assert.Matches(@"^Domain-0 +0 +\d+ +\d+     r-----  +\d+\.\d          Pool-0 all$", lines[1]);
        Assert.Matches(@"^Domain-0 .*-----  +\d+\.\d          Pool-0$", _x.Xl("list", "-c").Out.Split('\n')[1]);

        Directory.CreateDirectory(Path.Combine(_x.Prefix, "etc/xeno"));
        File.WriteAllText(Path.Combine(_x.Prefix, "etc/xeno/xl.conf"), "output_format=\"sxp\"\n");
        var sxp = _x.Xl("list", "-l");
        Assert.Equal(0, sxp.Exit);
        Assert.StartsWith("(domain\n\t(domid 0)\n\t(name Domain-0)\n\t(type pv)\n", sxp.Out, StringComparison.Ordinal);
        Assert.EndsWith("\n)\n", sxp.Out, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_x.Prefix, "etc/xeno/xl.conf"), "output_format=\"json\"\n");
        Assert.StartsWith("[\n    {\n        \"domid\": 0,", _x.Xl("list", "-l").Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DmesgCPrintsThenClearsAlsoAcrossAXenodRestart()
    {
        _x.Host!.Engine.Log.Info("a line from before the clear");
        var before = _x.Xl("dmesg");
        Assert.Equal(0, before.Exit);
        Assert.Contains("a line from before the clear", before.Out, StringComparison.Ordinal);
        var cleared = _x.Xl("dmesg", "-c");
        Assert.Equal(0, cleared.Exit);
        Assert.StartsWith(before.Out, cleared.Out, StringComparison.Ordinal);
        Assert.Equal((0, "", ""), _x.Xl("dmesg"));
        Assert.Equal((0, "", ""), _x.Xl("dmesg", "--clear"));

        // A new xenod reads the log file's tail: the cleared lines stay gone, its own start is there.
        await _x.StopHostAsync();
        await _x.StartHostAsync();
        var after = _x.Xl("dmesg").Out;
        Assert.Contains("xenod starting", after, StringComparison.Ordinal);
        Assert.DoesNotContain("a line from before the clear", after, StringComparison.Ordinal);
    }
}
