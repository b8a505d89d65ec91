using System.Text.Json;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;

namespace Xeno.Cli.Tests.Domain;

/// <summary>
/// xl info's text, xl list's SXP and node-affinity pieces, and the Domain-0 requests xl answers
/// itself: formats from xl_info.c, xl_sxp.c, xl_vmcontrol.c and libxl's messages (Xen 4.17).
/// </summary>
public sealed class HostAndDom0CommandTests
{
    private static HostInfo Host(int nodes = 1) => JsonSerializer.Deserialize($$"""
        {"host": "h1", "release": "6.1.0", "version": "#1 SMP", "machine": "x86_64", "nr_cpus": 4, "max_cpu_id": 3,
         "nr_nodes": {{nodes}}, "cores_per_socket": 2, "threads_per_core": 2, "sockets": 1, "cpu_khz": 2100005,
         "hw_caps": [3219913727, 4294586883, 739248128, 289, 15, 10162089, 4194308, 256],
         "virt_caps": ["pv", "hvm", "shadow"], "xen_scheduler": "credit",
         "total_memory_mib": 24000, "free_memory_mib": 20000, "dom0_memory_mib": 3872,
         "cpu_topology": [{"cpu": 0, "core": 0, "socket": 0, "node": 0}, {"cpu": 1, "core": 0, "socket": 0, "node": 0},
                          {"cpu": 2, "core": 1, "socket": 0, "node": {{nodes - 1}}}, {"cpu": 3, "core": 1, "socket": 0, "node": {{nodes - 1}}}],
         "numa_info": [{"node": 0, "memsize_mib": 24000, "memfree_mib": 18000, "distances": [10]}],
         "pci_topology": [], "accelerator": "tcg", "xeno_version": "0.9.1",
         "host_cpu_seconds": 1, "cpu_seconds": [1], "uptime_seconds": 1, "daemon_start": 1}
        """, ApiJsonContext.Default.HostInfo)!;

    /// <summary>A domain as xenod answers it, with <paramref name="config"/> as its domain JSON.</summary>
    private static DomainInfo Domain(int domid, string config) => new()
    {
        Domid = domid, Name = "web", Uuid = Guid.Empty, Type = DomainType.Pv, State = "-b----", Phase = "running", Paused = false, Responding = true,
        MemoryMib = 128, MaxmemMib = 128, TargetKb = 131072, MaxmemKb = 131072, Vcpus = 1, Maxvcpus = 1, CpuTime = 0, StartTime = 0,
        Console = new ConsoleInfo { Kind = ConsoleKind.Pv, Socket = "/s", Log = "/l" }, VcpuList = [],
        Config = JsonElement.Parse(config),
    };

    [Fact]
    public void InfoPrintsXlSFieldsWithOneSpaceBeforeVirtCaps()
    {
        var text = HostInfoText.Format(Host(), numa: false, filter: null);
        var lines = text.Split('\n');
        Assert.Contains("virt_caps              : pv hvm shadow", lines);
        Assert.Contains("cpu_mhz                : 2100.005", lines);
        Assert.Contains("hw_caps                : bfebfbff:fffa3203:2c100800:00000121:0000000f:009b0fa9:00400004:00000100", lines);
        Assert.Contains("xen_scheduler          : credit", lines);
        Assert.Contains("nr_nodes               : 1", lines);
        Assert.Contains("cores_per_socket       : 2", lines);
        Assert.Contains("threads_per_core       : 2", lines);
        Assert.Contains("total_memory           : 24000", lines);
        Assert.Contains("free_memory            : 20000", lines);
        Assert.Contains("xen_changeset          :", lines);
        Assert.DoesNotContain("cpu_topology           :", lines);
        // Xen's order: physinfo, then xen info, then xend_config_format last.
        Assert.True(Array.IndexOf(lines, "free_cpus              : 0") < Array.FindIndex(lines, l => l.StartsWith("xen_major", StringComparison.Ordinal)));
        Assert.Equal("xend_config_format     : 4", lines[^2]);
    }

