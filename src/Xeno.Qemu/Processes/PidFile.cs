using System.Globalization;

namespace Xeno.Qemu.Processes;

/// <summary>Reads the pid QEMU writes with -pidfile.</summary>
public static class PidFile
{
    public static int? TryRead(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return Parse(text);
    }

    /// <summary>A positive decimal pid, optionally surrounded by whitespace; anything else is null.</summary>
    public static int? Parse(string text) =>
        int.TryParse(text.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0 ? pid : null;
}
