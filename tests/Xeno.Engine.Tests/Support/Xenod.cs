using System.Diagnostics;
using Xeno.Cli;
using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;

namespace Xeno.Engine.Tests.Support;

/// <summary>
/// An isolated xenod on a temporary prefix (short path: unix socket names are limited), run
/// in-process, with xl driven in-process through XlMain. Disposing destroys every guest left.
/// </summary>
internal sealed class Xenod : IAsyncDisposable
{
    private Xenod(string root, EngineHost? host)
    {
        Root = root;
        Prefix = Path.Combine(root, "p");
        Host = host;
    }

    public string Root { get; }
    public string Prefix { get; }
    public EngineHost? Host { get; private set; }
    public GuestKit Kit => GuestKit.Get();
    public string ConsoleLogDir => Path.Combine(Prefix, "var/log/xeno/console");

    /// <param name="options">Engine options (null: the defaults).</param>
    /// <param name="agentTimeout">How long xenod waits for a guest agent (short by default: most guests here have none).</param>
    public static async Task<Xenod> StartAsync(EngineOptions? options = null, TimeSpan? agentTimeout = null)
    {
        var root = Directory.CreateTempSubdirectory("xe-").FullName;
        var x = new Xenod(root, null) { Options = (options ?? new EngineOptions()) with { AgentTimeout = agentTimeout ?? TimeSpan.FromMilliseconds(500) } };
        Directory.CreateDirectory(x.Prefix);
        await x.StartHostAsync();
        return x;
    }

    /// <summary>Engine options of this xenod.</summary>
    public EngineOptions Options { get; private init; } = new() { AgentTimeout = TimeSpan.FromMilliseconds(500) };

    /// <summary>A prefix with no xenod running (for the error path).</summary>
    public static Xenod Without()
    {
        var root = Directory.CreateTempSubdirectory("xe-").FullName;
        var x = new Xenod(root, null);
        Directory.CreateDirectory(x.Prefix);
        return x;
    }

    public async Task StartHostAsync() =>
        Host = await EngineHost.StartAsync(Prefix, options: Options);

    public async Task StopHostAsync()
    {
        if (Host is not null)
            await Host.DisposeAsync();
        Host = null;
    }

    public (int Exit, string Out, string Err) Xl(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int exit = XlMain.Run(args, o, e, Prefix);
        return (exit, o.ToString(), e.ToString());
    }

    public string WriteConfig(string name, string text)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// A PV guest config on the kit's kernel; <paramref name="action"/> is the init's xeno.action.
    /// Without <paramref name="agent"/> the guest runs no guest agent (xeno.agent=off): no PV control interface.
    /// </summary>
    public string PvConfig(string name, string action = "shell", string extra = "", int memory = 128, bool agent = false) =>
        WriteConfig(name + ".cfg",
            $"name=\"{name}\"\ntype=\"pv\"\nmemory={memory}\nkernel=\"{Kit.Vmlinuz}\"\nramdisk=\"{Kit.Initrd}\"\n" +
            $"extra=\"console=hvc0 xeno.action={action}{(agent ? "" : " xeno.agent=off")}\"\n{extra}");

