using System.Globalization;
using System.Text;

namespace Xeno.Cli.Commands.Scheduling;

/// <summary>One cpupool as `xl cpupool-list` shows it.</summary>
public sealed record CpupoolRow(string Name, IReadOnlyList<int> Cpus, string Scheduler, int Domains);

/// <summary>
/// `xl cpupool-list`'s text, in xl_cpupool.c's formats: "Name" padded to 19 columns, then
/// "CPUs   Sched     Active   Domain count" (rows "%3d %9s       y       %4d") or, with -c,
/// "CPU list" (rows: the pool's CPUs joined by commas). Pure.
/// </summary>
public static class CpupoolText
{
    public const string Pool0 = "Pool-0";

    public static string List(IEnumerable<CpupoolRow> pools, bool cpuList)
    {
        var o = new StringBuilder();
        o.Append(CultureInfo.InvariantCulture, $"{"Name",-19}");
        o.Append(cpuList ? "CPU list\n" : "CPUs   Sched     Active   Domain count\n");
        foreach (var p in pools)
        {
            o.Append(CultureInfo.InvariantCulture, $"{p.Name,-19}");
            if (cpuList)
                o.AppendJoin(',', p.Cpus.Select(c => c.ToString(CultureInfo.InvariantCulture)));
            else
                o.Append(CultureInfo.InvariantCulture, $"{p.Cpus.Count,3} {p.Scheduler,9}       y       {p.Domains,4}");
            o.Append('\n');
        }
        return o.ToString();
    }

    /// <summary>libxl_cpupool_qualifier_to_cpupoolid over Xeno's one pool: its name or its id 0.</summary>
    public static bool IsPool0Qualifier(string qualifier) =>
        qualifier == Pool0 || (qualifier.Length > 0 && qualifier.All(char.IsAsciiDigit) && qualifier.TrimStart('0').Length == 0);
}
