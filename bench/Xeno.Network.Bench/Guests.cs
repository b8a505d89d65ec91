using System.Diagnostics;
using System.Globalization;
using Xeno.Cli;

namespace Xeno.Network.Bench;

/// <summary>One variant of the throughput run: how its guest boots and which NIC it has.</summary>
internal sealed record Variant(string Label, string Type, string VifExtra, bool Bare = false);

/// <summary>
/// Guests of one run: booted through xl create against the run's in-process xenod, or (bare)
/// started from the very QEMU argument vector xenod gave an earlier guest of the run, on a tap
/// made by hand on the same bridge. Every guest boots the kit's kernel with the bench initrd.
/// </summary>
internal sealed class Guests(string root, string prefix, string kernel, string initrd, BenchBridge bridge)
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(5);
    private int _count;

    /// <summary>The QEMU argv of the last Xeno virtio guest, with the paths of its domain (replayed bare).</summary>
    public (string[] Argv, string RunDir, string Log, string Tap, int Pid)? LastVirtioArgv { get; private set; }

    public string Config(string name, string type, string vifs) =>
        Write(name, $"name=\"{name}\"\ntype=\"{type}\"\nmemory=256\nvcpus=1\nkernel=\"{kernel}\"\nramdisk=\"{initrd}\"\n" +
            $"extra=\"console={(type == "hvm" ? "ttyS0" : "hvc0")} xeno.action=shell xeno.agent=off\"\n" +
            (type == "hvm" ? "vnc=0\n" : "") + vifs);

    public string Write(string name, string text)
    {
        var path = Path.Combine(root, name + ".cfg");
        File.WriteAllText(path, text);
        return path;
    }

    public int Xl(params string[] args)
    {
        var err = new StringWriter();
        int exit = XlMain.Run(args, TextWriter.Null, err, prefix);
        if (exit != 0)
            throw new InvalidOperationException($"xl {string.Join(' ', args)} failed ({exit}): {err}");
        return exit;
    }

    public int Domid(string name)
    {
        var o = new StringWriter();
        XlMain.Run(["domid", name], o, TextWriter.Null, prefix);
        return int.Parse(o.ToString().Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>A booted guest whose NIC (MAC <paramref name="mac"/>, host end <c>Tap</c>) has address .<paramref name="host"/> of the bridge's subnet.</summary>
    public sealed record Running(string Name, int Domid, string Mac, string Address, string Tap, GuestConsole Console, Func<Task> Stop);

    public async Task<Running> StartAsync(Variant v, string mac, int host)
    {
        int n = Interlocked.Increment(ref _count);
        string name = $"nb{n}";
        string tap = $"xbt{bridge.Tag}{n}";
        GuestConsole console;
        Func<Task> stop;
        int domid = -1;
        if (v.Bare)
        {
            var (argv, runDir, log, _, xenoPid) = LastVirtioArgv ?? throw new InvalidOperationException("no Xeno virtio guest ran before the bare one");
            var dir = Path.Combine(root, "bare" + n);
            Directory.CreateDirectory(dir);
            var bareLog = Path.Combine(dir, "console.log");
            var replay = argv.Skip(1).Select(a => a.Replace(log, bareLog, StringComparison.Ordinal).Replace(runDir, dir, StringComparison.Ordinal)
                .Replace(LastVirtioArgv.Value.Tap, tap, StringComparison.Ordinal)).ToList();
            // The same guest with its own MAC, so the run never sees two guests with one address.
            int mi = replay.FindIndex(a => a.Contains("mac=", StringComparison.Ordinal));
            replay[mi] = System.Text.RegularExpressions.Regex.Replace(replay[mi], "mac=[0-9a-f:]{17}", "mac=" + mac);
            bridge.AddTap(tap);
            var info = new ProcessStartInfo(argv[0]) { UseShellExecute = false, RedirectStandardError = true };
            foreach (var a in replay) info.ArgumentList.Add(a);
            using (var p = Process.Start(info)!)
            {
                var err = await p.StandardError.ReadToEndAsync();
                await p.WaitForExitAsync();
                if (p.ExitCode != 0) throw new InvalidOperationException($"bare QEMU failed: {err}");
            }
            int pid = int.Parse(File.ReadAllText(replay[replay.IndexOf("-pidfile") + 1]).Trim(), CultureInfo.InvariantCulture);
            var cgroup = BareCgroup.Mirror(xenoPid, pid, $"{bridge.Tag}{n}");
            await WaitForMarkerAsync(bareLog);
            var sock = ConsoleSocket(replay);
            console = await GuestConsole.AttachAsync(sock);
            stop = async () =>
            {
                using (var q = Process.GetProcessById(pid))
                {
                    q.Kill();
                    await q.WaitForExitAsync();
                }
                cgroup?.Dispose();
                BenchBridge.DeleteTap(tap);
            };
        }
        else
        {
            var cfg = Config(name, v.Type, $"vif=['bridge={bridge.Name},vifname={tap},mac={mac}{v.VifExtra}']\n");
            Xl("create", "-q", cfg);
            domid = Domid(name);
            var log = Path.Combine(prefix, "var/log/xeno/console", name + ".log");
            var runDir = Path.Combine(prefix, $"run/xeno/d{domid}");
            if (v.Type == "pv" && v.VifExtra.Length == 0)
            {
                int pid = int.Parse(File.ReadAllText(Path.Combine(runDir, "qemu.pid")).Trim(), CultureInfo.InvariantCulture);
                var argv = File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Split('\0');
                LastVirtioArgv = (argv, runDir, log, tap, pid);
            }
            await WaitForMarkerAsync(log);
            console = await GuestConsole.AttachAsync(Path.Combine(runDir, "console"));
            stop = () =>
            {
                Xl("destroy", name);
                return Task.CompletedTask;
            };
        }
        string address = $"{bridge.Subnet}.{host}";
        await Must(console, NicDriverInitrd.LoadDrivers);
        await Must(console, $"while ! grep -q {mac} /sys/class/net/*/address; do usleep 50000; done");
        await Must(console, $"i=$(grep -l {mac} /sys/class/net/*/address | head -n 1) && i=${{i%/address}} && i=${{i##*/}} && " +
            $"ip link set $i up && ip addr add {address}/24 dev $i");
        // The link is up once the host answers (ARP and all): what follows measures the data path only.
        await Must(console, $"ping -c 1 -w 120 {bridge.HostAddress}");
        return new Running(name, domid, mac, address, tap, console, async () =>
        {
            console.Dispose();
            await stop();
        });
    }

    public static async Task Must(GuestConsole console, string command)
    {
        if (!await console.RunAsync(command, TimeSpan.FromMinutes(3)))
            throw new InvalidOperationException($"in the guest, \"{command}\" failed; console:\n{console.Text[Math.Max(0, console.Text.Length - 2000)..]}");
    }

    private static string ConsoleSocket(IEnumerable<string> argv)
    {
        var chardev = argv.First(a => a.Contains("id=console0", StringComparison.Ordinal));
        var path = chardev.Split(',').First(p => p.StartsWith("path=", StringComparison.Ordinal))["path=".Length..];
        return path;
    }

    private static async Task WaitForMarkerAsync(string log)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var f = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                if (new StreamReader(f).ReadToEnd().Contains("XENO-GUEST-READY", StringComparison.Ordinal))
                    return;
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
            }
            if (sw.Elapsed > BootTimeout)
                throw new TimeoutException($"no XENO-GUEST-READY in {log} after {BootTimeout.TotalMinutes:F0} min");
            await Task.Delay(50);
        }
    }
}
