using Xeno.Cli.Commands.Runtime;

namespace Xeno.Cli.Tests.Runtime;

/// <summary>vcpu-set's count as xl reads it (strtoul into an unsigned int).</summary>
public sealed class VcpuSetParseTests
{
    [Theory]
    [InlineData("2", 2u)]
    [InlineData(" 4", 4u)]
    [InlineData("3abc", 3u)]
    [InlineData("+1", 1u)]
    [InlineData("0", 0u)]
    [InlineData("-1", uint.MaxValue)]
    [InlineData("4294967297", 1u)] // wraps into the unsigned int as C's assignment does
    public void ReadsLikeStrtoul(string text, uint value) => Assert.Equal(value, VcpuSetCommand.ParseCount(text));

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("-")]
    [InlineData(" ")]
    public void NoDigitsIsInvalid(string text) => Assert.Null(VcpuSetCommand.ParseCount(text));

    [Fact]
    public void RandomTextNeverThrowsAndDigitsAreRead()
    {
        var random = new Random(42);
        for (int i = 0; i < 5000; i++)
        {
            var chars = new char[random.Next(0, 30)];
            for (int j = 0; j < chars.Length; j++)
                chars[j] = "0123456789+- x"[random.Next(14)];
            var text = new string(chars);
            var value = VcpuSetCommand.ParseCount(text);
            var t = text.TrimStart();
            if (t.Length > 0 && char.IsAsciiDigit(t[0]) && t.TakeWhile(char.IsAsciiDigit).Count() < 9)
                Assert.Equal(uint.Parse(new string([.. t.TakeWhile(char.IsAsciiDigit)]), System.Globalization.CultureInfo.InvariantCulture), value);
        }
    }
}
