using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Xeno.Engine.Bench;

/// <summary>What the hung-QEMU run starts: how many guests run beside the one that hangs, and how many rounds.</summary>
internal sealed record HungSettings(int Guests, int MemoryMiB, int Rounds);

/// <summary>
/// Does one hung QEMU slow the toolstack down for everybody else? Starts N guests against one
/// xenod process, then measures `xl list` and `xl create -p` + `xl destroy` of a throwaway guest
/// (whole xl processes) in rounds that alternate between "all QEMUs answer" and "one QEMU is
/// stopped with SIGSTOP", so both conditions see the same host load. The goal is a ratio of at most
/// 1.2 (hung / normal, medians). Always destroys every guest it started, the stopped one included.
/// </summary>
internal sealed class HungBench(GuestKit kit, Programs programs, HungSettings settings)
{
    private const double Goal = 1.2;
    private string _prefix = "";

    public async Task<string> RunAsync()
    {
        var root = Directory.CreateTempSubdirectory("xeh-").FullName;
        _prefix = Path.Combine(root, "p");
        Directory.CreateDirectory(_prefix);
        XenodProcess? xenod = null;
        int? stopped = null;
        try
        {
            xenod = await XenodProcess.StartAsync(programs.Xenod, _prefix, TimeSpan.FromMinutes(2));
            return await MeasureAsync(root, pid => stopped = pid);
        }
        finally
        {
            if (stopped is { } pid)
                Signal("CONT", pid);
            if (xenod is not null)
            {
                foreach (var name in Names())
                    Xl("destroy", name);
                await xenod.StopAsync(TimeSpan.FromSeconds(30));
                xenod.Dispose();
            }
            int killed = HostProcesses.KillQemusUnder(_prefix);
            if (killed > 0)
                Console.Error.WriteLine($"hung: killed {killed} QEMU process(es) left under {_prefix}");
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private async Task<string> MeasureAsync(string root, Action<int?> noteStopped)
    {
        string Config(string name)
        {
            var path = Path.Combine(root, name + ".cfg");
            File.WriteAllText(path, $"name=\"{name}\"\ntype=\"pvh\"\nmemory={settings.MemoryMiB}\nvcpus=1\n" +
                $"kernel=\"{kit.Vmlinux}\"\nramdisk=\"{kit.Initrd}\"\nextra=\"console=hvc0 xeno.action=shell\"\n");
            return path;
        }

        Console.Error.WriteLine($"hung: starting {settings.Guests} guests and the one that will hang");
        Check(Xl("create", "-q", Config("hung")), "xl create hung");
        for (int i = 1; i <= settings.Guests; i++)
            Check(Xl("create", "-q", Config("g" + i.ToString("D2", CultureInfo.InvariantCulture))), $"xl create g{i}");
        await ConsoleMarker.WaitAsync(Path.Combine(_prefix, "var/log/xeno/console/hung.log"), TimeSpan.FromMinutes(10));
        var hungPid = HostProcesses.QemusUnder(_prefix).Single(pid => CommandLine(pid).Contains("/hung.log", StringComparison.Ordinal));
        string probe = Config("probe");

        var normal = new Sample();
        var hung = new Sample();
        // Warm-up: one of each outside the sample.
        Check(Xl("list"), "xl list");
        CreateProbe(probe);
        for (int round = 0; round < settings.Rounds; round++)
        {
            // Alternate which condition goes first, so a drift in host load hits both equally.
            foreach (bool stop in round % 2 == 0 ? new[] { false, true } : new[] { true, false })
            {
                if (stop)
                {
                    Signal("STOP", hungPid);
                    noteStopped(hungPid);
                }
                var into = stop ? hung : normal;
                var list = Xl("list");
                Check(list, "xl list");
                if (!list.Out.Contains("hung ", StringComparison.Ordinal))
                    throw new InvalidOperationException("xl list no longer shows the hung domain:\n" + list.Out);
                into.List.Add(list.Milliseconds);
                into.Create.Add(CreateProbe(probe));
                if (stop)
                {
                    Signal("CONT", hungPid);
                    noteStopped(null);
                }
            }
        }

        var md = new StringBuilder();
        md.AppendLine("## One hung QEMU among running guests");
        md.AppendLine();
        md.AppendLine(F($"Method: one xenod process, {settings.Guests} pvh guests ({settings.MemoryMiB} MiB, the kit's busybox) plus one more, \"hung\"; ") +
                      F($"{settings.Rounds} rounds, each measuring `xl list` and `xl create -p` + `xl destroy` of a throwaway guest as whole xl processes, ") +
                      "once with every QEMU answering and once with the hung guest's QEMU stopped by SIGSTOP (the order alternates per round, " +
                      $"so both conditions share the host's load). Programs: {programs.Description}. Goal: hung / normal ≤ {Goal.ToString(CultureInfo.InvariantCulture)} (medians).");
        md.AppendLine();
        md.AppendLine("| operation | normal median ms | normal p90 ms | one QEMU hung median ms | hung p90 ms | hung / normal |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        Row(md, "`xl list`", normal.List, hung.List);
        Row(md, "`xl create -p` + `xl destroy`", normal.Create, hung.Create);
        return md.ToString();
    }

    private static void Row(StringBuilder md, string what, List<double> normal, List<double> hung)
    {
        double n = Stats.Median(normal), h = Stats.Median(hung);
        md.AppendLine(F($"| {what} | {n:F1} | {Stats.Percentile(normal, 90):F1} | {h:F1} | {Stats.Percentile(hung, 90):F1} | {h / n:F2}{(h / n <= Goal ? "" : " (over the goal)")} |"));
    }

    /// <summary>Creates the probe paused and destroys it again; the time of both xl processes.</summary>
    private double CreateProbe(string cfg)
    {
        var create = Xl("create", "-q", "-p", cfg);
        Check(create, "xl create -p probe");
        var destroy = Xl("destroy", "probe");
        Check(destroy, "xl destroy probe");
        return create.Milliseconds + destroy.Milliseconds;
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private HostProcesses.Result Xl(params string[] args) => HostProcesses.Run(programs.Xl, ["--prefix", _prefix, .. args]);

    private static void Check(HostProcesses.Result r, string what)
    {
        if (r.Exit != 0)
            throw new InvalidOperationException($"{what} failed ({r.Exit}): {r.Err}");
    }

    private List<string> Names()
    {
        try
        {
            return Xl("list").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2).Select(l => l.Split(' ')[0]).ToList();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return [];
        }
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed class Sample
    {
        public List<double> List { get; } = [];
        public List<double> Create { get; } = [];
    }
}
