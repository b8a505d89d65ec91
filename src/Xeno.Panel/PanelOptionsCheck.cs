namespace Xeno.Panel;

/// <summary>Refuses a configuration the panel could not honour, naming the setting, before anything starts.</summary>
public static class PanelOptionsCheck
{
    public static IReadOnlyList<string> Problems(PanelOptions o)
    {
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var k in o.Kernels)
        {
            if (string.IsNullOrWhiteSpace(k.Name) || !names.Add(k.Name))
                problems.Add($"Panel:Kernels: every kernel needs a name of its own (\"{k.Name}\")");
            foreach (var (key, value) in new[] { ("Kernel", k.Kernel), ("Ramdisk", k.Ramdisk), ("Extra", k.Extra) })
            {
                if (value is not null && (value.Contains('"') || value.Contains('\\') || value.Contains('\n')))
                    problems.Add($"Panel:Kernels: {key} of {k.Name} holds a quote, backslash or line break");
            }
            if (string.IsNullOrEmpty(k.Kernel) || !Path.IsPathFullyQualified(k.Kernel))
                problems.Add($"Panel:Kernels: Kernel of {k.Name} must be an absolute path");
        }
        if (o.MetricsToken is { } token && (token.Length < 16 || token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
            problems.Add("Panel:MetricsToken must be at least 16 characters without blanks");
        problems.AddRange(Ssh.AuthorizedKeysCommand.Problems(o));
        foreach (var (key, value) in new[] { ("RescueKernel", o.RescueKernelPath), ("RescueRamdisk", o.RescueRamdiskPath) })
        {
            if (value is not null && (value.IndexOfAny(['"', '\\', '\n', '\r', ',']) >= 0 || !Path.IsPathFullyQualified(value)))
                problems.Add($"Panel:{key} must be an absolute path without quotes, backslashes, commas or line breaks");
        }
        if (o.MaxIsoUploadMib < 1)
            problems.Add("Panel:MaxIsoUploadMib must be at least 1");
        if (o.UsageSampleSeconds < 1)
            problems.Add("Panel:UsageSampleSeconds must be at least 1");
        if (o.LoginAttemptsPerWindow < 1)
            problems.Add("Panel:LoginAttemptsPerWindow must be at least 1");
        return problems;
    }

    public static void ThrowIfInvalid(PanelOptions o)
    {
        var problems = Problems(o);
        if (problems.Count > 0)
            throw new InvalidOperationException("xeno-panel configuration: " + string.Join("; ", problems));
    }
}
