using System.Text.Json.Nodes;

namespace Xeno.Engine.Network;

/// <summary>
/// What a domain changed on the host for its vifs: the taps it owns and, in the order they were
/// made, the commands that undo the changes (run in reverse at destroy). Kept in the domain's
/// runtime record, so a restarted xenod re-adopts them (nothing made twice) or, when the domain's
/// QEMU vanished meanwhile, removes them.
/// </summary>
internal sealed record HostNetworkEffects(IReadOnlyList<string> Taps, IReadOnlyList<IReadOnlyList<string>> Undo)
{
    public static HostNetworkEffects Empty { get; } = new([], []);

    public bool IsEmpty => Taps.Count == 0 && Undo.Count == 0;

    public JsonObject ToJson() => new()
    {
        ["taps"] = new JsonArray(Taps.Select(t => (JsonNode?)t).ToArray()),
        ["undo"] = new JsonArray(Undo.Select(u => (JsonNode?)new JsonArray(u.Select(a => (JsonNode?)a).ToArray())).ToArray()),
    };

    /// <summary>Reads the record's "network" object (null: a record of an older xenod, no effects).</summary>
    public static HostNetworkEffects FromJson(JsonNode? node)
    {
        if (node is null)
            return Empty;
        var o = node.AsObject();
        var taps = o["taps"]!.AsArray().Select(t => (string)t!).ToList();
        var undo = o["undo"]!.AsArray().Select(u => (IReadOnlyList<string>)u!.AsArray().Select(a => (string)a!).ToList()).ToList();
        foreach (var command in undo)
            CheckUndo(command);
        return new HostNetworkEffects(taps, undo);
    }

    /// <summary>The host tools Xeno's network actions use: the only programs an undo list may run.</summary>
    private static readonly string[] UndoTools = ["ip", "sysctl", "nft", "tc", "iptables", "ip6tables", "bridge"];

    /// <summary>Refuses an undo command that runs anything but <see cref="UndoTools"/> (a record read back is not trusted to).</summary>
    public static void CheckUndo(IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0 || !UndoTools.Contains(command[0], StringComparer.Ordinal))
            throw new InvalidDataException($"network command \"{string.Join(' ', command)}\" is not one of {string.Join(", ", UndoTools)}");
    }
}
