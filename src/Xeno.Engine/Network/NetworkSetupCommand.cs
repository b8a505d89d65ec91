using Xeno.Network.Host;
using Xeno.Network.Planning;

namespace Xeno.Engine.Network;

/// <summary><c>xenod network-setup --bridge NAME [--uplink DEV] [--address CIDR]</c>: a bridge for a test host (docs/network.md).</summary>
public static class NetworkSetupCommand
{
    public const string Usage =
        """
        xenod network-setup --bridge NAME [--uplink DEV] [--address CIDR]
          --bridge NAME     the bridge to create (nothing happens if it exists)
          --uplink DEV      a NIC without addresses to make the bridge's port
          --address CIDR    an IPv4 address for the bridge, e.g. 192.168.50.1/24

        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? bridge = null, uplink = null, address = null;
        for (int i = 0; i < args.Length; i++)
        {
            string? Value() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--bridge": bridge = Value(); break;
                case "--uplink": uplink = Value(); break;
                case "--address": address = Value(); break;
                default:
                    stderr.Write($"xenod network-setup: unknown argument '{args[i]}'\n{Usage}");
                    return 1;
            }
        }
        if (bridge is null)
        {
            stderr.Write($"xenod network-setup: --bridge is required\n{Usage}");
            return 1;
        }
        IReadOnlyList<HostAction> actions;
        try
        {
            actions = BridgeSetup.For(bridge, uplink, address, HostFactsReader.Read());
        }
        catch (VifPlanException e)
        {
            stderr.WriteLine($"xenod network-setup: {e.Message}");
            return 1;
        }
        var done = new List<HostAction>();
        foreach (var action in actions)
        {
            try
            {
                await HostCommandRunner.Instance.CheckAsync(action.Command);
                stdout.WriteLine(action);
                done.Add(action);
            }
            catch (HostCommandException e)
            {
                stderr.WriteLine($"xenod network-setup: {e.Message}");
                foreach (var undo in done.Select(a => a.Undo).OfType<IReadOnlyList<string>>().Reverse())
                {
                    try { await HostCommandRunner.Instance.CheckAsync(undo); } catch (HostCommandException) { }
                }
                return 1;
            }
        }
        return 0;
    }
}
