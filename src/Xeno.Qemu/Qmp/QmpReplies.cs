using System.Text.Json;

namespace Xeno.Qemu.Qmp;

/// <summary>query-status: QEMU's run state ("running", "paused", "shutdown", "guest-panicked", ...).</summary>
public sealed record QmpStatus(string Status, bool Running);

/// <summary>query-cpus-fast: one vCPU and the host thread that runs it.</summary>
public sealed record QmpCpu(int Index, int ThreadId);

/// <summary>Typed views of command answers; a wrong shape is a protocol error, never a crash.</summary>
internal static class QmpReplies
{
    public static QmpStatus Status(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("running", out var running) || running.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw new QmpProtocolException($"query-status answer has no status/running: {value.GetRawText()}");
        }
        return new QmpStatus(status.GetString()!, running.GetBoolean());
    }

    public static IReadOnlyList<QmpCpu> Cpus(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw new QmpProtocolException($"query-cpus-fast answer is not an array: {value.GetRawText()}");
        var cpus = new List<QmpCpu>();
        foreach (var cpu in value.EnumerateArray())
        {
            if (cpu.ValueKind != JsonValueKind.Object
                || !TryGetInt(cpu, "cpu-index", out int i) || !TryGetInt(cpu, "thread-id", out int t))
            {
                throw new QmpProtocolException($"query-cpus-fast entry has no cpu-index/thread-id: {cpu.GetRawText()}");
            }
            cpus.Add(new QmpCpu(i, t));
        }
        return cpus;
    }

    public static long Balloon(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("actual", out var actual)
            || actual.ValueKind != JsonValueKind.Number || !actual.TryGetInt64(out long bytes) || bytes < 0)
        {
            throw new QmpProtocolException($"query-balloon answer has no actual size: {value.GetRawText()}");
        }
        return bytes;
    }

    private static bool TryGetInt(JsonElement obj, string name, out int value)
    {
        value = 0;
        return obj.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out value);
    }
}
