using System.Text.RegularExpressions;

namespace Xeno.Boot.Conversion;

/// <summary>
/// The boot menus themselves, edited in place: a hand-written grub.cfg or a menu.lst has nothing
/// to regenerate it from (where /etc/default/grub is there, the helper guest then regenerates
/// grub.cfg with the guest's own grub-mkconfig, and the edit is what a dry run shows): GRUB 2's grub.cfg (`linux` lines; for hvm a serial
/// terminal if there is none) and grub legacy's menu.lst (`kernel` lines, Debian's `# kopt=` /
/// `# defoptions=` / `# xenkopt=` templates for update-grub; for hvm `splashimage` lines removed,
/// as graphics do not show on a serial console, and a serial terminal added). The edits are the
/// ones grub-mkconfig would make from the edited /etc/default/grub.
/// </summary>
public static partial class GrubConfigEditor
{
    [GeneratedRegex(@"^(\s*linux(?:16|efi)?\s+\S+)(.*)$")]
    private static partial Regex Grub2Linux();

    [GeneratedRegex(@"^(\s*kernel\s+\S+)(.*)$")]
    private static partial Regex LegacyKernel();

    [GeneratedRegex(@"^(#\s*(?:kopt|defoptions|xenkopt)=)(.*)$")]
    private static partial Regex LegacyTemplate();

    [GeneratedRegex(@"^\s*serial(\s|$)")]
    private static partial Regex SerialCommandLine();

    [GeneratedRegex(@"^\s*splashimage[\s=]")]
    private static partial Regex Splash();

    public static string RetargetGrub2(string text, GuestBootType target, IReadOnlyDictionary<int, string> uuids)
    {
        var lines = GrubDefaultsEditor.SplitLines(text, out var trailing);
        bool hasSerial = false;
        for (int i = 0; i < lines.Count; i++)
        {
            hasSerial |= SerialCommandLine().IsMatch(lines[i]);
            var m = Grub2Linux().Match(lines[i]);
            if (m.Success) lines[i] = m.Groups[1].Value + Args(m.Groups[2].Value, target, uuids);
        }
        if (target == GuestBootType.Hvm && !hasSerial)
        {
            lines.InsertRange(FirstNonComment(lines),
                [GrubDefaultsEditor.SerialCommand, "terminal_input console serial", "terminal_output console serial"]);
        }
        return GrubDefaultsEditor.JoinLines(lines, trailing);
    }

    public static string RetargetMenuLst(string text, GuestBootType target, IReadOnlyDictionary<int, string> uuids)
    {
        var lines = GrubDefaultsEditor.SplitLines(text, out var trailing);
        bool hasSerial = false;
        var result = new List<string>(lines.Count + 2);
        foreach (var line in lines)
        {
            if (target == GuestBootType.Hvm && Splash().IsMatch(line)) continue;
            hasSerial |= SerialCommandLine().IsMatch(line);
            var m = LegacyKernel().Match(line);
            var t = LegacyTemplate().Match(line);
            if (m.Success) result.Add(m.Groups[1].Value + Args(m.Groups[2].Value, target, uuids));
            else if (t.Success) result.Add(t.Groups[1].Value + KernelArguments.Retarget(t.Groups[2].Value, target, uuids, ensureConsole: true));
            else result.Add(line);
        }
        if (target == GuestBootType.Hvm && !hasSerial)
        {
            result.InsertRange(FirstNonComment(result),
                [GrubDefaultsEditor.SerialCommand, "terminal --timeout=5 serial console"]);
        }
        return GrubDefaultsEditor.JoinLines(result, trailing);
    }

    private static string Args(string rest, GuestBootType target, IReadOnlyDictionary<int, string> uuids)
    {
        var retargeted = KernelArguments.Retarget(rest, target, uuids, ensureConsole: true);
        // Unchanged (e.g. a line Retarget does not understand) stays byte for byte.
        if (retargeted == rest) return rest;
        return retargeted.Length == 0 ? "" : " " + retargeted;
    }

    /// <summary>After the leading comment block, where grub-mkconfig's header puts its terminal setup.</summary>
    private static int FirstNonComment(List<string> lines)
    {
        int i = 0;
        while (i < lines.Count && (lines[i].TrimStart().StartsWith('#') || lines[i].Trim().Length == 0)) i++;
        return i;
    }
}
