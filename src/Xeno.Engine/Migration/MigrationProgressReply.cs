using System.Text.Json;
using Xeno.Api.Contracts;

namespace Xeno.Engine.Migration;

/// <summary>
/// Reads QMP query-migrate's answer into the progress xl shows. Pure: QEMU's reply is
/// untrusted input, so a missing or mistyped field reads as 0 (status "none"), never an error.
/// </summary>
internal static class MigrationProgressReply
{
    public static MigrationProgress Read(JsonElement reply)
    {
        var (status, _) = QemuMigration.Status(reply);
        var ram = reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty("ram", out var r) && r.ValueKind == JsonValueKind.Object ? r : default;
        return new MigrationProgress
        {
            Status = status,
            TransferredBytes = Long(ram, "transferred"),
            RemainingBytes = Long(ram, "remaining"),
            TotalBytes = Long(ram, "total"),
            DirtyPagesRate = Long(ram, "dirty-pages-rate"),
            Mbps = ram.ValueKind == JsonValueKind.Object && ram.TryGetProperty("mbps", out var m) && m.ValueKind == JsonValueKind.Number
                   && m.TryGetDouble(out double mbps) && double.IsFinite(mbps) ? mbps : 0,
            Iteration = Long(ram, "dirty-sync-count"),
            ExpectedDowntimeMs = Long(reply, "expected-downtime"),
        };
    }

    private static long Long(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n : 0;
}
