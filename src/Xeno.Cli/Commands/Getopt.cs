namespace Xeno.Cli.Commands;

/// <summary>A long option of a command: its name, whether it takes an argument, and the short letter it maps to.</summary>
public sealed record LongOption(string Name, bool HasArgument, char Short);

/// <summary>
/// GNU getopt_long as xl's commands use it: options and operands may be mixed (operands are
/// collected in order), "--" ends options, short options bundle ("-pc"), an option argument is
/// attached ("-fFILE") or the next word, long options take "--name=value" or "--name value"
/// and may be abbreviated to an unambiguous prefix.
/// </summary>
public sealed class Getopt
{
    private readonly string _shortSpec;
    private readonly IReadOnlyList<LongOption> _longs;

    public Getopt(string shortSpec, IReadOnlyList<LongOption> longs)
    {
        _shortSpec = shortSpec;
        _longs = longs;
    }

    public sealed record Parsed(IReadOnlyList<(char Option, string? Argument)> Options, IReadOnlyList<string> Operands);

    /// <summary>Parses <paramref name="args"/>; on an unknown option or missing argument returns the offending letter.</summary>
    public Parsed Parse(IReadOnlyList<string> args, out char? bad)
    {
        bad = null;
        var options = new List<(char, string?)>();
        var operands = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                operands.AddRange(args.Skip(i + 1));
                break;
            }
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                var body = a[2..];
                var eq = body.IndexOf('=');
                var name = eq < 0 ? body : body[..eq];
                var matches = _longs.Where(l => l.Name.StartsWith(name, StringComparison.Ordinal)).ToList();
                var exact = matches.FirstOrDefault(l => l.Name == name);
                var opt = exact ?? (matches.Count == 1 ? matches[0] : null);
                if (opt is null)
                {
                    bad = '\0';
                    return new Parsed(options, operands);
                }
                string? arg = null;
                if (opt.HasArgument)
                {
                    if (eq >= 0) arg = body[(eq + 1)..];
                    else if (i + 1 < args.Count) arg = args[++i];
                    else
                    {
                        bad = opt.Short;
                        return new Parsed(options, operands);
                    }
                }
                options.Add((opt.Short, arg));
                continue;
            }
            if (a.Length > 1 && a[0] == '-')
            {
                for (int j = 1; j < a.Length; j++)
                {
                    var c = a[j];
                    var at = _shortSpec.IndexOf(c);
                    if (at < 0 || c == ':')
                    {
                        bad = c;
                        return new Parsed(options, operands);
                    }
                    bool takesArg = at + 1 < _shortSpec.Length && _shortSpec[at + 1] == ':';
                    if (!takesArg)
                    {
                        options.Add((c, null));
                        continue;
                    }
                    if (j + 1 < a.Length)
                    {
                        options.Add((c, a[(j + 1)..]));
                    }
                    else if (i + 1 < args.Count)
                    {
                        options.Add((c, args[++i]));
                    }
                    else
                    {
                        bad = c;
                        return new Parsed(options, operands);
                    }
                    break;
                }
                continue;
            }
            operands.Add(a);
        }
        return new Parsed(options, operands);
    }
}
