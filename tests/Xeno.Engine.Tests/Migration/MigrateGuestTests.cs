using System.Diagnostics;
using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Network;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Migration;

/// <summary>
/// xl migrate to localhost with one real TCG guest, the receiver being the built xl run by the
/// rune through -s (no ssh set up): first a channel cut mid-stream (the sender resumes, the guest
/// runs on, no "--incoming" copy is left), then a real migration: a counter in the guest keeps
/// counting in the new domain, nothing is left of the old one. The guest writes a disk the whole
/// time (one image both copies use, as with shared storage): what it wrote before the move reads
/// back through the new QEMU, and its writes after the move (and after the failed one) reach the image.
/// Both QEMUs get the channel itself (xl hands it to xenod); the two-xenod move runs with a sending
/// xenod that takes no descriptors, so xl relays the stream.
/// </summary>
public sealed class MigrateGuestTests
{
    private static readonly string XlPath = Path.Combine(AppContext.BaseDirectory, "xl");

    /// <summary>
    /// An -s command: the rune appends "localhost xl migrate-receive"; the shell drops the first
    /// two words and runs this build's xl on the same prefix (<paramref name="through"/> sits in
    /// front of the receiver's stdin).
    /// </summary>
    private static string Receiver(Xenod x, string through = "") => Receiver(x.Prefix, through);

    private static string Receiver(string prefix, string through = "") =>
        $"env XENO_PREFIX={prefix} sh -c 'shift 2; {through}exec {XlPath} \"$@\"' sh";

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

