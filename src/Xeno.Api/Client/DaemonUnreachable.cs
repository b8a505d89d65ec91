namespace Xeno.Api.Client;

/// <summary>
/// What a client says when nothing answers on xenod's socket. Said in one place so every client
/// of the API (<see cref="XenodClient"/>, <see cref="EventStream"/>, and so xl) words it the same way.
/// </summary>
public static class DaemonUnreachable
{
    /// <summary>Where xenod's socket lies under its prefix.</summary>
    public const string SocketUnderPrefix = "run/xeno/xenod.sock";

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

    /// <summary>
    /// The message for a failed connection to <paramref name="socket"/>; the prefix is the one
    /// given, else read off a socket at &lt;prefix&gt;/run/xeno/xenod.sock. A socket elsewhere
    /// (no prefix to name) still gets the cause and the command to run.
    /// </summary>
    public static string Message(string? prefix, string socket, HttpRequestException e)
    {
        string cause = Cause(socket, e.InnerException?.Message ?? e.Message);
        prefix ??= PrefixOf(socket);
        return prefix is null
            ? $"no xenod is running at {socket} ({cause}); start one with `xenod run --prefix P` for the prefix holding it"
            : Message(prefix, socket, cause);
    }

    /// <summary>The prefix of a socket at &lt;prefix&gt;/run/xeno/xenod.sock, else null.</summary>
    public static string? PrefixOf(string socket)
    {
        var full = Path.GetFullPath(socket);
        if (!full.EndsWith("/" + SocketUnderPrefix, StringComparison.Ordinal))
            return null;
        var prefix = full[..^(SocketUnderPrefix.Length + 1)];
        return prefix.Length == 0 ? "/" : prefix;
    }
}
