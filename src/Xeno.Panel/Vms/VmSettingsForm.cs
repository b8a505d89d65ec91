using System.Globalization;
using System.Text.RegularExpressions;
using Xeno.Panel.Data;

namespace Xeno.Panel.Vms;

/// <summary>A type switch that passed <see cref="VmSettingsForm.ParseType"/>: the kernel is null for the guest's own (pygrub) or hvm.</summary>
public sealed record TypeChange(VmType Type, KernelChoice? Kernel, bool Convert);

/// <summary>
/// Reads the info page's forms (untrusted text from the browser): each answers the parsed value
/// or one message naming the field and what is wrong. Never throws on any input; owners name
/// catalogue entries and kernels by name only, never a path.
/// </summary>
public static partial class VmSettingsForm
{
    public const int MaxExtraDisks = 8;

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex CdNamePattern();

    public static (TypeChange? Change, string? Error) ParseType(string? type, string? kernel, string? convert, IReadOnlyList<KernelChoice> kernels)
    {
        VmType vmType;
        switch ((type ?? "").Trim())
        {
            case "pv": vmType = VmType.Pv; break;
            case "hvm": vmType = VmType.Hvm; break;
            default: return (null, "Type: choose PV or HVM.");
        }
        KernelChoice? chosen = null;
        var kernelName = (kernel ?? "").Trim();
        if (vmType == VmType.Pv && kernelName.Length > 0)
        {
            chosen = kernels.FirstOrDefault(k => k.Name == kernelName);
            if (chosen is null)
                return (null, "Kernel: choose one of the kernels offered, or the guest's own.");
        }
        bool doConvert;
        switch ((convert ?? "").Trim())
        {
            case "" or "off" or "no": doConvert = false; break;
            case "on" or "yes" or "true": doConvert = true; break;
            default: return (null, "Conversion: tick the box or leave it empty.");
        }
        return (new TypeChange(vmType, chosen, doConvert), null);
    }

    public static (int MemoryMib, int Vcpus, string? Error) ParseResources(string? memory, string? vcpus)
    {
        var m = Number("Memory (MiB)", memory, 32, VmCreateForm.MaxMemoryMib, out var e1);
        if (e1 is not null)
            return (0, 0, e1);
        var c = Number("vCPUs", vcpus, 1, VmCreateForm.MaxVcpus, out var e2);
        return e2 is not null ? (0, 0, e2) : (m, c, null);
    }

    public static (int SizeGib, string? Error) ParseDiskSize(string? size)
    {
        var s = Number("Disk size (GiB)", size, 1, VmCreateForm.MaxDiskGib, out var e);
        return (s, e);
    }

    /// <summary>The boot mode form: a mode word and, for a CD boot, a catalogue image's name.</summary>
    public static (VmBoot? Boot, string? Error) ParseBoot(string? mode, string? cd, IReadOnlyList<CdImage> catalogue)
    {
        switch ((mode ?? "").Trim())
        {
            case "normal": return (VmBoot.Normal, null);
            case "rescue": return (new VmBoot(BootMode.Rescue, null), null);
            case "chainload": return (new VmBoot(BootMode.Chainload, null), null);
            case "cd":
                var name = (cd ?? "").Trim();
                if (name.Length == 0)
                    return (null, catalogue.Count == 0 ? "CD image: the catalogue is empty; ask an administrator to add one." : "CD image: choose one.");
                var image = catalogue.FirstOrDefault(i => i.Name == name);
                return image is null ? (null, "CD image: choose one of the images offered.") : (new VmBoot(BootMode.Cd, image.Id), null);
            default:
                return (null, "Boot mode: choose one of the modes offered.");
        }
    }

    /// <summary>A catalogue image's name: letters, digits, dots, dashes and underscores (it is also the uploaded file's name).</summary>
    public static string? CdNameError(string? name)
    {
        name = (name ?? "").Trim();
        if (name.Length == 0)
            return "Name: give the image a name.";
        return CdNamePattern().IsMatch(name) ? null : "Name: use 1 to 64 letters, digits, dots, dashes and underscores (a letter or digit at each end).";
    }

    /// <summary>A path an admin registers: absolute, and carried safely in an xl disk spec.</summary>
    public static string? IsoPathError(string? path)
    {
        path = (path ?? "").Trim();
        if (path.Length == 0)
            return "Path: give the image's absolute path on the host.";
        if (!path.StartsWith('/') || path.Contains("/../", StringComparison.Ordinal) || path.EndsWith("/..", StringComparison.Ordinal))
            return "Path: give an absolute path without '..'.";
        if (path.IndexOfAny(['"', '\\', '\n', '\r', '\0']) >= 0 || path.Any(char.IsControl))
            return "Path: the path holds a quote, backslash or control character, which a domain config cannot carry.";
        return null;
    }

    /// <summary>A row id posted by a form (a disk to remove).</summary>
    public static long? Id(string? text) =>
        long.TryParse((text ?? "").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long id) && id > 0 ? id : null;

    private static int Number(string field, string? text, int min, int max, out string? error)
    {
        text = (text ?? "").Trim();
        error = null;
        if (text.Length == 0)
        {
            error = $"{field}: give a number.";
            return 0;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            error = $"{field}: give a whole number from {min} to {max}.";
            return 0;
        }
        return value;
    }
}