    public string ConsoleLog(string name) => ReadShared(Path.Combine(ConsoleLogDir, name + ".log"));

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static async Task WaitForAsync(Func<bool> condition, string what, int seconds = 120)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(seconds))
                Assert.Fail($"timed out after {seconds} s waiting for {what}");
            await Task.Delay(200);
        }
    }

    public Task WaitForMarkerAsync(string name) =>
        WaitForAsync(() => ConsoleLog(name).Contains("XENO-GUEST-READY", StringComparison.Ordinal), $"the ready marker of {name}");

    /// <summary>How many boots of <paramref name="name"/> printed the ready marker (see <see cref="ConsoleCount"/>).</summary>
    public int MarkerCount(string name) => ConsoleCount(name, "XENO-GUEST-READY");

    /// <summary>
    /// How often <paramref name="text"/> appears in the console logs of <paramref name="name"/>: each
    /// boot starts a fresh name.log and the older ones rotate to name.log.1, .2, ...
    /// </summary>
    public int ConsoleCount(string name, string text) =>
        ConsoleLogFiles(name).Sum(file => ReadShared(file).Split(text).Length - 1);

    /// <summary>
    /// The console log (live or rotated) of the boot of <paramref name="name"/> that printed
    /// <paramref name="text"/>, or "" when none did.
    /// </summary>
    public string ConsoleLogWith(string name, string text) =>
        ConsoleLogFiles(name).Select(ReadShared).FirstOrDefault(log => log.Contains(text, StringComparison.Ordinal)) ?? "";

    /// <summary>
    /// What a failed console assertion needs to be understood: every console log of
    /// <paramref name="name"/> with its size and how many markers it holds, and xenod's log tail
    /// (creates, reboots, crashes of each domain).
    /// </summary>
    public string ConsoleDiagnostics(string name)
    {
        var text = new System.Text.StringBuilder();
        foreach (var file in ConsoleLogFiles(name))
        {
            var log = ReadShared(file);
            text.Append($"\n{Path.GetFileName(file)}: {log.Length} chars, {log.Split("XENO-GUEST-READY").Length - 1} ready marker(s)");
        }
        var xenodLog = Path.Combine(Prefix, "var/log/xeno/xenod.log");
        if (File.Exists(xenodLog))
            text.Append("\nxenod.log (tail):\n").AppendJoin('\n', ReadShared(xenodLog).Split('\n').TakeLast(15));
        return text.ToString();
    }

    private IEnumerable<string> ConsoleLogFiles(string name)
    {
        if (!Directory.Exists(ConsoleLogDir))
            return [];
        var rotated = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(name) + @"\.log(\.\d+)?$");
        return Directory.GetFiles(ConsoleLogDir).Where(f => rotated.IsMatch(Path.GetFileName(f))).Order(StringComparer.Ordinal);
    }

    private static string ReadShared(string file)
    {
        try
        {
            using var f = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(f).ReadToEnd();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // not written yet, or rotated away between a listing and the open (read under its new name next time)
            return "";
        }
    }

    /// <summary>The `xl list` row of <paramref name="name"/>, or "" when there is none.</summary>
    public string ListRow(string name) =>
        Xl("list").Out.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal)) ?? "";

    /// <summary>Asserts an `xl list` row against a pattern, showing the whole row when it does not match.</summary>
    public static void AssertRow(string pattern, string row) =>
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(row, pattern), $"xl list row \"{row}\" does not match /{pattern}/");

    /// <summary>The domid `xl domid` reports for <paramref name="name"/>, or -1.</summary>
    public int Domid(string name)
    {
        var (exit, o, _) = Xl("domid", name);
        return exit == 0 ? int.Parse(o.Trim(), System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

    public IReadOnlyList<string> ListNames()
    {
        var (_, o, _) = Xl("list");
        return o.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(' ')[0]).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            // Several rounds: a guest in a reboot loop comes back under a new domid meanwhile,
            // and a QEMU left behind would outlive the test (it runs in its own session).
            for (int round = 0; round < 20 && (await Host.Engine.ListAsync()).Count > 0; round++)
            {
                foreach (var d in await Host.Engine.ListAsync())
                {
                    try { await Host.Engine.DestroyAsync(d.Domid.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
                    catch (EngineException) { }
                }
            }
            string? cgroups = Host.Engine.Cgroups.Plan.InstanceDir;
            await StopHostAsync();
            // Every host side effect goes with its domain: no guest left, so no cgroup either.
            if (cgroups is not null && Directory.Exists(cgroups))
                throw new InvalidOperationException($"xenod left its cgroup subtree behind: {cgroups} ({string.Join(' ', Directory.EnumerateDirectories(cgroups).Select(Path.GetFileName))})");
        }
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
