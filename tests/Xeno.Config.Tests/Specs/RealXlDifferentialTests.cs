using System.Globalization;
using System.Text;
using Xeno.Config.Specs;
using Xeno.Config.Tests.Specs.Oracle;

namespace Xeno.Config.Tests.Specs;

/// <summary>Differential tests against Debian's real xl 4.17 (see RealXl): the parsing that
/// lives in xl itself and cannot be linked.</summary>
public sealed class RealXlDifferentialTests
{
    private static readonly HostCpuTopology ShimHost = new(4, [[0, 1], [2, 3]]);

    // ---------- vif specs (xl create) ----------

    private static readonly string[] VifTokens =
    [
        "bridge=xenbr0", "bridge=", "mac=00:16:3e:38:d4:15", "mac=00:16:3E:0a:0B:0c", "mac=0:1:2:3:4:5", "mac=00-16-3e-01-02-03",
        "mac=00:16:3e:zz:00:01", "mac=100:0:0:0:0:0", "mac=00:16:3e:01:02", "mac=", "mac=0x10:1:2:3:4:5", "mac=-0:1:2:3:4:5",
        "mac=ffffffff00:1:2:3:4:5", "mac=100000000:1:2:3:4:5", "mac= 1: 2: 3: 4: 5: 6", "mac=00:00:00:00:00:00",
        "type=vif", "type=ioemu", "type=hvm", "type=", "model=e1000", "model=rtl8139", "ip=10.0.0.1", "ip=10.0.0.1 10.0.0.2",
        "script=vif-route", "backend=netdom", "vifname=web0", "gatewaydev=eth1", "netdev=eth2", "forwarddev=eth3",
        "colo_checkpoint_host=h", "colo_sock_mirror_id=1", "accel=x", "accel=", "rate=10Mb/s", "rate=1MB/s@20ms",
        "devid=3", "devid=7abc", "devid= 9", "devid=4294967298", "mtu=9000", "mtu=1500x", "trusted", "untrusted",
        "foo=bar", "foo", "", " ", "  bridge=br1", "Bridge=x", "type", "mac", "devid=-2", "mtu=+5",
        "rate=0MB/s", "devid=x", "mtu=", "rate=1MB", "devid=-1",
    ];

