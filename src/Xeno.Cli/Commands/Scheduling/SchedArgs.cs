using System.Globalization;

namespace Xeno.Cli.Commands.Scheduling;

/// <summary>
/// What `xl sched-credit` / `sched-credit2` were asked, as xl's main_sched_credit{,2} read it:
/// numbers with strtol (leading digits count, none is 0), -1 meaning libxl's "leave as is".
/// </summary>
public sealed record SchedArgs
{
    public string? Domain { get; init; }
    public string? Pool { get; init; }
    public int? Weight { get; init; }
    public int? Cap { get; init; }
    public bool SchedParam { get; init; }
    public int? TsliceMs { get; init; }
    public int? RatelimitUs { get; init; }
    public int? MigrationDelayUs { get; init; }

    /// <summary>From getopt's options (letters as xl's: d w c s t r m p).</summary>
    public static SchedArgs From(IEnumerable<(char Option, string? Argument)> options)
    {
        var a = new SchedArgs();
        foreach (var (o, arg) in options)
        {
            a = o switch
            {
                'd' => a with { Domain = arg },
                'p' => a with { Pool = arg },
                'w' => a with { Weight = Strtol(arg!) },
                'c' => a with { Cap = Strtol(arg!) },
                's' => a with { SchedParam = true },
                't' => a with { TsliceMs = Strtol(arg!) },
                'r' => a with { RatelimitUs = Strtol(arg!) },
                'm' => a with { MigrationDelayUs = Strtol(arg!) },
                _ => a,
            };
        }
        return a;
    }

    /// <summary>
    /// xl's refusals before anything is asked (texts and order of xl_sched.c); null when fine.
    /// credit2 has no -t/-m and its cpupool rule names "other options".
    /// </summary>
    public string? Problem(bool credit2)
    {
        bool domainOptions = Domain is not null || Weight is not null || Cap is not null;
        if (credit2)
        {
            if (Pool is not null && domainOptions)
                return "Specifying a cpupool is not allowed with other options.";
        }
        else if ((Pool is not null || SchedParam) && domainOptions)
            return "Specifying a cpupool or schedparam is not allowed with domain options.";
        if (Domain is null && (Weight is not null || Cap is not null))
            return "Must specify a domain.";
        if (!credit2 && !SchedParam && (TsliceMs is not null || RatelimitUs is not null || MigrationDelayUs is not null))
            return "Must specify schedparam to set schedule parameter values.";
        return null;
    }

    /// <summary>C's strtol(s, NULL, 10) stored in an int: leading blanks and a sign, then digits; no digits is 0.</summary>
    public static int Strtol(string s)
    {
        int i = 0;
        while (i < s.Length && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) i++;
        bool negative = false;
        if (i < s.Length && (s[i] == '+' || s[i] == '-')) { negative = s[i] == '-'; i++; }
        long v = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
            v = v > (long.MaxValue - 9) / 10 ? long.MaxValue : v * 10 + (s[i] - '0');
        if (negative) v = v == long.MaxValue ? long.MinValue : -v;
        return unchecked((int)v); // the int the C code keeps
    }
}

/// <summary>xl's text for the credit schedulers (xl_sched.c's printf formats).</summary>
public static class SchedText
{
    public static string Header => Row("Name", "ID", "Weight", "Cap");

    public static string Domain(string name, int domid, int weight, int cap) =>
        Row(name, domid.ToString(CultureInfo.InvariantCulture), weight.ToString(CultureInfo.InvariantCulture), cap.ToString(CultureInfo.InvariantCulture));

    public static string CreditPool(string pool, int tsliceMs, int ratelimitUs, int migrationDelayUs) =>
        string.Create(CultureInfo.InvariantCulture, $"Cpupool {pool}: tslice={tsliceMs}ms ratelimit={ratelimitUs}us migration-delay={migrationDelayUs}us\n");

    public static string Credit2Pool(string pool, int ratelimitUs) =>
        string.Create(CultureInfo.InvariantCulture, $"Cpupool {pool}: ratelimit={ratelimitUs}us\n");

    public static string Unavailable(string pool) => $"Cpupool {pool}: [sched params unavailable]\n";

    // %-33s %4s %6s %4s: C pads and never truncates, as PadLeft/PadRight do.
    private static string Row(string name, string id, string weight, string cap) =>
        $"{name.PadRight(33)} {id.PadLeft(4)} {weight.PadLeft(6)} {cap.PadLeft(4)}\n";
}
