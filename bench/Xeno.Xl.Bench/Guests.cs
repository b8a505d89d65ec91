using System.Globalization;
using Xeno.Engine.Bench;

namespace Xeno.Xl.Bench;

/// <summary>
/// The guests the race lists: the guest kit's kernel and initramfs (as bench/Xeno.Engine.Bench's
/// fleet), started with `xl create -q` and waited for until their init prints its marker, so
/// `xl list` runs against a xenod with that many live domains. Destroys everything it started.
/// </summary>
/// With <c>paused</c> they are created paused (`xl create -p`) and not waited for: domains with a
/// QEMU and vCPU threads that cost the host no CPU, for races on a crowded host.
internal sealed class Guests(GuestKit kit, string xl, string root, string prefix, int memoryMiB, bool paused = false)
{
    private int _started;

    public int Count => _started;

    /// <summary>Starts guests until <paramref name="total"/> run; returns once every marker showed.</summary>
    public async Task GrowToAsync(int total, TimeSpan timeout)
    {
        var names = new List<string>();
        while (_started < total)
        {
            var name = "x" + (++_started).ToString("D2", CultureInfo.InvariantCulture);
            var cfg = Path.Combine(root, Path.GetFileName(prefix) + "-" + name + ".cfg");
            File.WriteAllText(cfg, $"name=\"{name}\"\ntype=\"pvh\"\nmemory={memoryMiB}\nvcpus=1\n" +
                $"kernel=\"{kit.Vmlinux}\"\nramdisk=\"{kit.Initrd}\"\nextra=\"console=hvc0 xeno.action=shell\"\n");
            Check(paused ? Xl("create", "-q", "-p", cfg) : Xl("create", "-q", cfg), $"xl create {name}");
            names.Add(name);
        }
        foreach (var name in paused ? [] : names)
            await ConsoleMarker.WaitAsync(Path.Combine(prefix, "var/log/xeno/console", name + ".log"), timeout);
    }

    /// <summary>Destroys every domain xenod lists (never throws: it runs in cleanups).</summary>
    public void DestroyAll()
    {
        try
        {
            var list = Xl("list").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2);
            foreach (var line in list)
                Xl("destroy", line.Split(' ')[0]);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine($"xl bench: cleanup: {e.Message}");
        }
    }

    private HostProcesses.Result Xl(params string[] args) => HostProcesses.Run(xl, ["--prefix", prefix, .. args]);

    private static void Check(HostProcesses.Result r, string what)
    {
        if (r.Exit != 0)
            throw new InvalidOperationException($"{what} failed ({r.Exit}): {r.Err}");
    }
}
