namespace Xeno.Config.Specs;

/// <summary>
/// Parses Xen disk spec strings exactly as Xen 4.17's libxlutil xlu_disk_parse does
/// (same accepted forms, defaults, quirks and error lines).
/// </summary>
public static class DiskSpecParser
{
    /// <summary>Parses one <c>disk=</c> entry. <paramref name="sourceName"/> prefixes errors
    /// (the config file name, or "command line" for <c>xl block-attach</c>).</summary>
    public static SpecResult<DiskSpec> Parse(string spec, string sourceName) =>
        Parse([spec], sourceName);

    /// <summary>Parses several strings that together describe one disk, as
    /// <c>xl block-attach &lt;dom&gt; arg…</c> passes its arguments.</summary>
    public static SpecResult<DiskSpec> Parse(IReadOnlyList<string> specs, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(sourceName);

        var state = new DiskParseState(sourceName);
        foreach (var raw in specs)
        {
            ArgumentNullException.ThrowIfNull(raw, nameof(specs));
            var spec = CBytes.ToByteChars(CString(raw));
            state.Spec = spec;
            var outcome = DiskSpecLexer.Run(spec, state);
            if (outcome == DiskLexOutcome.Jammed)
            {
                // flex's fatal "scanner jammed": xl prints it and exits with status 2.
                state.Errors.Add("flex scanner jammed");
                return SpecResult<DiskSpec>.Failure(state.Errors);
            }
            if (state.Failed) return SpecResult<DiskSpec>.Failure(state.Errors);
        }

        if (state.Format == null) state.Format = DiskFormat.Raw;
        bool removable = false;
        bool readWrite = state.ReadWrite;
        if (state.IsCdrom)
        {
            removable = true;
            readWrite = false;
            if (string.IsNullOrEmpty(state.Target)) state.Format = DiskFormat.Empty;
        }

        if (state.Vdev == null)
        {
            state.Error(null, "no vdev specified");
            return SpecResult<DiskSpec>.Failure(state.Errors);
        }
        if (state.Target == null && !removable)
        {
            state.Error(null, "no target specified (and device not removable)");
            return SpecResult<DiskSpec>.Failure(state.Errors);
        }

        return SpecResult<DiskSpec>.Success(new DiskSpec
        {
            Target = CBytes.FromByteCharsOrNull(state.Target),
            Format = state.Format.Value,
            Vdev = CBytes.FromByteChars(state.Vdev),
            Access = readWrite ? DiskAccess.ReadWrite : DiskAccess.ReadOnly,
            DevType = state.IsCdrom ? DiskDevType.Cdrom : DiskDevType.Disk,
            Removable = removable,
            Script = CBytes.FromByteCharsOrNull(state.Script),
            BackendDomain = CBytes.FromByteCharsOrNull(state.BackendDomain),
            BackendType = state.BackendType,
            Specification = state.Specification,
            DirectIoSafe = state.DirectIoSafe,
            Discard = state.Discard,
            Colo = state.Colo,
            ColoHost = CBytes.FromByteCharsOrNull(state.ColoHost),
            ColoPort = state.ColoPort,
            ColoExport = CBytes.FromByteCharsOrNull(state.ColoExport),
            ActiveDisk = CBytes.FromByteCharsOrNull(state.ActiveDisk),
            HiddenDisk = CBytes.FromByteCharsOrNull(state.HiddenDisk),
        });
    }

    /// <summary>C sees a string only up to its first NUL.</summary>
    internal static string CString(string s)
    {
        int nul = s.IndexOf('\0');
        return nul < 0 ? s : s[..nul];
    }
}

/// <summary>What xlu_disk_parse accumulates while lexing (shared by all strings of one disk).</summary>
internal sealed class DiskParseState(string sourceName)
{
    public string? Spec { get; set; }
    public List<string> Errors { get; } = [];
    public bool Failed => Errors.Count > 0;

    public string? Target { get; set; }
    public string? Vdev { get; set; }
    public DiskFormat? Format { get; set; }
    public string? BackendType { get; set; }
    public string? Specification { get; set; }
    public string? Script { get; set; }
    public string? BackendDomain { get; set; }
    public bool ReadWrite { get; set; } = true;
    public bool IsCdrom { get; set; }
    public bool DirectIoSafe { get; set; }
    public bool? Discard { get; set; }
    public bool? Colo { get; set; }
    public string? ColoHost { get; set; }
    public int ColoPort { get; set; }
    public string? ColoExport { get; set; }
    public string? ActiveDisk { get; set; }
    public string? HiddenDisk { get; set; }

    // Like libxlutil's parse context, these persist across the strings of one disk.
    public bool HadDeprecatedPrefix { get; set; }
    public bool AccessSet { get; set; }

    public void Error(string? near, string message)
    {
        var nearText = near == null ? "" : ": near `" + CBytes.FromByteChars(near) + "'";
        var specText = Spec == null ? "(null)" : CBytes.FromByteChars(Spec);
        // glibc prints "(null)" for a NULL %s, which is what xl shows when no string was parsed.
        Errors.Add($"{sourceName}: config parsing error in disk specification: {message}{nearText} in `{specText}'");
    }
}
