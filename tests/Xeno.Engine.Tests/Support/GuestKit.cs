using System.Runtime.CompilerServices;

namespace Xeno.Engine.Tests.Support;

/// <summary>
/// The test guests built by scripts/guest-kit/build (cached in &lt;repo&gt;/.cache/guest-kit).
/// Built once per test run; a failing build fails the tests with the script's own message.
/// Its initrd runs Debian's qemu-ga on org.qemu.guest_agent.0 unless the kernel command line
/// says xeno.agent=off.
/// </summary>
internal sealed class GuestKit
{
    private static readonly Lazy<GuestKit> Shared = new(Build);

    private GuestKit(Dictionary<string, string> outputs)
    {
        Vmlinuz = outputs["vmlinuz"];
        Vmlinux = outputs["vmlinux"];
        Initrd = outputs["initrd"];
        RescueInitrd = outputs["rescue_initrd"];
        PvDisk = outputs["pv_disk"];
        HvmDisk = outputs["hvm_disk"];
        BootIso = outputs["boot_iso"];
        EfiDisk = outputs["efi_disk"];
    }

    public string Vmlinuz { get; }
    public string Vmlinux { get; }
    public string Initrd { get; }

    /// <summary>initrd.img plus e2fsck, resize2fs and the autoinstaller (xeno.action=install): rescue and install helper guests.</summary>
    public string RescueInitrd { get; }
    public string PvDisk { get; }
    public string HvmDisk { get; }
    public string BootIso { get; }

    /// <summary>GPT disk with an EFI system partition: systemd-boot, one Boot Loader Spec entry (console=ttyS0).</summary>
    public string EfiDisk { get; }

    public static GuestKit Get() => Shared.Value;

    public static string RepoRoot([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "..", ".."));

    private static GuestKit Build() => new(RepoScript.Outputs(Path.Combine("scripts", "guest-kit", "build")));
}
