using System.Text;
using Xeno.Engine.Migration;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Tests.Unit.Migration;

/// <summary>
/// query-migrate's reply comes from QEMU, read as the QMP client reads it: random and mutated
/// replies (wrong types, deep nesting, huge strings, escapes that decode to nothing valid) give a
/// list of non-empty texts, never an exception.
/// </summary>
public sealed class MigrationBlockersTests
{
    private static readonly string[] Names = ["blocked-reasons", "status", "ram", "Blocked-reasons", "blocked_reasons", ""];

    private static readonly string[] Strings =
    [
        "\"VFIO device doesn't support migration\"", "\"\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud83d\\ude00\"", "\"a\\u0000b\"",
        "\"\\n\\t\\\"\"", "\"\\u001b[31m\"", "\"é\"",
    ];

    private static string Value(Random random, int depth) => random.Next(depth > 3 ? 4 : 9) switch
    {
        0 => Strings[random.Next(Strings.Length)],
        1 => new[] { "null", "true", "0", "-1e400", "1.5" }[random.Next(5)],
        2 => "\"" + new string('x', random.Next(60) == 0 ? random.Next(100_000, 1_000_000) : random.Next(100)) + "\"",
        3 => "\"" + Escaped(random) + "\"",
        4 or 5 => "[" + string.Join(",", Enumerable.Range(0, random.Next(5)).Select(_ => Value(random, depth + 1))) + "]",
        6 => Nested(random, depth),
        _ => Object(random, depth + 1),
    };

    /// <summary>A value deep inside arrays and objects, around the QMP client's depth limit (64).</summary>
    private static string Nested(Random random, int depth)
    {
        int levels = random.Next(40, 80);
        var open = string.Concat(Enumerable.Range(0, levels).Select(n => n % 2 == 0 ? "[" : "{\"blocked-reasons\":"));
        var close = string.Concat(Enumerable.Range(0, levels).Reverse().Select(n => n % 2 == 0 ? "]" : "}"));
        return open + Value(random, depth + 4) + close;
    }

    /// <summary>A JSON string body of random \u escapes and characters, surrogates included.</summary>
    private static string Escaped(Random random) =>
        string.Concat(Enumerable.Range(0, random.Next(12)).Select(_ => random.Next(3) == 0 ? ((char)random.Next(0x20, 0x7f)).ToString().Replace("\\", "\\\\").Replace("\"", "\\\"") : $"\\u{random.Next(0x10000):x4}"));

    private static string Object(Random random, int depth) =>
        "{" + string.Join(",", Enumerable.Range(0, random.Next(5)).Select(_ => $"\"{Names[random.Next(Names.Length)]}\":{Value(random, depth)}")) + "}";

    private static string Mutate(Random random, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text).ToList();
        for (int n = random.Next(1, 4); n > 0 && bytes.Count > 0; n--)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(3))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes.RemoveAt(at); break;
                default: bytes.Insert(at, "[]{}\",:\\u"u8[random.Next(9)]); break;
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>Found by the random replies: a reason with a lone surrogate escape threw instead of blocking.</summary>
    [Fact]
    public void AReasonThatDoesNotDecodeStillBlocksAsQemuWroteIt()
    {
        var reply = Assert.IsType<QmpReturn>(QmpMessageParser.Parse("{\"return\":{\"blocked-reasons\":[\"\\udc00x\",\"ok\"]}}"u8)).Value;
        Assert.Equal(["\"\\udc00x\"", "ok"], MigrationBlockers.Read(reply));
    }

    [Fact]
    public void RandomRepliesGiveNonEmptyReasonsOrNone()
    {
        const int seed = 7070;
        var random = new Random(seed);
        int read = 0;
        for (int i = 0; i < 3000; i++)
        {
            var reply = random.Next(4) == 0 ? Value(random, 0) : Object(random, 0);
            if (random.Next(4) == 0) reply = Mutate(random, reply);
            QmpMessage message;
            try
            {
                message = QmpMessageParser.Parse(Encoding.UTF8.GetBytes($"{{\"return\":{reply}}}"));
            }
            catch (QmpProtocolException)
            {
                continue; // refused by the QMP client before it gets here
            }
            var value = Assert.IsType<QmpReturn>(message).Value;
            IReadOnlyList<string> reasons;
            try
            {
                reasons = MigrationBlockers.Read(value);
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed} case {i}: {e.GetType().Name}: {e.Message}\n{reply[..Math.Min(reply.Length, 2000)]}");
                throw;
            }
            Assert.All(reasons, r => Assert.NotEmpty(r));
            Assert.Equal(reasons.Count == 0, MigrationBlockers.Refusal(1, "a", reasons) is null);
            read++;
        }
        Assert.True(read > 1500, $"only {read} replies got past the QMP client");
    }
}