    [Fact]
    public void InfoWithANamePrintsTheValuesOfMatchingLinesAsMaybePrintf()
    {
        Assert.Equal("pv hvm shadow\n", HostInfoText.Format(Host(), false, "virt_caps"));
        Assert.Equal("24000\n", HostInfoText.Format(Host(), false, "total_memory"));
        // Every line starting with the name: free_memory and free_cpus.
        Assert.Equal("20000\n0\n", HostInfoText.Format(Host(), false, "free"));
        Assert.Equal("4\n", HostInfoText.Format(Host(), false, "nr_c"));
        Assert.Equal("credit\n", HostInfoText.Format(Host(), false, "xen_sch"));
        // xl prints nothing for a line with an empty value (no space after the colon).
        Assert.Equal("", HostInfoText.Format(Host(), false, "xen_changeset"));
        Assert.Equal("", HostInfoText.Format(Host(), false, "nosuchfield"));
    }

    [Fact]
    public void InfoNPrintsTheTopologyTablesWhereXlDoes()
    {
        var lines = HostInfoText.Format(Host(), numa: true, filter: "ignored with -n").Split('\n');
        int at = Array.IndexOf(lines, "free_cpus              : 0");
        Assert.Equal(
        [
            "cpu_topology           :",
            "cpu:    core    socket     node",
            "  0:       0        0        0",
            "  1:       0        0        0",
            "  2:       1        0        0",
            "  3:       1        0        0",
            "device topology        :",
            "device           node",
            "No device topology data available",
            "numa_info              :",
            "node:    memsize    memfree    distances",
            "   0:     24000      18000      10",
        ], lines[(at + 1)..(at + 13)]);
        Assert.StartsWith("xen_major", lines[at + 13], StringComparison.Ordinal);

        var host = Host() with
        {
            PciTopology = [new HostPciDevice { Device = "0000:00:1f.2", Node = 1 }],
            NumaInfo =
            [
                new HostNumaNode { Node = 0, MemsizeMib = 1, MemfreeMib = 0, Distances = [10, 21] },
                new HostNumaNode { Node = 1, MemsizeMib = 2, MemfreeMib = 1, Distances = [21, 10] },
            ],
        };
        var two = HostInfoText.Format(host, true, null).Split('\n');
        Assert.Contains("0000:00:1f.2      1", two);
        Assert.DoesNotContain("No device topology data available", two);
        Assert.Contains("   1:         2          1      21,10", two);
    }

    [Fact]
    public void NodeAffinityIsTheNodesOfTheVcpusHardAffinity()
    {
        var host = Host(nodes: 2);
        var nodes = NodeAffinity.HostNodes(host);
        Assert.Equal([[0, 1], [2, 3]], nodes.Select(n => n.ToArray()).ToArray());
        DomainInfo Dom(params string[] affinities) => Domain(3, "{}") with
        {
            VcpuList = [.. affinities.Select((a, i) => new VcpuInfo { Vcpu = i, Cpu = 0, Running = true, CpuTime = 0, Affinity = a, SoftAffinity = "all" })],
        };
        Assert.Equal("all", NodeAffinity.Format(NodeAffinity.OfDomain(Dom("all"), nodes), 2));
        Assert.Equal("0", NodeAffinity.Format(NodeAffinity.OfDomain(Dom("0-1"), nodes), 2));
        Assert.Equal("1", NodeAffinity.Format(NodeAffinity.OfDomain(Dom("3"), nodes), 2));
        Assert.Equal("all", NodeAffinity.Format(NodeAffinity.OfDomain(Dom("1", "2"), nodes), 2));
        // No vCPU threads yet (being created): every node, as an unpinned Xen domain.
        Assert.Equal("all", NodeAffinity.Format(NodeAffinity.OfDomain(Dom(), nodes), 2));
    }

    [Fact]
    public void SxpRendersTheDomainStructureInXlSLayout()
    {
        var o = new StringWriter();
        var domain = Domain(3, """
            {"name": "web", "memory": 128, "on_crash": null, "pvh": false,
             "cpus": [0, 1], "extra": "console=hvc0 root=/dev/xvda",
             "disks": [{"vdev": "xvda", "ro": true}, {"vdev": "xvdb", "ro": false}], "vnc": {"listen": "127.0.0.1"}}
            """);
        SxpDomainText.Write(o, JsonElement.Parse("""{"name": "Domain-0", "memory": 100}"""), [domain]);
        Assert.Equal(
            "(domain\n\t(domid 0)\n\t(name Domain-0)\n\t(memory 100)\n)\n" +
            "(domain\n\t(domid 3)\n\t(name web)\n\t(memory 128)\n\t(on_crash (null))\n\t(pvh False)\n\t(cpus 0 1)\n" +
            "\t(extra console=hvc0 root=/dev/xvda)\n" +
            "\t(disks\n\t\t(vdev xvda)\n\t\t(ro True)\n\t)\n\t(disks\n\t\t(vdev xvdb)\n\t\t(ro False)\n\t)\n" +
            "\t(vnc\n\t\t(listen 127.0.0.1)\n\t)\n)\n", o.ToString());
    }

