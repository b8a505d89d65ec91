namespace Xeno.Cli.Commands.Migration;

/// <summary>
/// The shell command xl migrate runs to reach the receiver, as Xen's xl builds it:
/// "exec &lt;ssh&gt; &lt;host&gt; xl [-v…] migrate-receive [-e] [-d] [-p]", run by /bin/sh -c; an empty
/// -s makes &lt;host&gt; itself the command. Ganeti's -s "socat - TCP:ip:port #" works because the
/// "#" turns the rest of the line into a comment.
/// </summary>
public static class MigrationRune
{
    public static string Build(string? sshCommand, string host, int verbosity, bool noDaemonize, bool debug, bool pause)
    {
        if (sshCommand is "")
            return host;
        return $"exec {sshCommand ?? "ssh"} {host} xl{string.Concat(Enumerable.Repeat(" -v", verbosity))} migrate-receive" +
               (noDaemonize ? " -e" : "") + (debug ? " -d" : "") + (pause ? " -p" : "");
    }
}
