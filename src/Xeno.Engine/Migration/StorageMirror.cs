using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Supervision;
using Xeno.Migration.Streams;
using Xeno.Qemu.Processes;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Migration;

/// <summary>
/// xl migrate --copy-storage on QEMU 7.2, the sequence libvirt uses for non-shared storage: the
/// target creates each disk empty (same format and virtual size) and its incoming QEMU exports it
/// writable over NBD; the source's QEMU mirrors each disk into that export (drive-mirror,
/// sync=full) until every mirror is ready, then the RAM migration runs with QEMU's
/// pause-before-switchover, and at that pause (the guest stopped, nothing more written) each mirror
/// is completed by block-job-cancel (a ready mirror's cancel copies what is left, flushes, and
/// leaves the target a point-in-time copy), then migrate-continue sends the last state.
/// </summary>
internal static class StorageMirror
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static string JobId(string drive) => "xeno-mirror-" + drive;

    /// <summary>The NBD URL of a drive's export on the target, reached through xl's relay socket.</summary>
    public static string NbdTarget(string drive, string socket) => $"nbd+unix:///{drive}?socket={socket}";

    /// <summary>The domain's writable local disks (not CD-ROMs, not read-only), with their virtual sizes from QEMU.</summary>
    public static async Task<IReadOnlyList<CopiedDisk>> DisksAsync(Domain d, QemuInstance q, CancellationToken cancel)
    {
        var reply = await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("query-block", null, t), cancel);
        var disks = new List<CopiedDisk>();
        foreach (var block in reply.EnumerateArray())
        {
            string drive = block.GetProperty("device").GetString() ?? "";
            // xenod's disks are vbd<devid> (disk<i> when unnamed); firmware flash and empty CD drives are not disks to copy.
            if (!(drive.StartsWith("vbd", StringComparison.Ordinal) || drive.StartsWith("disk", StringComparison.Ordinal))
                || !block.TryGetProperty("inserted", out var inserted))
                continue;
            bool removable = block.TryGetProperty("removable", out var r) && r.ValueKind == JsonValueKind.True;
            bool readOnly = inserted.TryGetProperty("ro", out var ro) && ro.ValueKind == JsonValueKind.True;
            if (removable || readOnly)
                continue; // a CD image or a read-only disk must be on the target as it is (shared)
            string path = inserted.GetProperty("file").GetString() ?? "";
            string format = inserted.GetProperty("drv").GetString() ?? "";
            long size = inserted.GetProperty("image").GetProperty("virtual-size").GetInt64();
            var spec = d.Spec.Disks.FirstOrDefault(s => s.Target == path);
            if (!CopiedDisk.IsKnownFormat(format) || !Path.IsPathFullyQualified(path))
                throw new EngineException(EngineErrorKind.Invalid, $"disk {spec?.Vdev ?? drive} ({path}, {format}) cannot be copied: only raw and qcow2 image files can");
            disks.Add(new CopiedDisk(spec?.Vdev ?? drive, drive, path, format, size));
        }
        return disks;
    }

    /// <summary>Starts every mirror and waits until all are ready (copied, following the guest's writes).</summary>
    public static async Task StartAsync(Domain d, QemuInstance q, IReadOnlyList<CopiedDisk> disks, string nbdSocket, TimeSpan timeout, CancellationToken cancel)
    {
        await SetSwitchoverPauseAsync(d, q, true, cancel);
        foreach (var disk in disks)
        {
            await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("drive-mirror", new JsonObject
            {
                ["job-id"] = JobId(disk.Drive),
                ["device"] = disk.Drive,
                ["target"] = NbdTarget(disk.Drive, nbdSocket),
                ["format"] = "raw", // the export shows the guest's view of the disk, whatever the image format
                ["mode"] = "existing",
                ["sync"] = "full",
                ["auto-dismiss"] = false,
            }, t), cancel);
        }
        using var deadline = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, deadline.Token);
        while (true)
        {
            var jobs = await JobsAsync(d, q, cancel);
            int ready = 0;
            foreach (var disk in disks)
            {
                if (!jobs.TryGetValue(JobId(disk.Drive), out var job))
                    throw new EngineException(EngineErrorKind.Failed, $"the mirror of disk {disk.Vdev} is gone");
                if (Failed(job) is { } error)
                    throw new EngineException(EngineErrorKind.Failed, $"the mirror of disk {disk.Vdev} to the target failed: {error}");
                if (job.TryGetProperty("ready", out var r) && r.ValueKind == JsonValueKind.True)
                    ready++;
            }
            if (ready == disks.Count)
                return;
            try
            {
                await Task.Delay(Poll, linked.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancel.IsCancellationRequested)
            {
                throw new TimeoutException($"the disk mirrors were not ready within {timeout.TotalSeconds:0} s");
            }
        }
    }

    /// <summary>"Domain 3 (web): disks mirrored to the target: 512 MiB ready in 9120 ms (56.1 MiB/s)".</summary>
    public static string ReadyLine(Domain d, IReadOnlyList<CopiedDisk> disks, TimeSpan took)
    {
        double mib = disks.Sum(x => x.VirtualSize) / 1048576.0;
        return string.Create(CultureInfo.InvariantCulture,
            $"Domain {d.Domid} ({d.Name}): disks mirrored to the target: {mib:0} MiB ready in {took.TotalMilliseconds:0} ms ({mib / Math.Max(took.TotalSeconds, 0.001):0.0} MiB/s)");
    }

    /// <summary>
    /// At the pre-switchover pause (the guest stopped): each ready mirror's cancel copies what is
    /// left and flushes the target; a mirror that ends in error fails the migration.
    /// </summary>
    public static async Task CompleteAsync(Domain d, QemuInstance q, IReadOnlyList<CopiedDisk> disks, CancellationToken cancel)
    {
        foreach (var disk in disks)
            await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("block-job-cancel", new JsonObject { ["device"] = JobId(disk.Drive) }, t), cancel);
        foreach (var disk in disks)
        {
            var job = await ConcludedAsync(d, q, JobId(disk.Drive), cancel);
            await DismissAsync(d, q, JobId(disk.Drive));
            if (job is { } j && Failed(j) is { } error)
                throw new EngineException(EngineErrorKind.Failed, $"the mirror of disk {disk.Vdev} failed at the hand-over: {error}");
        }
    }

    /// <summary>After a failed migration: any mirror left is stopped (the source's disk stays as it is) and the switchover pause is off.</summary>
    public static async Task AbortAsync(Domain d, QemuInstance q, IReadOnlyList<CopiedDisk> disks)
    {
        try
        {
            var jobs = await JobsAsync(d, q, CancellationToken.None);
            foreach (var disk in disks)
            {
                string id = JobId(disk.Drive);
                if (!jobs.TryGetValue(id, out var job))
                    continue;
                if (job.GetProperty("status").GetString() != "concluded")
                {
                    await Try(() => QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("block-job-cancel", new JsonObject { ["device"] = id, ["force"] = true }, t), CancellationToken.None));
                    using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await Try(() => ConcludedAsync(d, q, id, wait.Token));
                }
                await DismissAsync(d, q, id);
            }
        }
        catch (Exception e) when (e is QmpException or EngineException or OperationCanceledException)
        {
        }
        await ResetSwitchoverPauseAsync(d, q);
    }

    /// <summary>Off again (best effort), so a later save or plain migration does not stop at the pause.</summary>
    public static Task ResetSwitchoverPauseAsync(Domain d, QemuInstance q) =>
        Try(() => SetSwitchoverPauseAsync(d, q, false, CancellationToken.None));

    public static Task SetSwitchoverPauseAsync(Domain d, QemuInstance q, bool on, CancellationToken cancel) =>
        QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("migrate-set-capabilities", new JsonObject
        {
            ["capabilities"] = new JsonArray(new JsonObject { ["capability"] = "pause-before-switchover", ["state"] = on }),
        }, t), cancel);

    /// <summary>The job once concluded (null if QEMU dismissed it already).</summary>
    private static async Task<JsonElement?> ConcludedAsync(Domain d, QemuInstance q, string id, CancellationToken cancel)
    {
        while (true)
        {
            var jobs = await JobsAsync(d, q, cancel);
            if (!jobs.TryGetValue(id, out var job))
                return null;
            if (job.GetProperty("status").GetString() == "concluded")
                return job;
            await Task.Delay(Poll, cancel);
        }
    }

    private static async Task DismissAsync(Domain d, QemuInstance q, string id) =>
        await Try(() => QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("job-dismiss", new JsonObject { ["id"] = id }, t), CancellationToken.None));

    private static async Task<Dictionary<string, JsonElement>> JobsAsync(Domain d, QemuInstance q, CancellationToken cancel)
    {
        var reply = await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("query-block-jobs", null, t), cancel);
        return reply.EnumerateArray().ToDictionary(j => j.GetProperty("device").GetString() ?? "", j => j.Clone());
    }

    private static string? Failed(JsonElement job) =>
        job.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private static async Task Try(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception e) when (e is QmpException or EngineException or OperationCanceledException)
        {
        }
    }

    // ---- the target's side ----

    /// <summary>
    /// Creates each disk empty with qemu-img (same format and virtual size). A path that exists is
    /// refused: copying over a disk the target already has would destroy it (shared storage
    /// migrates without --copy-storage). Returns what it created, for <see cref="RemoveDisks"/>.
    /// <paramref name="recording"/> is told each list (the ones made and the next) before that disk
    /// is created, so a xenod killed meanwhile has them on record (<see cref="IncomingDiskJournal"/>).
    /// </summary>
    public static IReadOnlyList<string> CreateDisks(IReadOnlyList<CopiedDisk> disks, Action<IReadOnlyList<string>> recording)
    {
        var created = new List<string>();
        try
        {
            foreach (var disk in disks)
            {
                if (File.Exists(disk.Path) || Directory.Exists(disk.Path))
                    throw new EngineException(EngineErrorKind.Conflict,
                        $"disk {disk.Vdev}: {disk.Path} already exists on this host; --copy-storage copies only to a host without it (shared storage migrates without --copy-storage)");
                if (Path.GetDirectoryName(disk.Path) is { } dir && !Directory.Exists(dir))
                    throw new EngineException(EngineErrorKind.Invalid, $"disk {disk.Vdev}: directory {dir} does not exist on this host");
                recording([.. created, disk.Path]);
                QemuImgCreate(disk);
                created.Add(disk.Path);
            }
            return created;
        }
        catch
        {
            RemoveDisks(created);
            throw;
        }
    }

    public static void RemoveDisks(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private static void QemuImgCreate(CopiedDisk disk)
    {
        var info = new ProcessStartInfo("qemu-img")
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "create", "-q", "-f", disk.Format, disk.Path, disk.VirtualSize.ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(a);
        using var p = Process.Start(info) ?? throw new EngineException(EngineErrorKind.Failed, "cannot run qemu-img");
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            // A partial file (a full disk) goes too.
            RemoveDisks([disk.Path]);
            throw new EngineException(EngineErrorKind.Failed, $"disk {disk.Vdev}: cannot create {disk.Path}: {err.Result.Trim()}");
        }
    }

    /// <summary>
    /// The incoming QEMU's NBD server with each disk exported writable. It listens on a private
    /// name first and is renamed to <paramref name="socket"/> once every export exists, so xl
    /// (which connects when the name appears) never reaches a server without its exports.
    /// </summary>
    public static async Task ExportAsync(Domain d, QemuInstance q, IReadOnlyList<CopiedDisk> disks, string socket, CancellationToken cancel)
    {
        string building = socket + ".part";
        await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("nbd-server-start", new JsonObject
        {
            // nbd-server-start takes QEMU's legacy socket address: the path under "data".
            ["addr"] = new JsonObject { ["type"] = "unix", ["data"] = new JsonObject { ["path"] = building } },
        }, t), cancel);
        // A -drive's block node has a name QEMU made up: found by the drive's id.
        var nodes = new Dictionary<string, string>();
        foreach (var block in (await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("query-block", null, t), cancel)).EnumerateArray())
        {
            if (block.TryGetProperty("inserted", out var inserted) && inserted.TryGetProperty("node-name", out var node))
                nodes[block.GetProperty("device").GetString() ?? ""] = node.GetString() ?? "";
        }
        foreach (var disk in disks)
        {
            if (!nodes.TryGetValue(disk.Drive, out var nodeName))
                throw new EngineException(EngineErrorKind.Failed, $"disk {disk.Vdev}: the incoming QEMU has no drive {disk.Drive}");
            // block-export-add makes the image active (writable) before the migration's end, as storage migration needs.
            await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("block-export-add", new JsonObject
            {
                ["type"] = "nbd",
                ["id"] = "xeno-export-" + disk.Drive,
                ["node-name"] = nodeName,
                ["name"] = disk.Drive,
                ["writable"] = true,
            }, t), cancel);
        }
        File.Move(building, socket);
    }

    /// <summary>The copy is complete (QEMU's stream ends after the mirrors): no more NBD clients.</summary>
    public static Task StopExportAsync(Domain d, QemuInstance q, CancellationToken cancel) =>
        QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("nbd-server-stop", null, t), cancel);
}
