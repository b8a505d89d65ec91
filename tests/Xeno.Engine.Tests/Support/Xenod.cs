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

    public static async Task<Xenod> StartAsync(EngineOptions? options = null)
    {
        var root = Directory.CreateTempSubdirectory("xe-").FullName;
        var x = new Xenod(root, null) { Options = options };
        Directory.CreateDirectory(x.Prefix);
        await x.StartHostAsync();
        return x;
    }

    /// <summary>Engine options of this xenod (null: the defaults below).</summary>
    public EngineOptions? Options { get; private init; }

    /// <summary>A prefix with no xenod running (for the error path).</summary>
    public static Xenod Without()
    {
        var root = Directory.CreateTempSubdirectory("xe-").FullName;
        var x = new Xenod(root, null);
        Directory.CreateDirectory(x.Prefix);
        return x;
    }

    public async Task StartHostAsync() =>
        Host = await EngineHost.StartAsync(Prefix, options: (Options ?? new EngineOptions()) with { AgentTimeout = TimeSpan.FromMilliseconds(500) });

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

    /// <summary>A PV guest config on the kit's kernel; <paramref name="action"/> is the init's xeno.action.</summary>
    public string PvConfig(string name, string action = "shell", string extra = "", int memory = 128) =>
        WriteConfig(name + ".cfg",
            $"name=\"{name}\"\ntype=\"pv\"\nmemory={memory}\nkernel=\"{Kit.Vmlinuz}\"\nramdisk=\"{Kit.Initrd}\"\n" +
            $"extra=\"console=hvc0 xeno.action={action}\"\n{extra}");

    public string ConsoleLog(string name)
    {
        var path = Path.Combine(ConsoleLogDir, name + ".log");
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(f).ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }

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

    public IReadOnlyList<string> ListNames()
    {
        var (_, o, _) = Xl("list");
        return o.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(' ')[0]).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            foreach (var d in await Host.Engine.ListAsync())
            {
                try { await Host.Engine.DestroyAsync(d.Domid.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
                catch (EngineException) { }
            }
            await StopHostAsync();
        }
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
