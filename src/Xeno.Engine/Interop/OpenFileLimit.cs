using System.Runtime.InteropServices;

namespace Xeno.Engine.Interop;

/// <summary>
/// xenod's RLIMIT_NOFILE (getrlimit/setrlimit). Every running guest holds a few descriptors in
/// xenod (QMP, console and agent sockets, the console log, the API's connections), so a service
/// started with the common soft limit of 1024 would run out long before 100 guests. At start xenod
/// raises the soft limit to the hard one. The .NET runtime already does the same while it
/// initializes on Linux (measured: a soft 1024 becomes the hard 20000 here); xenod does not rely on
/// that and logs the limit either way. Side effect: changes the process's soft limit.
/// </summary>
public static class OpenFileLimit
{
    private const int RlimitNofile = 7;
    /// <summary>RLIM_INFINITY; the kernel never lets RLIMIT_NOFILE's soft limit reach it.</summary>
    public const ulong Infinity = ulong.MaxValue;
    /// <summary>fs.nr_open's default: the ceiling for a soft limit when the hard one is infinite.</summary>
    public const ulong DefaultNrOpen = 1 << 20;

    public readonly record struct Limits(ulong Soft, ulong Hard);

    public static Limits Get()
    {
        var limit = new RLimit();
        if (getrlimit(RlimitNofile, ref limit) != 0)
            throw Error("getrlimit(RLIMIT_NOFILE)");
        return new Limits(limit.Current, limit.Max);
    }

    public static void Set(Limits limits)
    {
        var limit = new RLimit { Current = limits.Soft, Max = limits.Hard };
        if (setrlimit(RlimitNofile, ref limit) != 0)
            throw Error($"setrlimit(RLIMIT_NOFILE, {limits.Soft}/{limits.Hard})");
    }

    /// <summary>The soft limit to ask for: the hard one, never lower than today's, within fs.nr_open if the hard one is infinite. Pure.</summary>
    public static ulong Target(Limits current, ulong nrOpen = DefaultNrOpen) =>
        current.Hard == Infinity ? Math.Max(current.Soft, nrOpen) : Math.Max(current.Soft, current.Hard);

    /// <summary>Raises the soft limit to <see cref="Target"/>; returns the limits before and after.</summary>
    public static (Limits Before, Limits After) RaiseSoftToHard()
    {
        var before = Get();
        var target = Target(before, NrOpen());
        if (target != before.Soft)
            Set(before with { Soft = target });
        return (before, Get());
    }

    private static ulong NrOpen()
    {
        try
        {
            return ulong.Parse(File.ReadAllText("/proc/sys/fs/nr_open").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return DefaultNrOpen;
        }
    }

    private static IOException Error(string call)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    // DllImport: RLimit is blittable, so no marshalling code (and no unsafe) is needed.
    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static extern int getrlimit(int resource, ref RLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static extern int setrlimit(int resource, ref RLimit limit);
}
