using System.Globalization;
using System.Text;

namespace Xeno.Config.Install;

/// <summary>
/// The two xl.cfg texts of an install: the helper guest's, which boots the rescue kernel and
/// initramfs with the new disk and the parameter disk, and the new guest's own. Values are
/// checked by <see cref="InstallValues"/> before they get here (no quote, backslash or newline).
/// </summary>
public static class InstallConfigs
{
    /// <summary>The helper's memory: the rescue initramfs plus e2fsck and resize2fs on a large filesystem.</summary>
    public const int HelperMemoryMib = 192;

    /// <summary>The helper's kernel command line: the kit's /init runs the installer and powers off. No secret is ever on it.</summary>
    public const string HelperCommandLine = "console=hvc0 xeno.action=install";

    /// <summary>The helper domain's name for an install of <paramref name="guest"/>.</summary>
    public static string HelperName(string guest) => "xeno-install-" + guest;

    /// <summary>
    /// The helper: pv on the rescue kernel and initramfs, no network (it needs none: everything
    /// it writes comes from the base image and the parameter disk), the new disk read-write as
    /// xvda and the parameter disk read-only as xvdb.
    /// </summary>
    public static string Helper(string guest, string kernel, string ramdisk, string disk, string parameterDisk) =>
        new StringBuilder()
            .Append($"name = \"{HelperName(guest)}\"\n")
            .Append("type = \"pv\"\n")
            .Append(CultureInfo.InvariantCulture, $"memory = {HelperMemoryMib}\n")
            .Append($"kernel = \"{kernel}\"\n")
            .Append($"ramdisk = \"{ramdisk}\"\n")
            .Append($"cmdline = \"{HelperCommandLine}\"\n")
            .Append("on_poweroff = \"destroy\"\non_reboot = \"destroy\"\non_crash = \"destroy\"\n")
            .Append($"disk = [ 'format=raw,vdev=xvda,access=rw,target={disk}',\n         'format=raw,vdev=xvdb,access=ro,target={parameterDisk}' ]\n")
            .ToString();

    /// <summary>
    /// The new guest: pv boots the disk's own GRUB config through pygrub, the console moved to
    /// hvc0 by extra=; hvm boots SeaBIOS and the GRUB in the disk's MBR, console on ttyS0.
    /// </summary>
    public static string Guest(string name, InstallGuestType type, int memoryMib, string disk, IReadOnlyList<string> vifs)
    {
        var text = new StringBuilder()
            .Append("# Made by xl guest-install: Debian 12 from the base image, adapted in a helper guest.\n")
            .Append($"name = \"{name}\"\n");
        if (type == InstallGuestType.Pv)
        {
            text.Append("type = \"pv\"\n")
                .Append(CultureInfo.InvariantCulture, $"memory = {memoryMib}\n")
                .Append("bootloader = \"pygrub\"\n")
                .Append("extra = \"console=hvc0\"\n")
                .Append($"disk = [ 'format=raw,vdev=xvda,access=rw,target={disk}' ]\n");
        }
        else
        {
            text.Append("type = \"hvm\"\n")
                .Append(CultureInfo.InvariantCulture, $"memory = {memoryMib}\n")
                .Append("boot = \"c\"\n")
                .Append("vnc = 0\n")
                .Append($"disk = [ 'format=raw,vdev=hda,access=rw,target={disk}' ]\n");
        }
        if (vifs.Count > 0)
            text.Append("vif = [ ").AppendJoin(", ", vifs.Select(v => $"'{v}'")).Append(" ]\n");
        return text.ToString();
    }
}
