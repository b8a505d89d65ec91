using System.Text;
using Xeno.Boot.Loaders;

namespace Xeno.Pygrub.Output;

/// <summary>
/// pygrub's --list-entries block for each entry. pygrub crashes on an entry without an initrd
/// (or kernel) and stops listing; we print "None" for it, as pygrub does for missing args.
/// </summary>
internal static class EntryListing
{
    public static string Format(BootMenu menu)
    {
        var sb = new StringBuilder();
        foreach (var e in menu.Entries)
        {
            sb.Append("title: ").Append(e.Title).Append('\n');
            sb.Append("  root: ").Append(e.Root ?? "None").Append('\n');
            sb.Append("  kernel: ").Append(e.Kernel ?? "None").Append('\n');
            sb.Append("  args: ").Append(e.Args ?? "None").Append('\n');
            sb.Append("  initrd: ").Append(e.Initrd ?? "None").Append('\n');
        }
        return sb.ToString();
    }
}
