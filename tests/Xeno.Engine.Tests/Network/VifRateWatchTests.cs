using System.Diagnostics;
using Xeno.Engine.Tests.Support;
using Xeno.Network.Filtering;

namespace Xeno.Engine.Tests.Network;

/// <summary>
/// A running domain's vif rate changed through xenstore, as Xen admins do with Debian's
/// xenstore-write: xenod's watch replaces the vif's transmit table (anti-spoofing kept), an
/// unreadable value means unlimited (as netback), and destroy removes a table the watch made.
/// The guest need not boot for this: the vif's host end is there once create returns.
/// </summary>
public sealed class VifRateWatchTests
{
    [Fact]
    public async Task WritingTheBackendRateNodeReappliesTheRunningVifsPolicy()
    {
        using var net = new TestNet();
        string br = net.Name("xnrb"), tap = net.Name("xnrv");
        net.Bridge(br);
        var before = net.HostState();
        string table = NftNames.VifTable(tap);
        string Table() => TestNet.TryRun("nft", "list", "table", "netdev", table).Out;
        const string rateNode = "/local/domain/0/backend/vif/1/0/rate";

        await using (var x = await Xenod.StartAsync())
        {
            string Log() => File.ReadAllText(Path.Combine(x.Prefix, "var/log/xeno/xenod.log"));
            async Task WaitFor(Func<bool> condition, string what)
            {
                try { await Xenod.WaitForAsync(condition, what, 60); }
                catch (Exception e) { throw new Xunit.Sdk.XunitException($"{e.Message}\n{Log()}"); }
            }
            var created = x.Xl("create", "-q", x.PvConfig("rate", extra: $"vif=['bridge={br},vifname={tap}']\n"));
            Assert.True(created.Exit == 0, created.Err);
            Assert.Equal("", Table()); // no ip=, no rate=: no table

            XenstoreWrite(x.Prefix, rateNode, "20000,20000"); // 1MB/s@20ms
            await WaitFor(() => Table().Contains("limit rate over 1000000 bytes/second burst 128 kbytes", StringComparison.Ordinal), "the new rate in the vif's table");
            XenstoreWrite(x.Prefix, rateNode, "62500,50000"); // 10Mb/s
            await WaitFor(() => Table().Contains("limit rate over 1250000 bytes/second", StringComparison.Ordinal), "the second rate");
            XenstoreWrite(x.Prefix, rateNode, "fast"); // unreadable: unlimited, as netback
            await WaitFor(() => Table() == "", "the table to go");
            XenstoreWrite(x.Prefix, rateNode, "62500,50000"); // left in place: destroy must remove it
            await WaitFor(() => Table().Contains("limit rate over 1250000", StringComparison.Ordinal), "the last rate");

            Assert.Equal((0, "", ""), x.Xl("destroy", "rate"));
            Assert.DoesNotContain(table, TestNet.Run("nft", "list", "tables"), StringComparison.Ordinal);
        }
        Assert.Equal(before, net.HostState());
    }

    /// <summary>Debian's xenstore-write, pointed at this xenod's xenstored.</summary>
    internal static void XenstoreWrite(string prefix, string path, string value)
    {
        var info = new ProcessStartInfo("xenstore-write") { RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(path);
        info.ArgumentList.Add(value);
        info.Environment["XENSTORED_PATH"] = Path.Combine(prefix, "run/xenstored/socket");
        using var p = Process.Start(info)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"xenstore-write {path} {value}: {err}");
    }
}
