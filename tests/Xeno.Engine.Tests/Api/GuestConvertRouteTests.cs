using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Engine.Tests.RealGuests;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Api;

/// <summary>
/// POST /v1/guests/convert against a real xenod: bad fields, a disk with no filesystem, one with
/// no Linux system and one a domain uses (paused, never booted) are refused at once and change
/// nothing; a small kit ext4 disk with Debian 12's grub 2 setup is converted to hvm inside
/// xenod's helper guest (one kit boot), whose own "grub-mkconfig" (a script that writes the
/// kernel command line it sees into grub.cfg) proves the config was regenerated in the helper.
/// The real Debian image goes through the same route in GuestConversionTests (xl) and PanelVmGuestTests.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GuestConvertRouteTests : IAsyncLifetime
{
    private Xenod _x = null!;

    public async ValueTask InitializeAsync() => _x = await Xenod.StartAsync();

    public async ValueTask DisposeAsync() => await _x.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string> Debian12Pv = new()
    {
        ["/etc/os-release"] = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n",
        ["/etc/fstab"] = "/dev/xvda1 / ext4 errors=remount-ro 0 1\n",
        ["/etc/default/grub"] = "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX=\"console=tty0 console=hvc0\"\n",
        ["/boot/grub/grub.cfg"] = "menuentry 'Debian' {\n\tlinux /boot/vmlinuz root=/dev/xvda1 ro console=tty0 console=hvc0\n}\n",
        // The guest's own tool, run by the helper in a chroot with the helper's /proc bound in.
        ["/usr/sbin/grub-mkconfig"] = "#!/bin/sh\n[ \"$1\" = -o ] || exit 2\n" +
            "read -r cmdline < /proc/cmdline\nprintf '# regenerated under: %s\\n' \"$cmdline\" > \"$2\"\n" +
            ". /etc/default/grub\nprintf \"menuentry 'Debian' {\\n\\tlinux /boot/vmlinuz root=UUID=3753345f-b8cc-4771-81e9-de6a66e2af79 ro %s\\n}\\n\" \"$GRUB_CMDLINE_LINUX\" >> \"$2\"\n",
    };

    [Fact]
    public async Task RefusalsChangeNothingAndAKitDiskIsConvertedInsideTheHelperGuest()
    {
        using var client = new XenodClient(Path.Combine(_x.Prefix, "run/xeno/xenod.sock"), _x.Prefix);
        string kernel = _x.Kit.Vmlinuz, ramdisk = _x.Kit.RescueInitrd;
        var blank = Path.Combine(_x.Root, "blank.img");
        await File.WriteAllBytesAsync(blank, new byte[4 << 20], Ct);

        async Task<XenodException> Refused(GuestConvertRequest request) =>
            await Assert.ThrowsAsync<XenodException>(() => client.StartGuestConvertAsync(request, Ct));

        var e = await Refused(new() { Disk = blank, Type = "xen" });
        Assert.Equal((ApiErrorKind.Invalid, "request field \"type\" must be pv, pvh or hvm, not \"xen\""), (e.Kind, e.Message));
        e = await Refused(new() { Disk = "blank.img", Type = "hvm" });
        Assert.Equal((ApiErrorKind.Invalid, "request field \"disk\" must be an absolute path"), (e.Kind, e.Message));
        e = await Refused(new() { Disk = blank, Type = "hvm", Kernel = "vmlinuz" });
        Assert.Equal((ApiErrorKind.Invalid, "request field \"kernel\" must be an absolute path"), (e.Kind, e.Message));
        e = await Refused(new() { Disk = blank, Type = "hvm", TimeoutSeconds = 0 });
        Assert.Equal((ApiErrorKind.Invalid, "request field \"timeout_seconds\" must be at least 1"), (e.Kind, e.Message));
        // A blank image has no filesystem at all: Xeno.Boot's own words, after the disk's path.
        e = await Refused(new() { Disk = blank, Type = "hvm" });
        Assert.Equal(ApiErrorKind.Invalid, e.Kind);
        Assert.StartsWith($"{blank}: offset 0: no filesystem", e.Message, StringComparison.Ordinal);
        Assert.Equal(new byte[4 << 20], await File.ReadAllBytesAsync(blank, Ct));
        // A filesystem with an fstab but no distribution xeno knows.
        var empty = GuestConvertHelperTests.Ext4(_x.Root, "empty", new() { ["/etc/fstab"] = "/dev/xvda1 / ext4 defaults 0 1\n" }, tools: false);
        var emptyBytes = await File.ReadAllBytesAsync(empty, Ct);
        e = await Refused(new() { Disk = empty, Type = "hvm" });
        Assert.Equal(ApiErrorKind.Invalid, e.Kind);
        Assert.Equal($"{empty}: no recognisable Linux system: none of /etc/os-release, /usr/lib/os-release, /etc/debian_version, /etc/redhat-release, /etc/lsb-release", e.Message);
        Assert.Equal(emptyBytes, await File.ReadAllBytesAsync(empty, Ct));

        var disk = GuestConvertHelperTests.Ext4(_x.Root, "deb12", Debian12Pv, tools: true);
        var original = await File.ReadAllBytesAsync(disk, Ct);
        // A domain with the disk attached (created paused, never booted): in use.
        var cfg = _x.PvConfig("user", extra: $"disk=[\"format=raw,vdev=xvda,access=rw,target={disk}\"]\n");
        Assert.Equal(0, _x.Xl("create", "-q", "-p", cfg).Exit);
        e = await Refused(new() { Disk = disk, Type = "hvm", Kernel = kernel, Ramdisk = ramdisk });
        Assert.Equal((ApiErrorKind.Conflict, $"{disk}: the disk is in use by domain {_x.Domid("user")} (user): shut it down (and destroy it) first: nothing changed"),
            (e.Kind, e.Message));
        Assert.Equal(0, _x.Xl("destroy", "user").Exit);
        Assert.Equal(original, await File.ReadAllBytesAsync(disk, Ct));
        // No helper kernel where asked: refused before any helper starts.
        var missing = Path.Combine(_x.Root, "no-such-vmlinuz");
        e = await Refused(new() { Disk = disk, Type = "hvm", Kernel = missing, Ramdisk = ramdisk });
        Assert.Equal((ApiErrorKind.Invalid, $"{disk}: no helper kernel at {missing} (the guest kit's vmlinuz and rescue-initrd.img): nothing changed"), (e.Kind, e.Message));

        // A dry run answers the plan at once, as a finished operation.
        var dry = await client.StartGuestConvertAsync(new() { Disk = disk, Type = "hvm", DryRun = true }, Ct);
        Assert.Equal(("succeeded", disk, 0), (dry.State, dry.Disk, dry.Steps.Count));
        Assert.Contains("+GRUB_CMDLINE_LINUX=\"console=tty0 console=ttyS0,115200n8\"\n", dry.Result!.Diff);
        Assert.Null(dry.Result.Backup);
        Assert.Equal(original, await File.ReadAllBytesAsync(disk, Ct));

        var steps = new List<string>();
        var result = await client.ConvertGuestAsync(new() { Disk = disk, Type = "hvm", Kernel = kernel, Ramdisk = ramdisk }, steps.Add, Ct);
        Assert.Equal(("Debian GNU/Linux 12 (bookworm)", "the whole disk", "ext4"), (result.Distribution, result.Location, result.FileSystem));
        Assert.Contains("starting the helper guest xeno-convert-deb12.img", steps);
        Assert.Contains("regenerating /boot/grub/grub.cfg with the guest's grub-mkconfig", steps);
        Assert.Contains("-GRUB_CMDLINE_LINUX=\"console=tty0 console=hvc0\"\n+GRUB_CMDLINE_LINUX=\"console=tty0 console=ttyS0,115200n8\"\n", result.Diff);
        // grub.cfg as the guest's tool wrote it, run inside the helper (its kernel command line, not the host's).
        Assert.Matches(@"\n\+# regenerated under: [^\n]*\bxeno\.action=convert\b", result.Diff);
        Assert.Contains("ro console=tty0 console=ttyS0,115200n8\n", result.Diff);
        Assert.Matches(@"^/var/backups/xeno-convert-hvm-\d{8}T\d{6}Z$", result.Backup);
        var files = GuestConvertHelperTests.ReadFiles(disk, "/boot/grub/grub.cfg", result.Backup + "/files/etc/default/grub");
        Assert.Matches(@"^# regenerated under: [^\n]*\bxeno\.action=convert\b", files["/boot/grub/grub.cfg"]);
        Assert.Equal(Debian12Pv["/etc/default/grub"], files[result.Backup + "/files/etc/default/grub"]);
        GuestConvertHelperTests.Run("e2fsck", "-fn", disk);
        Assert.DoesNotContain(_x.ListNames(), n => n.StartsWith("xeno-convert-", StringComparison.Ordinal));

        var unknown = await Assert.ThrowsAsync<XenodException>(() => client.GetGuestConvertAsync("999", Ct));
        Assert.Equal((ApiErrorKind.NotFound, "no conversion 999 (xenod keeps the last 64 finished ones until it restarts)"), (unknown.Kind, unknown.Message));
    }
}
