using System.Net;

namespace Xeno.Panel.Ssh;

/// <summary>The client's address for the audit log, from sshd's SSH_CONNECTION ("client port server port").</summary>
public static class SshClientAddress
{
    public static string From(string? sshConnection)
    {
        var first = (sshConnection ?? "").Split(' ', 2)[0];
        return IPAddress.TryParse(first, out var address) ? address.ToString() : "unknown";
    }

    /// <summary>The audit log's "from where" for an SSH session.</summary>
    public static string Remote(string? sshConnection) => "ssh " + From(sshConnection);
}
