using System.Globalization;
using System.Text.Json.Nodes;
using Xeno.Engine.Domains;
using Xeno.Engine.Domains.Supervision;
using Xeno.Qemu.Interop;
using Xeno.Qemu.Processes;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Devices.Cpus;

/// <summary>
/// xl vcpu-set on QEMU: CPUs are plugged into the empty slots of -smp N,maxcpus=M with device_add
/// and taken away with device_del (an ACPI eject the guest kernel honours by taking the CPU
/// offline). Where Xen's guest brings a new vCPU online itself (its xenbus watch on
/// cpu/N/availability), a Linux guest leaves a hot-added CPU offline until told: the guest
/// agent's guest-set-vcpus does that. Runs under the domain's gate (its supervisor).
/// </summary>
internal sealed class VcpuHotplug(EngineContext context)
{
    /// <summary>How long a guest may take to release an unplugged CPU (ACPI eject under TCG, on a loaded host).</summary>
    public static readonly TimeSpan EjectTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Domains whose QEMU has had a CPU unplugged in this run. Under multi-threaded TCG, QEMU 7.2
    /// ended (abort) when a CPU was plugged again after an unplug (seen in Xeno's guest test), so
    /// such a plug is refused until the domain restarts. Known from the first unplug xenod made.
    /// </summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Domain, object> _unplugged = [];

    public async Task SetAsync(Domain d, QemuInstance q, int target, CancellationToken cancel)
    {
        var slots = await ReadSlotsAsync(d, q, cancel);
        var (add, remove) = CpuSlots.Plan(slots, target);
        if (add.Count > 0 && context.Accelerator.Accelerator == Xeno.Qemu.Acceleration.Accelerator.Tcg && _unplugged.TryGetValue(d, out _))
            throw new EngineException(EngineErrorKind.Failed,
                $"domain \"{d.Name}\": QEMU's multi-threaded TCG cannot plug a vCPU after one was unplugged in the same run (QEMU 7.2 aborts); " +
                $"{target} vCPUs need a restart of the domain");
        foreach (var slot in add)
        {
            int index = slots.ToList().IndexOf(slot);
            await Qmp(d, q, "device_add", slot.DeviceAddArguments(Invariant($"vcpu{index}")), cancel);
        }
        if (remove.Count > 0)
        {
            // Offline first through the agent (a clean hand-over); the eject does it otherwise.
            await TellGuestAsync(d, slots, remove, online: false, cancel);
            _unplugged.AddOrUpdate(d, true);
            foreach (var slot in remove)
                await Qmp(d, q, "device_del", new JsonObject { ["id"] = slot.QomPath }, cancel);
            await WaitForEjectAsync(d, q, remove, cancel);
        }
        await RereadThreadsAsync(d, q, cancel);
        if (add.Count > 0)
            await TellGuestAsync(d, slots, add, online: true, cancel);
        context.Log.Info($"Domain {d.Domid} ({d.Name}): {target} vCPU{(target == 1 ? "" : "s")} online " +
                         $"({(add.Count > 0 ? Invariant($"{add.Count} plugged") : Invariant($"{remove.Count} unplugged"))})");
    }

