namespace Xeno.Engine.Bench;

/// <summary>
/// A fleet bench's own xenod (<see cref="XenodProcess"/>) under a short temporary prefix, with the
/// xl calls the fleet benches make. Disposing destroys every domain it still lists, stops xenod,
/// kills any QEMU left under the prefix and removes the folder, whatever the run did before.
/// </summary>
internal sealed class BenchXenod : IAsyncDisposable
{
    private readonly Programs _programs;
    private readonly string _label;

    private BenchXenod(Programs programs, string label, string root, string prefix, XenodProcess process)
    {
        _programs = programs;
        _label = label;
        Root = root;
        Prefix = prefix;
        Process = process;
    }

    /// <summary>The run's folder: configs and disks go here, the prefix is its "p".</summary>
    public string Root { get; }

    public string Prefix { get; }

    public XenodProcess Process { get; }

    public string Socket => Path.Combine(Prefix, "run/xeno/xenod.sock");

    public string ConsoleLog(string name) => Path.Combine(Prefix, "var/log/xeno/console", name + ".log");

    public static async Task<BenchXenod> StartAsync(Programs programs, string tempPrefix, string label)
    {
        // Short root: QEMU's unix socket paths under the prefix are limited to 107 bytes.
        var root = Directory.CreateTempSubdirectory(tempPrefix).FullName;
        var prefix = Path.Combine(root, "p");
        Directory.CreateDirectory(prefix);
        try
        {
            var process = await XenodProcess.StartAsync(programs.Xenod, prefix, TimeSpan.FromMinutes(2));
            return new BenchXenod(programs, label, root, prefix, process);
        }
        catch
        {
            RemoveFolder(root);
            throw;
        }
    }

    public HostProcesses.Result Xl(params string[] args) => HostProcesses.Run(_programs.Xl, ["--prefix", Prefix, .. args]);

    public static void Check(HostProcesses.Result r, string what)
    {
        if (r.Exit != 0)
            throw new InvalidOperationException($"{what} failed ({r.Exit}): {r.Err}");
    }

    /// <summary>Names of the domains xenod still lists (for counts and the cleanup; never throws).</summary>
    public List<string> SafeList()
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

    public async ValueTask DisposeAsync()
    {
        // Guests outlive xenod by design: destroy through xenod first, then sweep by command line.
        foreach (var name in SafeList())
            Xl("destroy", name);
        await Process.StopAsync(TimeSpan.FromSeconds(30));
        Process.Dispose();
        int killed = HostProcesses.KillQemusUnder(Prefix);
        if (killed > 0)
            Console.Error.WriteLine($"{_label}: killed {killed} QEMU process(es) left under {Prefix}");
        RemoveFolder(Root);
    }

    private static void RemoveFolder(string root)
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
