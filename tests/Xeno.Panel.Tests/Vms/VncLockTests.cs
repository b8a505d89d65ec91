using Xeno.Panel.Vms;

namespace Xeno.Panel.Tests.Vms;

/// <summary>The random VNC password of a panel hvm VM's start: VNC's 8 characters, fresh each time.</summary>
public sealed class VncLockTests
{
    [Fact]
    public void EachPasswordIsEightLettersOrDigitsAndNewEachTime()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 1000; i++)
        {
            var password = VncLock.NewPassword();
            Assert.Matches("^[A-Za-z0-9]{8}$", password);
            Assert.True(seen.Add(password), $"{password} came twice");
        }
    }
}
