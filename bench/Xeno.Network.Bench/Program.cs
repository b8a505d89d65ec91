using System.Globalization;
using Xeno.Engine.Bench;

namespace Xeno.Network.Bench;

/// <summary>The networking benchmark (<see cref="NetworkBench"/>): writes its markdown section to --out.</summary>
internal static class Program
{
    private const string Usage = "usage: Xeno.Network.Bench --out FILE.md [--quick] [--runs N] [--only PART,...]\n" +
        "  PART: host (guest-to-host throughput, NIC models, network-attach latency), guest (guest to guest),\n" +
        "        vifcost (xenod's own cost per vif, in process), create (xl create time per vif); default: all\n";

    private static async Task<int> Main(string[] args)
    {
        string? outFile = null;
        bool quick = false;
        int runs = 3;
        var parts = new HashSet<string>(NetworkBench.Parts, StringComparer.Ordinal);
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--out": outFile = Value(); break;
                    case "--quick": quick = true; break;
                    case "--runs": runs = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture); break;
                    case "--only":
                        parts = new HashSet<string>(Value().Split(',', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
                        if (parts.Count == 0 || !parts.IsSubsetOf(NetworkBench.Parts))
                            throw new FormatException($"--only: unknown part \"{string.Join(',', parts.Except(NetworkBench.Parts))}\" (parts: {string.Join(", ", NetworkBench.Parts)})");
                        break;
                    default: throw new FormatException($"unknown argument {args[i]}");
                }
            }
        }
        catch (FormatException e)
        {
            Console.Error.Write($"{e.Message}\n{Usage}");
            return 2;
        }
        if (outFile is null || runs < 1)
        {
            Console.Error.Write(Usage);
            return 2;
        }
        if (quick) runs = 1;
        var md = await new NetworkBench(GuestKit.Build(), runs, quick, parts).RunAsync();
        await File.WriteAllTextAsync(outFile, md);
        Console.Write(md);
        return 0;
    }
}
