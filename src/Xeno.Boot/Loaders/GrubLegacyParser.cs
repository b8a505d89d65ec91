namespace Xeno.Boot.Loaders;

/// <summary>
/// grub legacy menu.lst / grub.conf, read the way pygrub reads it: "title" starts an entry,
/// root/rootnoverify/kernel/initrd fill it, default/timeout/fallback are global.
/// Where pygrub crashes (negative default) we warn and use entry 0; "default saved" reads
/// grub's saved-default file next to the config instead of always booting entry 0.
/// </summary>
public static class GrubLegacyParser
{
    private static readonly HashSet<string> IgnoredGlobals =
    [
        "bootp", "color", "device", "dhcp", "hide", "ifconfig", "pager", "partnew", "parttype",
        "rarp", "serial", "setkey", "terminal", "terminfo", "tftpserver", "unhide",
    ];

    /// <param name="text">The config text.</param>
    /// <param name="configPath">Its path in the guest (for saved defaults and messages).</param>
    /// <param name="readGuestFile">Reads a small guest file as text, null when absent.</param>
    public static BootMenu Parse(string text, string configPath, Func<string, string?>? readGuestFile = null)
    {
        var diagnostics = new List<BootDiagnostic>();
        var entries = new List<BootEntry>();
        string baseDir = ConfigLines.DirectoryOf(configPath);
        long defaultIndex = 0;
        long? fallback = null;
        string timeout = "-1";
        string? title = null;
        List<string>? image = null;

        foreach (var line in ConfigLines.Meaningful(GrubLegacyLines.AsGrubReadsThem(text)))
        {
            if (line.StartsWith("title", StringComparison.Ordinal))
            {
                if (image is not null) entries.Add(BuildEntry(title!, image, baseDir, diagnostics));
                image = [];
                title = line.Length > 6 ? line.Substring(6) : "";
                continue;
            }
            if (image is not null) { image.Add(line); continue; }

            var (command, argument) = GrubWords.CommandAndArgument(line);
            var value = PyText.Strip(argument);
            switch (command)
            {
                case "default":
                    defaultIndex = ParseDefault(value, baseDir, readGuestFile, diagnostics);
                    break;
                case "timeout":
                    timeout = value;
                    break;
                case "fallback":
                    fallback = PyText.TryParseInt(value, out var fb) ? fb : null;
                    break;
                case "hiddenmenu" or "splashimage" or "password":
                    break;
                default:
                    if (IgnoredGlobals.Contains(command))
                        diagnostics.Add(new(DiagnosticLevel.Info, $"Ignored directive {command}"));
                    else
                        diagnostics.Add(new(DiagnosticLevel.Warning, $"Unknown directive {command}"));
                    break;
            }
        }
        // pygrub keeps a trailing entry only when it has at least one line.
        if (image is { Count: > 0 }) entries.Add(BuildEntry(title!, image, baseDir, diagnostics));

        return new BootMenu(ConfigKind.GrubLegacy, configPath, entries, defaultIndex, fallback, timeout, diagnostics);
    }

    private static long ParseDefault(string value, string baseDir, Func<string, string?>? readGuestFile, List<BootDiagnostic> diagnostics)
    {
        if (value == "saved")
        {
            // grub-set-default keeps the number on the first line of "default" next to menu.lst.
            var saved = readGuestFile?.Invoke(ConfigLines.Resolve(baseDir, "default"));
            if (saved is not null && PyText.TryParseInt(saved.Split('\n')[0], out var n) && n >= 0) return n;
            return 0;
        }
        if (!PyText.TryParseInt(value, out var index))
        {
            diagnostics.Add(new(DiagnosticLevel.Warning, $"Invalid value {value}, setting default to 0"));
            return 0;
        }
        if (index < 0)
        {
            // pygrub raises here and gives up on the whole disk; an unusable default is not worth that.
            diagnostics.Add(new(DiagnosticLevel.Warning, $"Invalid value {value}, setting default to 0"));
            return 0;
        }
        return index;
    }

    private static BootEntry BuildEntry(string title, List<string> lines, string baseDir, List<BootDiagnostic> diagnostics)
    {
        string? root = null, kernel = null, args = null, initrd = null, failure = null;
        foreach (var line in lines)
        {
            var (command, argument) = GrubWords.CommandAndArgument(line);
            var value = PyText.Strip(argument);
            switch (command)
            {
                case "root" or "rootnoverify":
                    root = GrubDevice.Describe(value);
                    break;
                case "kernel":
                    (kernel, args) = KernelLine.Split(value);
                    break;
                case "initrd":
                    // grub's initrd needs a Linux kernel loaded first ("Error 19: Linux kernel must be loaded before initrd"): the entry fails there.
                    if (kernel is null) failure ??= "initrd before any kernel";
                    initrd = GrubDevice.PathOf(value);
                    break;
                case "chainloader" or "module":
                    diagnostics.Add(new(DiagnosticLevel.Info, $"Ignored image directive {command}"));
                    break;
                default:
                    diagnostics.Add(new(DiagnosticLevel.Warning, $"Unknown image directive {command}"));
                    break;
            }
        }
        return new BootEntry(PyText.Strip(title), root, kernel, args, initrd) { BaseDirectory = baseDir, GrubFailure = failure };
    }
}

/// <summary>
/// A menu.lst as grub legacy's line reader hands it on: carriage returns dropped, tabs read as
/// blanks, a backslash before a newline joins the next line (with a blank; a line ending in
/// backslashes keeps all but the last). A config without those characters reads exactly as before.
/// </summary>
internal static class GrubLegacyLines
{
    public static string AsGrubReadsThem(string text)
    {
        if (text.IndexOfAny(['\r', '\t', '\\']) < 0) return text;
        var sb = new System.Text.StringBuilder(text.Length);
        bool literal = false;
        foreach (var raw in text)
        {
            char c = raw;
            if (c == '\r') continue;
            if (c == '\t') c = ' ';
            if (literal)
            {
                if (c == '\n')
                {
                    c = ' ';
                    sb.Length--; // the backslash
                }
                literal = false;
            }
            // Every backslash, even one after another, escapes the next character.
            if (c == '\\') literal = true;
            sb.Append(c);
        }
        return sb.ToString();
    }
}

/// <summary>"path args..." as pygrub cuts a kernel line: no blank → only a path.</summary>
internal static class KernelLine
{
    public static (string Kernel, string? Args) Split(string value)
    {
        if (!value.Contains(' ')) return (GrubDevice.PathOf(value), null);
        var parts = PyText.SplitWhitespace(value, 1);
        return (GrubDevice.PathOf(parts[0]), parts.Count > 1 ? parts[1] : null);
    }
}
