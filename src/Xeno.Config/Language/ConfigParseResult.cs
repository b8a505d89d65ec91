namespace Xeno.Config.Language;

/// <summary>The outcome of parsing one xl.cfg text.</summary>
public sealed class ConfigParseResult
{
    /// <summary>The three lines libxlutil adds after the errors when the file looks like Python.</summary>
    public static readonly IReadOnlyList<string> PythonWarningLines =
    [
        "warning: Config file looks like it contains Python code.",
        "warning:  Arbitrary Python is no longer supported.",
        "warning:  See https://wiki.xen.org/wiki/PythonInXlConfig",
    ];

    internal ConfigParseResult(ConfigDocument? document, IReadOnlyList<ConfigError> errors, bool looksLikePython)
    {
        Document = document;
        Errors = errors;
        LooksLikePython = looksLikePython;
    }

    /// <summary>The parsed settings; null when the parse failed.</summary>
    public ConfigDocument? Document { get; }

    /// <summary>Every error libxlutil would report, in order (it keeps going after the first).</summary>
    public IReadOnlyList<ConfigError> Errors { get; }

    /// <summary>True when the parse failed and the offending text looked like Python (xl then prints a warning).</summary>
    public bool LooksLikePython { get; }

    public bool Success => Document is not null;

    /// <summary>
    /// Exactly the lines xl prints on stderr while parsing (without line terminators), in Xen's order.
    /// The caller adds xl's final "Failed to parse config: Invalid argument".
    /// </summary>
    public IReadOnlyList<string> DiagnosticLines()
    {
        var lines = new List<string>(Errors.Count + 3);
        foreach (var e in Errors) lines.Add(e.ToString());
        if (LooksLikePython) lines.AddRange(PythonWarningLines);
        return lines;
    }
}