    private static async Task<IReadOnlyList<CpuSlot>> ReadSlotsAsync(Domain d, QemuInstance q, CancellationToken cancel)
    {
        var reply = await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("query-hotpluggable-cpus", null, t), cancel);
        try
        {
            return CpuSlots.Read(reply);
        }
        catch (FormatException e)
        {
            throw new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\": {e.Message}", e);
        }
    }

    private static async Task Qmp(Domain d, QemuInstance q, string command, JsonObject args, CancellationToken cancel)
    {
        try
        {
            await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync(command, args, t), cancel);
        }
        catch (QmpCommandException e)
        {
            throw new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\": QEMU refused {command}: {e.Message}", e);
        }
    }

    /// <summary>Polls until the removed slots are empty: QEMU frees a CPU only once the guest ejected it.</summary>
    private async Task WaitForEjectAsync(Domain d, QemuInstance q, IReadOnlyList<CpuSlot> removed, CancellationToken cancel)
    {
        var paths = removed.Select(s => s.QomPath).ToHashSet(StringComparer.Ordinal);
        var deadline = context.Time.GetUtcNow() + EjectTimeout;
        while (true)
        {
            var slots = await ReadSlotsAsync(d, q, cancel);
            if (!slots.Any(s => s.QomPath is { } p && paths.Contains(p)))
                return;
            if (context.Time.GetUtcNow() > deadline)
                throw new EngineException(EngineErrorKind.Failed,
                    $"domain \"{d.Name}\": the guest did not release its vCPU{(paths.Count == 1 ? "" : "s")} within {EjectTimeout.TotalSeconds:0} s (does its kernel support ACPI CPU hot-unplug?)");
            await Task.Delay(TimeSpan.FromMilliseconds(200), context.Time, cancel);
        }
    }

    /// <summary>The vCPU threads (and their hard affinity, which a new thread must get too) after a change.</summary>
    private static async Task RereadThreadsAsync(Domain d, QemuInstance q, CancellationToken cancel)
    {
        var cpus = await QmpCall.RunAsync(d, q, (c, t) => c.QueryCpusFastAsync(t), cancel);
        d.VcpuThreads = [.. cpus.OrderBy(c => c.Index).Select(c => c.ThreadId)];
        for (int i = 0; i < d.VcpuThreads.Count; i++)
        {
            if (d.Affinity.HardOf(i) is { } hard)
            {
                try
                {
                    CpuAffinity.Set(d.VcpuThreads[i], hard);
                }
                catch (CpuAffinityException)
                {
                    // The thread may be going away with its CPU; the next vcpu-pin sets it again.
                }
            }
        }
    }

    /// <summary>How long a guest may take to see a plugged CPU before the agent can bring it online.</summary>
    public static readonly TimeSpan OnlineTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// guest-set-vcpus for the changed CPUs (logical id = the slot's vCPU index). A CPU just
    /// plugged is refused until the guest has handled the ACPI insert, so onlining is retried
    /// until the agent accepts it. No agent: nothing to tell, the guest's kernel decides.
    /// </summary>
    private async Task TellGuestAsync(Domain d, IReadOnlyList<CpuSlot> slots, IReadOnlyList<CpuSlot> changed, bool online, CancellationToken cancel)
    {
        var list = new JsonArray();
        foreach (var s in changed)
            list.Add(new JsonObject { ["logical-id"] = slots.ToList().IndexOf(s), ["online"] = online });
        var command = new JsonObject { ["execute"] = "guest-set-vcpus", ["arguments"] = new JsonObject { ["vcpus"] = list } }.ToJsonString();
        var deadline = context.Time.GetUtcNow() + (online ? OnlineTimeout : TimeSpan.Zero);
        while (true)
        {
            var answer = await GuestAgent.TryExecuteAsync(d.Files.AgentSocket, command, awaitAnswer: true, context.Options.AgentTimeout, context.Time, cancel);
            if (answer is null)
            {
                context.Log.Info($"Domain {d.Domid}: no guest agent to bring vCPUs {(online ? "online" : "offline")}; the guest's kernel decides");
                return;
            }
            // guest-set-vcpus answers how many it changed; all of them, or an error to retry.
            if (answer.Contains(Invariant($"\"return\": {changed.Count}"), StringComparison.Ordinal)
                || answer.Contains(Invariant($"\"return\":{changed.Count}"), StringComparison.Ordinal))
                return;
            if (context.Time.GetUtcNow() > deadline)
            {
                context.Log.Info($"Domain {d.Domid}: the guest agent did not set vCPUs {(online ? "online" : "offline")}: {answer}");
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), context.Time, cancel);
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
