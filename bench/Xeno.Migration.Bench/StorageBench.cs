using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xeno.Cli;
using Xeno.Engine.Bench;
using Xeno.Qemu.Qmp;

namespace Xeno.Migration.Bench;

/// <summary>
/// xl migrate --copy-storage's disk copy against copying the same image on this host: `cp`,
/// `qemu-img convert`, and QEMU alone mirroring it (drive-mirror into another QEMU's NBD export
/// over a unix socket, no xl in between). Xeno's figure is the storage phase xenod logs (from
/// drive-mirror until every mirror is ready: the whole disk copied through xl's framed channel),
/// and the bare mirror is timed the same way. Xeno's two "hosts" are the in-process xenod and a
/// xenod process in its own mount namespace where the disk's folder is another folder (the same
/// path, another file), so each move really copies; the guest moves back and forth.
/// </summary>
internal static class StorageBench
{
    private const int GuestMiB = 128;

    private static readonly Regex Ready = new(@"disks mirrored to the target: (\d+) MiB ready in (\d+) ms");
    private static readonly Regex XlFigures = new(@"downtime (\d+) ms, total time (\d+) ms");

    private sealed record Method(string Name, List<double> Ms, string How);

    public static async Task<string> RunAsync(GuestKit kit, int runs, string root, int diskMiB)
    {
        Directory.CreateDirectory(root);
        var image = Path.Combine(root, "src.img");
        WriteNoise(image, diskMiB);
        var methods = new List<Method>
        {
            new("cp", [], "`cp --sparse=never` then `sync <file>`"),
            new("qemu-img convert", [], "`qemu-img convert -f raw -O raw` then `sync <file>`"),
            new("bare QEMU drive-mirror", [], "drive-mirror (sync full) into a second QEMU's NBD export over a unix socket, until ready"),
        };
        for (int r = 0; r < runs; r++)
        {
            var dst = Path.Combine(root, "dst.img");
            methods[0].Ms.Add(Time(() => { Run("cp", "--sparse=never", image, dst); Run("sync", dst); }));
            File.Delete(dst);
            methods[1].Ms.Add(Time(() => { Run("qemu-img", "convert", "-f", "raw", "-O", "raw", image, dst); Run("sync", dst); }));
            File.Delete(dst);
            methods[2].Ms.Add(await BareMirrorAsync(image, dst, diskMiB, Path.Combine(root, $"bm{r}")));
            File.Delete(dst);
        }
        var (xeno, wall, downtime) = await XenoAsync(kit, runs, Path.Combine(root, "x"), image);
        File.Delete(image);
        Console.Error.WriteLine($"storage {diskMiB} MiB: xeno {Figures.All(xeno)} ms, cp {Figures.All(methods[0].Ms)}, convert {Figures.All(methods[1].Ms)}, bare mirror {Figures.All(methods[2].Ms)}");

        var md = new StringBuilder();
        md.Append("## Storage copy: xl migrate --copy-storage against copying the image\n\n");
        md.Append(CultureInfo.InvariantCulture, $"One raw image of {diskMiB} MiB of random data (no zero blocks to skip), copied {runs} time(s) by each method; ");
        md.Append("medians (every run in brackets), on this host's disk (the source image in the page cache for every method). ");
        md.Append(CultureInfo.InvariantCulture, $"Xeno: an idle pv guest of the kit ({GuestMiB} MiB) with the image as its xvda moved by ");
        md.Append("`xl migrate --copy-storage -s <receiver> <dom> <host>` between this process's xenod and a second xenod process ");
        md.Append("in its own mount namespace where the image's folder is another folder (the same path, another file), back and forth; ");
        md.Append("the figure is the storage phase xenod logs: from `drive-mirror` until every mirror is ready (the whole disk copied: ");
        md.Append("QEMU → NBD → xl → framed channel → xl → the target QEMU's NBD export → the target's file). The bare mirror is timed the ");
        md.Append("same way without xl (QEMU → unix socket → QEMU). The whole move (with RAM, completing the mirrors, hand-over) is ");
        md.Append("under the table.\n\n");
        md.Append("| Method | Time (ms) | MiB/s | Ratio to xl migrate's copy |\n|---|---|---|---|\n");
        string Rate(List<double> ms) => ms.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{diskMiB / (Figures.Median(ms) / 1000):F1}");
        md.Append(CultureInfo.InvariantCulture, $"| xl migrate --copy-storage (storage phase) | {Figures.Ms(xeno)} ({Figures.All(xeno)}) | {Rate(xeno)} | 1.00x |\n");
        foreach (var m in methods)
            md.Append(CultureInfo.InvariantCulture, $"| {m.Name}: {m.How} | {Figures.Ms(m.Ms)} ({Figures.All(m.Ms)}) | {Rate(m.Ms)} | {Figures.Ratio(m.Ms, xeno)} |\n");
        md.Append(CultureInfo.InvariantCulture, $"\nWhole `xl migrate --copy-storage` (wall clock): {Figures.Ms(wall)} ms ({Figures.All(wall)}); QEMU's downtime {Figures.Ms(downtime)} ms ({Figures.All(downtime)}).\n\n");
        return md.ToString();
    }

