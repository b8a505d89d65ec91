using System.Globalization;
using Xeno.Engine.Bench;

namespace Xeno.Network.Bench;

/// <summary>The networking benchmark (<see cref="NetworkBench"/>): writes its markdown section to --out.</summary>
internal static class Program
{
    private const string Usage = "usage: Xeno.Network.Bench --out FILE.md [--quick] [--runs N]\n";

    private static async Task<int> Main(string[] args)
    {
        string? outFile = null;
        bool quick = false;
        int runs = 3;
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
        var md = await new NetworkBench(GuestKit.Build(), runs, quick).RunAsync();
        await File.WriteAllTextAsync(outFile, md);
        Console.Write(md);
        return 0;
    }
}
