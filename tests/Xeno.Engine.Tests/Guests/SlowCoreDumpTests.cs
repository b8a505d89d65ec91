using System.Diagnostics;
using Xeno.Engine.Domains;
using Xeno.Engine.Tests.Consoles;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// A 512 MiB guest crashes with on_crash="coredump-destroy" and its dump file is a FIFO nobody
/// reads yet, so QEMU's dump-guest-memory cannot finish: meanwhile list, pause, unpause and the
/// console of another guest answer, and other requests to the dumping domain get a conflict
/// naming the phase. Reading the FIFO lets the dump finish; the whole ELF comes out, then the
/// domain goes. The events of the dumping domain come in Xen's order with Xen's names.
/// </summary>
public sealed class SlowCoreDumpTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Task<(int Exit, string Out, string Err)> XlAsync(Xenod x, params string[] args) =>
        Task.Run(() => x.Xl(args), Token).WaitAsync(Bound, Token);

    [Fact]
    public async Task ACoreDumpThatCannotFinishDelaysNothingOfAnotherDomain()
    {
        await using var x = await Xenod.StartAsync();
        var events = new RecordedEvents();
        x.Host!.Engine.Events = events;
        var dumpDir = Path.Combine(x.Prefix, "var/lib/xeno/dump");
        Directory.CreateDirectory(dumpDir);
        var fifo = Path.Combine(dumpDir, "dumper");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync(Token);
            Assert.Equal(0, mkfifo.ExitCode);
        }

        Assert.Equal((0, "", ""), x.Xl("create", "-q", x.PvConfig("other")));
        await x.WaitForMarkerAsync("other");
        Assert.Equal((0, "", ""), x.Xl("create", "-q", x.PvConfig("dumper", "crash", "on_crash=\"coredump-destroy\"\n", memory: 512)));
        int dumper = x.Domid("dumper");
        await Xenod.WaitForAsync(() => x.Host.Engine.ListAsync().Result.Any(d => d.Name == "dumper" && d.Phase == DomainPhase.CoreDumping),
            "the crashed guest's core dump to start");

        // The dump cannot end (nobody reads the FIFO): the other domain is served meanwhile.
        Assert.Equal(0, (await XlAsync(x, "list")).Exit);
        Assert.Equal((0, "", ""), await XlAsync(x, "pause", "other"));
        Assert.Equal((0, "", ""), await XlAsync(x, "unpause", "other"));
        using (var console = new ConsoleApi(x.Prefix))
            Assert.Contains("XENO-GUEST-READY", await console.RecentOutputAsync("other").WaitAsync(Bound, Token), StringComparison.Ordinal);
        var refused = await XlAsync(x, "pause", "dumper");
        Assert.NotEqual(0, refused.Exit);
        Assert.Contains("domain dumper is dumping its core", refused.Err, StringComparison.Ordinal);
        Assert.Equal(DomainPhase.CoreDumping, (await x.Host.Engine.GetAsync("dumper", Token)).Phase);

        // Reading the FIFO lets QEMU write the whole dump; then on_crash's destroy follows.
        long bytes = 0;
        byte[] head = new byte[4];
        await Task.Run(() =>
        {
            using var f = new FileStream(fifo, FileMode.Open, FileAccess.Read);
            var buffer = new byte[1 << 20];
            int n;
            while ((n = f.Read(buffer)) > 0)
            {
                if (bytes == 0)
                    Array.Copy(buffer, head, Math.Min(4, n));
                bytes += n;
            }
        }, Token).WaitAsync(TimeSpan.FromMinutes(5), Token);
        Assert.Equal("\u007fELF"u8.ToArray(), head);
        Assert.True(bytes >= 512L * 1024 * 1024, $"the dump has {bytes} bytes, less than the guest's 512 MiB");
        await Xenod.WaitForAsync(() => !x.ListNames().Contains("dumper"), "the dumped domain to be destroyed");

        var seen = events.Lines(dumper);
        Assert.Equal(
        [
            "created", "phase running", "phase shutdown", "shutdown crash 3 coredump-destroy", "crashed",
            "phase core_dumping", "phase shutdown", "phase dying", "destroyed",
        ], seen);
        Assert.Equal((0, "", ""), x.Xl("destroy", "other"));
    }
}
