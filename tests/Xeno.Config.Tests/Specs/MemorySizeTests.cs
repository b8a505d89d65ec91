using Xeno.Config.Specs;

namespace Xeno.Config.Tests.Specs;

public sealed class MemorySizeTests
{
    [Theory]
    [InlineData("512", 512L * 1024)]     // bare number = MiB (xl's code, not its man page)
    [InlineData("512m", 512L * 1024)]
    [InlineData("512M", 512L * 1024)]
    [InlineData("2g", 2L * 1024 * 1024)]
    [InlineData("1T", 1L << 30)]
    [InlineData("4096k", 4096)]
    [InlineData("1048576b", 1024)]
    [InlineData("1000b", 0)]
    [InlineData("", 0)]
    [InlineData(" 7", 7 * 1024)]
    [InlineData("-2", -2048)]
    public void Sizes(string text, long kb)
    {
        Assert.True(MemorySize.TryParseKb(text, out var parsed));
        Assert.Equal(kb, parsed);
    }

    [Theory]
    [InlineData("12x")]
    [InlineData("12mb")]
    [InlineData("abc")]
    [InlineData("-1k")]  // -1 is xl's error value
    [InlineData("-1024b")]
    [InlineData("1.5g")]
    public void Rejected(string text) => Assert.False(MemorySize.TryParseKb(text, out _));

    [Fact]
    public void MessageIsXls() => Assert.Equal("invalid memory size: 12x", MemorySize.InvalidMessage("12x"));
}