    /// <summary>The text at the start of sector <paramref name="sector"/> of an image, up to its first newline.</summary>
    private static string Sector(string image, int sector)
    {
        using var f = new FileStream(image, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var block = new byte[512];
        f.Position = 512L * sector;
        f.ReadExactly(block);
        var text = System.Text.Encoding.ASCII.GetString(block);
        int end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? text.TrimEnd('\0') : text[..end];
    }

    /// <summary>
    /// Counts once a second into /tmp/c and sector 1 of the guest's disk (fsync'd: acknowledged),
    /// then notes the acknowledged count in /tmp/w.
    /// </summary>
    private const string CountingWriter =
        "(sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/c; echo $i | dd of=/dev/vda bs=512 seek=1 conv=fsync 2>/dev/null && echo $i > /tmp/w; sleep 1; done' " +
        "</dev/null >/dev/null 2>&1 & echo $! > /tmp/pid)";

    /// <summary>Reads sector <paramref name="sector"/> through the block layer (the guest's cache dropped first).</summary>
    private static string GuestSector(int sector) =>
        $"$(echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/vda bs=512 skip={sector} count=1 2>/dev/null | head -n 1)";

    /// <summary>xenod's log: which way QEMU's stream went (the channel handed to QEMU, or xl's relay).</summary>
    private static string XenodLog(Xenod x)
    {
        using var f = new FileStream(Path.Combine(x.Prefix, "var/log/xeno/xenod.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(f).ReadToEnd();
    }

    private static string[] RunFolders(Xenod x) =>
        [.. Directory.GetDirectories(Path.Combine(x.Prefix, "run/xeno")).Select(d => Path.GetFileName(d)).Where(d => Regex.IsMatch(d, @"^d\d+$"))];

    [Fact]
    public async Task LocalhostMigrationMovesARunningGuestAndACutChannelResumesIt()
    {
        string name = "mg-" + Guid.NewGuid().ToString("N")[..6];
        await using var x = await Xenod.StartAsync();
        var disk = Path.Combine(x.Root, "data.img");
        File.WriteAllBytes(disk, new byte[4 << 20]);
        Assert.Equal(0, x.Xl("create", "-q", x.PvConfig(name, extra: $"disk=['{disk},raw,xvda,rw']\n")).Exit);
        await x.WaitForMarkerAsync(name);
        int first = x.Domid(name);

        using (var shell = await GuestShell.AttachAsync(x.Prefix, first))
        {
            Assert.True(await shell.RunAsync("echo before | dd of=/dev/vda bs=512 conv=fsync"));
            Assert.True(await shell.RunAsync(CountingWriter));
            Assert.True(await WaitTrueAsync(shell, "test $(cat /tmp/w) -ge 3"), "the counter counts and writes");

            // The channel is cut after 2 MiB of the stream (head exits): the receiver fails and
            // undoes its copy, the sender's QEMU fails its migration and the guest runs on.
            var cut = x.Xl("migrate", "-s", Receiver(x, "head -c 2097152 | "), name, "localhost");
            Assert.True(cut.Exit == 1, cut.Err);
            Assert.Contains("migration target: Ready to receive domain.\n", cut.Err);
            Assert.Contains("migration target: Failure, destroying our copy.\n", cut.Err);
            Assert.EndsWith("Migration failed, resuming at sender.\n", cut.Err);
            Assert.Equal(["Domain-0", name], x.ListNames());
            Assert.Equal(first, x.Domid(name));
            Xenod.AssertRow(@" (r-----|-b----) ", x.ListRow(name));
            Assert.Equal([$"d{first}"], RunFolders(x));
            Assert.True(await shell.RunAsync("kill -0 $(cat /tmp/pid)"), "the guest answers after the failed migration");
            // Its QEMU took the image back (QEMU released it for the hand-over): writes reach it.
            Assert.True(await shell.RunAsync("echo resumed | dd of=/dev/vda bs=512 seek=2 conv=fsync"));
            Assert.Equal("resumed", Sector(disk, 2));

            // A receiver whose xenod cannot take the channel (here: no xenod at all on its prefix)
            // refuses the whole stream; the sender's QEMU finds the channel closed and the guest runs on.
            var refused = x.Xl("migrate", "-s", Receiver(Path.Combine(x.Root, "no-xenod")), name, "localhost");
            Assert.True(refused.Exit == 1, refused.Err);
            Assert.Contains("migration target: the sender hands QEMU's stream over whole, but this host's xenod cannot take the channel", refused.Err);
            Assert.Contains("migration target: Failure, destroying our copy.\n", refused.Err);
            Assert.EndsWith("Migration failed, resuming at sender.\n", refused.Err);
            Assert.Equal(["Domain-0", name], x.ListNames());
            Assert.Equal(first, x.Domid(name));
            Xenod.AssertRow(@" (r-----|-b----) ", x.ListRow(name));
            Assert.True(await shell.RunAsync("kill -0 $(cat /tmp/pid)"), "the guest answers after the refused migration");
            Assert.True(await shell.RunAsync("cp /tmp/c /tmp/c0"));
        }

        // -C names a file that cannot be read: Xen's message before anything starts, the guest runs on.
        var unread = x.Xl("migrate", "-C", Path.Combine(x.Root, "no-such.cfg"), "-s", Receiver(x), name, "localhost");
        Assert.Equal((1, $"Failed to read config file: {Path.Combine(x.Root, "no-such.cfg")}: No such file or directory\n"), (unread.Exit, unread.Err));
        Assert.Equal(["Domain-0", name], x.ListNames());

        // -C (Ganeti's form): the target builds the domain from this config, here the same guest under another name.
        string moved = name + "c";
        string movedConfig = x.PvConfig(moved, extra: $"disk=['{disk},raw,xvda,rw']\n");
        var (exit, _, err) = x.Xl("migrate", "-C", movedConfig, "-s", Receiver(x), name, "localhost");
        TestContext.Current.TestOutputHelper?.WriteLine(err);
        Assert.True(exit == 0, err);
        string[] inOrder =
        [
            "migration target: Ready to receive domain.\n",
            "Saving to migration stream new xl format (info 0x80000001/0x0/",
            "migration target: Transfer complete, requesting permission to start domain.\n",
            "migration sender: Target has acknowledged transfer.\n",
            "migration sender: Giving target permission to start.\n",
            "migration target: Got permission, starting domain.\n",
            "migration sender: Target reports successful startup.\n",
            "migration sender: downtime ",
        ];
        int at = 0, permission = 0;
        foreach (var line in inOrder)
        {
            int i = err.IndexOf(line, at, StringComparison.Ordinal);
            Assert.True(i >= 0, $"\"{line.TrimEnd()}\" after offset {at} in:\n{err}");
            at = i + line.Length;
            if (line.StartsWith("migration target: Got permission", StringComparison.Ordinal))
                permission = at;
        }
        // The target's last line and the sender's report of it come from two processes (the
        // target's stderr reaches ours through its channel): either may be written first.
        Assert.True(err.IndexOf("migration target: Domain started successsfully.\n", permission, StringComparison.Ordinal) >= 0,
            $"\"migration target: Domain started successsfully.\" after the permission in:\n{err}");
        Assert.Contains("Loading new save file <incoming migration stream> (new xl fmt info 0x80000001/0x0/", err);
        Assert.EndsWith("Migration successful.\n", err);
        // Both QEMUs had the channel itself (no relay through xl), the failed attempt's too.
        string log = XenodLog(x);
        Assert.Contains($"({name}) sent by live migration through the channel xl handed over", log);
        Assert.Contains($"({moved}--incoming) received by live migration through the channel xl handed over", log);
        Assert.DoesNotContain("through xl's relay", log);

        // One domain, named as -C's config says, a new domid, running; nothing left of the old one.
        Assert.Equal(["Domain-0", moved], x.ListNames());
        int second = x.Domid(moved);
        Assert.True(second > first, $"new domid {second} after {first}");
        Xenod.AssertRow(@" (r-----|-b----) ", x.ListRow(moved));
        Assert.Equal([$"d{second}"], RunFolders(x));
        using (var shell = await GuestShell.AttachAsync(x.Prefix, second))
        {
            Assert.True(await shell.RunAsync("kill -0 $(cat /tmp/pid)"), "the counter process lives on");
            Assert.True(await shell.RunAsync("test $(cat /tmp/c) -ge $(cat /tmp/c0)"), "the counter did not start over");
            Assert.True(await WaitTrueAsync(shell, "test $(cat /tmp/c) -gt $(( $(cat /tmp/c0) + 1 ))"), "the counter counts on");
            // The new QEMU reads what the old one wrote: the first write, and at least every count
            // acknowledged so far (the writer goes on, so the disk may hold a later one).
            Assert.True(await shell.RunAsync($"test \"{GuestSector(0)}\" = before"), "the write before the move reads back");
            // The acknowledged count is read before the disk: the writer goes on between the two
            // reads, and the disk only ever holds that count or a later one.
            Assert.True(await shell.RunAsync($"w=$(cat /tmp/w); test {GuestSector(1)} -ge $w"), "every acknowledged count is on the disk");
            Assert.True(await shell.RunAsync("echo after | dd of=/dev/vda bs=512 seek=3 conv=fsync"));
        }
        Assert.Equal("before", Sector(disk, 0));
        Assert.Equal("resumed", Sector(disk, 2));
        Assert.Equal("after", Sector(disk, 3));
        Assert.Equal(0, x.Xl("destroy", moved).Exit);
        Assert.Empty(RunFolders(x));
    }

    /// <summary>
    /// Two xenods on two prefixes stand for two hosts; -p leaves the guest paused at the target
    /// (Xen's migrate-receive -p), xl unpause there lets it go on; the source host keeps nothing.
    /// </summary>
    [Fact]
    public async Task MigrationBetweenTwoXenodsMovesTheGuestAndMinusPLeavesItPaused()
    {
        string name = "m2-" + Guid.NewGuid().ToString("N")[..6];
        await using var a = await Xenod.StartAsync();
        await using var b = await Xenod.StartAsync();
        Assert.Equal(0, a.Xl("create", "-q", a.PvConfig(name)).Exit);
        await a.WaitForMarkerAsync(name);
        using (var shell = await GuestShell.AttachAsync(a.Prefix, a.Domid(name)))
        {
            Assert.True(await shell.RunAsync("(sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/c; sleep 1; done' </dev/null >/dev/null 2>&1 & echo $! > /tmp/pid)"));
            Assert.True(await WaitTrueAsync(shell, "test $(cat /tmp/c) -ge 3"), "the counter counts");
            Assert.True(await shell.RunAsync("cp /tmp/c /tmp/c0"));
        }

        // The sending xenod takes no descriptors (its inbox gone, as with an older xenod): xl falls
        // back to relaying QEMU's stream in chunks, and says so with -v.
        File.Delete(Xeno.Api.Client.XenodFdSocket.PathFor(Path.Combine(a.Prefix, "run/xeno/xenod.sock")));
        var (exit, _, err) = a.Xl("-v", "migrate", "-p", "-s", Receiver(b), name, "host-b");
        TestContext.Current.TestOutputHelper?.WriteLine(err);
        Assert.True(exit == 0, err);
        Assert.EndsWith("Migration successful.\n", err);
        Assert.Contains("migration sender: relaying QEMU's stream (xenod's descriptor inbox ", err);
        Assert.Contains($"({name}) sent by live migration through xl's relay", XenodLog(a));
        Assert.Contains($"({name}--incoming) received by live migration through xl's relay", XenodLog(b));
        Assert.Equal(["Domain-0"], a.ListNames());
        Assert.Empty(RunFolders(a));
        Assert.Equal(["Domain-0", name], b.ListNames());
        Xenod.AssertRow(@" --p--- ", b.ListRow(name));

        Assert.Equal(0, b.Xl("unpause", name).Exit);
        using (var shell = await GuestShell.AttachAsync(b.Prefix, b.Domid(name)))
        {
            Assert.True(await shell.RunAsync("kill -0 $(cat /tmp/pid)"), "the counter process lives on at the target");
            Assert.True(await WaitTrueAsync(shell, "test $(cat /tmp/c) -gt $(( $(cat /tmp/c0) + 1 ))"), "the counter counts on");
        }
        Assert.Equal(0, b.Xl("destroy", name).Exit);
        Assert.Empty(RunFolders(b));
    }
}
