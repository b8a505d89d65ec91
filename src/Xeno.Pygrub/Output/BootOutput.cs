using Xeno.Boot.CommandLine;

namespace Xeno.Pygrub.Output;

/// <summary>A value cannot be written in the simple formats (it contains their separator).</summary>
internal sealed class OutputFormatException(string message) : Exception(message);

/// <summary>
/// pygrub's report of what to boot:
/// sxp "linux (kernel 'K')(ramdisk 'R')(args 'A')"; simple "kernel K\nramdisk R\nargs A\n\n";
/// simple0 the same with NUL separators (what libxl reads). Ramdisk and args only when non-empty.
/// </summary>
internal static class BootOutput
{
    public const string SeparatorMessage = "simple format cannot represent delimiter-containing value";

    public static string Format(PygrubOutputFormat format, string? kernel, string? ramdisk, string? args) => format switch
    {
        PygrubOutputFormat.Sxp => Sxp(kernel, ramdisk, args),
        PygrubOutputFormat.Simple => Simple(kernel, ramdisk, args, "\n"),
        _ => Simple(kernel, ramdisk, args, "\0"),
    };

    private static string Sxp(string? kernel, string? ramdisk, string? args)
    {
        var s = $"linux (kernel {PythonRepr.Of(kernel)})";
        if (!string.IsNullOrEmpty(ramdisk)) s += $"(ramdisk {PythonRepr.Of(ramdisk)})";
        if (!string.IsNullOrEmpty(args)) s += $"(args {PythonRepr.Of(args)})";
        return s;
    }

    private static string Simple(string? kernel, string? ramdisk, string? args, string sep)
    {
        foreach (var value in new[] { kernel, ramdisk, args })
            if (value is not null && value.Contains(sep, StringComparison.Ordinal))
                throw new OutputFormatException(SeparatorMessage);
        var s = $"kernel {kernel ?? "None"}{sep}";
        if (!string.IsNullOrEmpty(ramdisk)) s += $"ramdisk {ramdisk}{sep}";
        if (!string.IsNullOrEmpty(args)) s += $"args {args}{sep}";
        return s + sep;
    }
}