    private static void WriteNoise(string path, int mib)
    {
        var random = new Random(42);
        var block = new byte[1 << 20];
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write);
        for (int i = 0; i < mib; i++)
        {
            random.NextBytes(block);
            f.Write(block);
        }
        f.Flush(flushToDisk: true);
    }

    private static double Time(Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        return sw.Elapsed.TotalMilliseconds;
    }

    private static void Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program, args) { UseShellExecute = false, RedirectStandardError = true };
        using var p = Process.Start(info) ?? throw new InvalidOperationException($"cannot run {program}");
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)}: exit {p.ExitCode}: {err}");
    }

    // ---- QEMU alone: drive-mirror into another QEMU's NBD export ----

    private static async Task<double> BareMirrorAsync(string image, string dst, int mib, string dir)
    {
        Directory.CreateDirectory(dir);
        Run("qemu-img", "create", "-q", "-f", "raw", dst, (mib * 1048576L).ToString(CultureInfo.InvariantCulture));
        await using var target = await BlockQemu.StartAsync(Path.Combine(dir, "t"), dst);
        var nbd = Path.Combine(dir, "nbd.sock");
        await target.Qmp.ExecuteAsync("nbd-server-start", new JsonObject
        {
            ["addr"] = new JsonObject { ["type"] = "unix", ["data"] = new JsonObject { ["path"] = nbd } },
        });
        await target.Qmp.ExecuteAsync("block-export-add", new JsonObject
        {
            ["type"] = "nbd", ["id"] = "e", ["node-name"] = "disk", ["name"] = "disk", ["writable"] = true,
        });
        await using var source = await BlockQemu.StartAsync(Path.Combine(dir, "s"), image);
        var sw = Stopwatch.StartNew();
        await source.Qmp.ExecuteAsync("drive-mirror", new JsonObject
        {
            ["job-id"] = "m", ["device"] = "disk", ["target"] = $"nbd+unix:///disk?socket={nbd}",
            ["format"] = "raw", ["mode"] = "existing", ["sync"] = "full", ["auto-dismiss"] = false,
        });
        while (true)
        {
            var jobs = await source.Qmp.ExecuteAsync("query-block-jobs");
            var job = jobs.EnumerateArray().Single();
            if (job.TryGetProperty("error", out var e))
                throw new InvalidOperationException("bare mirror failed: " + e);
            if (job.TryGetProperty("ready", out var ready) && ready.GetBoolean())
                break;
            await Task.Delay(20);
        }
        double ms = sw.Elapsed.TotalMilliseconds;
        await source.Qmp.ExecuteAsync("block-job-cancel", new JsonObject { ["device"] = "m" });
        while ((await source.Qmp.ExecuteAsync("query-block-jobs")).EnumerateArray().Single().GetProperty("status").GetString() != "concluded")
            await Task.Delay(20);
        return ms;
    }

    /// <summary>A QEMU with no machine and one raw image as block node "disk", for block jobs and exports.</summary>
    private sealed class BlockQemu : IAsyncDisposable
    {
        private readonly Process _process;

        private BlockQemu(Process process, QmpClient qmp)
        {
            _process = process;
            Qmp = qmp;
        }

        public QmpClient Qmp { get; }

        public static async Task<BlockQemu> StartAsync(string qmpPath, string image)
        {
            var info = new ProcessStartInfo("qemu-system-x86_64",
            [
                "-machine", "none", "-nodefaults", "-display", "none", "-qmp", $"unix:{qmpPath},server=on,wait=off",
                "-blockdev", $"driver=file,filename={image},node-name=file",
                "-blockdev", "driver=raw,file=file,node-name=disk",
            ]) { UseShellExecute = false };
            var p = Process.Start(info) ?? throw new InvalidOperationException("cannot start QEMU");
            var sw = Stopwatch.StartNew();
            while (!File.Exists(qmpPath))
            {
                if (p.HasExited || sw.Elapsed > TimeSpan.FromSeconds(60))
                    throw new InvalidOperationException($"QEMU for {image} did not start");
                await Task.Delay(20);
            }
            var qmp = await QmpClient.ConnectAsync(qmpPath);
            qmp.DefaultTimeout = TimeSpan.FromMinutes(2);
            return new BlockQemu(p, qmp);
        }

        public async ValueTask DisposeAsync()
        {
            await Qmp.DisposeAsync();
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }

    // ---- Xeno: xl migrate --copy-storage between two xenods that do not share the disk ----

    private static async Task<(List<double> Storage, List<double> Wall, List<double> Downtime)> XenoAsync(GuestKit kit, int runs, string root, string image)
    {
        List<double> storage = [], wall = [], downtime = [];
        var diskDir = Path.Combine(root, "disks");
        var otherDir = Path.Combine(root, "disks-b"); // what diskDir is on host b
        Directory.CreateDirectory(diskDir);
        Directory.CreateDirectory(otherDir);
        var disk = Path.Combine(diskDir, "data.img");
        File.Move(image, disk);
        await using var a = await XenoHost.StartAsync(Path.Combine(root, "a"));
        var prefixB = Path.Combine(root, "b");
        Directory.CreateDirectory(prefixB);
        using var b = OtherHost.Start(prefixB, diskDir, otherDir);
        const string name = "stor";
        try
        {
            var cfg = Path.Combine(root, name + ".cfg");
            File.WriteAllText(cfg, $"name=\"{name}\"\ntype=\"pv\"\nmemory={GuestMiB}\nvcpus=1\nkernel=\"{kit.Vmlinuz}\"\n" +
                $"ramdisk=\"{kit.Initrd}\"\nextra=\"console=hvc0 xeno.action=shell xeno.agent=off\"\ndisk=['{disk},raw,xvda,rw']\n");
            a.Must("create", "-q", cfg);
            await ConsoleMarker.WaitAsync(Path.Combine(a.Prefix, "var/log/xeno/console", name + ".log"), TimeSpan.FromMinutes(5));
            await b.WaitAsync();
            // Moves a→b, b→a, …: the side that sent keeps its disk file (the admin's), removed here before it receives again.
            string from = a.Prefix, to = prefixB;
            for (int r = 0; r < runs; r++)
            {
                var receiver = $"env XENO_PREFIX={to} sh -c 'shift 2; exec {XenoHost.XlPath} \"$@\"' sh";
                var sw = Stopwatch.StartNew();
                var err = Xl(from, "migrate", "--copy-storage", "-s", receiver, name, "host");
                wall.Add(sw.Elapsed.TotalMilliseconds);
                var ready = Ready.Matches(File.ReadAllText(Path.Combine(from, "var/log/xeno/xenod.log")));
                if (ready.Count == 0)
                    throw new InvalidOperationException("no storage figure in the sender's xenod.log");
                storage.Add(double.Parse(ready[^1].Groups[2].Value, CultureInfo.InvariantCulture));
                if (XlFigures.Match(err) is { Success: true } m)
                    downtime.Add(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                File.Delete(from == a.Prefix ? disk : Path.Combine(otherDir, "data.img"));
                (from, to) = (to, from);
            }
            Xl(from, "destroy", name);
        }
        finally
        {
            foreach (var prefix in new[] { a.Prefix, prefixB })
                XlMain.Run(["destroy", name], TextWriter.Null, TextWriter.Null, prefix);
        }
        return (storage, wall, downtime);
    }

    private static string Xl(string prefix, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int exit = XlMain.Run(args, o, e, prefix);
        if (exit != 0)
            throw new InvalidOperationException($"xl {string.Join(' ', args)} failed ({exit}): {e}");
        return e.ToString();
    }

    /// <summary>The second "host": a xenod process in a mount namespace where the disk's folder is another folder.</summary>
    private sealed class OtherHost(Process daemon, string prefix) : IDisposable
    {
        public static OtherHost Start(string prefix, string diskDir, string otherDir)
        {
            var info = new ProcessStartInfo("unshare") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-m", "--propagation", "private", "sh", "-c",
                         "mount --bind \"$1\" \"$2\" && exec dotnet \"$3\" run --prefix \"$4\"",
                         "sh", otherDir, diskDir, Path.Combine(AppContext.BaseDirectory, "xenod.dll"), prefix })
                info.ArgumentList.Add(arg);
            var p = Process.Start(info) ?? throw new InvalidOperationException("cannot start the second xenod");
            p.OutputDataReceived += (_, _) => { };
            p.ErrorDataReceived += (_, _) => { };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            return new OtherHost(p, prefix);
        }

        public async Task WaitAsync()
        {
            var sw = Stopwatch.StartNew();
            while (XlMain.Run(["list"], TextWriter.Null, TextWriter.Null, prefix) != 0)
            {
                if (daemon.HasExited || sw.Elapsed > TimeSpan.FromSeconds(120))
                    throw new InvalidOperationException("the second xenod did not start");
                await Task.Delay(200);
            }
        }

        public void Dispose()
        {
            if (!daemon.HasExited)
            {
                using (var term = Process.Start("kill", ["-TERM", daemon.Id.ToString(CultureInfo.InvariantCulture)]))
                    term.WaitForExit();
                if (!daemon.WaitForExit(60_000))
                    daemon.Kill();
            }
            daemon.Dispose();
        }
    }
}
