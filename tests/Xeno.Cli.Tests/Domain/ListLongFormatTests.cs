using System.Text.Json;
using Xeno.Api.Contracts;
using Xeno.Cli.Commands.Domain;

namespace Xeno.Cli.Tests.Domain;

/// <summary>`xl list -l`'s JSON: xl's four-space indentation, text unescaped, the host first as Domain-0.</summary>
public sealed class ListLongFormatTests
{
    [Fact]
    public void PrintsTheHostThenEachDomainConfigAsXlDoes()
    {
        var host = new HostInfo
        {
            Host = "h", Release = "r", Version = "v", Machine = "x86_64", NrCpus = 2, MaxCpuId = 1, NrNodes = 1, CoresPerSocket = 2, ThreadsPerCore = 1,
            Sockets = 1, CpuKhz = 1000, HwCaps = [0, 0, 0, 0, 0, 0, 0, 0], VirtCaps = ["pv", "hvm", "shadow"], XenScheduler = "credit",
            TotalMemoryMib = 2000, FreeMemoryMib = 500, Dom0MemoryMib = 1000, CpuTopology = [], NumaInfo = [], PciTopology = [],
            HostCpuSeconds = 1, CpuSeconds = [0.5, 0.5], Accelerator = "tcg", UptimeSeconds = 1, DaemonStart = 1, XenoVersion = "1.0.0",
        };
        var domain = new DomainInfo
        {
            Domid = 3, Name = "café", Uuid = Guid.Empty, Type = DomainType.Pv, State = "-b----", Phase = "running", Paused = false, Responding = true,
            MemoryMib = 1, MaxmemMib = 1, TargetKb = 1024, MaxmemKb = 1024, Vcpus = 1, Maxvcpus = 1, CpuTime = 0, StartTime = 0,
            Console = new ConsoleInfo { Kind = ConsoleKind.Pv, Socket = "/s", Log = "/l" }, VcpuList = [],
            Config = JsonElement.Parse("""{"name":"caf\u00e9","extra":"a<b>&'c","disks":[1,2],"vnc":{}}"""),
        };
        var o = new StringWriter();
        ListCommand.WriteLong(o, host, [domain]);
        Assert.Equal("""
            [
                {
                    "domid": 0,
                    "config": {
                        "name": "Domain-0",
                        "type": "pv",
                        "uuid": "00000000-0000-0000-0000-000000000000",
                        "memory": 1000,
                        "maxmem": 1000,
                        "vcpus": 2,
                        "maxvcpus": 2
                    }
                },
                {
                    "domid": 3,
                    "config": {
                        "name": "café",
                        "extra": "a<b>&'c",
                        "disks": [
                            1,
                            2
                        ],
                        "vnc": {}
                    }
                }
            ]

            """.Replace("\r\n", "\n", StringComparison.Ordinal), o.ToString());
        var none = new StringWriter();
        ListCommand.WriteLong(none, null, []);
        Assert.Equal("[]\n", none.ToString());
    }
}
