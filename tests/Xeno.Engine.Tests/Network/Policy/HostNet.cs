using System.Diagnostics;

namespace Xeno.Engine.Tests.Network.Policy;

/// <summary>
/// Network namespaces and veth pairs for host tests without guests: a namespace plays the guest
/// (its veth's host end stands in for the vif's tap) or the LAN/uplink. Names carry a random
/// suffix so parallel runs never meet; everything made is removed at Dispose, and the test can
/// check that nothing with its suffix is left.
/// </summary>
internal sealed class HostNet : IDisposable
{
    private readonly List<string> _namespaces = [];
    private readonly List<string> _links = [];

    public HostNet() => Suffix = Random.Shared.Next(0x10000, 0xfffff).ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Five hex digits: interface names stay within 15 characters.</summary>
    public string Suffix { get; }

    /// <summary>A namespace with one veth: <paramref name="hostEnd"/> stays on the host (up),
    /// <paramref name="nsEnd"/> moves into the namespace with the given MAC (up, lo up).</summary>
    public string Namespace(string name, string hostEnd, string nsEnd, string mac)
    {
        string ns = name + Suffix;
        Run("ip", "netns", "add", ns);
        _namespaces.Add(ns);
        Run("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", nsEnd);
        _links.Add(hostEnd);
        Run("ip", "link", "set", nsEnd, "netns", ns, "address", mac);
        In(ns, "ip", "link", "set", "lo", "up");
        In(ns, "ip", "link", "set", nsEnd, "up");
        Run("ip", "link", "set", hostEnd, "up");
        return ns;
    }

    public static string Run(params string[] argv)
    {
        var (code, output) = TryRun(argv);
        if (code != 0) throw new InvalidOperationException($"{string.Join(' ', argv)} failed ({code}): {output}");
        return output;
    }

    public static (int Code, string Output) TryRun(params string[] argv)
    {
        var psi = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60))) { p.Kill(true); p.WaitForExit(); return (-1, "timed out: " + output); }
        return (p.ExitCode, output + err.Result);
    }

    public static string In(string ns, params string[] argv) => Run(["ip", "netns", "exec", ns, .. argv]);

    public static (int Code, string Output) TryIn(string ns, params string[] argv) => TryRun(["ip", "netns", "exec", ns, .. argv]);

    /// <summary>One echo answered (busybox ping, 2 s per try). Under load the first packets
    /// may wait for ARP/neighbour set-up, so a reachable host gets a few tries.</summary>
    public static bool Pings(string ns, string target, string? source = null, int tries = 5)
    {
        for (int i = 0; i < tries; i++)
        {
            string[] argv = source == null
                ? ["busybox", "ping", "-c", "1", "-W", "2", target]
                : ["busybox", "ping", "-c", "1", "-W", "2", "-I", source, target];
            if (TryIn(ns, argv).Code == 0) return true;
        }
        return false;
    }

    /// <summary>Host interfaces and namespaces whose names carry this run's suffix.</summary>
    public IReadOnlyList<string> Leftovers()
    {
        var left = Run("ip", "-o", "link", "show").Split('\n').Where(l => l.Contains(Suffix, StringComparison.Ordinal)).ToList();
        left.AddRange(Run("ip", "netns", "list").Split('\n').Where(l => l.Contains(Suffix, StringComparison.Ordinal)));
        left.AddRange(Run("nft", "list", "tables").Split('\n').Where(l => l.Contains(Suffix, StringComparison.Ordinal)));
        return left;
    }

    public void Dispose()
    {
        foreach (var l in _links) TryRun("ip", "link", "del", l);
        foreach (var ns in _namespaces) TryRun("ip", "netns", "del", ns);
    }
}
