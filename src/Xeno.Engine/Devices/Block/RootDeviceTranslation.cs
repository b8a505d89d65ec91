using System.Text;
using Xeno.Config.Domain;
using Xeno.Config.Specs;

namespace Xeno.Engine.Devices.Block;

/// <summary>One root= rewritten: the Xen name and the name the guest will see.</summary>
internal readonly record struct RootRename(string From, string To);

/// <summary>A kernel command line after translation, and what changed (for the log).</summary>
internal sealed record TranslatedCommandLine(string CommandLine, IReadOnlyList<RootRename> Renames, IReadOnlyList<string> Unknown);

/// <summary>
/// Rewrites <c>root=/dev/NAME</c> on a pv/pvh kernel command line from the name a Xen guest
/// uses to the one the guest sees under QEMU, so a config moved from Xen boots unchanged.
/// NAME is matched against the domain's disks (<see cref="GuestDiskOrder.VirtioNames"/>):
/// <list type="bullet">
/// <item>the exact vdev of a disk: a partition vdev (classic <c>disk=['…,sda1,w']</c> with
/// <c>root=/dev/sda1</c>) is the whole virtio disk, <c>/dev/vdY</c>;</item>
/// <item>a partition of a whole-disk vdev (<c>xvda</c>, <c>hda</c>, <c>sda</c>): <c>/dev/vdYN</c>;</item>
/// <item>an <c>xvdXN</c> name for a disk given as <c>hdX</c> or <c>sdX</c>, which Xen's blkfront
/// also calls <c>xvdX</c>.</item>
/// </list>
/// A name no disk matches stays as it is (reported in <see cref="TranslatedCommandLine.Unknown"/>);
/// root=UUID=…, LABEL=… and the rest of the line are untouched. Pure; the line may come from a
/// guest's own grub.cfg (pygrub), so anything is accepted.
/// </summary>
internal static class RootDeviceTranslation
{
    private const string Prefix = "root=/dev/";

    public static TranslatedCommandLine Translate(string commandLine, IReadOnlyList<DomainDisk> disks)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var names = GuestDiskOrder.VirtioNames(disks);
        var renames = new List<RootRename>();
        var unknown = new List<string>();
        var result = new StringBuilder(commandLine.Length);
        int i = 0;
        while (i < commandLine.Length)
        {
            // Words are separated by blanks, as the kernel splits its command line; a quoted
            // word is copied whole.
            if (commandLine[i] == ' ' || commandLine[i] == '\t' || commandLine[i] == '\n')
            {
                result.Append(commandLine[i++]);
                continue;
            }
            int end = WordEnd(commandLine, i);
            var word = commandLine[i..end];
            if (word.StartsWith(Prefix, StringComparison.Ordinal) && word.Length > Prefix.Length)
            {
                var name = word[Prefix.Length..];
                if (GuestName(name, disks, names) is { } seen)
                {
                    renames.Add(new RootRename("/dev/" + name, "/dev/" + seen));
                    word = Prefix + seen;
                }
                else
                {
                    unknown.Add("/dev/" + name);
                }
            }
            result.Append(word);
            i = end;
        }
        return new TranslatedCommandLine(result.ToString(), renames, unknown);
    }

    /// <summary>The guest's name for a Xen device name, or null when no disk is that device.</summary>
    public static string? GuestName(string xenName, IReadOnlyList<DomainDisk> disks, IReadOnlyDictionary<int, string> names)
    {
        // Only the device-name forms (xvd, hd, sd; not plain numbers or dNpM).
        var family = FamilyOf(xenName);
        if (family is null || !Vdev.TryParse(xenName, out var wanted) || wanted.Disk < 0)
            return null;
        string suffix = wanted.Partition == 0 ? "" : wanted.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sorted = GuestDiskOrder.Sort(disks);

        foreach (var d in sorted)
        {
            if (d.Devid == wanted.Devid && FamilyOf(d.Vdev) is not null)
                return names[d.Devid]; // the vdev itself: a whole disk, or a partition given as one
        }
        foreach (var d in sorted)
        {
            var theirs = FamilyOf(d.Vdev);
            if (theirs is null || !Vdev.TryParse(d.Vdev, out var have) || have.Partition != 0 || have.Disk != wanted.Disk)
                continue;
            // The same disk in the same family (xvda for root=/dev/xvda2, hda for /dev/hda2), or
            // an hdX/sdX disk, which blkfront names xvdX, for root=/dev/xvdXN.
            if (theirs == family || family == "xvd")
                return names[d.Devid] + suffix;
        }
        return null;
    }

    private static string? FamilyOf(string name) =>
        name.StartsWith("xvd", StringComparison.Ordinal) ? "xvd"
        : name.StartsWith("hd", StringComparison.Ordinal) ? "hd"
        : name.StartsWith("sd", StringComparison.Ordinal) ? "sd"
        : null;

    private static int WordEnd(string s, int start)
    {
        bool quoted = false;
        int i = start;
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '"')
                quoted = !quoted;
            else if (!quoted && (c == ' ' || c == '\t' || c == '\n'))
                break;
        }
        return i;
    }
}
