using System.Text;
using Xeno.Config.Specs;
using Xeno.Config.Tests.Specs.Oracle;

namespace Xeno.Config.Tests.Specs;

/// <summary>Random and mutated input into every spec parser: only values or our own errors come
/// out, never an exception, and the whole run finishes (a hang fails the test).</summary>
public sealed class SpecFuzzTests
{
    private static readonly HostCpuTopology Host = new(4, [[0, 1], [2, 3]]);

    private static readonly string[] Seeds =
    [
        "phy:/dev/vg01/winxp0,hda,w", "phy:/dev/loop0,ioemu:hdc:cdrom,r", "bridge=eth0,mac=00:16:3e:38:d4:15",
        "rate=10Mb/s@20ms,vlan=10p/100+10x4,devid=3,mtu=1500", "0-3,^1,nodes:0-1,^node:0,all", "xvda1", "d3p4", "hdc63",
        "1MB/s@20ms", "512m", "10p/20-30u/40+2x3", "mac=0x1:-2:+3: 4:5:6", "type=ioemu,model=e1000,ip=1.2.3.4 5.6.7.8",
        "target=/a,b", "vdev=xvda,devtype=cdrom", "colo-port=99999999999999999999,/a,,xvda",
    ];

    [Fact]
    public async Task RandomAndMutatedInputsGiveValuesOrErrors()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("XENO_LONG_FUZZ"), out var n) && n > 0 ? n : 6000;
        var run = Task.Run(() =>
        {
            var gen = new SpecGenerator(4242);
            var random = new Random(4242);
            for (int i = 0; i < count; i++)
            {
                string input = (i % 4) switch
                {
                    0 => gen.Mutate(gen.Pick(Seeds)),
                    1 => gen.DiskSpec(),
                    2 => RandomUnicode(random, 40),
                    _ => gen.Mutate(gen.Mutate(gen.Pick(Seeds) + "," + gen.Pick(Seeds))),
                };
                Check(input);
            }
        }, TestContext.Current.CancellationToken);
        // A hang shows up as a TimeoutException here.
        await run.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task PathologicalInputsStayCheap()
    {
        var run = Task.Run(() =>
        {
            Check(new string(',', 100_000));
            Check(new string('=', 100_000));
            Check(string.Concat(Enumerable.Repeat("a:", 20_000)));
            Check(string.Concat(Enumerable.Repeat("xvda,", 20_000)));
            Check(string.Concat(Enumerable.Repeat("0-18446744073709551614,", 2_000)));
            Check("1p/1+0x99999999999999999999");
            Check("2-4094");
            Check(new string('9', 10_000));
        }, TestContext.Current.CancellationToken);
        await run.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
    }

    private static void Check(string input)
    {
        AssertResult(DiskSpecParser.Parse(input, "fuzz.cfg"), input);
        AssertResult(DiskSpecParser.Parse(input.Split(' '), "command line"), input);
        AssertResult(VifSpecParser.Parse(input, "fuzz.cfg"), input);
        AssertResult(VifSpecParser.ParseArguments(input.Split(','), "command line"), input);
        AssertResult(VifSpecParser.ParseRate(input), input);
        AssertResult(VlanSpec.Parse(input), input);
        AssertResult(CpuList.Parse(input, Host), input);
        if (Vdev.TryParse(input, out var info)) Assert.True(info.Devid >= 0, input);
        MemorySize.TryParseKb(input, out _);
    }

    private static void AssertResult<T>(SpecResult<T> r, string input)
    {
        if (r.Ok) Assert.True(r.Value != null, $"Ok without a value for `{XlSpecOracle.Escape(input)}'");
        else Assert.True(r.Errors.Count > 0 && r.Errors.All(e => e.Length > 0), $"error without text for `{XlSpecOracle.Escape(input)}'");
    }

    private static string RandomUnicode(Random random, int maxLength)
    {
        int n = random.Next(maxLength + 1);
        var sb = new StringBuilder(n);
        for (int i = 0; i < n; i++)
        {
            sb.Append(random.Next(6) switch
            {
                0 => (char)random.Next(0, 32),
                1 => (char)random.Next(0xD800, 0xE000), // lone surrogates
                2 => (char)random.Next(0x80, 0x3000),
                _ => ",:=/@^-xvdhsa0129pmkKMGBb"[random.Next(25)],
            });
        }
        return sb.ToString();
    }
}
