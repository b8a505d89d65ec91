using System.Diagnostics;
using System.Text.RegularExpressions;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// HVM boot paths of the kit side by side: SeaBIOS from the kit's isolinux ISO as a
/// `devtype=cdrom` drive with boot="d", and OVMF (bios="ovmf") from the kit's EFI disk through
/// systemd-boot. Both kernels print on ttyS0, the HVM console.
/// </summary>
public sealed class ScenarioFirmwareTests
{
    private const string Marker = "XENO-GUEST-READY";

    [Fact]
    public async Task HvmGuestsBootFromCdromAndThroughOvmf()
    {
        foreach (var file in new[] { "/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd" })
            Assert.True(File.Exists(file), $"{file} is missing: install the Debian package ovmf");
        await using var x = await Xenod.StartAsync();
        // The cached kit is shared by every test run: the EFI guest writes to an overlay only.
        var overlay = Path.Combine(x.Root, "efi.qcow2");
        await QemuImgAsync("create", "-q", "-f", "qcow2", "-F", "raw", "-b", x.Kit.EfiDisk, overlay);

        var cd = x.WriteConfig("fw-cd.cfg",
            "name=\"fw-cd\"\ntype=\"hvm\"\nmemory=192\nvnc=0\nboot=\"d\"\n" +
            $"disk=['format=raw,vdev=hdc,access=ro,devtype=cdrom,target={x.Kit.BootIso}']\n");
        var efi = x.WriteConfig("fw-efi.cfg",
            "name=\"fw-efi\"\ntype=\"hvm\"\nmemory=256\nvnc=0\nbios=\"ovmf\"\nboot=\"c\"\n" +
            $"disk=['format=qcow2,vdev=hda,access=rw,target={overlay}']\n");
        Assert.Equal((0, "", $"Parsing config from {cd}\n"), x.Xl("create", cd));
        Assert.Equal((0, "", $"Parsing config from {efi}\n"), x.Xl("create", efi));

        await x.WaitForMarkerAsync("fw-cd");
        // Firmware, boot manager and kernel under TCG: slower than a direct kernel boot.
        await Xenod.WaitForAsync(() => x.MarkerCount("fw-efi") == 1, "the marker of fw-efi (OVMF, systemd-boot)", 600);
        // isolinux's entry (it adds BOOT_IMAGE=) started the kernel; under OVMF the kernel saw EFI
        // and systemd-boot's entry (its EFI stub loaded the initrd).
        // The boot that printed the marker is checked (its log may have rotated meanwhile); a
        // failure shows every boot's log and xenod's account of the domain.
        Assert.True(Regex.IsMatch(x.ConsoleLogWith("fw-cd", Marker), @"Command line: BOOT_IMAGE=\S*vmlinuz .*console=ttyS0"),
            "fw-cd's kernel did not log isolinux's command line:" + x.ConsoleDiagnostics("fw-cd"));
        var efiLog = x.ConsoleLogWith("fw-efi", Marker);
        foreach (var expected in new[] { "efi: EFI v", "Command line: initrd=\\initrd.img console=ttyS0" })
            Assert.True(efiLog.Contains(expected, StringComparison.Ordinal),
                $"fw-efi's kernel did not log \"{expected}\":{x.ConsoleDiagnostics("fw-efi")}\nits log:\n{efiLog}");

        Assert.Equal((0, "", ""), x.Xl("destroy", "fw-cd"));
        Assert.Equal((0, "", ""), x.Xl("destroy", "fw-efi"));
        Assert.Equal(["Domain-0"], x.ListNames());
    }

    private static async Task QemuImgAsync(params string[] args)
    {
        Process p;
        try
        {
            p = Process.Start(new ProcessStartInfo("qemu-img", args) { RedirectStandardError = true })!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("qemu-img (Debian package qemu-utils) is needed: " + e.Message, e);
        }
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(p.ExitCode == 0, "qemu-img failed: " + await p.StandardError.ReadToEndAsync());
    }
}
