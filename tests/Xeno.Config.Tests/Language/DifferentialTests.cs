using Xeno.Config.Language;
using Xeno.Config.Tests.Language.Oracle;

namespace Xeno.Config.Tests.Language;

/// <summary>Our parser and reader against Debian's libxlutil on generated and mutated configs.</summary>
public sealed class DifferentialTests
{
    private static int Count(int normal) =>
        Environment.GetEnvironmentVariable("XENO_LONG_FUZZ") == "1" ? normal * 20 : normal;

    // XENO_FUZZ_SEED shifts every seed, to explore beyond the fixed CI inputs.
    private static int Seed(int seed) =>
        seed + (int.TryParse(Environment.GetEnvironmentVariable("XENO_FUZZ_SEED"), out var shift) ? shift : 0);

    [Fact]
    public void GeneratedConfigsMatchLibxlutil()
    {
        var gen = new ConfigGenerator(Seed(4017));
        for (int i = 0; i < Count(300); i++) OracleAssert.SameAsOracle(gen.Next());
    }

    [Fact]
    public void RandomTokenSequencesMatchLibxlutil()
    {
        var gen = new ConfigGenerator(Seed(2010));
        for (int i = 0; i < Count(300); i++) OracleAssert.SameAsOracle(gen.Tokens());
    }

    [Fact]
    public void CommandLineOverridesMatchLibxlutil()
    {
        var gen = new ConfigGenerator(Seed(5));
        for (int i = 0; i < Count(50); i++)
        {
            var overrides = Enumerable.Range(0, i % 3 + 1).Select(_ => gen.Tokens().Replace("\n", " ", StringComparison.Ordinal) + "=1");
            OracleAssert.SameAsOracle(ConfigParser.AppendOverrides(gen.Document(), overrides));
        }
    }

    [Fact]
    public void MutatedCorpusConfigsMatchLibxlutil()
    {
        var gen = new ConfigGenerator(Seed(17));
        var corpus = Corpus.Configs();
        for (int i = 0; i < Count(150); i++)
        {
            var text = corpus[i % corpus.Count];
            OracleAssert.SameAsOracle(i < corpus.Count ? text : gen.Mutate(text));
        }
    }
}
