using Xeno.Config.Language;

namespace Xeno.Config.Tests.Language.Oracle;

/// <summary>Compares our parser and reader with libxlutil on one input.</summary>
internal static class OracleAssert
{
    private static readonly string[] QueryKinds = ["string", "long", "list", "strlist", "bool"];

    public static void SameAsOracle(string config, string source = "t.cfg")
    {
        var ours = ConfigParser.Parse(config, source);
        var keys = new List<string> { "absent" };
        if (ours.Document is { } d) keys.AddRange(d.Settings.Select(s => s.Key));
        var queries = keys.Distinct().SelectMany(k => QueryKinds.Select(kind => $"{kind}:{k}"))
            .Append("quiet-long:" + keys[^1]).Append("blong:" + keys[^1] + ":0:100").ToArray();

        var run = XluOracle.Run(config, source, queries);
        var context = $"input: {OracleFormat.Escape(config)}\noracle:\n{run.Stdout}{run.Stderr}";

        if (run.Crashed)
        {
            // libxlutil aborts on a NUL byte inside quotes; we report an error instead (documented deviation).
            // What libxlutil printed before aborting must be what we report before that error.
            Assert.True(run.Stderr.Contains("Assertion", StringComparison.Ordinal), context);
            Assert.False(ours.Success, context);
            int nul = ours.Errors.ToList().FindIndex(e => e.Message == StringDequoter.NulInString);
            Assert.True(nul >= 0, $"expected the NUL-in-string error\n{context}");
            Assert.Equal(run.Stdout.Split('\n')[..^1], ours.Errors.Take(nul).Select(e => e.ToString()));
            return;
        }

        Assert.True(run.Diagnostics.SequenceEqual(ours.DiagnosticLines()),
            $"diagnostics differ\nours:\n{string.Join('\n', ours.DiagnosticLines())}\n{context}");
        Assert.True((run.ReturnCode == 0) == ours.Success, $"success differs (ours {ours.Success})\n{context}");
        if (ours.Document is null) return;

        var settings = OracleFormat.Settings(ours.Document);
        Assert.True(run.EffectiveSettings.SequenceEqual(settings),
            $"settings differ\nours:\n{string.Join('\n', settings)}\n{context}");

        var expected = run.QueryLines.Select(OracleFormat.NormaliseOracleLine).ToList();
        var actual = queries.SelectMany(q => OracleFormat.Query(ours.Document, q)).ToList();
        Assert.True(expected.SequenceEqual(actual),
            $"queries differ\nours:\n{string.Join('\n', actual)}\n{context}");
    }
}
