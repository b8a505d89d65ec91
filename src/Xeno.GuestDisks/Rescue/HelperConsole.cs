namespace Xeno.GuestDisks.Rescue;

/// <summary>What a helper guest has reported on its console so far.</summary>
/// <param name="Finished">It printed its result line.</param>
/// <param name="Succeeded">The result was the success line.</param>
/// <param name="Reason">The failure's reason (the rest of the failure line).</param>
/// <param name="Steps">Its progress lines, without their prefix, in order.</param>
public sealed record HelperReport(bool Finished, bool Succeeded, string? Reason, IReadOnlyList<string> Steps);

/// <summary>
/// Reads a helper guest's console log: progress lines "PREFIX: ...", then one result line,
/// "TAG-OK" or "TAG-FAILED: reason" (the installer's are xeno-install / XENO-INSTALL, the
/// conversion's xeno-convert / XENO-CONVERT: scripts/guest-kit). Only whole lines count, so a
/// result is read once it is complete.
/// </summary>
public sealed record HelperConsole(string StepPrefix, string Ok, string Failed)
{
    public static readonly HelperConsole Install = new("xeno-install: ", "XENO-INSTALL-OK", "XENO-INSTALL-FAILED: ");
    public static readonly HelperConsole Convert = new("xeno-convert: ", "XENO-CONVERT-OK", "XENO-CONVERT-FAILED: ");

    public HelperReport Read(string consoleText)
    {
        ArgumentNullException.ThrowIfNull(consoleText);
        var steps = new List<string>();
        var lines = consoleText.Split('\n');
        // The last piece has no newline yet: it may be a line still being written.
        for (int i = 0; i < lines.Length - 1; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.StartsWith(StepPrefix, StringComparison.Ordinal)) steps.Add(line[StepPrefix.Length..]);
            else if (line == Ok) return new HelperReport(true, true, null, steps);
            else if (line.StartsWith(Failed, StringComparison.Ordinal)) return new HelperReport(true, false, line[Failed.Length..], steps);
        }
        return new HelperReport(false, false, null, steps);
    }
}
