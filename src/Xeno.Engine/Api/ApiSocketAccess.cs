using Xeno.Engine.Interop;

namespace Xeno.Engine.Api;

/// <summary>Asked for a socket group that does not exist (xenod run --socket-group).</summary>
public sealed class SocketGroupException(string message) : IOException(message);

/// <summary>
/// Who may use xenod's API socket. By default root only (mode 0600): the socket controls every
/// guest on the host. With a socket group (xenod run --socket-group G, docs/api.md "Socket
/// access") the socket is root:G 0660 and its folder (&lt;prefix&gt;/run/xeno) gets group G and
/// search permission for the group (g+x, not listing), so an unprivileged program in G (the
/// panel, its SSH menu) can connect without root. The folder's other permission bits stay.
/// </summary>
public static class ApiSocketAccess
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerAndGroup = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    /// <summary>The group's id; a name no group has is refused before xenod starts anything.</summary>
    public static uint ResolveGroup(string name)
    {
        if (name.Length == 0 || name.Any(char.IsControl))
            throw new SocketGroupException("--socket-group needs a group name");
        return GroupOwnership.GroupId(name) ?? throw new SocketGroupException($"--socket-group: there is no group named \"{name}\"");
    }

    /// <summary>Sets the socket's (and, with a group, its folder's) permissions; root only when <paramref name="gid"/> is null.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static void Apply(string socketPath, uint? gid)
    {
        // Root only first, so the socket is never wider than asked while it is being handed over.
        File.SetUnixFileMode(socketPath, OwnerOnly);
        if (gid is not { } group)
            return;
        var folder = Path.GetDirectoryName(socketPath)!;
        GroupOwnership.SetGroup(folder, group);
        File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.GroupExecute);
        GroupOwnership.SetGroup(socketPath, group);
        File.SetUnixFileMode(socketPath, OwnerAndGroup);
    }
}
