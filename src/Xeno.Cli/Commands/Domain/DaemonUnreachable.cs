namespace Xeno.Cli.Commands.Domain;

/// <summary>
/// What xl says when nothing answers on xenod's socket. Said in one place so every client of the
/// API (today's DaemonClient, the typed client replacing it) words it the same way.
/// </summary>
public static class DaemonUnreachable
{
    /// <summary>
    /// The socket error, or "no such socket" when the socket file is missing: .NET reports a
    /// missing unix socket path (ENOENT) as "Cannot assign requested address", which misleads.
    /// </summary>
    public static string Cause(string socket, string error) => Path.Exists(socket) ? error : "no such socket";

    /// <summary>
    /// "no xenod is running for prefix P" plus the command that starts one for that prefix.
    /// <paramref name="cause"/> is the socket error (ENOENT when the prefix or socket does not
    /// exist, ECONNREFUSED when a xenod died and left its socket), kept for diagnosis.
    /// </summary>
    public static string Message(string prefix, string socket, string cause)
    {
        string start = prefix == "/"
            ? "start it with `xenod run` (or `systemctl start xenod`)"
            : $"start one with `xenod run --prefix {prefix}`";
        return $"no xenod is running for prefix {prefix} (nothing answers at {socket}: {cause}); {start}";
    }
}
