using System.Text;

namespace Xeno.Config.Tests.Language;

/// <summary>Random xl.cfg texts: mostly well-formed, with the constructs and quirks of the language, plus mutations.</summary>
internal sealed class ConfigGenerator
{
    private static readonly string[] Keys = ["a", "b", "name", "memory", "vif", "disk", "x.y", "k_1", "on_crash", "cpus"];
    private static readonly string[] Numbers =
        ["0", "1", "42", "007", "08", "0x1f", "0x", "0xfff", "9223372036854775807", "9223372036854775808",
         "99999999999999999999", "0x8000000000000000", "1x2", "12ab", "0777", "256", "0"];
    private static readonly string[] StringBodies =
        ["", "hvm", "x y", "phy:/dev/vg/d,xvda,w", "bridge=xenbr0,mac=00:16:3e:00:00:01", "0x10", " 12", "-3", "+5",
         "12 ", "1e3", "été", "a\\tb", "q\\\"q", "s\\'s", "\\\\", "\\n\\r\\a\\b\\f\\v", "\\0123", "\\12", "\\1",
         "\\x41", "\\q", "tab\there", "\\0 12", "\\1-5", "#not comment", "[1,2]", "a;b", "\\"];
    private const string MutationAlphabet = "abcxyzAZ0129_.=+-[],;#'\"\\ \t\n\r():$%&*é\0";

    private readonly Random _random;

    public ConfigGenerator(int seed) => _random = new Random(seed);

    public string Next()
    {
        var text = Document();
        return _random.Next(3) == 0 ? Mutate(text) : text;
    }

    public string Document()
    {
        var sb = new StringBuilder();
        int statements = _random.Next(0, 8);
        for (int i = 0; i < statements; i++)
        {
            switch (_random.Next(12))
            {
                case 0: sb.Append('\n'); break;
                case 1: sb.Append("# comment ").Append(_random.Next(100)).Append('\n'); break;
                case 2: sb.Append(';'); break;
                default:
                    sb.Append(Pick(Keys)).Append(Spaces()).Append(_random.Next(4) == 0 ? "+=" : "=").Append(Spaces());
                    Value(sb, 0);
                    sb.Append(Spaces());
                    if (_random.Next(6) == 0) sb.Append("# trailing");
                    sb.Append(_random.Next(8) switch { 0 => ";", 1 => "\r\n", _ => "\n" });
                    break;
            }
        }
        // Sometimes drop the final newline.
        if (sb.Length > 0 && sb[^1] == '\n' && _random.Next(5) == 0) sb.Length--;
        return sb.ToString();
    }

    private static readonly string[] TokenPieces =
        ["a", "b", "x.y", "1", "0x2", "'s'", "\"t\"", "'\\q'", "'\\012'", "=", "+=", "[", "]", ",", ";", "\n", "\n",
         "# c\n", " ", "\t", "$", "(", ")", "-", ":", "é", "'open", "#", "\r", "A", "0xF"];

    /// <summary>A random sequence of tokens: reaches the parser's error states and recovery paths.</summary>
    public string Tokens()
    {
        var sb = new StringBuilder();
        int n = _random.Next(1, 25);
        for (int i = 0; i < n; i++)
        {
            sb.Append(Pick(TokenPieces));
            if (_random.Next(3) == 0) sb.Append(' ');
        }
        return sb.ToString();
    }

    public string Mutate(string text)
    {
        var sb = new StringBuilder(text);
        int edits = _random.Next(1, 4);
        for (int i = 0; i < edits; i++)
        {
            int pos = sb.Length == 0 ? 0 : _random.Next(sb.Length + 1);
            char c = MutationAlphabet[_random.Next(MutationAlphabet.Length)];
            switch (_random.Next(3))
            {
                case 0: sb.Insert(pos, c); break;
                case 1 when pos < sb.Length: sb.Remove(pos, 1); break;
                default:
                    if (pos < sb.Length) sb[pos] = c;
                    else sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    private void Value(StringBuilder sb, int depth)
    {
        int kind = _random.Next(depth > 3 ? 6 : 8);
        switch (kind)
        {
            case 0 or 1 or 2:
                sb.Append(Pick(Numbers));
                break;
            case 3 or 4 or 5:
            {
                char q = _random.Next(2) == 0 ? '"' : '\'';
                var body = Pick(StringBodies);
                if (body.Contains(q)) body = body.Replace(q.ToString(), "\\" + q);
                sb.Append(q).Append(body).Append(q);
                break;
            }
            default:
            {
                sb.Append('[').Append(Newlines());
                int n = _random.Next(0, 4);
                for (int i = 0; i < n; i++)
                {
                    if (i > 0) sb.Append(',').Append(Newlines()).Append(Spaces());
                    Value(sb, depth + 1);
                    sb.Append(Newlines());
                }
                if (n > 0 && _random.Next(3) == 0) sb.Append(',').Append(Newlines());
                sb.Append(']');
                break;
            }
        }
    }

    private string Spaces() => _random.Next(4) switch { 0 => "", 1 => " ", 2 => "\t", _ => "  " };

    private string Newlines() => _random.Next(5) switch { 0 => "\n", 1 => " # c\n  ", _ => "" };

    private string Pick(string[] options) => options[_random.Next(options.Length)];
}
