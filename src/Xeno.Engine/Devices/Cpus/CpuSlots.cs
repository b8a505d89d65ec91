using System.Text.Json;
using System.Text.Json.Nodes;

namespace Xeno.Engine.Devices.Cpus;

/// <summary>
/// One socket/core/thread position of QMP query-hotpluggable-cpus: the CPU device type that fits
/// it, the properties that name it (passed back unchanged to device_add) and, when a CPU is
/// plugged there, its QOM path (what device_del takes for CPUs that were never given an id).
/// </summary>
public sealed record CpuSlot(string Type, IReadOnlyList<KeyValuePair<string, long>> Props, string? QomPath)
{
    public bool Present => QomPath is not null;

    /// <summary>device_add's arguments for this slot under <paramref name="id"/>.</summary>
    public JsonObject DeviceAddArguments(string id)
    {
        var args = new JsonObject { ["driver"] = Type, ["id"] = id };
        foreach (var (k, v) in Props)
            args[k] = v;
        return args;
    }

    /// <summary>Sort key: x86 numbers CPUs socket, die, core, thread (the vCPU index order).</summary>
    internal long Order(string prop) => Props.FirstOrDefault(p => p.Key == prop).Value;
}

/// <summary>Reads query-hotpluggable-cpus' answer (untrusted: wrong shapes are refused with a clear error).</summary>
public static class CpuSlots
{
    public static IReadOnlyList<CpuSlot> Read(JsonElement reply)
    {
        if (reply.ValueKind != JsonValueKind.Array)
            throw new FormatException("query-hotpluggable-cpus did not answer a list");
        var slots = new List<CpuSlot>();
        foreach (var e in reply.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object
                || !e.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                || !e.TryGetProperty("props", out var props) || props.ValueKind != JsonValueKind.Object)
                throw new FormatException("query-hotpluggable-cpus: an entry without type or props");
            var list = new List<KeyValuePair<string, long>>();
            foreach (var p in props.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt64(out long n) || n < 0)
                    throw new FormatException($"query-hotpluggable-cpus: property {p.Name} is not a CPU number");
                list.Add(new(p.Name, n));
            }
            string? qom = e.TryGetProperty("qom-path", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString() : null;
            slots.Add(new CpuSlot(type.GetString()!, list, qom));
        }
        return [.. slots.OrderBy(s => s.Order("socket-id")).ThenBy(s => s.Order("die-id")).ThenBy(s => s.Order("core-id")).ThenBy(s => s.Order("thread-id"))];
    }

    /// <summary>
    /// What to do to have <paramref name="target"/> CPUs: the empty slots to fill (lowest first)
    /// or the plugged ones to remove (highest first, as Xen takes the highest vCPUs away; the
    /// boot CPU is never among them since target is at least 1).
    /// </summary>
    public static (IReadOnlyList<CpuSlot> Add, IReadOnlyList<CpuSlot> Remove) Plan(IReadOnlyList<CpuSlot> slots, int target)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(target, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(target, slots.Count);
        int present = slots.Count(s => s.Present);
        if (target > present)
            return ([.. slots.Where(s => !s.Present).Take(target - present)], []);
        return ([], [.. slots.Where(s => s.Present).Reverse().Take(present - target)]);
    }
}
