using System.Text.RegularExpressions;

namespace Xeno.Boot.Conversion;

/// <summary>
/// /etc/default/grub (shell variable assignments read by grub-mkconfig): the console words of
/// GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT, and for hvm GRUB_TERMINAL and
/// GRUB_SERIAL_COMMAND so that GRUB itself talks on the serial port (the only console an hvm
/// guest's owner has). A pv guest's GRUB never runs (pygrub reads grub.cfg), so its terminal
/// settings are left as they are.
/// </summary>
public static partial class GrubDefaultsEditor
{
    public const string SerialCommand = "serial --unit=0 --speed=115200";

    [GeneratedRegex(@"^(\s*(?:export\s+)?)(GRUB_[A-Z_]+)=(.*)$")]
    private static partial Regex Assignment();

    public static string Retarget(string text, GuestBootType target, IReadOnlyDictionary<int, string> partitionUuids)
    {
        var lines = SplitLines(text, out var trailingNewline);
        bool sawCmdline = false, sawTerminal = false, sawSerial = false;
        for (int i = 0; i < lines.Count; i++)
        {
            var match = Assignment().Match(lines[i]);
            if (!match.Success) continue;
            var (prefix, name, raw) = (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value);
            switch (name)
            {
                case "GRUB_CMDLINE_LINUX":
                case "GRUB_CMDLINE_LINUX_DEFAULT":
                    var (quote, value) = Unquote(raw);
                    bool full = name == "GRUB_CMDLINE_LINUX";
                    sawCmdline |= full;
                    var arguments = KernelArguments.Retarget(value, target, partitionUuids, ensureConsole: full);
                    // A bare value that now has several words needs quotes for the shell.
                    if (quote.Length == 0 && arguments.Any(char.IsWhiteSpace) && !arguments.Contains('"')) quote = "\"";
                    lines[i] = $"{prefix}{name}={quote}{arguments}{quote}";
                    break;
                case "GRUB_TERMINAL":
                    sawTerminal = true;
                    if (target == GuestBootType.Hvm && !Unquote(raw).Value.Split(' ').Contains("serial"))
                        lines[i] = $"{prefix}GRUB_TERMINAL=\"console serial\"";
                    break;
                case "GRUB_SERIAL_COMMAND":
                    sawSerial = true;
                    break;
            }
        }
        if (!sawCmdline) lines.Add($"GRUB_CMDLINE_LINUX=\"{GuestConsoles.KernelArgument(target)}\"");
        if (target == GuestBootType.Hvm && !sawTerminal) lines.Add("GRUB_TERMINAL=\"console serial\"");
        if (target == GuestBootType.Hvm && !sawSerial) lines.Add($"GRUB_SERIAL_COMMAND=\"{SerialCommand}\"");
        return JoinLines(lines, trailingNewline);
    }

    private static (string Quote, string Value) Unquote(string raw)
    {
        raw = raw.Trim();
        if (raw.Length >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[^1] == raw[0])
            return (raw[0].ToString(), raw[1..^1]);
        // Bare or unbalanced: kept as it is, not wrapped (a second run must see the same text).
        return ("", raw);
    }

    internal static List<string> SplitLines(string text, out bool trailingNewline)
    {
        trailingNewline = text.EndsWith('\n');
        var lines = text.Split('\n').ToList();
        if (trailingNewline) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    internal static string JoinLines(List<string> lines, bool trailingNewline) =>
        string.Join('\n', lines) + (trailingNewline || lines.Count > 0 ? "\n" : "");
}
