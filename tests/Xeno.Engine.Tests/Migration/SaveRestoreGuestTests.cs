using System.Buffers.Binary;
using System.Diagnostics;
using Xeno.Engine.Tests.Network;
using Xeno.Engine.Tests.Support;
using Xeno.Migration.SaveFiles;

namespace Xeno.Engine.Tests.Migration;

/// <summary>
/// xl save / xl restore with one real TCG guest (its init runs a shell on hvc0), shared by every
/// assertion: a counter process started in the guest keeps counting after a restore (same
/// process, its file in the guest's RAM), uptime continues, the console answers; -c and -p;
/// damaged files give Xen's errors and leave nothing behind.
/// </summary>
public sealed class SaveRestoreGuestTests
{
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

    /// <summary>What a domain leaves on the host: its run folder, its runtime record, its QEMU.</summary>
    private static string[] Leftovers(Xenod x) =>
    [
        .. Directory.GetDirectories(Path.Combine(x.Prefix, "run/xeno")).Select(d => Path.GetFileName(d))
            .Where(d => System.Text.RegularExpressions.Regex.IsMatch(d, @"^d\d+$")),
        .. Directory.Exists(Path.Combine(x.Prefix, "run/xeno/domains"))
            ? Directory.GetFiles(Path.Combine(x.Prefix, "run/xeno/domains")).Select(f => Path.GetFileName(f))
            : [],
    ];

