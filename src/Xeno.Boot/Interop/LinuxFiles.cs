using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Xeno.Boot.Interop;

/// <summary>
/// The Linux calls that let the kernel copy between two files without a user-space buffer.
/// Only blittable arguments (file descriptors, pointers as <see cref="nint"/>, sizes), so the
/// calls need no marshalling stub; failures come back as a negative count and the caller
/// falls back to another way (errno is not needed to choose which).
/// </summary>
internal static class LinuxFiles
{
    /// <summary>lseek's whence for an absolute offset.</summary>
    public const int SeekSet = 0;

    /// <summary>Bytes of a loff_t/off_t, which the offset pointers point to (64-bit Linux).</summary>
    public const int OffsetBytes = sizeof(long);

    [DllImport("libc", EntryPoint = "copy_file_range")]
    private static extern nint CopyFileRangeCall(int fdIn, nint offIn, int fdOut, nint offOut, nuint length, uint flags);

    [DllImport("libc", EntryPoint = "sendfile")]
    private static extern nint SendFileCall(int fdOut, int fdIn, nint offset, nuint count);

    [DllImport("libc", EntryPoint = "lseek")]
    private static extern long SeekCall(int fd, long offset, int whence);

    /// <summary>
    /// copy_file_range(2) of up to <paramref name="length"/> bytes from <paramref name="source"/>
    /// at <paramref name="sourceOffset"/> to <paramref name="target"/> at <paramref name="targetOffset"/>
    /// (neither descriptor's file position moves). Returns the bytes copied, 0 at the source's
    /// end, negative on failure (e.g. EXDEV between two filesystems on Linux 5.19 and later).
    /// </summary>
    public static long CopyFileRange(SafeFileHandle source, long sourceOffset, SafeFileHandle target, long targetOffset, long length)
    {
        bool sourceHeld = false, targetHeld = false;
        nint offsets = Marshal.AllocHGlobal(2 * OffsetBytes);
        try
        {
            source.DangerousAddRef(ref sourceHeld);
            target.DangerousAddRef(ref targetHeld);
            Marshal.WriteInt64(offsets, 0, sourceOffset);
            Marshal.WriteInt64(offsets, OffsetBytes, targetOffset);
            return CopyFileRangeCall(Descriptor(source), offsets, Descriptor(target), offsets + OffsetBytes, (nuint)length, 0);
        }
        finally
        {
            Marshal.FreeHGlobal(offsets);
            if (targetHeld) target.DangerousRelease();
            if (sourceHeld) source.DangerousRelease();
        }
    }

    /// <summary>
    /// sendfile(2) of up to <paramref name="length"/> bytes from <paramref name="source"/> at
    /// <paramref name="sourceOffset"/> to <paramref name="target"/> at <paramref name="targetOffset"/>;
    /// works between any two filesystems. Moves the target descriptor's file position.
    /// Returns the bytes copied, 0 at the source's end, negative on failure.
    /// </summary>
    public static long SendFile(SafeFileHandle source, long sourceOffset, SafeFileHandle target, long targetOffset, long length)
    {
        bool sourceHeld = false, targetHeld = false;
        nint offset = Marshal.AllocHGlobal(OffsetBytes);
        try
        {
            source.DangerousAddRef(ref sourceHeld);
            target.DangerousAddRef(ref targetHeld);
            Marshal.WriteInt64(offset, 0, sourceOffset);
            if (SeekCall(Descriptor(target), targetOffset, SeekSet) != targetOffset)
            {
                return -1;
            }
            return SendFileCall(Descriptor(target), Descriptor(source), offset, (nuint)length);
        }
        finally
        {
            Marshal.FreeHGlobal(offset);
            if (targetHeld) target.DangerousRelease();
            if (sourceHeld) source.DangerousRelease();
        }
    }

    private static int Descriptor(SafeFileHandle handle) => (int)handle.DangerousGetHandle();
}
