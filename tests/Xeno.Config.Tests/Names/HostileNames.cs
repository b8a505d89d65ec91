using System.Text;

namespace Xeno.Config.Tests.Names;

/// <summary>
/// Random strings aimed at host paths and xenstore: path tricks, control characters, lone
/// surrogates, random UTF-8 bytes, look-alike slashes and lengths around the limits. Shared by the
/// name tests of Xeno.Config and Xeno.Engine (linked there).
/// </summary>
public sealed class HostileNames(int seed)
{
    private static readonly string[] Pieces =
    [
        "..", ".", "/", "../", "./", "//", "\\", "~", "-", "--", "%2e%2e", "%2F", "\0", "\n", "\r", "\t", " ",
        "\x1b[2J", "\x7f", "\u0085", "\u2028", "\u202e", "\u200b", "\uff0f", "\u2215", "\ud800", "\udc00",
        "\ud83d\ude00", "e\u0301", "Domain-0", "0", "42", "web", "a:b", "a,b", "*", "?", "$(id)", "`x`", "'", "\"",
        ".log", ".log.10", "@", "/local/domain/0", "tmp", "evil", "ü", "漢字",
    ];

    private readonly Random _random = new(seed);

    public string Next()
    {
        return _random.Next(6) switch
        {
            0 => RandomUtf8Bytes(),
            1 => RandomChars(),
            2 => Long(),
            _ => Assembled(),
        };
    }

    private string Assembled()
    {
        var sb = new StringBuilder();
        int parts = 1 + _random.Next(5);
        for (int i = 0; i < parts; i++) sb.Append(Pieces[_random.Next(Pieces.Length)]);
        return sb.ToString();
    }

    private string RandomUtf8Bytes()
    {
        var bytes = new byte[_random.Next(1, 40)];
        _random.NextBytes(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Any UTF-16 code units, lone surrogates included.</summary>
    private string RandomChars()
    {
        var chars = new char[_random.Next(1, 30)];
        for (int i = 0; i < chars.Length; i++)
            chars[i] = _random.Next(3) == 0 ? (char)_random.Next(0, 0x80) : (char)_random.Next(0, 0x10000);
        return new string(chars);
    }

    /// <summary>Lengths around the limits, in one-, two-, three- and four-byte characters.</summary>
    private string Long()
    {
        string unit = _random.Next(4) switch { 0 => "a", 1 => "é", 2 => "漢", _ => "\ud83d\ude00" };
        int count = _random.Next(1, 300);
        return string.Concat(Enumerable.Repeat(unit, count));
    }
}
