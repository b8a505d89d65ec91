using System.Text.RegularExpressions;

namespace Xeno.Boot.Conversion;

/// <summary>
/// extlinux's (syslinux's) boot menu, edited in place: every <c>APPEND</c> line's kernel
/// arguments as GRUB's <c>linux</c> lines are (console=, xencons=, root= names), and for hvm a
/// <c>SERIAL 0 115200</c> line so the menu shows on ttyS0 (syslinux wants it first in the file).
/// pv boots it through pygrub, which ignores SERIAL: a SERIAL line is left there for pv.
/// </summary>
public static partial class ExtlinuxConfigEditor
{
    /// <summary>syslinux's keywords are case-insensitive; APPEND takes the rest of the line.</summary>
    [GeneratedRegex(@"^(\s*append)(\s.*)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Append();

    [GeneratedRegex(@"^\s*serial(\s|$)", RegexOptions.IgnoreCase)]
    private static partial Regex Serial();

    public const string SerialLine = "SERIAL 0 115200";

    public static string Retarget(string text, GuestBootType target, IReadOnlyDictionary<int, string> uuids)
    {
        var lines = GrubDefaultsEditor.SplitLines(text, out var trailing);
        bool hasSerial = false;
        for (int i = 0; i < lines.Count; i++)
        {
            hasSerial |= Serial().IsMatch(lines[i]);
            var m = Append().Match(lines[i]);
            if (!m.Success) continue;
            var rest = m.Groups[2].Value;
            var retargeted = KernelArguments.Retarget(rest, target, uuids, ensureConsole: true);
            // Unchanged (a line Retarget does not understand) stays byte for byte.
            if (retargeted != rest) lines[i] = m.Groups[1].Value + (retargeted.Length == 0 ? "" : " " + retargeted);
        }
        if (target == GuestBootType.Hvm && !hasSerial)
        {
            // After the leading comments: syslinux reads SERIAL before any other directive.
            int at = 0;
            while (at < lines.Count && (lines[at].TrimStart().StartsWith('#') || lines[at].Trim().Length == 0)) at++;
            lines.Insert(at, SerialLine);
        }
        return GrubDefaultsEditor.JoinLines(lines, trailing);
    }
}
