using System.Diagnostics;
using Xeno.Engine.Tests.Consoles;

namespace Xeno.Engine.Tests.Network;

/// <summary>
/// Host plumbing of the network guest tests: a run-unique tag for every interface, namespace and
/// subnet they make (parallel runs share the host), commands as argument vectors, the host state
/// those names appear in, and a guest shell driven over the console.
/// </summary>
internal sealed class TestNet : IDisposable
{
    private readonly List<string[]> _cleanup = [];

    public TestNet()
    {
        Tag = Guid.NewGuid().ToString("N")[..6];
        var r = Random.Shared;
        // 10.x.y.0/24 with x in 200..249: local to this host's own bridges and namespaces.
        Subnet = $"10.{200 + r.Next(50)}.{r.Next(256)}";
    }

    public string Tag { get; }
    /// <summary>The first three octets of a /24 only this run uses.</summary>
    public string Subnet { get; }

    public string Name(string prefix) => prefix + Tag;

    /// <summary>Runs a command that must succeed; returns its stdout.</summary>
    public static string Run(params string[] argv)
    {
        var (exit, output, error) = TryRun(argv);
        Assert.True(exit == 0, $"{string.Join(' ', argv)} failed ({exit}): {error}");
        return output;
    }

    public static (int Exit, string Out, string Err) TryRun(params string[] argv)
    {
        var info = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in argv.Skip(1))
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    /// <summary>Runs <paramref name="make"/> now and <paramref name="undo"/> at dispose (in reverse order).</summary>
    public void Make(string[] make, string[] undo)
    {
        Run(make);
        _cleanup.Add(undo);
    }

    public void Bridge(string name) =>
        Make(["ip", "link", "add", "name", name, "type", "bridge"], ["ip", "link", "del", "dev", name]);

    /// <summary>A namespace with one veth into it: <paramref name="hostSide"/> stays here, "eth0" inside gets <paramref name="cidr"/>.</summary>
    public void Namespace(string ns, string hostSide, string cidr)
    {
        Make(["ip", "netns", "add", ns], ["ip", "netns", "del", ns]);
        Run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Run("ip", "-n", ns, "addr", "add", cidr, "dev", "eth0");
        Run("ip", "-n", ns, "link", "set", "eth0", "up");
        Run("ip", "-n", ns, "link", "set", "lo", "up");
        Run("ip", "link", "set", hostSide, "up");
    }

    /// <summary>
    /// Every interface (index and name), address, route and nft/iptables rule of the host that
    /// names this run. Link flags (also a route's "linkdown") and IPv6 link-local entries are left
    /// out: the kernel changes them by itself (carrier, DAD), they come and go with their interface, which is counted.
    /// </summary>
    public IReadOnlyList<string> HostState()
    {
        var needles = new[] { Tag, Subnet + "." };
        bool Mine(string line) => needles.Any(n => line.Contains(n, StringComparison.Ordinal))
                                  && !line.Contains("fe80:", StringComparison.Ordinal) && !line.Contains("ff00::", StringComparison.Ordinal);
        var lines = new List<string>();
        // ip -o link: "7: name@peer: <FLAGS> ..." keeps "7: name" (a re-made interface gets a new index).
        lines.AddRange(Run("ip", "-o", "link").Split('\n').Where(Mine).Select(l => string.Join(' ', l.Split(' ').Take(2))));
        // ip -o addr: "7: name inet 10.0.0.1/24 ..." keeps index, name and address.
        lines.AddRange(Run("ip", "-o", "addr").Split('\n').Where(Mine).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(4))));
        foreach (var argv in new[] { new[] { "ip", "route", "show", "table", "all" }, ["ip", "-6", "route", "show", "table", "all"], ["nft", "list", "ruleset"], ["iptables-save"] })
            // A route's "linkdown" is its interface's carrier (a bridge that just lost a port): a link flag too.
            lines.AddRange(TryRun(argv).Out.Split('\n').Where(Mine).Select(l => l.Trim().Replace(" linkdown", "", StringComparison.Ordinal)));
        return lines;
    }

    public void Dispose()
    {
        for (int i = _cleanup.Count - 1; i >= 0; i--)
            TryRun(_cleanup[i]);
    }
}

/// <summary>A guest's shell on its console (the kit's init runs one): commands in, answers waited for.</summary>
internal sealed class GuestShell(ConsoleReader console) : IDisposable
{
    private int _n;

    public static async Task<GuestShell> AttachAsync(string prefix, int domid) =>
        new(await ConsoleReader.AttachAsync(Path.Combine(prefix, $"run/xeno/d{domid}/console")));

    /// <summary>
    /// Runs <paramref name="command"/>; true when it exits 0. The answer carries a number the
    /// shell computes, so the echo of the typed line never matches.
    /// </summary>
    public async Task<bool> RunAsync(string command, int seconds = 180)
    {
        int n = Interlocked.Increment(ref _n) * 1000;
        await console.TypeAsync($"{command} >/dev/null 2>&1 && echo RC-$(({n}+1)) || echo RC-$(({n}+2))\n");
        var ok = $"RC-{n + 1}";
        var failed = $"RC-{n + 2}";
        await Support.Xenod.WaitForAsync(() => console.Text.Contains(ok, StringComparison.Ordinal) || console.Text.Contains(failed, StringComparison.Ordinal),
            $"the guest to answer \"{command}\"", seconds);
        return console.Text.Contains(ok, StringComparison.Ordinal);
    }

    public string Transcript => console.Text;

    /// <summary>Types <paramref name="text"/> without waiting for an answer (a command after which the guest is gone).</summary>
    public Task TypeAsync(string text) => console.TypeAsync(text);

    public void Dispose() => console.Dispose();
}
