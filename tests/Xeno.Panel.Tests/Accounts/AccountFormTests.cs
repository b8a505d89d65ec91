using Xeno.Panel.Accounts;
using Xeno.Panel.Data;

namespace Xeno.Panel.Tests.Accounts;

/// <summary>The admin pages' form parsers: the accepted shapes, the messages, and random text that never throws.</summary>
public sealed class AccountFormTests
{
    [Theory]
    [InlineData("ann", null)]
    [InlineData("  ann  ", null)]
    [InlineData("a.b-c_d@e", null)]
    [InlineData("", "Name: give a name.")]
    [InlineData("   ", "Name: give a name.")]
    [InlineData("a b", "Name: use 1 to 64 characters without blanks or control characters.")]
    [InlineData("a\u0001", "Name: use 1 to 64 characters without blanks or control characters.")]
    public void Names(string name, string? error) => Assert.Equal(error, AccountForm.NameError("Name", name));

    [Fact]
    public void RolesAndQuotas()
    {
        Assert.Equal(Role.Admin, AccountForm.ParseRole(" admin ").Role);
        Assert.Equal(Role.Owner, AccountForm.ParseRole("owner").Role);
        Assert.Equal("Role: choose admin or owner.", AccountForm.ParseRole("Admin").Error);
        Assert.Equal("Role: choose admin or owner.", AccountForm.ParseRole(null).Error);
        Assert.Equal(new Quota(0, 1, 2, 3), AccountForm.ParseQuota("0", " 1", "2 ", "3").Quota);
        Assert.Equal("VMs: give a whole number from 0 to 10000.", AccountForm.ParseQuota("10001", "1", "1", "1").Error);
        Assert.Equal("vCPUs: give a number.", AccountForm.ParseQuota("1", "1", null, "1").Error);
        Assert.StartsWith("Disk (GiB): give a whole number from 0 to ", AccountForm.ParseQuota("1", "1", "1", "+1").Error);
        Assert.StartsWith("Memory (MiB): give a whole number from 0 to ", AccountForm.ParseQuota("1", "1e3", "1", "1").Error);
    }

    [Fact]
    public void RandomInputNeverThrowsAndAnAcceptedValueIsInRange()
    {
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        string[] pieces = ["0", "1", "9", "-", "+", " ", "\t", "\n", "\0", "e", "admin", "owner", "99999999999", "٣", "é", "x"];
        // Null (a missing field) now and then, else pieces and any UTF-16 unit, lone surrogates included.
        string? Text() => random.Next(8) == 0 ? null : string.Concat(Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.Next(6) == 0
            ? ((char)random.Next(char.MaxValue + 1)).ToString() : pieces[random.Next(pieces.Length)]));
        for (int i = 0; i < 5000; i++)
        {
            var (a, b, c, d) = (Text(), Text(), Text(), Text());
            var (quota, error) = AccountForm.ParseQuota(a, b, c, d);
            Assert.True((quota is null) != (error is null), $"seed {seed}: quota and error for {a}|{b}|{c}|{d}");
            if (quota is not null)
                Assert.True(quota.MaxVms is >= 0 and <= AccountForm.MaxVmsQuota && quota.MaxMemoryMib >= 0 && quota.MaxVcpus >= 0 && quota.MaxDiskGib >= 0, $"seed {seed}");
            var (role, roleError) = AccountForm.ParseRole(a);
            Assert.True((role is null) != (roleError is null), $"seed {seed}");
            var nameError = AccountForm.NameError("Name", b);
            if (nameError is null)
                Assert.True(b!.Trim().Length is > 0 and <= 64 && !b.Trim().Any(char.IsWhiteSpace), $"seed {seed}: accepted name {b}");
        }
    }
}
