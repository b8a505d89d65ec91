using System.Globalization;
using System.Text;
using Xeno.Boot.Images;

namespace Xeno.GuestDisks.Rescue;

/// <summary>
/// The conversion helper's xl.cfg: pv on the guest kit's kernel and rescue initramfs (its /init
/// runs /sbin/xeno-convert for xeno.action=convert, then powers off), no network, the guest's disk
/// read-write as xvda, the plan disk read-only as xvdb, the result disk as xvdc.
/// </summary>
public static class ConvertHelperConfig
{
    /// <summary>The rescue initramfs in RAM plus the guest's grub-mkconfig (bash, grub-probe) in a chroot.</summary>
    public const int MemoryMib = 256;

    public const string CommandLine = "console=hvc0 xeno.action=convert";

    /// <summary>The helper's domain name for a conversion of <paramref name="disk"/>: from its file name, plain characters only.</summary>
    public static string HelperName(string disk)
    {
        var name = new string(Path.GetFileName(disk).Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '_').ToArray());
        if (name.Length > 40) name = name[..40];
        return "xeno-convert-" + name;
    }

    /// <summary>Null when every path can be written in an xl.cfg string; else the reason.</summary>
    public static string? Unwritable(params string[] paths) =>
        paths.FirstOrDefault(p => p.IndexOfAny(['\'', '"', '\\', '\n', '\r']) >= 0) is { } bad
            ? $"the path {bad} cannot be written in an xl.cfg string (quote, backslash or newline)"
            : null;

    public static string Text(string name, string kernel, string ramdisk, string disk, ImageFormat format, string planDisk, string resultDisk) =>
        new StringBuilder()
            .Append($"name = \"{name}\"\n")
            .Append("type = \"pv\"\n")
            .Append(CultureInfo.InvariantCulture, $"memory = {MemoryMib}\n")
            .Append($"kernel = \"{kernel}\"\n")
            .Append($"ramdisk = \"{ramdisk}\"\n")
            .Append($"cmdline = \"{CommandLine}\"\n")
            .Append("on_poweroff = \"destroy\"\non_reboot = \"destroy\"\non_crash = \"destroy\"\n")
            .Append($"disk = [ 'format={(format == ImageFormat.Qcow2 ? "qcow2" : "raw")},vdev=xvda,access=rw,target={disk}',\n")
            .Append($"         'format=raw,vdev=xvdb,access=ro,target={planDisk}',\n")
            .Append($"         'format=raw,vdev=xvdc,access=rw,target={resultDisk}' ]\n")
            .ToString();
}
