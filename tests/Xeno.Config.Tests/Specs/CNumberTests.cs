using System.Globalization;
using Xeno.Config.Specs;
using Xeno.Config.Text;
using Xeno.Config.Tests.Specs.Oracle;

namespace Xeno.Config.Tests.Specs;

public sealed class CNumberTests
{
    [Fact]
    public void StrtoulBase0MatchesGlibc()
    {
        var gen = new SpecGenerator(77);
        var inputs = new List<string>
        {
            "", " 5", "-1", "0x", "0xg", "08", "-0", "99999999999999999999", "18446744073709551615", "18446744073709551616",
            "0x1F", "0X1f", "077", "+12", "\t\n 9z", "- 1", "+-1", "0x-1", "1e5",
        };
        for (int i = 0; i < 400; i++) inputs.Add(gen.Mutate(gen.Pick(inputs)));
        var oracle = XlSpecOracle.Run("strtoul0", inputs);
        for (int i = 0; i < inputs.Count; i++)
        {
            ulong v = CNumber.StrToUL(inputs[i], 0, 0, out int end, out bool overflow);
            var s = inputs[i].Contains('\0') ? inputs[i][..inputs[i].IndexOf('\0')] : inputs[i];
            Assert.True(oracle[i]["value"] == v.ToString(CultureInfo.InvariantCulture)
                && oracle[i]["rest"] == (s.Length - end).ToString(CultureInfo.InvariantCulture)
                && (oracle[i]["errno"] == "34") == overflow,
                $"`{XlSpecOracle.Escape(inputs[i])}': glibc {oracle[i]["value"]} rest {oracle[i]["rest"]}, ours {v} rest {s.Length - end}");
        }
    }
}
