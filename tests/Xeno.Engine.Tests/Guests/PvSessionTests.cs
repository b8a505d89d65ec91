using System.Text;
using System.Text.RegularExpressions;
using Xeno.Cli.Commands.Domain;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// One real PV guest (TCG) driven through xl against an in-process xenod: create, console marker,
/// list/vcpu-list/uptime formats, shutdown without an agent, pause/unpause, console attach with
/// the escape character, rename, refusals (same name, same rw disk), destroy.
/// </summary>
public sealed class PvSessionTests
{
    private static readonly string Header = "Name                                        ID   Mem VCPUs\tState\tTime(s)\n";

    [Fact]
    public async Task PvGuestLivesThroughXlCommands()
    {
        await using var x = await Xenod.StartAsync();
        var disk = Path.Combine(x.Root, "data.img");
        File.WriteAllBytes(disk, new byte[1 << 20]);
        var cfg = x.PvConfig("pv-a", extra: $"disk=['{disk},raw,xvda,rw']\n");

        var create = x.Xl("create", cfg);
        Assert.Equal((0, "", $"Parsing config from {cfg}\n"), create);
        await x.WaitForMarkerAsync("pv-a");

        // xl list: header, Domain-0 row, the guest with domid 1, 128 MiB, 1 vCPU.
        var list = x.Xl("list");
        Assert.Equal(0, list.Exit);
        Assert.StartsWith(Header + "Domain-0                                     0 ", list.Out, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"\npv-a {36}     1   128     1     [r-][b-]----  [ \d]{5}\d\.\d\n$"), list.Out);

        // xenstore: the nodes libxl writes, read back with Debian's xenstore-read.
        Assert.Equal((0, "pv-a\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", "/local/domain/1/name"));
        var vmPath = XenstoreTool.Run(x.Prefix, "xenstore-read", "/local/domain/1/vm").Out.Trim();
        Assert.Matches("^/vm/[0-9a-f-]{36}$", vmPath);
        Assert.Equal((0, "pv-a\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", vmPath + "/name"));
        Assert.Equal((0, "/local/domain/0/backend/vbd/1/51712\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", "/local/domain/1/device/vbd/51712/backend"));
        Assert.Equal((0, disk + "\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", "/local/domain/0/backend/vbd/1/51712/params"));
        Assert.Equal((0, "131072\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", "/local/domain/1/memory/target"));

        // A second domain with the same name, or the same disk read-write, is refused.
        var same = x.Xl("create", cfg);
        Assert.Equal(3, same.Exit);
        Assert.Contains("Domain with name \"pv-a\" already exists.\n", same.Err, StringComparison.Ordinal);
        var other = x.PvConfig("pv-b", extra: $"disk=['{disk},raw,xvda,ro']\n");
        var shared = x.Xl("create", other);
        Assert.Equal(3, shared.Exit);
        Assert.Contains($"Disk {disk} (vdev=xvda) is already in use by domain 1 (pv-a)", shared.Err, StringComparison.Ordinal);

        // create -p: the vCPUs never start until unpause; destroy frees the name again.
        Assert.Equal(0, x.Xl("create", "-q", "-p", x.PvConfig("pv-p")).Exit);
        Assert.Matches(new Regex(@"\npv-p {36}     2   128     1     --p---       0\.0\n"), x.Xl("list").Out);
        Assert.Equal((0, "", ""), x.Xl("destroy", "2"));

        // No guest agent: Xen's PV control messages and rc.
        var shutdown = x.Xl("shutdown", "pv-a");
        Assert.Equal(1, shutdown.Exit);
        Assert.Equal("Shutting down domain 1\n" +
                     "PV control interface not available: external graceful shutdown not possible.\n" +
                     "Use \"-F\" to fallback to ACPI power event.\n" +
                     "shutdown failed (rc=-10)\n", shutdown.Err);
        var reboot = x.Xl("reboot", "1");
        Assert.Equal("Rebooting domain 1\n" +
                     "PV control interface not available: external graceful reboot not possible.\n" +
                     "Use \"-F\" to fallback to ACPI reset event.\n" +
                     "reboot failed (rc=-10)\n", reboot.Err);

        // pause / unpause show in the state column.
        Assert.Equal((0, "", ""), x.Xl("pause", "pv-a"));
        Assert.Contains("     --p---  ", x.Xl("list", "pv-a").Out, StringComparison.Ordinal);
        Assert.Equal((0, "", ""), x.Xl("unpause", "1"));
        Assert.DoesNotContain("--p---", x.Xl("list", "pv-a").Out, StringComparison.Ordinal);

