namespace Xeno.Boot.Loaders;

/// <summary>
/// extlinux.conf / syslinux.cfg / isolinux.cfg, read the way pygrub reads them (LABEL starts
/// an entry, KERNEL with APPEND, initrd= taken out of APPEND, mboot.c32 module lists), plus
/// what pygrub lacks: LINUX as a synonym of KERNEL, INITRD lines, and initrd= in an APPEND
/// written before the KERNEL line.
/// </summary>
public static class ExtLinuxParser
{
    private static readonly HashSet<string> IgnoredGlobals = ["serial", "prompt", "display", "f1", "f2"];

    public static BootMenu Parse(string text, string configPath)
    {
        var diagnostics = new List<BootDiagnostic>();
        var entries = new List<BootEntry>();
        string baseDir = ConfigLines.DirectoryOf(configPath);
        string? defaultLabel = null;
        string timeout = "-1";
        var image = new List<string>();

        foreach (var line in ConfigLines.Meaningful(text))
        {
            if (line.ToLowerInvariant().StartsWith("label", StringComparison.Ordinal))
            {
                if (image.Count > 0) entries.Add(BuildEntry(image, baseDir, diagnostics));
                image = [line];
                continue;
            }
            if (image.Count > 0) { image.Add(line); continue; }

            var (command, argument) = GrubWords.CommandAndArgument(line);
            command = command.ToLowerInvariant();
            var value = PyText.Strip(argument);
            if (command == "default") defaultLabel = value;
            else if (command == "timeout") timeout = value;
            else if (IgnoredGlobals.Contains(command)) diagnostics.Add(new(DiagnosticLevel.Info, $"Ignored directive {command}"));
            else diagnostics.Add(new(DiagnosticLevel.Warning, $"Unknown directive {command}"));
        }
        if (image.Count > 0) entries.Add(BuildEntry(image, baseDir, diagnostics));

        long defaultIndex = 0;
        for (int i = 0; i < entries.Count; i++)
            if (entries[i].Title == defaultLabel) { defaultIndex = i; break; }
        return new BootMenu(ConfigKind.ExtLinux, configPath, entries, defaultIndex, null, timeout, diagnostics);
    }

    private static BootEntry BuildEntry(List<string> lines, string baseDir, List<BootDiagnostic> diagnostics)
    {
        string title = "";
        string? kernel = null, args = null, initrd = null;

        void SetKernel(string value)
        {
            if (!value.Contains(' ')) { kernel = value; args = null; return; }
            var parts = PyText.SplitWhitespace(value, 1);
            kernel = parts[0];
            args = parts.Count > 1 ? parts[1] : null;
        }

        foreach (var line in lines)
        {
            var (rawCommand, argument) = GrubWords.CommandAndArgument(line);
            string? command = rawCommand.ToLowerInvariant();

            if (command == "append")
            {
                if (kernel is not null && kernel.EndsWith("mboot.c32", StringComparison.Ordinal))
                {
                    // Multiboot: "xen.gz opts --- vmlinuz args --- initrd" (or without the hypervisor).
                    var modules = argument.Split("---");
                    string? k = null, i = null;
                    if (modules.Length == 3) { k = modules[1]; i = modules[2]; }
                    else if (modules.Length == 2) { k = modules[0]; i = modules[1]; }
                    if (!string.IsNullOrEmpty(k)) SetKernel(PyText.Strip(k));
                    if (!string.IsNullOrEmpty(i)) initrd = PyText.Strip(i);
                    command = null;
                }
                else if (argument.Contains("initrd="))
                {
                    foreach (var word in PyText.Strip(argument).Split(' '))
                    {
                        if (word.ToLowerInvariant().StartsWith("initrd=", StringComparison.Ordinal))
                        {
                            initrd = word.Replace("initrd=", "");
                            argument = argument.Replace(word, "");
                        }
                    }
                }
            }

            if (command is null) continue;
            var value = Unquote(PyText.Strip(argument));
            switch (command)
            {
                case "label": title = value; break;
                case "kernel" or "linux": SetKernel(value); break;
                case "append": args = value; break;
                case "initrd": initrd = value; break;
                default: diagnostics.Add(new(DiagnosticLevel.Warning, $"Unknown image directive {command}")); break;
            }
        }
        return new BootEntry(title, "", kernel, args, initrd) { BaseDirectory = baseDir };
    }

    /// <summary>pygrub drops one pair of double quotes around a whole value.</summary>
    private static string Unquote(string s) =>
        s.Length >= 3 && s[0] == '"' && s[^1] == '"' ? s.Substring(1, s.Length - 2) : s;
}
