namespace Xeno.Config.Language;

/// <summary>
/// One error line as libxlutil prints it. <paramref name="Near"/> is the offending text, or null when
/// it was a bare end of line (printed as <c>&lt;newline&gt;</c>). <paramref name="Line"/> is the line
/// number exactly as printed, including libxlutil's off-by-one for errors at a newline.
/// </summary>
public sealed record ConfigError(string Source, int Line, string? Near, string Message)
{
    public override string ToString() =>
        Near is null
            ? $"{Source}:{Line}: config parsing error near <newline>: {Message}"
            : $"{Source}:{Line}: config parsing error near `{Near}': {Message}";
}
