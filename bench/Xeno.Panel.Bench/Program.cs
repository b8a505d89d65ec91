using Xeno.Engine.Bench;

namespace Xeno.Panel.Bench;

/// <summary>
/// The owners' console benchmark (issue 14), against a real xenod and a real xeno-panel, each
/// its own process (<see cref="PanelRig"/>): the VM list page with many VMs (ListPageBench), the
/// console's keystroke round trip in the browser against xl console (KeystrokeBench), many
/// viewers of one console (ViewersBench), login and create under a bounded load (LoadBench).
/// Writes one markdown section to --out.
/// </summary>
internal static class Program
{
    private const string Usage =
        "usage: Xeno.Panel.Bench --out FILE.md [--quick] [--runs N] [--only list|keys|viewers|load]...\n" +
        "         [--vms N] [--viewers N] [--lines N] [--clients N] [--seconds T]\n";

    private static async Task<int> Main(string[] args)
    {
        string? outFile = null;
        var only = new HashSet<string>();
        bool quick = false;
        int? runs = null, vms = null, viewers = null, lines = null, clients = null, seconds = null;
        bool ok = BenchArguments.TryRead(args, Usage, (arg, read) =>
        {
            switch (arg)
            {
                case "--out": outFile = read.Value(); break;
                case "--quick": quick = true; break;
                case "--runs": runs = read.Number(); break;
                case "--only": only.Add(read.Value()); break;
                case "--vms": vms = read.Number(); break;
                case "--viewers": viewers = read.Number(); break;
                case "--lines": lines = read.Number(); break;
                case "--clients": clients = read.Number(); break;
                case "--seconds": seconds = read.Number(); break;
                default: throw read.Unknown();
            }
        });
        if (!ok)
            return 2;
        if (outFile is null || only.Any(o => o is not ("list" or "keys" or "viewers" or "load")) || runs is < 1)
        {
            Console.Error.Write(Usage);
            return 2;
        }
        bool All(string part) => only.Count == 0 || only.Contains(part);
        var settings = new BenchSettings(quick,
            Runs: runs ?? (quick ? 1 : 3),
            Vms: vms ?? (quick ? 10 : 100),
            Viewers: viewers ?? (quick ? 5 : 50),
            Lines: lines ?? (quick ? 300 : 3000),
            Clients: clients ?? (quick ? 2 : 4),
            Seconds: seconds ?? (quick ? 5 : 20));

        string load0 = HostMemory.LoadAverage();
        var started = DateTime.UtcNow;
        var parts = new List<string>();
        await using (var rig = await PanelRig.StartAsync(GuestKit.Build()))
        {
            if (All("keys") || All("viewers"))
            {
                await rig.StartConsoleGuestAsync();
                if (All("keys"))
                    parts.Add(await new KeystrokeBench(rig, settings).RunAsync());
                if (All("viewers"))
                    parts.Add(await new ViewersBench(rig, settings).RunAsync());
                await rig.StopConsoleGuestAsync();
            }
            if (All("load"))
                parts.Add(await new Load.LoadBench(rig, settings).RunAsync());
            // Last: its fleet of paused domains is the largest thing the run holds.
            if (All("list"))
                parts.Add(await new ListPageBench(rig, settings).RunAsync());
        }
        string load1 = HostMemory.LoadAverage();
        var md = Section.Header(settings, quick, load0, load1, started) + string.Join('\n', parts);
        await File.WriteAllTextAsync(outFile, md);
        Console.Write(md);
        return 0;
    }
}

internal sealed record BenchSettings(bool Quick, int Runs, int Vms, int Viewers, int Lines, int Clients, int Seconds);
