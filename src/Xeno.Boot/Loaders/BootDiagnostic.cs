namespace Xeno.Boot.Loaders;

/// <summary>How loud a remark is: pygrub logs warnings always, info only with --debug; notices are plain lines it prints.</summary>
public enum DiagnosticLevel { Info, Warning, Notice }

/// <summary>A remark made while reading a boot config (an unknown directive, an unusable default...).</summary>
public sealed record BootDiagnostic(DiagnosticLevel Level, string Message)
{
    /// <summary>The line Python's logging prints for it ("WARNING:root:...").</summary>
    public string ToPythonLogLine() => Level switch
    {
        DiagnosticLevel.Warning => "WARNING:root:" + Message,
        DiagnosticLevel.Info => "INFO:root:" + Message,
        _ => Message,
    };
}
