using System.Text;
using System.Text.RegularExpressions;
using Xeno.Boot.ChainLoad;
using Xeno.Engine.Tests.Bootloader.GrubDifferential;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Bootloader;

/// <summary>
/// The GRUB chain-load CD (`xl guest-chainload-cd`): an hvm guest whose disk has a grub.cfg but
/// no bootloader at all (a pv guest's disk) boots from the CD with boot="d"; the CD's GRUB finds
/// the disk's config, loads its grubenv (the saved entry is the second one) and boots that
/// entry's kernel and initrd, with its messages and the kernel's on ttyS0.
/// </summary>
public sealed class GrubChainloadCdTests
{
    private const string GuestConfig =
        "set timeout=1\n" +
        "if [ -s $prefix/grubenv ]; then\n  load_env\nfi\n" +
        "set default=\"${saved_entry}\"\n" +
        "menuentry 'Kit (not the saved entry)' { linux /boot/vmlinuz console=ttyS0 xeno.chainload=first xeno.action=poweroff; initrd /boot/initrd.img; }\n" +
        "menuentry 'Kit through the chain-load CD' --id kit-chain {\n" +
        "\tlinux /boot/vmlinuz console=ttyS0 xeno.chainload=saved\n\tinitrd /boot/initrd.img\n}\n";

    [Fact]
    public async Task AnHvmGuestBootsItsDisksOwnGrubConfigFromTheChainloadCd()
    {
        await using var x = await Xenod.StartAsync();
        // Built once, then found by content in the cache: the second run prints the same file untouched.
        var (exit, stdout, stderr) = x.Xl("guest-chainload-cd");
        Assert.True(exit == 0, $"guest-chainload-cd failed ({exit}): {stderr}");
        var cached = stdout.TrimEnd('\n');
        Assert.StartsWith(Path.Combine(x.Prefix, "var/lib/xeno/chainload-cd", "chainload-"), cached, StringComparison.Ordinal);
        var built = File.GetLastWriteTimeUtc(cached);
        Assert.Equal((0, cached + "\n", ""), x.Xl("guest-chainload-cd"));
        Assert.Equal(built, File.GetLastWriteTimeUtc(cached));
        var iso = Path.Combine(x.Root, "chain.iso");
        Assert.Equal((0, iso + "\n", ""), x.Xl("guest-chainload-cd", "--out", iso));
        Assert.Equal(File.ReadAllBytes(cached), File.ReadAllBytes(iso));

        var env = "# GRUB Environment Block\nsaved_entry=kit-chain\n";
        var disk = GrubDisk.Build(Path.Combine(x.Root, "guest.img"), GrubDiskLayout.Mbr, new Dictionary<string, byte[]>
        {
            ["/boot/vmlinuz"] = File.ReadAllBytes(x.Kit.Vmlinuz),
            ["/boot/initrd.img"] = File.ReadAllBytes(x.Kit.Initrd),
            ["/boot/grub/grub.cfg"] = Encoding.UTF8.GetBytes(GuestConfig),
            ["/boot/grub/grubenv"] = Encoding.ASCII.GetBytes(env + new string('#', 1024 - env.Length)),
        }, installGrub: false).Image;

        var cfg = x.WriteConfig("chain.cfg",
            "name=\"chain\"\ntype=\"hvm\"\nmemory=192\nvnc=0\nboot=\"d\"\n" +
            $"disk=['format=raw,vdev=hda,access=rw,target={disk}', 'format=raw,vdev=hdc,access=ro,devtype=cdrom,target={iso}']\n");
        Assert.Equal((0, "", $"Parsing config from {cfg}\n"), x.Xl("create", cfg));
        // SeaBIOS, the CD's GRUB and its modules, then kernel and initrd through BIOS disk reads, under TCG.
        await Xenod.WaitForAsync(() => x.MarkerCount("chain") == 1, "the marker of the guest booted through the chain-load CD", 400);
        var log = x.ConsoleLogWith("chain", "XENO-GUEST-READY");
        Assert.True(log.Contains($"{ChainloadCdConfig.BootingBanner} (hd0,msdos1)/boot/grub/grub.cfg", StringComparison.Ordinal),
            $"the console did not show the CD's banner:{x.ConsoleDiagnostics("chain")}\n{log}");
        // The saved entry's kernel line (matched loosely: the console log has been seen to double a character).
        Assert.True(Regex.IsMatch(log, @"Command line: BOOT_IMAGE=/boot/vmlinuz console=\S+ xeno\.chainload=saved\r?\n"),
            $"the kernel did not log the saved entry's command line:{x.ConsoleDiagnostics("chain")}\n{log}");
        Assert.Equal((0, "", ""), x.Xl("destroy", "chain"));
    }
}
