using System.Globalization;

namespace Xeno.Engine.Bench;

/// <summary>
/// A bench's command line read in order: each argument goes to the bench's own switch, which takes a value
/// or a number after it from here. Bad input (a missing value, a number that is not one, an unknown argument)
/// prints what is wrong and the usage. Shared by the benches (linked into the other bench projects).
/// </summary>
internal sealed class BenchArguments
{
    private readonly string[] _args;
    private int _at;

    private BenchArguments(string[] args) => _args = args;

    /// <summary>Hands each argument to <paramref name="option"/>; false, after printing the error and <paramref name="usage"/>, when one is bad.</summary>
    public static bool TryRead(string[] args, string usage, Action<string, BenchArguments> option)
    {
        var reader = new BenchArguments(args);
        try
        {
            for (; reader._at < args.Length; reader._at++)
                option(args[reader._at], reader);
            return true;
        }
        catch (FormatException e)
        {
            Console.Error.Write($"{e.Message}\n{usage}");
            return false;
        }
    }

    /// <summary>The argument after the current one.</summary>
    public string Value() => _at + 1 < _args.Length ? _args[++_at] : throw new FormatException($"{_args[_at]} needs a value");

    /// <summary>The argument after the current one, a whole number.</summary>
    public int Number() => int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>For the switch's default: the current argument is none of the bench's.</summary>
    public FormatException Unknown() => new($"unknown argument {_args[_at]}");
}
