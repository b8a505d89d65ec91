namespace Xeno.Config.Install;

/// <summary>What the helper guest has reported on its console so far.</summary>
/// <param name="Finished">It printed its result line.</param>
/// <param name="Succeeded">The result was XENO-INSTALL-OK.</param>
/// <param name="Reason">The failure's reason (the rest of the XENO-INSTALL-FAILED line).</param>
/// <param name="Steps">Its progress lines ("xeno-install: ..."), in order.</param>
public sealed record InstallReport(bool Finished, bool Succeeded, string? Reason, IReadOnlyList<string> Steps);

/// <summary>
/// Reads the helper guest's console log (scripts/guest-kit/install): progress lines
/// "xeno-install: ...", then exactly one result line, "XENO-INSTALL-OK" or
/// "XENO-INSTALL-FAILED: reason". Only whole lines count, so a result is read once it is complete.
/// </summary>
public static class InstallConsole
{
    public const string Ok = "XENO-INSTALL-OK";
    public const string Failed = "XENO-INSTALL-FAILED: ";
    public const string StepPrefix = "xeno-install: ";

    public static InstallReport Read(string consoleText)
    {
        ArgumentNullException.ThrowIfNull(consoleText);
        var steps = new List<string>();
        var lines = consoleText.Split('\n');
        // The last piece has no newline yet: it may be a line still being written.
        for (int i = 0; i < lines.Length - 1; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.StartsWith(StepPrefix, StringComparison.Ordinal)) steps.Add(line[StepPrefix.Length..]);
            else if (line == Ok) return new InstallReport(true, true, null, steps);
            else if (line.StartsWith(Failed, StringComparison.Ordinal)) return new InstallReport(true, false, line[Failed.Length..], steps);
        }
        return new InstallReport(false, false, null, steps);
    }
}
