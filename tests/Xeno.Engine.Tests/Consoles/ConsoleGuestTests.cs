using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Consoles;

/// <summary>
/// The console hub with a real TCG guest (xeno.action=shell on hvc0): several clients at once,
/// input from one seen by all, a stalled client that does not stall the others, the recent
/// output over the API, size rotation of QEMU's log, and a new xenod serving the console again.
/// </summary>
public sealed class ConsoleGuestTests
{
    private static readonly EngineOptions Options = new()
    {
        AgentTimeout = TimeSpan.FromMilliseconds(500),
        ConsoleClientBacklogBytes = 64 * 1024,
        ConsoleLogMaxBytes = 4 * 1024,
        ConsoleLogGenerations = 3,
    };

    [Fact]
    public async Task SeveralClientsShareAGuestConsoleAcrossAXenodRestart()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var x = Xenod.Without();
        var host = await EngineHost.StartAsync(x.Prefix, options: Options, cancel: cancel);
        using var api = new ConsoleApi(x.Prefix);
        try
        {
            Assert.Equal(0, x.Xl("create", "-q", x.PvConfig("con")).Exit);
            await Xenod.WaitForAsync(() => api.RecentOutputAsync("con").Result.Contains("XENO-GUEST-READY", StringComparison.Ordinal),
                "the ready marker in GET /v1/domains/con/console", 240);
            var (status, domain) = await api.GetAsync("/v1/domains/con");
            Assert.Equal(200, status);
            var socket = domain["console"]!["socket"]!.GetValue<string>();
            Assert.Equal(Path.Combine(x.Prefix, "run/xeno/d1/console"), socket);
            if (OperatingSystem.IsLinux())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
            var missing = await api.GetAsync("/v1/domains/nosuch/console");
            Assert.Equal((404, "nosuch is an invalid domain identifier (rc=-6)"), (missing.Status, missing.Body["error"]!.GetValue<string>()));

            // Three clients, one of which never reads.
            using var a = await ConsoleReader.AttachAsync(socket);
            using var b = await ConsoleReader.AttachAsync(socket);
            using var idle = await ConsoleReader.AttachAsync(socket, read: false);
            await Task.Delay(300, cancel);
            // Nothing old on attaching (as Xen's pty): the marker is history.
            Assert.DoesNotContain("XENO-GUEST-READY", a.Text, StringComparison.Ordinal);

            await a.TypeAsync("echo hub$((6*7))\n");
            await Xenod.WaitForAsync(() => a.Text.Contains("hub42", StringComparison.Ordinal) && b.Text.Contains("hub42", StringComparison.Ordinal),
                "both clients to see the output of a's command");
            await b.TypeAsync("echo from-b$((1+1))\n");
            await Xenod.WaitForAsync(() => a.Text.Contains("from-b2", StringComparison.Ordinal) && b.Text.Contains("from-b2", StringComparison.Ordinal),
                "a and b to see b's command");

            // Output beyond the size limit: QEMU's log is rotated by copy-then-truncate, and QEMU
            // (O_APPEND) keeps writing into the truncated live file.
            await a.TypeAsync("seq 1 4000; echo seq-$((5*5))\n");
            await Xenod.WaitForAsync(() => a.Text.Contains("\n4000\r\nseq-25", StringComparison.Ordinal) &&
                                           b.Text.Contains("\n4000\r\nseq-25", StringComparison.Ordinal), "the long output on a and b", 240);
            var log = Path.Combine(x.ConsoleLogDir, "con.log");
            Assert.True(File.Exists(log + ".1") && File.Exists(log + ".3"), "no rotated logs");
            Assert.False(File.Exists(log + ".4"));
            Assert.Contains("console log rotated at 4096 bytes", x.Xl("dmesg").Out, StringComparison.Ordinal);
            // A rotation may still move the newest lines into .1, so type until a line lands in the live file.
            int ticks = 0;
            await Xenod.WaitForAsync(() =>
            {
                if (x.ConsoleLog("con").Contains("tick-", StringComparison.Ordinal))
                    return true;
                if (ticks < 30)
                    a.TypeAsync($"echo tick-{++ticks}\n").Wait(cancel);
                return false;
            }, "a line in the live log after rotation");
            var live = x.ConsoleLog("con");
            Assert.True(live.Length <= 2 * Options.ConsoleLogMaxBytes, $"live log is {live.Length} bytes");
            Assert.DoesNotContain('\0', live); // QEMU did not write at its old offset
            Assert.Contains("\n3999\r\n4000\r\n", await api.RecentOutputAsync("1"), StringComparison.Ordinal);

            // xenod goes away (guests keep running), a new one re-adopts the guest and its console.
            await host.DisposeAsync();
            Assert.True(await Task.Run(() => SpinUntil(() => a.Ended && b.Ended)), "clients not closed when xenod stopped");
            Assert.False(File.Exists(socket));
            host = await EngineHost.StartAsync(x.Prefix, options: Options, cancel: cancel);
            Assert.Contains("tick-", await api.RecentOutputAsync("con"), StringComparison.Ordinal); // seeded from the log
            using var again = await ConsoleReader.AttachAsync(socket);
            using var watcher = await ConsoleReader.AttachAsync(socket);
            using var stalled = await ConsoleReader.AttachAsync(socket, read: false);
            await Task.Delay(300, cancel);
            await again.TypeAsync("echo fresh$((8*8))\n");
            await Xenod.WaitForAsync(() => again.Text.Contains("fresh64", StringComparison.Ordinal) &&
                                           watcher.Text.Contains("fresh64", StringComparison.Ordinal), "output after the restart");

            // Far more output than a stalled client's socket buffer and backlog: it is dropped,
            // the others see everything.
            await watcher.TypeAsync("seq 1 30000; echo many-$((9*9))\n");
            await Xenod.WaitForAsync(() => again.Text.Contains("\n30000\r\nmany-81", StringComparison.Ordinal) &&
                                           watcher.Text.Contains("\n30000\r\nmany-81", StringComparison.Ordinal), "the longer output", 300);
            Assert.True(await stalled.DrainsToEndAsync(TimeSpan.FromSeconds(30)), "the stalled client was not dropped");
            Assert.Contains("console client 3 dropped: more than 65536 bytes behind", x.Xl("dmesg").Out, StringComparison.Ordinal);
            Assert.False(again.Ended || watcher.Ended, "a client that keeps reading was dropped");
            await again.TypeAsync("echo alive$((7*7))\n");
            await Xenod.WaitForAsync(() => watcher.Text.Contains("alive49", StringComparison.Ordinal), "the guest to answer after the drop", 60);

            // Destroy: clients closed, socket and run folder gone.
            Assert.Equal((0, "", ""), x.Xl("destroy", "con"));
            Assert.True(await Task.Run(() => SpinUntil(() => again.Ended && watcher.Ended)), "clients not closed at destroy");
            Assert.False(Directory.Exists(Path.Combine(x.Prefix, "run/xeno/d1")));
        }
        finally
        {
            foreach (var d in await host.Engine.ListAsync(cancel))
            {
                try { await host.Engine.DestroyAsync(d.Domid.ToString(System.Globalization.CultureInfo.InvariantCulture), cancel); }
                catch (EngineException) { }
            }
            await host.DisposeAsync();
        }
    }

    private static bool SpinUntil(Func<bool> condition) => SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(30));
}
