using System.Runtime.InteropServices;

namespace Xeno.Xl.Bench.Interop;

/// <summary>
/// CPU time (user + system) of this process's exited and reaped children, from getrusage(2)
/// with RUSAGE_CHILDREN. The difference around one waited-for run is that run's CPU time: on a
/// crowded host it measures the work a command does, which wall-clock time mixes with waiting
/// for a core.
/// </summary>
internal static partial class ChildCpu
{
    private const int RusageChildren = -1;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    // struct rusage on linux-x64: two timevals, then 14 longs.
    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public TimeVal User;
        public TimeVal System;
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 14)]
        public long[] Rest;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out Rusage usage);

    /// <summary>Total CPU milliseconds of reaped children so far.</summary>
    public static double Milliseconds()
    {
        if (getrusage(RusageChildren, out var u) != 0)
            throw new InvalidOperationException($"getrusage failed: errno {Marshal.GetLastPInvokeError()}");
        return (u.User.Seconds + u.System.Seconds) * 1000.0 + (u.User.Microseconds + u.System.Microseconds) / 1000.0;
    }
}
