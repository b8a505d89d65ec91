using System.Diagnostics;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// kill -9 of a real xenod process with guests running: QEMU survives (own session), the next
/// xenod re-adopts it (list, console log, destroy work), and a guest whose QEMU died meanwhile
/// gets its on_crash action (here: restart under a new domid).
/// </summary>
public sealed class RestartSafetyTests
{
    [Fact]
    public async Task GuestsSurviveKill9OfXenodAndAreReadopted()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var x = Xenod.Without();
        var daemon = XenodProcess.Start(x.Prefix);
        try
        {
            await Xenod.WaitForAsync(() => File.Exists(Path.Combine(x.Prefix, "run/xeno/xenod.sock")), "xenod's socket", 60);
            Assert.Equal(0, x.Xl("create", "-q", x.PvConfig("keep")).Exit);
            Assert.Equal(0, x.Xl("create", "-q", x.PvConfig("lost", extra: "on_crash=\"restart\"\n")).Exit);
            await x.WaitForMarkerAsync("keep");
            int keepPid = QemuPid(x, 1), lostPid = QemuPid(x, 2);

            daemon.Kill(); // SIGKILL: no cleanup at all
            await daemon.WaitForExitAsync(cancel);
            Assert.True(Alive(keepPid), "QEMU of 'keep' died with xenod");
            Process.GetProcessById(lostPid).Kill(); // this guest's QEMU dies while xenod is down
            await Xenod.WaitForAsync(() => !Alive(lostPid), "the lost QEMU to exit", 30);
            var stale = x.Xl("list");
            Assert.Equal(1, stale.Exit);
            Assert.Contains($"no xenod is running for prefix {x.Prefix}", stale.Err, StringComparison.Ordinal);

            daemon = XenodProcess.Start(x.Prefix);
            await Xenod.WaitForAsync(() => x.Xl("list").Exit == 0, "the new xenod to answer", 60);
            var list = x.Xl("list").Out;
            Assert.Contains("\nkeep                                         1   128     1     ", list, StringComparison.Ordinal);
            // 'lost' was restarted by on_crash=restart with the next free domid.
            Assert.Contains("\nlost                                         3   128     1     ", list, StringComparison.Ordinal);
            Assert.Equal(keepPid, QemuPid(x, 1));
            Assert.Contains("QEMU died while xenod was down", x.Xl("dmesg").Out, StringComparison.Ordinal);

            Assert.Equal((0, "", ""), x.Xl("destroy", "keep"));
            Assert.Equal((0, "", ""), x.Xl("destroy", "lost"));
            await Xenod.WaitForAsync(() => !Alive(keepPid), "the re-adopted QEMU to be destroyed", 30);
            Assert.Equal(["Domain-0"], x.ListNames());
            XenodProcess.Stop(daemon);
            XenodProcess.AssertNoCgroupLeft(x.Prefix);
        }
        finally
        {
            if (!daemon.HasExited)
            {
                foreach (var name in x.ListNames().Where(n => n != "Domain-0"))
                    x.Xl("destroy", name);
            }
            XenodProcess.Stop(daemon);
            daemon.Dispose();
        }
    }

    private static int QemuPid(Xenod x, int domid)
    {
        var pidFile = Path.Combine(x.Prefix, $"run/xeno/d{domid}/qemu.pid");
        return int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
