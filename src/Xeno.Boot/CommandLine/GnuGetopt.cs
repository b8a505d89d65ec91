namespace Xeno.Boot.CommandLine;

/// <summary>An option the command line does not allow (pygrub prints only its usage then).</summary>
public sealed class GetoptException(string message) : Exception(message);

/// <summary>
/// Python's getopt.gnu_getopt, which pygrub uses: options and operands may mix, "--" ends
/// options, long options may be abbreviated to a unique prefix, "--opt value" and
/// "--opt=value" both work, short options cluster ("-qn"). Shared by xeno-pygrub and xenod
/// (which reads bootloader_args as pygrub's command line).
/// </summary>
public static class GnuGetopt
{
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="shortOptions">Letters; a letter followed by ':' takes a value.</param>
    /// <param name="longOptions">Names; a name ending in '=' takes a value.</param>
    /// <exception cref="GetoptException">An unknown, ambiguous or incomplete option.</exception>
    public static (List<(string Option, string Value)> Options, List<string> Operands) Parse(
        IReadOnlyList<string> args, string shortOptions, IReadOnlyList<string> longOptions)
    {
        var options = new List<(string, string)>();
        var operands = new List<string>();
        int i = 0;
        while (i < args.Count)
        {
            var arg = args[i++];
            if (arg == "--") { operands.AddRange(args.Skip(i)); break; }
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var body = arg[2..];
                string name = body;
                string? value = null;
                int eq = body.IndexOf('=');
                if (eq >= 0) { name = body[..eq]; value = body[(eq + 1)..]; }
                var (hasValue, full) = MatchLong(name, longOptions);
                if (hasValue)
                {
                    if (value is null)
                    {
                        if (i >= args.Count) throw new GetoptException($"option --{full} requires argument");
                        value = args[i++];
                    }
                }
                else if (value is not null) throw new GetoptException($"option --{full} must not have an argument");
                options.Add(("--" + full, value ?? ""));
            }
            else if (arg.StartsWith('-') && arg != "-")
            {
                var letters = arg[1..];
                while (letters.Length > 0)
                {
                    char letter = letters[0];
                    letters = letters[1..];
                    if (ShortTakesValue(letter, shortOptions))
                    {
                        if (letters.Length == 0)
                        {
                            if (i >= args.Count) throw new GetoptException($"option -{letter} requires argument");
                            letters = args[i++];
                        }
                        options.Add(("-" + letter, letters));
                        letters = "";
                    }
                    else options.Add(("-" + letter, ""));
                }
            }
            else operands.Add(arg);
        }
        return (options, operands);
    }

    private static (bool HasValue, string Name) MatchLong(string name, IReadOnlyList<string> longOptions)
    {
        var candidates = longOptions.Where(o => o.StartsWith(name, StringComparison.Ordinal)).ToList();
        if (candidates.Count == 0) throw new GetoptException($"option --{name} not recognized");
        if (candidates.Contains(name)) return (false, name);
        if (candidates.Contains(name + "=")) return (true, name);
        if (candidates.Count > 1) throw new GetoptException($"option --{name} not a unique prefix");
        var only = candidates[0];
        return only.EndsWith('=') ? (true, only[..^1]) : (false, only);
    }

    private static bool ShortTakesValue(char letter, string shortOptions)
    {
        for (int i = 0; i < shortOptions.Length; i++)
            if (shortOptions[i] == letter && letter != ':')
                return i + 1 < shortOptions.Length && shortOptions[i + 1] == ':';
        throw new GetoptException($"option -{letter} not recognized");
    }
}
