using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Network;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Migration;

/// <summary>
/// Failure injection with one real TCG guest moved (and failing to move) four times to a target
/// xenod standing for another host (its own process and mount namespace, the disk's folder a tmpfs
/// there, so a move must copy the disk with --copy-storage): a move without it refused by the target
/// (the disk's path names nothing there), the transport process killed
/// mid-copy (socat standing for ssh), the target's xenod killed mid-copy (then started again: it
/// removes the disk the copy had created),
/// the target's disk full during the copy (a 4 MiB tmpfs for a 16 MiB disk).
/// Each time the source resumes, the guest keeps running (its console answers, its counter counts),
/// and neither side keeps anything: no "--incoming" domain, no run folder, no QEMU, no half-made disk,
/// no cgroup.
/// </summary>
public sealed class MigrationFailureGuestTests
{
    private static readonly string XlPath = Path.Combine(AppContext.BaseDirectory, "xl");

    private static string[] RunFolders(string prefix)
    {
        var run = Path.Combine(prefix, "run/xeno");
        return Directory.Exists(run)
            ? [.. Directory.GetDirectories(run).Select(d => Path.GetFileName(d)).Where(d => Regex.IsMatch(d, @"^d\d+$"))]
            : [];
    }

    /// <summary>Processes whose command line names <paramref name="text"/> (a path unique to this test).</summary>
    private static int[] ProcessesNaming(string text)
    {
        var found = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == Environment.ProcessId)
                continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Contains(text, StringComparison.Ordinal))
                    found.Add(pid);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return [.. found];
    }

    private static async Task<bool> WaitTrueAsync(GuestShell shell, string command, int seconds = 120)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            if (await shell.RunAsync(command))
                return true;
            await Task.Delay(500);
        }
        return false;
    }

    /// <summary>The guest answers on its console and its counter goes on.</summary>
    private static async Task AssertRunsOnAsync(Xenod a, string name, int domid, string after)
    {
        Assert.Equal(domid, a.Domid(name));
        Xenod.AssertRow(@" (r-----|-b----) ", a.ListRow(name));
        Assert.Equal([$"d{domid}"], RunFolders(a.Prefix));
        using var shell = await GuestShell.AttachAsync(a.Prefix, domid);
        Assert.True(await shell.RunAsync("kill -0 $(cat /tmp/pid) && cp /tmp/c /tmp/c0"), $"the counter lives on after {after}: {shell.Transcript}");
        Assert.True(await WaitTrueAsync(shell, "test $(cat /tmp/c) -gt $(( $(cat /tmp/c0) + 1 ))"), $"the counter counts on after {after}");
    }

    /// <summary>The target keeps nothing: no domain, no run folder, no QEMU of its prefix, no disk.</summary>
    private static async Task AssertTargetCleanAsync(Xenod b, SeparateDiskHost? host, string disk, string after)
    {
        await Xenod.WaitForAsync(() => b.ListNames().SequenceEqual(["Domain-0"]), $"the target to undo its copy after {after}", 90);
        await Xenod.WaitForAsync(() => RunFolders(b.Prefix).Length == 0, $"the target's run folders to go after {after}", 60);
        await Xenod.WaitForAsync(() => ProcessesNaming(Path.Combine(b.Prefix, "run")).Length == 0, $"the target's QEMU to end after {after}", 60);
        if (host is not null)
            Assert.False(host.Exists(disk), $"a half-made disk left at the target after {after}");
    }

    private static async Task<SeparateDiskHost> StartTargetAsync(Xenod b, string diskDir, string size)
    {
        var host = SeparateDiskHost.Start(b.Prefix, diskDir, size);
        var socket = Path.Combine(b.Prefix, "run/xeno/xenod.sock");
        await Xenod.WaitForAsync(() => File.Exists(socket) && b.Xl("list").Exit == 0, "the target's xenod", 60);
        return host;
    }

    [Fact]
    public async Task TheSourceResumesAndNeitherSideKeepsAnythingWhenTheTransportDiesTheTargetDiskFillsOrTheTargetXenodDies()
    {
        string tag = Guid.NewGuid().ToString("N")[..6], name = "mf-" + tag;
        await using var a = await Xenod.StartAsync();
        await using var b = Xenod.Without();
        var diskDir = Path.Combine(a.Root, "disks");
        Directory.CreateDirectory(diskDir);
        var disk = Path.Combine(diskDir, "data.img");
        var noise = new byte[16 << 20];
        new Random(5).NextBytes(noise);
        File.WriteAllBytes(disk, noise);
        var target = await StartTargetAsync(b, diskDir, "64m");
        try
        {
            Assert.Equal(0, a.Xl("create", "-q", a.PvConfig(name, memory: 128, extra: $"disk=['{disk},raw,xvda,rw']\n")).Exit);
            await a.WaitForMarkerAsync(name);
            int domid = a.Domid(name);
            using (var shell = await GuestShell.AttachAsync(a.Prefix, domid))
            {
                Assert.True(await shell.RunAsync("(sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/c; echo $i | dd of=/dev/vda bs=512 seek=1 conv=fsync,notrunc 2>/dev/null; sleep 1; done' </dev/null >/dev/null 2>&1 & echo $! > /tmp/pid)"));
                Assert.True(await WaitTrueAsync(shell, "test $(cat /tmp/c) -ge 3"), "the counter counts");
            }

            var rune = $"env XENO_PREFIX={b.Prefix} sh -c 'shift 2; exec {XlPath} \"$@\"' sh";

            // 0. Without --copy-storage the disk's path names nothing on the target (another host's
            // storage): the target refuses before it makes anything, naming the disk; the guest runs on.
            var refused = a.Xl("migrate", "-s", rune, name, "host-b");
            TestContext.Current.TestOutputHelper?.WriteLine(refused.Err);
            Assert.True(refused.Exit == 1, refused.Err);
            Assert.Contains($"migration target: domain {name} cannot run on this host: disk vdev=xvda: {disk} does not exist on this host", refused.Err);
            Assert.Contains("Migration failed", refused.Err);
            Assert.DoesNotContain("Transfer complete", refused.Err);
            await AssertTargetCleanAsync(b, target, disk, "a disk missing on the target");
            await AssertRunsOnAsync(a, name, domid, "a disk missing on the target");

            // 1. The transport killed mid-copy: socat stands for ssh (the target listens on a unix socket).
            var listen = Path.Combine(a.Root, "transport.sock");
            var receiver = Process.Start(new ProcessStartInfo("socat",
                [$"UNIX-LISTEN:{listen}", $"SYSTEM:env XENO_PREFIX={b.Prefix} {XlPath} migrate-receive"]) { UseShellExecute = false })!;
            await Xenod.WaitForAsync(() => File.Exists(listen), "the receiving socat", 30);
            var moving = Task.Run(() => a.Xl("migrate", "--copy-storage", "-s", $"socat - UNIX-CONNECT:{listen} #", name, "host-b"));
            await Xenod.WaitForAsync(() => b.ListNames().Contains(name + "--incoming"), "the target's incoming copy", 120);
            var transport = ProcessesNaming("UNIX-CONNECT:" + listen);
            Assert.Single(transport);
            using (var kill = Process.Start("kill", ["-KILL", transport[0].ToString(CultureInfo.InvariantCulture)]))
                kill.WaitForExit();
            var cut = await moving;
            TestContext.Current.TestOutputHelper?.WriteLine(cut.Err);
            Assert.True(cut.Exit == 1, cut.Err);
            Assert.Contains("Migration failed, resuming at sender.\n", cut.Err);
            Assert.True(receiver.WaitForExit(60_000), "the receiving socat ends");
            await AssertTargetCleanAsync(b, target, disk, "a killed transport");
            await AssertRunsOnAsync(a, name, domid, "a killed transport");

            // 2. The target's xenod killed mid-copy; started again (the same host: its namespace and
            // tmpfs stay), it removes the disk the copy had created and keeps nothing else of it.
            moving = Task.Run(() => a.Xl("migrate", "--copy-storage", "-s", rune, name, "host-b"));
            await Xenod.WaitForAsync(() => b.ListNames().Contains(name + "--incoming"), "the target's incoming copy", 120);
            await Xenod.WaitForAsync(() => target.Exists(disk), "the target's copy of the disk", 60);
            target.Daemon.Kill();
            target.Daemon.WaitForExit();
            cut = await moving;
            TestContext.Current.TestOutputHelper?.WriteLine(cut.Err);
            Assert.True(cut.Exit == 1, cut.Err);
            Assert.Contains("Migration failed", cut.Err);
            await AssertRunsOnAsync(a, name, domid, "the target's xenod killed");
            Assert.True(target.Exists(disk), "the killed xenod's copy of the disk is there until a xenod starts again");
            target.Restart();
            await Xenod.WaitForAsync(() => File.Exists(Path.Combine(b.Prefix, "run/xeno/xenod.sock")) && b.Xl("list").Exit == 0, "the target's xenod again", 60);
            await AssertTargetCleanAsync(b, target, disk, "the target's xenod killed and started again");
            // The source's own disk is untouched (a different file) and the guest still writes it.
            Assert.True(File.Exists(disk));
            // A full disk for the next case: the emptied tmpfs shrunk to 4 MiB.
            Assert.Equal(0, target.Run("mount", "-o", "remount,size=4m", diskDir).Exit);

            // 3. The target's disk fills during the copy (16 MiB into 4 MiB).
            var full = a.Xl("migrate", "--copy-storage", "-s", rune, name, "host-b");
            TestContext.Current.TestOutputHelper?.WriteLine(full.Err);
            Assert.True(full.Exit == 1, full.Err);
            // The target's last lines come through the channel and may follow the sender's.
            Assert.Contains("the mirror of disk xvda to the target failed: No space left on device", full.Err);
            Assert.Contains("Migration failed, resuming at sender.\n", full.Err);
            await AssertTargetCleanAsync(b, target, disk, "a full disk");
            await AssertRunsOnAsync(a, name, domid, "a full disk");
            Assert.Equal(0, a.Xl("destroy", name).Exit);
        }
        finally
        {
            if (!target.Daemon.HasExited)
            {
                foreach (var leftover in b.ListNames().Where(n => n != "Domain-0"))
                    b.Xl("destroy", leftover);
            }
            XenodProcess.Stop(target.Daemon);
            target.Dispose();
        }
        XenodProcess.AssertNoCgroupLeft(b.Prefix);
        Assert.Empty(ProcessesNaming(Path.Combine(b.Prefix, "run")));
    }
}
