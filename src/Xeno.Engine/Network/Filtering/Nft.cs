namespace Xeno.Engine.Network.Filtering;

/// <summary>nftables through the nft tool: scripts go in on stdin (<c>nft -f -</c>), so each is
/// one atomic transaction, all of it applied or none.</summary>
internal static class Nft
{
    public const string Tool = "nft";

    public static Task ApplyAsync(string script, CancellationToken cancel = default) =>
        HostCommandRunner.Instance.CheckAsync([Tool, "-f", "-"], script, cancel);

    /// <summary>"family name" of every table on the host (<c>nft list tables</c>).</summary>
    public static async Task<IReadOnlyList<string>> TablesAsync(CancellationToken cancel = default) =>
        (await HostCommandRunner.Instance.CheckAsync([Tool, "list", "tables"], cancel: cancel).ConfigureAwait(false))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("table ", StringComparison.Ordinal))
            .Select(l => l["table ".Length..])
            .ToList();
}
