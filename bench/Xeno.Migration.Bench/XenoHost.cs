using System.Globalization;
using Xeno.Cli;
using Xeno.Engine.Hosting;

namespace Xeno.Migration.Bench;

/// <summary>An in-process xenod on its own prefix, driven by xl in-process (as the engine benchmark does).</summary>
internal sealed class XenoHost(string root, EngineHost host) : IAsyncDisposable
{
    public static readonly string XlPath = Path.Combine(AppContext.BaseDirectory, "xl");

    public string Root { get; } = root;
    public string Prefix => Path.Combine(Root, "p");

    public static async Task<XenoHost> StartAsync(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "p"));
        return new XenoHost(root, await EngineHost.StartAsync(Path.Combine(root, "p")));
    }

    public (int Exit, string Out, string Err) Xl(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int exit = XlMain.Run(args, o, e, Prefix);
        return (exit, o.ToString(), e.ToString());
    }

    public string Must(params string[] args)
    {
        var (exit, o, e) = Xl(args);
        if (exit != 0)
            throw new InvalidOperationException($"xl {string.Join(' ', args)} failed ({exit}): {e}");
        return e;
    }

    /// <summary>Creates a pv guest of the kit with <paramref name="memoryMiB"/> and waits for its init's marker.</summary>
    public async Task CreateAsync(string name, int memoryMiB, Xeno.Engine.Bench.GuestKit kit)
    {
        var cfg = Path.Combine(Root, name + ".cfg");
        File.WriteAllText(cfg, $"name=\"{name}\"\ntype=\"pv\"\nmemory={memoryMiB}\nvcpus=1\nkernel=\"{kit.Vmlinuz}\"\n" +
            $"ramdisk=\"{kit.Initrd}\"\nextra=\"console=hvc0 xeno.action=shell xeno.agent=off\"\n");
        Must("create", "-q", cfg);
        await Xeno.Engine.Bench.ConsoleMarker.WaitAsync(Path.Combine(Prefix, "var/log/xeno/console", name + ".log"), TimeSpan.FromMinutes(5));
    }

    public int Domid(string name)
    {
        var (exit, o, e) = Xl("domid", name);
        return exit == 0 ? int.Parse(o.Trim(), CultureInfo.InvariantCulture) : throw new InvalidOperationException($"xl domid {name}: {e}");
    }

    public string ConsoleSocket(string name) => Path.Combine(Prefix, $"run/xeno/d{Domid(name)}/console");

    /// <summary>The -s command of a localhost migration: the rune's "localhost xl" dropped, this build's xl on this prefix.</summary>
    public string Receiver => $"env XENO_PREFIX={Prefix} sh -c 'shift 2; exec {XlPath} \"$@\"' sh";

    public ValueTask DisposeAsync() => host.DisposeAsync();
}
