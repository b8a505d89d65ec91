using System.Diagnostics;
using System.Globalization;
using Xeno.Engine.Tests.Network;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Consoles;

/// <summary>
/// An hvm guest's console log (QEMU's 16550 on ttyS0) holds exactly what the guest printed while
/// xenod does not read the console at all: xenod is stopped (SIGSTOP), the extreme of a xenod
/// that lags on a loaded host. With QEMU's default socket buffer the log doubled and lost bytes
/// after about 280 of them (the 16550 retries, QEMU logs every try); see HandedConsoleUpstream.
/// </summary>
public sealed class HvmConsoleLogTests
{
    private const int Lines = 300;
    private const string Filler = "abcdefghijklmnopqrstuvwxyz-0123456789-ABCDEFGHIJ";

    [Fact]
    public async Task TheLogHoldsEveryByteAnHvmGuestPrintedWhileXenodWasStopped()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var x = Xenod.Without();
        var daemon = XenodProcess.Start(x.Prefix);
        bool stopped = false;
        try
        {
            await Xenod.WaitForAsync(() => File.Exists(Path.Combine(x.Prefix, "run/xeno/xenod.sock")), "xenod's socket", 60);
            var cfg = x.WriteConfig("hlog.cfg", $"name=\"hlog\"\ntype=\"hvm\"\nmemory=128\nvnc=0\nkernel=\"{x.Kit.Vmlinuz}\"\n" +
                $"ramdisk=\"{x.Kit.Initrd}\"\nextra=\"console=ttyS0 xeno.action=shell xeno.agent=off\"\n");
            Assert.Equal(0, x.Xl("create", "-q", cfg).Exit);
            await x.WaitForMarkerAsync("hlog");
            using var shell = await GuestShell.AttachAsync(x.Prefix, x.Domid("hlog"));
            Assert.True(await shell.RunAsync("echo ready-$((2*3))"), shell.Transcript);

            // The guest waits a moment, then prints ~18 KB in one go; xenod is stopped once the
            // command has reached the guest (its echo is in the log) and before the output starts.
            await shell.TypeAsync($"sleep 5; i=0; while [ $i -lt {Lines} ]; do echo \"line-$i-{Filler}\"; i=$((i+1)); done; echo end-$((6*7))\n");
            await Xenod.WaitForAsync(() => x.ConsoleLog("hlog").Contains("echo end-$((6*7))", StringComparison.Ordinal), "the command's echo", 60);
            Signal("STOP", daemon);
            stopped = true;
            await Xenod.WaitForAsync(() => x.ConsoleLog("hlog").Contains("end-42", StringComparison.Ordinal),
                "the guest's output in its log while xenod is stopped", 180);
            Signal("CONT", daemon);
            stopped = false;

            var log = x.ConsoleLog("hlog");
            int start = log.IndexOf("line-0-", StringComparison.Ordinal);
            int end = log.IndexOf("end-42", start, StringComparison.Ordinal);
            var printed = log[start..end];
            var expected = string.Concat(Enumerable.Range(0, Lines).Select(i => $"line-{i.ToString(CultureInfo.InvariantCulture)}-{Filler}\r\n"));
            Assert.Equal(expected, printed);

            // xenod, running again, serves the console as before; so does a new xenod that re-adopts
            // the guest (it hands QEMU a new socket: the old one went with the old xenod).
            Assert.True(await shell.RunAsync("echo after-$((7*7))"), shell.Transcript);
            shell.Dispose();
            XenodProcess.Stop(daemon);
            daemon.Dispose();
            daemon = XenodProcess.Start(x.Prefix);
            await Xenod.WaitForAsync(() => x.Xl("list").Exit == 0 && x.ListNames().Contains("hlog"), "the new xenod to re-adopt hlog", 90);
            using (var again = await GuestShell.AttachAsync(x.Prefix, x.Domid("hlog")))
            {
                await again.TypeAsync("echo again-$((8*8))\n");
                await Xenod.WaitForAsync(() => again.Transcript.Contains("again-64\r\n", StringComparison.Ordinal), "the guest's answer through the new xenod", 60);
            }
            Assert.Equal(1, x.ConsoleCount("hlog", "again-64\r\n"));
            Assert.Equal((0, "", ""), x.Xl("destroy", "hlog"));
            XenodProcess.Stop(daemon);
            XenodProcess.AssertNoCgroupLeft(x.Prefix);
        }
        finally
        {
            if (stopped)
                Signal("CONT", daemon);
            if (!daemon.HasExited)
            {
                foreach (var name in x.ListNames().Where(n => n != "Domain-0"))
                    x.Xl("destroy", name);
            }
            XenodProcess.Stop(daemon);
            daemon.Dispose();
        }
    }

    private static void Signal(string signal, Process daemon)
    {
        using var kill = Process.Start("kill", [$"-{signal}", daemon.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
