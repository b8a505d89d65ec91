using System.Text;
using Xeno.Config.Domain;
using Xeno.Config.Specs;
using static Xeno.Config.Tests.Domain.DomainTestSupport;

namespace Xeno.Config.Tests.Names;

public class DomainNameTests
{
    [Theory]
    [InlineData("web")]
    [InlineData("web-1.example")]
    [InlineData("my vm")]
    [InlineData("..a")]
    [InlineData(".hidden")]
    [InlineData("a..b")]
    [InlineData("0x1")]
    [InlineData("domain-0")]
    [InlineData("Domain-01")]
    [InlineData("ünïcödé 漢字 \ud83d\ude00")]
    [InlineData("a,b=c")]
    public void UsualNamesAreAccepted(string name) => Assert.Null(DomainName.Problem(name));

    [Theory]
    [InlineData("", "Domain name must not be empty.")]
    [InlineData("Domain-0", "Domain with name \"Domain-0\" already exists.")]
    [InlineData(".", "Invalid domain name \".\": \".\" and \"..\" name folders, not files.")]
    [InlineData("..", "Invalid domain name \"..\": \".\" and \"..\" name folders, not files.")]
    [InlineData("42", "Invalid domain name \"42\": a name of digits only would be read as a domain id.")]
    [InlineData("../../../tmp/evilx", "Invalid domain name \"../../../tmp/evilx\": it contains '/', which would make it a path.")]
    [InlineData("a/b", "Invalid domain name \"a/b\": it contains '/', which would make it a path.")]
    [InlineData("a\0b", "Invalid domain name \"a\\u0000b\": it contains a NUL character.")]
    [InlineData("a\nb", "Invalid domain name \"a\\u000ab\": it contains the control character U+000A.")]
    [InlineData("\x1b[2Jx", "Invalid domain name \"\\u001b[2Jx\": it contains the control character U+001B.")]
    [InlineData("a\u0085", "Invalid domain name \"a\\u0085\": it contains the control character U+0085.")]
    [InlineData("a\u2028", "Invalid domain name \"a\\u2028\": it contains the control character U+2028.")]
    public void BadNamesAreRefusedWithAMessageNamingTheProblem(string name, string message) =>
        Assert.Equal(message, DomainName.Problem(name));

    /// <summary>Not an InlineData: attributes cannot hold a lone surrogate.</summary>
    [Fact]
    public void ALoneSurrogateIsRefusedAsTwoNamesWouldShareOneFile() =>
        Assert.Equal("Invalid domain name \"a\\ud800\": it is not valid Unicode (a lone surrogate).", DomainName.Problem("a\ud800"));

    [Fact]
    public void TheLimitIsCountedInUtf8Bytes()
    {
        Assert.Null(DomainName.Problem(new string('a', DomainName.MaxBytes)));
        Assert.Equal(
            "Invalid domain name \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\": it is 129 bytes long in UTF-8; the limit is 128.",
            DomainName.Problem(new string('a', DomainName.MaxBytes + 1)));
        Assert.Null(DomainName.Problem(string.Concat(Enumerable.Repeat("漢", 42))));          // 126 bytes
        Assert.NotNull(DomainName.Problem(string.Concat(Enumerable.Repeat("漢", 43))));       // 129 bytes
    }

