using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Xeno.Engine.Consoles.Interop;

/// <summary>
/// fallocate(2)'s FALLOC_FL_COLLAPSE_RANGE: removes the first bytes of a file in place, in one
/// step the kernel serialises with every other write to the file (ext4, xfs). A writer that
/// appends (O_APPEND) at that moment lands after the remaining bytes, so nothing it writes is
/// lost, unlike copy-then-truncate. Only blittable arguments: no marshalling stub.
/// </summary>
internal static class FileRanges
{
    private const int CollapseRange = 0x08; // FALLOC_FL_COLLAPSE_RANGE, linux/falloc.h

    /// <summary>The granule most filesystems demand for a collapse (their block size).</summary>
    public const long Granule = 4096;

    [DllImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static extern int FallocateCall(int fd, int mode, long offset, long length);

    /// <summary>
    /// Removes bytes [0, <paramref name="length"/>) of <paramref name="file"/>, shifting the rest
    /// to offset 0. False (with errno) where the filesystem cannot (EOPNOTSUPP on tmpfs, EINVAL
    /// for a length that is not a multiple of its block size or reaches the end of the file).
    /// </summary>
    public static bool TryCollapseFront(SafeFileHandle file, long length, out int errno)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        bool held = false;
        try
        {
            file.DangerousAddRef(ref held);
            if (FallocateCall((int)file.DangerousGetHandle(), CollapseRange, 0, length) == 0)
            {
                errno = 0;
                return true;
            }
            errno = Marshal.GetLastPInvokeError();
            return false;
        }
        finally
        {
            if (held)
                file.DangerousRelease();
        }
    }
}
