using System.Runtime.InteropServices;

namespace Xeno.Engine.Interop;

/// <summary>
/// Groups by name and the group of a file: getgrnam_r(3) (through NSS, so groups from LDAP or
/// sssd count as well as /etc/group) and chown(2) with the owner left as it is. xenod uses them
/// to hand its API socket to a group (docs/api.md, "Socket access"). Side effect of
/// <see cref="SetGroup"/>: changes the file's group.
/// </summary>
public static class GroupOwnership
{
    /// <summary>The group's id, or null when no group has that name.</summary>
    public static uint? GroupId(string name)
    {
        // struct group is four pointer-sized fields (gr_name, gr_passwd, gr_gid padded, gr_mem) on 64-bit Linux.
        var group = new byte[4 * IntPtr.Size];
        for (int size = 16 * 1024; size <= 1024 * 1024; size *= 4)
        {
            var buffer = new byte[size];
            int error = getgrnam_r(name, group, buffer, (nuint)buffer.Length, out IntPtr result);
            if (error == Erange)
                continue;
            if (error != 0)
                throw new IOException($"getgrnam_r(\"{name}\") failed: {Marshal.GetPInvokeErrorMessage(error)} (errno {error})");
            if (result == IntPtr.Zero)
                return null;
            return BitConverter.ToUInt32(group, 2 * IntPtr.Size);
        }
        throw new IOException($"getgrnam_r(\"{name}\"): the group's entry is larger than 1 MiB");
    }

    /// <summary>chown(path, -1, gid): the file's group becomes <paramref name="gid"/>, its owner stays.</summary>
    public static void SetGroup(string path, uint gid)
    {
        if (chown(path, uint.MaxValue, gid) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"chown(\"{path}\", -1, {gid}) failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
    }

    private const int Erange = 34;

    [DllImport("libc", EntryPoint = "getgrnam_r", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int getgrnam_r(string name, byte[] group, byte[] buffer, nuint size, out IntPtr result);

    [DllImport("libc", EntryPoint = "chown", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int chown(string path, uint owner, uint group);
}