    [Fact]
    public void VifSpecsMatchXlCreate()
    {
        var gen = new SpecGenerator(2024);
        var specs = new List<string>
        {
            "bridge=eth0,mac=00:16:3e:38:d4:15", "", ",,", "mac=00:16:3e:01:02,bridge=b", "mac=00:16:3e:01:02,,bridge=b",
            "mac=00:16:3e:01:02, bridge=b", "bridge=a,bridge=b", "type=ioemu,model=e1000,vifname=x",
        };
        int count = int.TryParse(Environment.GetEnvironmentVariable("XENO_LONG_FUZZ"), out var n) && n > 0 ? n / 5 : 600;
        for (int i = 0; i < count; i++)
        {
            int tokens = gen.Next(5);
            var parts = Enumerable.Range(0, tokens).Select(_ => gen.Pick(VifTokens));
            var spec = string.Join(gen.Next(8) == 0 ? ", " : ",", parts);
            if (gen.Next(4) == 0) spec = gen.Mutate(spec);
            specs.Add(new string(spec.Where(c => c is >= ' ' and < '\x7f' and not ('\'' or '\\')).ToArray()));
        }

        var expected = RunXlCreateVifs(specs);
        var mismatches = new List<string>();
        for (int i = 0; i < specs.Count; i++)
        {
            var r = VifSpecParser.Parse(specs[i], expected.ConfigPath);
            string ours = RenderVif(r, expected.ListIndex[i]);
            // Xeno's own check (xl accepts any vifname); InterfaceNameTests covers it.
            if (ours.Contains("Invalid vifname", StringComparison.Ordinal)) continue;
            string xl = expected.Results[i];
            if (MacScanMayLeaveTheBuffer(specs[i]))
            {
                // xl then reads heap memory past the string (undefined); we call it invalid.
                ours = MaskMac(ours);
                xl = MaskMac(xl);
            }
            if (ours != xl) mismatches.Add($"`{specs[i]}':\n  xl   {expected.Results[i]}\n  ours {ours}");
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {specs.Count} differ from xl:\n" + string.Join("\n", mismatches.Take(15)));
    }

    private static bool MacScanMayLeaveTheBuffer(string spec)
    {
        var last = spec.Split(',', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.TrimStart(' ');
        return last != null && last.StartsWith("mac=", StringComparison.Ordinal);
    }

    private static string MaskMac(string line) =>
        System.Text.RegularExpressions.Regex.Replace(line, "mac=[0-9a-f:]{17}", "mac=?").Replace(" | Invalid parameter `mac'.", "");

    private static string RenderVif(SpecResult<VifSpec> r, int index)
    {
        if (!r.Ok) return "FATAL " + string.Join(" | ", r.Warnings.Concat(r.Errors));
        var v = r.Value!;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"nic devid={v.Devid ?? index} mtu={v.Mtu ?? 0} type={v.Type switch { null => 0, "ioemu" => 1, _ => 2 }} mac={v.Mac ?? "00:00:00:00:00:00"}");
        foreach (var (key, value) in new[]
        {
            ("bridge", v.Bridge), ("ip", v.Ip), ("script", v.Script), ("model", v.Model), ("ifname", v.VifName),
            ("backend", v.Backend), ("gatewaydev", v.GatewayDev), ("forwarddev", v.ForwardDev),
            ("colo_checkpoint_host", v.Colo.GetValueOrDefault("colo_checkpoint_host")),
        })
        {
            sb.Append(' ').Append(key).Append('=').Append(value == null ? "(NULL)" : EscapeShim(value));
        }
        sb.Append(CultureInfo.InvariantCulture, $" rate={v.Rate?.BytesPerInterval ?? 0},{v.Rate?.IntervalUsecs ?? 0}");
        sb.Append(" trusted=").Append(v.Trusted switch { null => "<default>", true => "True", false => "False" });
        foreach (var w in r.Warnings) sb.Append(" | ").Append(w);
        return sb.ToString();
    }

    private static string EscapeShim(string s)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            if (b == '\\') sb.Append("\\\\");
            else if (b < 0x21 || b >= 0x7f) sb.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
            else sb.Append((char)b);
        }
        return sb.ToString();
    }

    /// <summary>xl's line per spec, and the spec's place in the vif list of the xl run that parsed it.</summary>
    private sealed record VifRun(string ConfigPath, string[] Results, int[] ListIndex);

    /// <summary>Runs xl -N create on configs holding the specs as vif=[…]; a spec that makes xl
    /// exit is recorded as FATAL and the others are run again without it.</summary>
    private static VifRun RunXlCreateVifs(List<string> specs)
    {
        var results = new string[specs.Count];
        var listIndex = new int[specs.Count];
        string configPath = RealXl.WriteConfig("vif.cfg", "");
        var pending = new Stack<(int Start, int End)>();
        pending.Push((0, specs.Count));
        int runs = 0;
        while (pending.Count > 0)
        {
            var (start, end) = pending.Pop();
            if (start >= end) continue;
            Assert.True(++runs < 5000, "too many xl runs");
            var cfg = new StringBuilder("name=\"t\"\nmemory=128\nkernel=\"/bin/true\"\nvif=[");
            for (int i = start; i < end; i++) cfg.Append(i > start ? ", '" : "'").Append(specs[i]).Append('\'');
            cfg.Append("]\n");
            File.WriteAllText(configPath, cfg.ToString());
            var run = RealXl.Exec("-N", "create", configPath);

            // Messages per vif: stderr lines after "@@nic k" belong to vif k of this run.
            var messages = new List<string>[end - start];
            for (int k = 0; k < messages.Length; k++) messages[k] = [];
            int current = -1;
            foreach (var line in run.Stderr)
            {
                if (line.StartsWith("@@nic ", StringComparison.Ordinal)) { current = int.Parse(line[6..], CultureInfo.InvariantCulture); continue; }
                if (current >= 0) messages[current].Add(line);
            }

            if (run.ExitCode != 0)
            {
                Assert.True(current >= 0, "xl failed before any vif: " + string.Join("\n", run.Stderr));
                results[start + current] = "FATAL " + string.Join(" | ", messages[current]);
                pending.Push((start, start + current));
                pending.Push((start + current + 1, end));
                continue;
            }

            var nics = run.Stdout.Where(l => l.StartsWith("nic ", StringComparison.Ordinal)).ToArray();
            Assert.Equal(end - start, nics.Length);
            for (int k = 0; k < nics.Length; k++)
            {
                results[start + k] = nics[k] + string.Concat(messages[k].Select(m => " | " + m));
                listIndex[start + k] = k; // the default devid
            }
        }
        return new VifRun(configPath, results, listIndex);
    }

    [Fact]
    public void NetworkAttachArgumentsMatchXl()
    {
        string[][] cases =
        [
            ["bridge=x", "mac=00:16:3e:01:02,bridge=b", "foo"],
            ["bridge=x", "mac=00:16:3e:01:02:03,bridge=b", " model=e1000"],
            ["mac=00:16:3e:01:02", "ab"],
            ["type=ioemu", "model=e1000", "rate=1MB/s@20ms", "devid=4"],
            ["type=xx", "bridge=y"],
            ["accel=1", "netdev=e", "untrusted"],
            ["mtu=x"],
            ["rate=5"],
        ];
        foreach (var args in cases)
        {
            var run = RealXl.Exec(["network-attach", "0", .. args]);
            var r = VifSpecParser.ParseArguments(args);
            var xlMessages = run.Stderr.Where(l => !l.StartsWith("@@nic", StringComparison.Ordinal)).ToArray();
            if (run.ExitCode != 0)
            {
                Assert.False(r.Ok, $"xl rejected [{string.Join(" ", args)}]: {string.Join(" | ", xlMessages)}");
                Assert.Equal(xlMessages, r.Warnings.Concat(r.Errors).ToArray());
            }
            else
            {
                Assert.True(r.Ok, $"xl accepted [{string.Join(" ", args)}], we said {string.Join(" | ", r.Errors)}");
                Assert.Equal(xlMessages, r.Warnings.ToArray());
                var nic = Assert.Single(run.Stdout, l => l.StartsWith("nic ", StringComparison.Ordinal));
                // network-attach leaves devid at libxl's "pick one" value, -1.
                Assert.Equal(nic, RenderVif(r, -1).Split(" | ")[0]);
            }
        }
    }

    // ---------- cpu lists ----------

    // Not here: ranges with billions of ids ("-2", "0-18446744073709551614"), which xl walks
    // one id at a time for hours; CpuListTests covers them.
    [Fact]
    public void CpuListsMatchXl()
    {
        var gen = new SpecGenerator(31);
        var inputs = new List<string>
        {
            "0-3,^1", "all,^node:1", "nodes:0-1,^node:0", "node:1", "all", "^all", "^nodes:all", "nodes:all", "3-1", "x", "1-",
            "", ",", "0,,3", " 2", "+2", "-1", "2-3,^2-3,1", "node:9", "^^1", "1x", "node:", "nodes:1-0", "0-4000",
        };
        string[] pieces = ["0", "1", "2", "3", "0-3", "1-2", "^1", "^0-1", "node:0", "nodes:1", "^node:1", "all", "nodes:0-1", "7"];
        for (int i = 0; i < 150; i++)
        {
            var s = string.Join(",", Enumerable.Range(0, 1 + gen.Next(4)).Select(_ => gen.Pick(pieces)));
            inputs.Add(gen.Next(4) == 0 ? gen.Mutate(s) : s);
        }

        var mismatches = new List<string>();
        foreach (var raw in inputs)
        {
            var input = new string(raw.Where(c => c is >= ' ' and < '\x7f' and not ('"' or '\\')).ToArray());
            var path = RealXl.WriteConfig("cpus.cfg", $"name=\"t\"\nmemory=128\nvcpus=1\nkernel=\"/bin/true\"\ncpus=\"{input}\"\n");
            var run = RealXl.Exec("-N", "create", path);
            string xl = run.ExitCode == 0
                ? "ok " + (run.Stdout.FirstOrDefault(l => l.StartsWith("cpus0=", StringComparison.Ordinal))?[6..] ?? "?")
                : "err " + string.Join(" | ", run.Stderr.Where(l => !l.StartsWith("Parsing config", StringComparison.Ordinal)));
            var r = CpuList.Parse(input, ShimHost);
            string ours = r.Ok ? "ok " + string.Join(",", r.Value!) : "err " + string.Join(" | ", r.Errors);
            // xl create then refuses an empty hard affinity (that check is the caller's), unless
            // the list named CPUs past the host but inside xl's byte-sized bitmap (e.g. "7" on 4
            // CPUs), which xl keeps and we drop: both print nothing for CPUs 0-3.
            if (ours == "ok " && xl == "err " + CpuList.EmptyHardAffinityMessage) xl = "ok ";
            if (xl != ours) mismatches.Add($"`{input}': xl <{xl}> ours <{ours}>");
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(20)));
    }

    // ---------- mem-set sizes ----------

    [Fact]
    public void MemSetSizesMatchXl()
    {
        var gen = new SpecGenerator(8);
        var inputs = new List<string>
        {
            "512", "512m", "512M", "2g", "1T", "4096k", "1048576b", "1000b", "", " 7", "-2", "12x", "12mb", "abc", "-1k",
            "-1024b", "1.5g", "+3", "99999999999999999999", "9223372036854775807k", "1 ", "0x10", "010", "7B", "-0",
        };
        for (int i = 0; i < 60; i++) inputs.Add(gen.Mutate(gen.Pick(inputs)));
        var mismatches = new List<string>();
        foreach (var raw in inputs)
        {
            var input = new string(raw.Where(c => c is > ' ' and < '\x7f' || c == ' ').ToArray());
            var run = RealXl.Exec("mem-set", "0", input);
            string xl = run.ExitCode == 0 ? run.Stdout.Single() : string.Join(" | ", run.Stderr);
            string ours = MemorySize.TryParseKb(input, out var kb)
                ? "memkb=" + kb.ToString(CultureInfo.InvariantCulture)
                : MemorySize.InvalidMessage(input);
            if (xl != ours) mismatches.Add($"`{input}': xl <{xl}> ours <{ours}>");
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(20)));
    }

    // ---------- vdev → device number (libxl, reached through xl block-detach) ----------

    [Fact]
    public void VdevNumbersMatchLibxl()
    {
        var gen = new SpecGenerator(5);
        var inputs = new List<string>
        {
            "xvda", "xvda1", "xvdp", "xvdp15", "xvdq", "xvda16", "xvdaa", "xvdz255", "xvdzz", "xvdaaaa", "xvdbxyz1",
            "hda", "hdb", "hdc", "hdd", "hde", "hda63", "hda64", "hd", "hd5", "sda", "sdp15", "sdq", "sda16", "sd",
            "d0p0", "d1p2", "d16p0", "d1048575p255", "d1048576p0", "d0p256", "d-1p0", "d0x1p2", "d 1p 2", "d1p2x",
            "51712", "0xca00", "0144400", "", " 7", "2147483647", "2147483648", "-1", "-0", "xvda+1", "xvda-1", "xvda 1",
            "xvda0", "xvda01", "xvd", "vda", "xvdA", "xvdaB", "xvda99999999999999999999", "xvda18446744073709551615",
        };
        string[] pieces = ["xvd", "hd", "sd", "d", "p", "a", "b", "z", "q", "1", "0", "15", "16", "63", "255", "256", "+", "-", " ", "x"];
        for (int i = 0; i < 250; i++)
            inputs.Add(string.Concat(Enumerable.Range(0, 1 + gen.Next(4)).Select(_ => gen.Pick(pieces))));

        var mismatches = new List<string>();
        foreach (var vdev in inputs.Distinct())
        {
            var run = RealXl.Exec("block-detach", "0", vdev);
            var read = run.Stdout.FirstOrDefault(l => l.StartsWith("xs_read /libxl/1/device/vbd/", StringComparison.Ordinal));
            string xl = read != null ? read["xs_read /libxl/1/device/vbd/".Length..].Split('/')[0] : "invalid";
            string ours = Vdev.ToDevid(vdev)?.ToString(CultureInfo.InvariantCulture) ?? "invalid";
            if (xl != ours) mismatches.Add($"`{vdev}': libxl {xl}, ours {ours}");
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(20)));
    }
}
