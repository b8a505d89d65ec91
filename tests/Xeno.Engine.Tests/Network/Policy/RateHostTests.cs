using System.Diagnostics;
using System.Text.Json;
using Xeno.Engine.Network.Filtering;
using Xeno.Network.Filtering;
using Xeno.Network.Rate;

namespace Xeno.Engine.Tests.Network.Policy;

/// <summary>
/// rate= on a real interface: a namespace sends TCP (iperf3) through a veth whose host end
/// stands in for the vif, to an iperf3 server on that host end. Measured after iperf3's
/// start-up seconds (-O), throughput stays within ±15 % of the limit, and re-applying the
/// policy with the backend node's new value changes it while the vif stays filtered.
/// </summary>
[Trait("Category", "Host")]
[Collection(nameof(HostNet))]
public sealed class RateHostTests
{
    [Fact]
    public async Task GuestTransmitHoldsTheRateAndFollowsAChangedBackendValue()
    {
        using var net = new HostNet();
        string tap = "xr" + net.Suffix, guestIf = "gr" + net.Suffix;
        int third = Random.Shared.Next(0, 256);
        string host = $"10.247.{third}.1", guest = $"10.247.{third}.2";
        string ns = net.Namespace("xg", tap, guestIf, "00:16:3e:5a:02:02");
        HostNet.Run("ip", "addr", "add", host + "/24", "dev", tap);
        HostNet.In(ns, "ip", "addr", "add", guest + "/24", "dev", guestIf);
        try
        {
            foreach (string node in new[] { "62500,50000", "250000,50000" }) // 10Mb/s, then 40Mb/s (xenstore-write)
            {
                var rate = BackendRateValue.Parse(node).Rate!;
                await VifTransmitFilter.ApplyAsync(new VifTransmitPolicy(tap, null, rate));
                double measured = GuestToHostBytesPerSecond(ns, host);
                double ratio = measured / rate.BytesPerSecond;
                Assert.True(ratio is > 0.85 and < 1.15, $"rate {node}: measured {measured:0} B/s, limit {rate.BytesPerSecond} B/s ({ratio:0.00}x)");
            }
            await VifTransmitFilter.RemoveAsync(tap);
        }
        finally
        {
            await VifTransmitFilter.RemoveAsync(tap);
        }
        net.Dispose();
        Assert.Empty(net.Leftovers());
    }

    /// <summary>One iperf3 run from the namespace to a one-shot server on the host end; the
    /// receiver's bytes per second over the measured seconds.</summary>
    private static double GuestToHostBytesPerSecond(string ns, string host)
    {
        // A one-shot server ends with its first client, even one whose run broke off early
        // (no summary in its report): then a fresh server and client, a few times at most.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return OneRun(ns, host);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    private static double OneRun(string ns, string host)
    {
        int port = Random.Shared.Next(20000, 60000);
        using var server = Process.Start(new ProcessStartInfo("iperf3", ["-s", "-1", "-B", host, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        try
        {
            // The server needs a moment to listen: retry the client until it connects.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                var (code, output) = HostNet.TryIn(ns, "iperf3", "-c", host, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", "6", "-O", "2", "-J");
                if (code == 0 && ReceivedBytesPerSecond(output) is { } received)
                    return received;
                if (DateTime.UtcNow > deadline || server.HasExited) throw new InvalidOperationException("iperf3 failed: " + output);
                Thread.Sleep(100);
            }
        }
        finally
        {
            if (!server.HasExited) server.Kill();
            server.WaitForExit();
        }
    }

    /// <summary>
    /// The receiver's bytes per second from iperf3's JSON report; null when the report has no
    /// TCP summary (a run that ended before its test did), so the caller tries again and, at
    /// its deadline, fails with the whole output.
    /// </summary>
    private static double? ReceivedBytesPerSecond(string output)
    {
        int end = output.LastIndexOf('}');
        if (end < 0) return null;
        try
        {
            using var doc = JsonDocument.Parse(output[..(end + 1)]);
            return doc.RootElement.TryGetProperty("end", out var summary)
                && summary.TryGetProperty("sum_received", out var received)
                && received.TryGetProperty("bits_per_second", out var bits)
                ? bits.GetDouble() / 8 : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
