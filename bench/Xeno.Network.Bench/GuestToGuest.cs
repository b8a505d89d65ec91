using System.Diagnostics;
using System.Globalization;

namespace Xeno.Network.Bench;

/// <summary>
/// One guest streams to another over the run's bridge: the receiver listens with busybox
/// <c>nc -l</c> (to /dev/null; these killalls run inside the guests), the sender pipes <c>dd if=/dev/zero</c> into <c>nc</c>. The host
/// counts what its bridge hands the receiver, the bytes its tap transmits
/// (<c>/sys/class/net/&lt;tap&gt;/statistics/tx_bytes</c>, frames with their headers), the same
/// way for a Xeno guest and a bare QEMU, after a warm-up and over a window. Returns MB/s (10^6 bytes).
/// </summary>
internal static class GuestToGuest
{
    private const int Port = 5001;

    public static async Task<double> TransferAsync(Guests.Running sender, Guests.Running receiver, TimeSpan warm, TimeSpan window)
    {
        try
        {
            // busybox nc ends its connection once its stdin ends: a sleep keeps it open (and its output goes nowhere).
            await Guests.Must(receiver.Console, $"{{ sleep 1000000 | nc -l -p {Port} & }}");
            await Guests.Must(receiver.Console, $"while ! netstat -ltn | grep -q ':{Port} '; do usleep 50000; done");
            await Guests.Must(sender.Console, $"{{ dd if=/dev/zero bs=65536 2>/dev/null | nc {receiver.Address} {Port} & }}");
            var sw = Stopwatch.StartNew();
            await Task.Delay(warm);
            long first = TxBytes(receiver.Tap);
            var started = sw.Elapsed;
            await Task.Delay(window);
            long last = TxBytes(receiver.Tap);
            var seconds = (sw.Elapsed - started).TotalSeconds;
            if (last - first < 65536)
                throw new InvalidOperationException($"{sender.Name} -> {receiver.Name}: only {last - first} bytes in {seconds:F1} s; the stream did not flow");
            return (last - first) / seconds / 1e6;
        }
        finally
        {
            // The receiver's nc goes first; the sender's nc and dd end on the reset, or here.
            await receiver.Console.RunAsync("{ killall nc sleep; true; }", TimeSpan.FromMinutes(1));
            await sender.Console.RunAsync("{ killall nc dd; true; }", TimeSpan.FromMinutes(1));
        }
    }

    private static long TxBytes(string tap) =>
        long.Parse(File.ReadAllText($"/sys/class/net/{tap}/statistics/tx_bytes").Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
}
