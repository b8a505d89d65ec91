using System.Text.RegularExpressions;

namespace Xeno.Boot.Conversion;

/// <summary>
/// Login prompts on the target's console, for each init system the documents name: sysvinit's
/// /etc/inittab (getty lines naming hvc0/xvc0 ↔ ttyS0), upstart's /etc/init/LINE.conf (renamed and
/// its text updated) and systemd's serial-getty@LINE.service links in getty.target.wants.
/// </summary>
public static partial class GettyEditor
{
    public const string SystemdWants = "/etc/systemd/system/getty.target.wants";
    public const string SystemdTemplate = "/lib/systemd/system/serial-getty@.service";

    [GeneratedRegex(@"^([^#:][^:]*):([^:]*):([^:]*):(.*)$")]
    private static partial Regex InittabEntry();

    /// <summary>inittab with each getty entry on another type's console moved to the target's.</summary>
    public static string RetargetInittab(string text, GuestBootType target)
    {
        var lines = GrubDefaultsEditor.SplitLines(text, out var trailing);
        var to = GuestConsoles.For(target);
        for (int i = 0; i < lines.Count; i++)
        {
            var m = InittabEntry().Match(lines[i]);
            if (!m.Success || !m.Groups[4].Value.Contains("getty", StringComparison.Ordinal)) continue;
            var process = m.Groups[4].Value;
            foreach (var from in GuestConsoles.Others(target))
                process = Regex.Replace(process, $@"\b{from}\b", to);
            if (process == m.Groups[4].Value) continue;
            // The id is at most four characters: hvc0 fits, ttyS0 does not (Debian uses T0).
            var id = m.Groups[1].Value;
            if (GuestConsoles.Others(target).Contains(id) || id == "T0") id = target == GuestBootType.Hvm ? "T0" : "hvc0";
            lines[i] = $"{id}:{m.Groups[2].Value}:{m.Groups[3].Value}:{process}";
        }
        return GrubDefaultsEditor.JoinLines(lines, trailing);
    }

    /// <summary>Upstart: /etc/init/OTHER.conf becomes /etc/init/TARGET.conf with the line names replaced.</summary>
    public static IEnumerable<GuestFileChange> RetargetUpstart(GuestSnapshot snapshot, GuestBootType target)
    {
        var to = GuestConsoles.For(target);
        foreach (var from in GuestConsoles.Others(target))
        {
            var path = $"/etc/init/{from}.conf";
            if (snapshot.Text(path) is not { } text) continue;
            var toPath = $"/etc/init/{to}.conf";
            yield return GuestFileChange.Delete(path, text);
            if (snapshot.Text(toPath) is null)
                yield return GuestFileChange.Write(toPath, null, Regex.Replace(text, $@"\b{from}\b", to));
        }
    }

    /// <summary>systemd: the other type's serial-getty links removed, the target's added.</summary>
    public static IEnumerable<GuestFileChange> RetargetSystemd(GuestSnapshot snapshot, GuestBootType target)
    {
        if (!snapshot.HasSystemdSerialGetty) yield break;
        var to = GuestConsoles.For(target);
        bool hadOther = false;
        foreach (var from in GuestConsoles.Others(target))
        {
            if (!snapshot.EnabledSerialGettys.Contains(from)) continue;
            hadOther = true;
            yield return GuestFileChange.Delete($"{SystemdWants}/serial-getty@{from}.service", null, SystemdTemplate);
        }
        // systemd's getty generator also starts one on the kernel's last console=, so a system
        // that enabled none relies on that and needs no link.
        if (hadOther && !snapshot.EnabledSerialGettys.Contains(to))
            yield return GuestFileChange.Link($"{SystemdWants}/serial-getty@{to}.service", SystemdTemplate);
    }
}
