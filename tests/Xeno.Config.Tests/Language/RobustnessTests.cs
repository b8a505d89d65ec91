using System.Diagnostics;
using System.Text;
using Xeno.Config.Language;
using Xeno.Config.Tests.Language.Oracle;

namespace Xeno.Config.Tests.Language;

/// <summary>Hostile input: deep nesting, huge lines, NUL bytes, random bytes. Only values or our typed errors come out.</summary>
public sealed class RobustnessTests
{
    private static string Nested(int depth, string separator = "") =>
        "a = " + string.Concat(Enumerable.Repeat("[" + separator, depth)) + new string(']', depth) + "\n";

    [Fact]
    public void DeepestNestingLibxlutilAcceptsIsAccepted()
    {
        var result = ConfigParser.Parse(Nested(4996), "deep.cfg");
        Assert.True(result.Success);
        Assert.True(result.Document!.TryGet("a", out var a));
        int depth = 0;
        for (var v = a.Value; v is ConfigList { Items.Count: > 0 } l; v = l.Items[0]) depth++;
        Assert.Equal(4995, depth); // the innermost list is empty
    }

    [Fact]
    public void OneLevelDeeperExhaustsTheParserStackLikeBison()
    {
        var result = ConfigParser.Parse(Nested(4997), "deep.cfg");
        Assert.Equal(["deep.cfg:1: config parsing error near `]': memory exhausted"], result.DiagnosticLines());
        var deeper = ConfigParser.Parse(Nested(100_000), "deep.cfg");
        Assert.Equal(["deep.cfg:1: config parsing error near `[': memory exhausted"], deeper.DiagnosticLines());
    }

    [Fact]
    public void NestingLimitsMatchTheOracle()
    {
        foreach (var depth in new[] { 4996, 4997, 4998 })
            OracleAssert.SameAsOracle(Nested(depth));
        OracleAssert.SameAsOracle(Nested(3000, "\n"));
    }

    [Fact]
    public void VeryLongLinesAndValues()
    {
        var value = new string('x', 1_000_000);
        var text = $"a = '{value}'\nb = [{string.Join(",", Enumerable.Range(0, 50_000))}]\n";
        var result = ConfigParser.Parse(text, "long.cfg");
        Assert.True(result.Success);
        var r = new ConfigReader(result.Document!);
        Assert.True(r.TryGetString("a", out var a));
        Assert.Equal(value, a);
        Assert.True(r.TryGetStringList("b", out var b));
        Assert.Equal(50_000, b.Count);
        Assert.Equal("49999", b[^1]);
    }

    [Fact]
    public void LongInputsMatchTheOracle()
    {
        OracleAssert.SameAsOracle($"a = '{new string('y', 100_000)}'\nb = {new string('7', 5000)}\n");
        OracleAssert.SameAsOracle($"a = '{new string('y', 100_000)}\nb = 1\n");
        OracleAssert.SameAsOracle(string.Concat(Enumerable.Range(0, 3000).Select(i => $"k{i % 7} = [{i}, '{i}']\n")));
    }

    public static TheoryData<string> Pathological() => new(
        "a = 1\n" + string.Concat(Enumerable.Repeat("# ", 200_000)),
        string.Concat(Enumerable.Repeat("\"\\\"", 200_000)),
        string.Concat(Enumerable.Repeat("'x ", 200_000)),
        new string('[', 1_000_000),
        "a = " + new string('[', 1_000_000),
        new string('$', 1_000_000),
        string.Concat(Enumerable.Repeat("$ ", 500_000)),
        string.Concat(Enumerable.Repeat("a=1;", 250_000)),
        string.Concat(Enumerable.Repeat("a = = 1\n", 100_000)),
        "a = [" + string.Concat(Enumerable.Repeat("\n", 1_000_000)) + "]",
        new string('\n', 1_000_000));

    [Theory]
    [MemberData(nameof(Pathological))]
    public void PathologicalInputsStayLinear(string text)
    {
        // A hang guard, not a speed goal: each of these takes well under a second when linear.
        var sw = Stopwatch.StartNew();
        var result = ConfigParser.Parse(text, "big.cfg");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"took {sw.Elapsed}");
        Assert.Equal(result.Success, result.Errors.Count == 0);
    }

    [Fact]
    public void NulInsideQuotesIsAnErrorNotACrash()
    {
        // libxlutil aborts on an assertion here (xl dies with SIGABRT); we report an error instead.
        var result = ConfigParser.Parse("a = 1\nb = 'x\0y'\nc = 2\n", "nul.cfg");
        Assert.False(result.Success);
        Assert.Equal(["nul.cfg:2: config parsing error near `'x': NUL character in quoted string"], result.DiagnosticLines());
        OracleAssert.SameAsOracle("a = 1\nb = 'x\0y'\nc = 2\n");
        OracleAssert.SameAsOracle("a = 'x\\\0'\n");
    }

    [Fact]
    public void RandomAndMutatedInputsNeverThrowOrHang()
    {
        int count = Environment.GetEnvironmentVariable("XENO_LONG_FUZZ") == "1" ? 200_000 : 10_000;
        var random = new Random(20261120);
        var gen = new ConfigGenerator(seed: 99);
        var corpus = Corpus.Configs();
        var slowest = TimeSpan.Zero;
        for (int i = 0; i < count; i++)
        {
            string text = (i % 4) switch
            {
                0 => RandomChars(random, random.Next(0, 200)),
                1 => gen.Next(),
                2 => gen.Mutate(gen.Mutate(corpus[random.Next(corpus.Count)])),
                _ => Encoding.UTF8.GetString(RandomBytes(random, random.Next(0, 300))),
            };
            var sw = Stopwatch.StartNew();
            var result = ConfigParser.Parse(text, "fuzz.cfg");
            sw.Stop();
            if (sw.Elapsed > slowest) slowest = sw.Elapsed;

            Assert.Equal(result.Success, result.Errors.Count == 0);
            Assert.True(result.Success ? result.Document is not null : result.Document is null);
            if (result.Document is { } doc)
            {
                var reader = new ConfigReader(doc);
                foreach (var s in doc.Settings)
                {
                    reader.TryGetLong(s.Key, out _);
                    reader.TryGetString(s.Key, out _);
                    reader.TryGetStringList(s.Key, out _);
                }
            }
            else
            {
                Assert.All(result.Errors, e => Assert.StartsWith("fuzz.cfg:", e.ToString(), StringComparison.Ordinal));
            }
        }
        // Generous bound: a pathological input would take seconds, the inputs here take microseconds.
        Assert.True(slowest < TimeSpan.FromSeconds(30), $"slowest parse took {slowest}"); // hang guard on a shared machine
    }

    private const string Interesting = "az09AZ_.=+-[],;#'\"\\ \t\n\r():$é\0x";

    private static string RandomChars(Random random, int length)
    {
        var chars = new char[length];
        for (int i = 0; i < length; i++) chars[i] = Interesting[random.Next(Interesting.Length)];
        return new string(chars);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
