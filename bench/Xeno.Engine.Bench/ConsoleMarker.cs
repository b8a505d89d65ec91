using System.Diagnostics;

namespace Xeno.Engine.Bench;

/// <summary>The kit's init prints this line on the console once its drivers are loaded.</summary>
internal static class ConsoleMarker
{
    public const string Text = "XENO-GUEST-READY";

    public static bool Seen(string log)
    {
        try
        {
            using var f = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(f).ReadToEnd().Contains(Text, StringComparison.Ordinal);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    public static async Task WaitAsync(string log, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (!Seen(log))
        {
            if (sw.Elapsed > timeout)
                throw new TimeoutException($"no {Text} in {log} after {timeout.TotalSeconds:F0} s");
            await Task.Delay(20);
        }
    }
}
