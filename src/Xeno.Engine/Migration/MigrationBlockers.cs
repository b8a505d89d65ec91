using System.Text.Json;

namespace Xeno.Engine.Migration;

/// <summary>
/// QEMU's own list of what keeps a guest from migrating (query-migrate's "blocked-reasons",
/// QEMU 6.0 on: one text per device or feature that registered a migration blocker). Asked
/// before the receiver is started, so such a guest is refused before anything moves or stops.
/// None of the devices of Xeno's machine model registers one (docs/migration.md).
/// </summary>
internal static class MigrationBlockers
{
    public static IReadOnlyList<string> Read(JsonElement reply)
    {
        if (reply.ValueKind != JsonValueKind.Object || !reply.TryGetProperty("blocked-reasons", out var reasons) ||
            reasons.ValueKind != JsonValueKind.Array)
            return [];
        return [.. reasons.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(Text).Where(r => r.Length > 0)];
    }

    /// <summary>
    /// The reason's text; one that does not decode (a lone surrogate escape) still blocks, and is
    /// shown as QEMU wrote it.
    /// </summary>
    private static string Text(JsonElement reason)
    {
        try
        {
            return reason.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return reason.GetRawText();
        }
    }

    /// <summary>The refusal xl migrate prints, or null when QEMU names no blocker.</summary>
    public static string? Refusal(int domid, string name, IReadOnlyList<string> reasons) =>
        reasons.Count == 0 ? null : $"Domain {domid} ({name}) cannot be migrated: QEMU refuses: {string.Join("; ", reasons)}";
}