    [Fact]
    public async Task GuestContinuesAfterRestoreAndDamagedFilesCreateNothing()
    {
        string name = "sr-" + Guid.NewGuid().ToString("N")[..6];
        await using var x = await Xenod.StartAsync();
        Assert.Equal(0, x.Xl("create", "-q", x.PvConfig(name)).Exit);
        await x.WaitForMarkerAsync(name);
        int first = x.Domid(name);
        var uuid = (await x.Host!.Engine.GetAsync(name, TestContext.Current.CancellationToken)).Spec.Uuid;

        using (var shell = await GuestShell.AttachAsync(x.Prefix, first))
        {
            // A counter in the guest's RAM (its root is an initramfs): a reboot would lose it.
            // In a subshell: RunAsync's own redirections come after the line, and must not take the pid's.
            Assert.True(await shell.RunAsync("(sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/c; sleep 1; done' </dev/null >/dev/null 2>&1 & echo $! > /tmp/pid)"));
            Assert.True(await shell.RunAsync("kill -0 $(cat /tmp/pid)"), "the counter process runs");
            Assert.True(await WaitTrueAsync(shell, "test $(cat /tmp/c) -ge 3"), "the counter counts");

            // -c: a checkpoint; the guest runs on under the same domid.
            var checkpoint = Path.Combine(x.Root, "c.sav");
            var (exit, _, err) = x.Xl("save", "-c", name, checkpoint);
            Assert.True(exit == 0, err);
            Assert.Matches($"^Saving to {System.Text.RegularExpressions.Regex.Escape(checkpoint)} new xl format \\(info 0x80000001/0x0/\\d+\\)\n$", err);
            Assert.Equal(first, x.Domid(name));
            Xenod.AssertRow(@" (r-----|-b----) ", x.ListRow(name));
            Assert.True(await shell.RunAsync("kill -0 $(cat /tmp/pid)"), "the guest answers after save -c");

            // -p: saved, left paused; unpaused it goes on.
            var (pexit, _, perr) = x.Xl("save", "-p", name, Path.Combine(x.Root, "p.sav"));
            Assert.True(pexit == 0, perr);
            Xenod.AssertRow(@" --p---", x.ListRow(name));
            Assert.Equal(0, x.Xl("unpause", name).Exit);
            Assert.True(await shell.RunAsync("true"), "the guest answers after save -p and unpause");

            // A save that cannot write its file fails with Xen's words and leaves the guest running.
            var (fexit, _, ferr) = x.Xl("save", name, Path.Combine(x.Root, "no-such-dir", "f.sav"));
            Assert.Equal(1, fexit);
            Assert.EndsWith("Failed to save domain, resuming domain\n", ferr);
            Assert.Equal(first, x.Domid(name));
            Xenod.AssertRow(@" (r-----|-b----) ", x.ListRow(name));
            Assert.True(await shell.RunAsync("kill -0 $(cat /tmp/pid)"), "the guest answers after a failed save");

            Assert.True(await WaitTrueAsync(shell, "test $(cat /tmp/c) -ge 5"));
            Assert.True(await shell.RunAsync("cut -d. -f1 /proc/uptime > /tmp/up0; cp /tmp/c /tmp/c0"));
        }

        // A plain save ends the domain.
        var file = Path.Combine(x.Root, "web.sav");
        var saved = x.Xl("save", name, file);
        Assert.True(saved.Exit == 0, saved.Err);
        Assert.DoesNotContain(name, x.ListNames());
        Assert.Empty(Leftovers(x));

        // Damaged copies: Xen's errors, nothing created.
        var good = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
        string Damaged(string label, Action<byte[]> damage, int? cut = null)
        {
            var bytes = cut is { } n ? good[..n] : (byte[])good.Clone();
            damage(bytes);
            var path = Path.Combine(x.Root, label + ".sav");
            File.WriteAllBytes(path, bytes);
            return path;
        }
        var streamAt = XlSaveHeader.Size + (int)BinaryPrimitives.ReadUInt32LittleEndian(good.AsSpan(44));
        var cases = new (string File, string Expected)[]
        {
            (Damaged("truncated", _ => { }, good.Length / 2), "Savefile truncated.\n"),
            (Damaged("magic", b => b[0] = (byte)'Y'), "File has wrong magic number - corrupt or for a different tool?\n"),
            (Damaged("newer", b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(36), 0x80000005)),
                "Savefile has mandatory flag(s) 0x4 which are not supported; need newer xl\n"),
            (Damaged("stream2", b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(streamAt + 8), 2)),
                "Savefile has Xeno stream version 2 which is not supported; need newer xl\n"),
        };
        foreach (var (path, expected) in cases)
        {
            var r = x.Xl("restore", path);
            Assert.Equal(1, r.Exit);
            Assert.Contains(expected, r.Err);
            Assert.Equal(["Domain-0"], x.ListNames());
            Assert.Empty(Leftovers(x));
        }
        // Past xl's checks, QEMU itself refuses a damaged stream: the new domain is undone.
        // (QEMU's own magic at the start of its stream; the stream's tail is a description QEMU skips.)
        long qemuAt = SaveFileReader.Read(new MemoryStream(good), file, _ => { }).QemuOffset;
        var qemuDamaged = Damaged("qemu", b => b[qemuAt] ^= 0x5a);
        var q = x.Xl("restore", qemuDamaged);
        Assert.Equal(1, q.Exit);
        Assert.Equal(["Domain-0"], x.ListNames());
        Assert.Empty(Leftovers(x));

        // The real restore: a new domid, the same name and UUID, the guest goes on.
        var restored = x.Xl("restore", file);
        Assert.True(restored.Exit == 0, restored.Err);
        Assert.StartsWith($"Loading new save file {file} (new xl fmt info 0x80000001/0x0/", restored.Err);
        Assert.Contains("\n Savefile contains xl domain config in JSON format\n", restored.Err);
        int second = x.Domid(name);
        Assert.True(second > first, $"new domid {second} after {first}");
        Assert.Equal(uuid, (await x.Host.Engine.GetAsync(name, TestContext.Current.CancellationToken)).Spec.Uuid);
        Xenod.AssertRow($@"^{name} +{second} +128 +1 +(r-----|-b----) ", x.ListRow(name));
        using (var shell = await GuestShell.AttachAsync(x.Prefix, second))
        {
            Assert.True(await shell.RunAsync("kill -0 $(cat /tmp/pid)"), "the counter process lives on");
            Assert.True(await shell.RunAsync("test $(cat /tmp/c) -ge $(cat /tmp/c0)"), "the counter did not start over");
            Assert.True(await WaitTrueAsync(shell, "test $(cat /tmp/c) -gt $(cat /tmp/c0)"), "the counter counts on");
            Assert.True(await shell.RunAsync("test $(cut -d. -f1 /proc/uptime) -ge $(cat /tmp/up0)"), "uptime continues");
        }

        Assert.Equal(0, x.Xl("destroy", name).Exit);
        Assert.Empty(Leftovers(x));
    }
}
