namespace Xeno.Daemon;

/// <summary>Picks the mode from the first argument; each mode lives in its own type.</summary>
internal static class DaemonMain
{
    public const string Usage =
        """
        Usage: xenod <mode> [options]

        Modes:
          run         run the domain engine (API on P/run/xeno/xenod.sock)
          xenstored   run the xenstore daemon in the foreground
          network-setup  create a bridge for guests on a test host (docs/network.md)
          help        show this text

        xenod run [--prefix P] [--foreground] [--socket-group G]
          --prefix P        host prefix (default $XENO_PREFIX or /)
          --foreground      also print the log on stdout
          --socket-group G  the API socket is root:G mode 0660 (default: root only,
                            0600), so programs in group G need no root (docs/api.md)

        xenod xenstored --socket PATH [--state-dir DIR] [--prefix P] [--sync]
          --socket PATH     main socket; its connections act as dom0
                            (clients: XENSTORED_PATH=PATH xenstore-read ...)
          --prefix P        host prefix (default /): per-domain sockets go to
                            P/run/xeno/xenstore/domain-<id>.sock, state to
                            P/var/lib/xeno/xenstore
          --state-dir DIR   where the snapshot and journal live (overrides the prefix)
          --sync            fsync every journal record (survive power loss, slower)

        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        if (args.Length == 0 || args[0] is "help" or "-h" or "--help")
        {
            await stdout.WriteAsync(Usage).ConfigureAwait(false);
            return args.Length == 0 ? 1 : 0;
        }
        return args[0] switch
        {
            "run" => await EngineMode.RunAsync(args[1..], stdout, stderr, cancel).ConfigureAwait(false),
            "xenstored" => await XenstoredMode.RunAsync(args[1..], stdout, stderr, cancel).ConfigureAwait(false),
            "network-setup" => await Xeno.Engine.Network.NetworkSetupCommand.RunAsync(args[1..], stdout, stderr).ConfigureAwait(false),
            _ => await Unknown(args[0], stderr).ConfigureAwait(false),
        };
    }

    private static async Task<int> Unknown(string mode, TextWriter stderr)
    {
        await stderr.WriteAsync($"xenod: unknown mode '{mode}'\n{Usage}").ConfigureAwait(false);
        return 1;
    }
}
