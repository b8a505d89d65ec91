namespace Xeno.Cli.Hosting;

/// <summary>The C library's strerror text for the I/O failures xl reports.</summary>
public static class Strerror
{
    public static string Of(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException => "Permission denied",
        PathTooLongException => "File name too long",
        IOException io when io.HResult == 21 || io.Message.Contains("directory", StringComparison.OrdinalIgnoreCase) => "Is a directory",
        _ => e.Message,
    };
}