    [Fact]
    public void XlCreateRefusesABadNameBeforeAnythingElse()
    {
        var result = Build("name='../../../tmp/evilx'\nkernel='/k'\n");
        Assert.False(result.Ok);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Invalid domain name \"../../../tmp/evilx\": it contains '/', which would make it a path.\n", Stderr(result));
    }

    [Fact]
    public void XlCreateRefusesDomain0WithXensMessage()
    {
        var result = Build("name='Domain-0'\nkernel='/k'\n");
        Assert.False(result.Ok);
        Assert.Equal("Domain with name \"Domain-0\" already exists.\n", Stderr(result));
    }

    /// <summary>
    /// Every accepted name is one harmless path component: not "." or "..", no separator or NUL,
    /// encodable as UTF-8 without loss, and short enough that name + the longest suffix stays
    /// within NAME_MAX.
    /// </summary>
    [Fact]
    public void RandomNamesAreRefusedOrAreOneSafePathComponent()
    {
        var names = new HostileNames(9);
        int accepted = 0, refused = 0;
        for (int i = 0; i < 20000; i++)
        {
            var name = names.Next();
            var problem = DomainName.Problem(name);
            if (problem is not null)
            {
                refused++;
                Assert.False(problem.Any(char.IsControl), $"message shows a control character: {problem}");
                continue;
            }
            accepted++;
            Assert.NotEqual(DomainName.Dom0, name);
            Assert.False(name is "." or "..");
            Assert.False(name.Contains('/') || name.Contains('\0'), name);
            Assert.False(name.All(char.IsAsciiDigit), name);
            var utf8 = Encoding.UTF8.GetBytes(name);
            Assert.Equal(name, new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(utf8));
            Assert.True(utf8.Length + "--incoming.log.10".Length <= 255, name);
        }
        Assert.True(accepted > 1000 && refused > 1000, $"accepted {accepted}, refused {refused}: the generator lost its mix");
    }

    [Theory]
    [InlineData("vif1.0")]
    [InlineData("web0-emu")]
    [InlineData("abcdefghijklmno")]
    [InlineData("ü1")]
    public void GoodVifnamesAreKept(string name)
    {
        var r = VifSpecParser.Parse("bridge=xenbr0,vifname=" + name);
        Assert.True(r.Ok, string.Join("\n", r.Errors));
        Assert.Equal(name, r.Value!.VifName);
    }

    [Theory]
    [InlineData("", "Invalid vifname \"\": an interface name must not be empty.")]
    [InlineData(".", "Invalid vifname \".\": \".\" and \"..\" are not interface names.")]
    [InlineData("..", "Invalid vifname \"..\": \".\" and \"..\" are not interface names.")]
    [InlineData("a/b", "Invalid vifname \"a/b\": an interface name cannot contain '/'.")]
    [InlineData("eth0:1", "Invalid vifname \"eth0:1\": an interface name cannot contain ':'.")]
    [InlineData("a b", "Invalid vifname \"a b\": an interface name cannot contain whitespace.")]
    [InlineData("a\x1b", "Invalid vifname \"a\\u001b\": an interface name cannot contain control characters or invalid Unicode.")]
    [InlineData("abcdefghijklmnop", "Invalid vifname \"abcdefghijklmnop\": it is 16 bytes long; Linux allows at most 15.")]
    [InlineData("üüüüüüüü", "Invalid vifname \"üüüüüüüü\": it is 16 bytes long; Linux allows at most 15.")]
    public void BadVifnamesFailTheSpec(string name, string message)
    {
        var fromConfig = VifSpecParser.Parse("bridge=xenbr0,vifname=" + name);
        Assert.False(fromConfig.Ok);
        Assert.Equal([message], fromConfig.Errors);
        var fromCommandLine = VifSpecParser.ParseArguments(["bridge=xenbr0", "vifname=" + name]);
        Assert.Equal([message], fromCommandLine.Errors);
    }

    [Fact]
    public void RandomVifnamesAreRefusedOrAreValidLinuxInterfaceNames()
    {
        var names = new HostileNames(15);
        int accepted = 0;
        for (int i = 0; i < 20000; i++)
        {
            var name = names.Next();
            var r = VifSpecParser.ParseArguments(["vifname=" + name]);
            if (!r.Ok)
            {
                Assert.False(r.Errors.Any(e => e.Any(char.IsControl)), string.Join("\n", r.Errors));
                continue;
            }
            accepted++;
            var v = r.Value!.VifName!;
            // What the kernel's dev_valid_name checks, on the UTF-8 bytes it receives.
            var bytes = new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(v);
            Assert.InRange(bytes.Length, 1, 15);
            Assert.False(v is "." or "..");
            Assert.DoesNotContain(bytes, b => b is (byte)'/' or (byte)':' or 0 || b < 0x21 || b == 0x7f);
        }
        Assert.True(accepted > 500, $"only {accepted} accepted");
    }
}
