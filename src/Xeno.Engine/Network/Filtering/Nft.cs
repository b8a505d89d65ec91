namespace Xeno.Engine.Network.Filtering;

/// <summary>nftables through the nft tool: scripts go in on stdin (<c>nft -f -</c>), so each is
/// one atomic transaction, all of it applied or none.</summary>
internal static class Nft
{
    public const string Tool = "nft";

    public static void Apply(string script) => PolicyCommand.Check(Tool, ["-f", "-"], script);

    /// <summary>"family name" of every table on the host (<c>nft list tables</c>).</summary>
    public static IReadOnlyList<string> Tables() =>
        PolicyCommand.Check(Tool, ["list", "tables"])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("table ", StringComparison.Ordinal))
            .Select(l => l["table ".Length..])
            .ToList();
}