        var vcpus = x.Xl("vcpu-list", "pv-a");
        Assert.StartsWith("Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)\n", vcpus.Out, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"\npv-a {28}     1     0 {4}\d   [r-][b-]- [ \d]{6}\d\.\d  all / all\n$"), vcpus.Out);
        Assert.Equal("1\n", x.Xl("domid", "pv-a").Out);
        Assert.Equal("pv-a\n", x.Xl("domname", "1").Out);
        Assert.Matches(new Regex(@"^Name {29}   ID Uptime\nDomain-0 {25} {4}0 .*\npv-a {29} {4}1  0:0\d:\d\d\n$"), x.Xl("uptime").Out);
        Assert.Matches(new Regex(@"^UUID                                  ID    name\n[0-9a-f-]{36}  1    pv-a {26}\n$"), x.Xl("vm-list").Out);

        // Fast PV boot: the kit's bzImage has the PVH note, so QEMU enters the host-unpacked ELF
        // from the kernel cache, and xenod's log says so once.
        var argv = QemuArgv(x, 1);
        var kernelArg = argv[argv.IndexOf("-kernel") + 1];
        Assert.StartsWith(Path.Combine(x.Prefix, "var/lib/xeno/kernels") + "/", kernelArg, StringComparison.Ordinal);
        Assert.EndsWith(".elf", kernelArg, StringComparison.Ordinal);
        Assert.Contains("virtconsole,bus=vserial0.0,chardev=console0,name=console.0", argv);
        Assert.Contains(argv, a => a.StartsWith("virtio-blk-pci,", StringComparison.Ordinal));
        Assert.DoesNotContain("-serial", argv);
        var route = $"domain pv-a (1): pv kernel {x.Kit.Vmlinuz} boots through its PVH entry from {kernelArg}:";
        Assert.Single(x.Xl("dmesg").Out.Split('\n'), l => l.Contains(route, StringComparison.Ordinal));

        // The console: a command typed in comes back, ^] detaches. It is the guest's hvc0, and
        // its disk is the virtio vda, as before the fast boot.
        var output = new MemoryStream();
        var input = new BlockingInput();
        ConsoleCommand.Io = () => (input, output, false);
        var attach = Task.Run(() => x.Xl("console", "pv-a"), TestContext.Current.CancellationToken);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        input.Feed("echo con$((40+2))sole; cat /proc/consoles; ls /sys/block/; echo console-done\n");
        await Xenod.WaitForAsync(() => Encoding.UTF8.GetString(output.ToArray()).Contains("console-done\r\n", StringComparison.Ordinal), "the console echo", 60);
        var typed = Encoding.UTF8.GetString(output.ToArray());
        Assert.Contains("con42sole", typed, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"\nhvc0 +-W-"), typed);
        Assert.Matches(new Regex(@"\bvda\b"), typed);
        input.Feed("\u001d");
        var console = await attach.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(0, console.Exit);
        Assert.Equal((1, "", "console type supported are: pv, serial, vuart\n"), x.Xl("console", "-t", "vga", "pv-a"));

        Assert.Equal((0, "", ""), x.Xl("rename", "pv-a", "pv-renamed"));
        Assert.Equal("1\n", x.Xl("domid", "pv-renamed").Out);
        Assert.Equal((1, "", "Can't get domid of domain name 'pv-a', maybe this domain does not exist.\n"), x.Xl("domid", "pv-a"));
        Assert.Equal((0, "pv-renamed\n"), XenstoreTool.Run(x.Prefix, "xenstore-read", "/local/domain/1/name"));

        // -F: the ACPI power button instead; the guest's kernel powers off, on_poweroff=destroy
        // ends the domain, and -w -w waits for its death.
        var acpi = await Task.Run(() => x.Xl("shutdown", "-F", "-w", "-w", "pv-renamed"), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(180), TestContext.Current.CancellationToken);
        Assert.Equal((0, "", "Shutting down domain 1\nPV control interface not available: sending ACPI power button event.\n" +
                             "Waiting for 1 domains\nDomain 1 has been destroyed\n"), acpi);
        var dmesg = x.Xl("dmesg").Out;
        Assert.True(dmesg.Contains("Action for shutdown reason code 0 is destroy", StringComparison.Ordinal), dmesg);
        Assert.Equal(["Domain-0"], x.ListNames());
        Assert.Contains("Domain 1 (pv-a) created", x.Xl("dmesg").Out, StringComparison.Ordinal);
        Assert.NotEqual(0, XenstoreTool.Run(x.Prefix, "xenstore-read", "/local/domain/1/name").Exit);
        Assert.NotEqual(0, XenstoreTool.Run(x.Prefix, "xenstore-read", vmPath + "/name").Exit);
        Assert.NotEqual(0, XenstoreTool.Run(x.Prefix, "xenstore-read", "/local/domain/0/backend/vbd/1").Exit);
        // Nothing is left behind in the runtime folder.
        Assert.Empty(Directory.GetFiles(Path.Combine(x.Prefix, "run/xeno/domains")));
        Assert.False(Directory.Exists(Path.Combine(x.Prefix, "run/xeno/d1")));
    }

    /// <summary>The running QEMU's argument vector, from its pid file and /proc.</summary>
    private static List<string> QemuArgv(Xenod x, int domid)
    {
        var pid = File.ReadAllText(Path.Combine(x.Prefix, $"run/xeno/d{domid}/qemu.pid")).Trim();
        return [.. File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>A stdin stand-in: blocks until the test feeds bytes.</summary>
    private sealed class BlockingInput : Stream
    {
        private readonly System.Collections.Concurrent.BlockingCollection<byte[]> _chunks = [];

        public void Feed(string text) => _chunks.Add(Encoding.UTF8.GetBytes(text));

        public override int Read(byte[] buffer, int offset, int count)
        {
            var chunk = _chunks.Take();
            Array.Copy(chunk, 0, buffer, offset, Math.Min(count, chunk.Length));
            return Math.Min(count, chunk.Length);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
