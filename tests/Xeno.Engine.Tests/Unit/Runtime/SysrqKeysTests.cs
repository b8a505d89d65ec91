using Xeno.Engine.Domains.Requests;

namespace Xeno.Engine.Tests.Unit.Runtime;

public sealed class SysrqKeysTests
{
    [Theory]
    [InlineData("s", "s", false)]
    [InlineData("B", "b", true)]
    [InlineData("0", "0", false)]
    [InlineData("-", "minus", false)]
    [InlineData("/", "slash", false)]
    public void KeysAreQemuQcodes(string key, string qcode, bool shift)
    {
        Assert.Equal(qcode, SysrqKeys.QCode(key));
        Assert.Equal(shift, SysrqKeys.NeedsShift(key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("é")]
    [InlineData("\n")]
    public void OthersHaveNoKey(string key) => Assert.Null(SysrqKeys.QCode(key));
}
