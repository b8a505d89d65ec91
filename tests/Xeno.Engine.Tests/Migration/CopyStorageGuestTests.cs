using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Network;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Migration;

/// <summary>
/// xl migrate --copy-storage between two xenods standing for two hosts that do not share the
/// guest's disk: the target xenod runs in its own mount namespace where the disk's folder is an
/// empty tmpfs, so the same path names two different files (as on two hosts). One real TCG guest
/// writes numbered blocks to its disk throughout (each fsync'd, the last acknowledged number in
/// /tmp/w). First a channel cut during the copy: the source resumes, the guest writes on, the
/// target keeps nothing (no domain, no half-made disk). Then the move, with -p so the target's
/// disk stays as the hand-over left it: it is byte for byte the source's disk at the hand-over
/// (every acknowledged write is there), and once unpaused the guest writes on into the target's disk.
/// </summary>
public sealed class CopyStorageGuestTests
{
    private static readonly string XlPath = Path.Combine(AppContext.BaseDirectory, "xl");

    private const int DiskBytes = 16 << 20;

    /// <summary>Block i (4 KiB) holds "block &lt;i&gt;"; each write fsync'd, then its number noted as acknowledged.</summary>
    private const string BlockWriter =
        "(sh -c 'i=0; while :; do i=$((i+1)); printf \"block %08d\\n\" $i | dd of=/dev/vda bs=4096 seek=$(( i % 3000 + 1 )) conv=fsync,sync,notrunc 2>/dev/null && echo $i > /tmp/w; sleep 0.2; done' " +
        "</dev/null >/dev/null 2>&1 & echo $! > /tmp/pid)";

    private static string Receiver(string prefix, string through = "") =>
        $"env XENO_PREFIX={prefix} sh -c 'shift 2; {through}exec {XlPath} \"$@\"' sh";

    /// <summary>The highest block number written on an image (the writer's last write that reached it).</summary>
    private static int LastBlock(byte[] image)
    {
        int last = 0;
        foreach (Match m in Regex.Matches(System.Text.Encoding.ASCII.GetString(image), @"block (\d{8})\n"))
            last = Math.Max(last, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        return last;
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

    [Fact]
    public async Task CopyStorageMovesALocalDiskWithEveryAcknowledgedWriteAndACutCopyLeavesNothingAtTheTarget()
    {
        string name = "cs-" + Guid.NewGuid().ToString("N")[..6];
        await using var a = await Xenod.StartAsync();
        await using var b = Xenod.Without();
        var diskDir = Path.Combine(a.Root, "disks");
        Directory.CreateDirectory(diskDir);
        var disk = Path.Combine(diskDir, "data.img");
        var noise = new byte[DiskBytes];
        new Random(12).NextBytes(noise);
        File.WriteAllBytes(disk, noise);
        using var target = SeparateDiskHost.Start(b.Prefix, diskDir);
        try
        {
            await Xenod.WaitForAsync(() => File.Exists(Path.Combine(b.Prefix, "run/xeno/xenod.sock")), "the target's xenod socket", 60);
            Assert.False(target.Exists(disk)); // the target has no such disk

            Assert.Equal(0, a.Xl("create", "-q", a.PvConfig(name, extra: $"disk=['{disk},raw,xvda,rw']\n")).Exit);
            await a.WaitForMarkerAsync(name);
            int first = a.Domid(name);
            using (var shell = await GuestShell.AttachAsync(a.Prefix, first))
            {
                Assert.True(await shell.RunAsync(BlockWriter), shell.Transcript);
                Assert.True(await WaitTrueAsync(shell, "test $(cat /tmp/w) -ge 3"), "the writer writes");
            }

            // The channel cut during the copy (after 3 MiB): the source resumes, the target keeps nothing.
            // (head unbuffered: the prefix must reach the receiver at once, the sender waits for its answer.)
            var cut = a.Xl("migrate", "--copy-storage", "-s", Receiver(b.Prefix, "stdbuf -o0 head -c 3145728 | "), name, "host-b");
            TestContext.Current.TestOutputHelper?.WriteLine(cut.Err);
            Assert.True(cut.Exit == 1, cut.Err);
            Assert.EndsWith("Migration failed, resuming at sender.\n", cut.Err);
            Assert.Equal(["Domain-0", name], a.ListNames());
            Assert.Equal(first, a.Domid(name));
            await Xenod.WaitForAsync(() => b.ListNames().SequenceEqual(["Domain-0"]), "the target to undo its copy", 60);
            await Xenod.WaitForAsync(() => !target.Exists(disk), "the target to remove its half-made disk", 60);
            using (var shell = await GuestShell.AttachAsync(a.Prefix, first))
            {
                Assert.True(await shell.RunAsync("kill -0 $(cat /tmp/pid)"), "the writer lives on after the failed copy");
                Assert.True(await shell.RunAsync("cp /tmp/w /tmp/w0"));
                Assert.True(await WaitTrueAsync(shell, "test $(cat /tmp/w) -gt $(( $(cat /tmp/w0) + 2 ))"), "the writer writes on at the source");
            }

            var (exit, _, err) = a.Xl("migrate", "--copy-storage", "-p", "-s", Receiver(b.Prefix), name, "host-b");
            TestContext.Current.TestOutputHelper?.WriteLine(err);
            Assert.True(exit == 0, err);
            Assert.EndsWith("Migration successful.\n", err);
            Assert.Equal(["Domain-0"], a.ListNames());
            Assert.Equal(["Domain-0", name], b.ListNames());
            Xenod.AssertRow(@" --p--- ", b.ListRow(name));

            // Paused since the hand-over: the target's disk is the source's disk at the hand-over.
            var source = File.ReadAllBytes(disk);
            var (hashExit, hashOut) = target.Run("sha256sum", disk);
            Assert.Equal(0, hashExit);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(source)), hashOut.Split(' ')[0]);
            int handedOver = LastBlock(source);
            Assert.True(handedOver > 3, $"the writer wrote during the move (last block {handedOver})");

            Assert.Equal(0, b.Xl("unpause", name).Exit);
            using (var shell = await GuestShell.AttachAsync(b.Prefix, b.Domid(name)))
            {
                Assert.True(await shell.RunAsync("kill -0 $(cat /tmp/pid)"), "the writer lives on at the target");
                // It reads the last block of the hand-over through the target's QEMU (its cache dropped first).
                Assert.True(await shell.RunAsync(
                    $"test \"$(echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/vda bs=4096 skip={handedOver % 3000 + 1} count=1 2>/dev/null | head -n 1)\" = \"block {handedOver:D8}\""),
                    shell.Transcript);
                Assert.True(await WaitTrueAsync(shell, $"test $(cat /tmp/w) -gt {handedOver + 2}"), "the writer writes on at the target");
            }
            var (_, copy) = target.Run("sh", "-c", $"strings -n 14 {disk} | grep '^block ' | sort | tail -n 1");
            Assert.True(int.Parse(copy.Trim()["block ".Length..], CultureInfo.InvariantCulture) > handedOver, $"the target's disk takes the later writes: {copy}");
            Assert.Equal(0, b.Xl("destroy", name).Exit);
        }
        finally
        {
            foreach (var leftover in b.ListNames().Where(n => n != "Domain-0"))
                b.Xl("destroy", leftover);
            XenodProcess.Stop(target.Daemon);
        }
        XenodProcess.AssertNoCgroupLeft(b.Prefix);
    }
}