    [Fact]
    public void SoftAffinityReachingNoCpuWarnsPerVcpuAsLibxl()
    {
        IReadOnlySet<int> S(params int[] cpus) => cpus.ToHashSet();
        Assert.True(SoftAffinityWarnings.Unreachable(S(), null, 2));
        Assert.True(SoftAffinityWarnings.Unreachable(S(5), null, 2));
        Assert.True(SoftAffinityWarnings.Unreachable(S(1), S(0), 2));
        Assert.False(SoftAffinityWarnings.Unreachable(S(1, 5), null, 2));
        Assert.False(SoftAffinityWarnings.Unreachable(S(0, 1), S(1), 2));
        // cpus_soft="99" on a 2-CPU host with maxvcpus=2: both vCPUs warned, vCPU by vCPU.
        Assert.Equal(
            "libxl: warning: Domain 4:All cpus in soft affinity of vcpu 0 are unreachable. Only hard affinity will be considered for scheduling\n" +
            "libxl: warning: Domain 4:All cpus in soft affinity of vcpu 1 are unreachable. Only hard affinity will be considered for scheduling\n",
            SoftAffinityWarnings.AtCreate(4, 2, null, [S(), S()], 2));
        // Per-vCPU lists: only the vCPU whose soft affinity misses its hard one.
        Assert.Equal(SoftAffinityWarnings.Line(4, 1), SoftAffinityWarnings.AtCreate(4, 2, [S(0), S(0)], [S(0), S(1)], 2));
        Assert.Equal("", SoftAffinityWarnings.AtCreate(4, 2, null, null, 2));
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("00", true)]
    [InlineData("Domain-0", true)]
    [InlineData("1", false)]
    [InlineData("10", false)]
    [InlineData("", false)]
    [InlineData("domain-0", false)]
    public void Domain0IsNamedByZeroOrItsName(string arg, bool dom0) => Assert.Equal(dom0, Dom0Requests.Names(arg));

    [Fact]
    public void Domain0RequestsAnswerAsXlDoesWithoutAskingXenod()
    {
        // No xenod runs in this prefix: each answer below comes from xl alone, as for Xen's dom0.
        using var xl = new XlRunner();
        Assert.Equal((0, "", "libxl: error: Domain 0:Pausing domain: Invalid argument\n"), xl.Run("pause", "0"));
        Assert.Equal((0, "", "libxl: error: Domain 0:Pausing domain: Invalid argument\n"), xl.Run("pause", "Domain-0"));
        Assert.Equal((0, "", "libxl: error: Domain 0:Unpausing domain: Invalid argument\n"), xl.Run("unpause", "0"));
        var rename = xl.Run("rename", "Domain-0", "host");
        Assert.Equal(1, rename.Exit);
        Assert.EndsWith("Can't rename domain 'Domain-0'.\n", rename.Err, StringComparison.Ordinal);
        var shutdown = xl.Run("shutdown", "0");
        Assert.Equal(1, shutdown.Exit);
        Assert.StartsWith("Shutting down domain 0\nlibxl: error: Domain 0:", shutdown.Err, StringComparison.Ordinal);
        Assert.EndsWith("shutdown failed (rc=-3)\n", shutdown.Err, StringComparison.Ordinal);
        var reboot = xl.Run("reboot", "Domain-0");
        Assert.StartsWith("Rebooting domain 0\n", reboot.Err, StringComparison.Ordinal);
        Assert.EndsWith("reboot failed (rc=-3)\n", reboot.Err, StringComparison.Ordinal);
        Assert.Equal(1, xl.Run("destroy", "00").Exit);
        Assert.StartsWith("Not destroying domain 0; use -f to force.\n", xl.Run("destroy", "Domain-0").Err, StringComparison.Ordinal);
    }
}
