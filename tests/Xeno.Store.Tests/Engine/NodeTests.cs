using Xeno.Store.Tests.Support;
using Xeno.Store.Wire;
using static Xeno.Store.Wire.XsMessageType;

namespace Xeno.Store.Tests.Engine;

public class NodeTests
{
    private readonly EngineHarness h = new();

    [Fact]
    public void DefaultTreeHasDom0AndToolAndVm()
    {
        Assert.Equal("Domain-0", h.Read(h.Dom0, "/local/domain/0/name"));
        Assert.Equal("0", h.Read(h.Dom0, "/local/domain/0/domid"));
        Assert.Equal("local|vm|tool", h.Req(h.Dom0, XsMessageType.Directory, 0, "/").Replace('\0', '|'));
        Assert.Equal("xenstored", h.Req(h.Dom0, XsMessageType.Directory, 0, "/tool"));
        Assert.Equal("n0", h.Req(h.Dom0, GetPerms, 0, "/"));
    }

    [Fact]
    public void WriteCreatesMissingParentsWithEmptyValues()
    {
        Assert.Equal("OK", h.Write(h.Dom0, "/a/b/c", "v"));
        Assert.Equal("", h.Read(h.Dom0, "/a"));
        Assert.Equal("", h.Read(h.Dom0, "/a/b"));
        Assert.Equal("v", h.Read(h.Dom0, "/a/b/c"));
    }

    [Fact]
    public void ReadReturnsRawValueWithoutNul()
    {
        h.Write(h.Dom0, "/x", "hello");
        var reply = h.Engine.Process(h.Dom0, XsMessage.Create(Read, 9, 0, "/x")).ReplyTo(h.Dom0)!;
        Assert.Equal("hello"u8.ToArray(), reply.Payload);
    }

    [Fact]
    public void MissingNodeIsEnoent() => Assert.Equal("!ENOENT", h.Read(h.Dom0, "/nope"));

    [Theory]
    [InlineData("/a//b")]
    [InlineData("/a/")]
    [InlineData("/a b")]
    [InlineData("/a.b")]
    [InlineData("@introduceDomain")]
    [InlineData("@other")]
    public void InvalidPathsAreEinval(string path) => Assert.Equal("!EINVAL", h.Write(h.Dom0, path, "x"));

    [Fact]
    public void OverlongPathIsEinval()
    {
        Assert.Equal("!EINVAL", h.Write(h.Dom0, "/" + new string('a', 3072), "x"));
        Assert.Equal("OK", h.Write(h.Dom0, "/" + new string('a', 3071), "x"));
    }

    [Fact]
    public void PathWithoutNulIsEinval() =>
        Assert.Equal("!EINVAL", h.Send(h.Dom0, new XsMessage(Read, 1, 0, "/local"u8.ToArray())));

    [Fact]
    public void RelativePathsResolveUnderOwnDomain()
    {
        Assert.Equal("OK", h.Write(h.Dom0, "data/x", "1"));
        Assert.Equal("1", h.Read(h.Dom0, "/local/domain/0/data/x"));
        var d5 = h.Domain(5);
        h.Req(h.Dom0, Mkdir, 0, "/local/domain/5");
        h.Req(h.Dom0, SetPerms, 0, "/local/domain/5", "n5");
        Assert.Equal("OK", h.Write(d5, "data/y", "2"));
        Assert.Equal("2", h.Read(h.Dom0, "/local/domain/5/data/y"));
    }

    [Fact]
    public void MkdirIsNoOpWhenPresent()
    {
        h.Write(h.Dom0, "/m", "keep");
        Assert.Equal("OK", h.Req(h.Dom0, Mkdir, 0, "/m"));
        Assert.Equal("keep", h.Read(h.Dom0, "/m"));
        Assert.Equal("OK", h.Req(h.Dom0, Mkdir, 0, "/m/n/o"));
        Assert.Equal("", h.Read(h.Dom0, "/m/n/o"));
    }

    [Fact]
    public void RmIsRecursiveAndToleratesAbsentLeaf()
    {
        h.Write(h.Dom0, "/r/a/b", "1");
        h.Write(h.Dom0, "/r/c", "2");
        Assert.Equal("OK", h.Req(h.Dom0, Rm, 0, "/r"));
        Assert.Equal("!ENOENT", h.Read(h.Dom0, "/r/a/b"));
        Assert.Equal("!ENOENT", h.Read(h.Dom0, "/r"));
        Assert.Equal("OK", h.Req(h.Dom0, Rm, 0, "/r"));
        Assert.Equal("!ENOENT", h.Req(h.Dom0, Rm, 0, "/r/x"));
        Assert.Equal("!EINVAL", h.Req(h.Dom0, Rm, 0, "/"));
        Assert.Null(h.Engine.CheckInvariants());
    }

    [Fact]
    public void DirectoryListsChildrenInCreationOrder()
    {
        foreach (var n in new[] { "zeta", "alpha", "mid" }) h.Write(h.Dom0, "/d/" + n, "");
        Assert.Equal("zeta|alpha|mid", h.Req(h.Dom0, XsMessageType.Directory, 0, "/d").Replace('\0', '|'));
        h.Req(h.Dom0, Rm, 0, "/d/alpha");
        Assert.Equal("zeta|mid", h.Req(h.Dom0, XsMessageType.Directory, 0, "/d").Replace('\0', '|'));
    }

    [Fact]
    public void LargeDirectoryIsE2bigButDirectoryPartPagesThroughIt()
    {
        var names = Enumerable.Range(0, 1000).Select(i => $"child-{i:D4}").ToList();
        foreach (var n in names) h.Write(h.Dom0, "/big/" + n, "");
        Assert.Equal("!E2BIG", h.Req(h.Dom0, XsMessageType.Directory, 0, "/big"));

        var collected = new List<string>();
        var offset = 0;
        string? generation = null;
        while (true)
        {
            var reply = h.Req(h.Dom0, DirectoryPart, 0, "/big", offset.ToString());
            var parts = reply.Split('\0');
            generation ??= parts[0];
            Assert.Equal(generation, parts[0]);
            var chunk = parts.Skip(1).ToList();
            var done = reply.EndsWith("\0\0", StringComparison.Ordinal) || h.Last!.ReplyTo(h.Dom0)!.Payload.AsSpan().EndsWith("\0\0"u8);
            foreach (var c in chunk.Where(c => c.Length > 0)) { collected.Add(c); offset += c.Length + 1; }
            Assert.True(h.Last!.ReplyTo(h.Dom0)!.Payload.Length <= XsHeader.PayloadMax);
            if (done) break;
        }
        Assert.Equal(names, collected);
        Assert.Equal("!EINVAL", h.Req(h.Dom0, DirectoryPart, 0, "/big"));
    }

    [Fact]
    public void UnknownAndServerOnlyTypesAreEnosys()
    {
        Assert.Equal("!ENOSYS", h.Send(h.Dom0, XsMessage.Create((XsMessageType)99, 1, 0, "/")));
        Assert.Equal("!ENOSYS", h.Send(h.Dom0, XsMessage.Create(WatchEvent, 1, 0, "/", "t")));
        Assert.Equal("!ENOSYS", h.Send(h.Dom0, XsMessage.Create(XsMessageType.Error, 1, 0, "EINVAL")));
        Assert.Equal("!ENOSYS", h.Send(h.Dom0, XsMessage.Create(Restrict, 1, 0, "1")));
        Assert.Equal("!ENOSYS", h.Send(h.Dom0, XsMessage.Create(Invalid, 1, 0)));
    }

    [Fact]
    public void ErrorRepliesCarryErrnoNameAndRequestIds()
    {
        var reply = h.Engine.Process(h.Dom0, XsMessage.Create(Read, 4242, 0, "/none")).ReplyTo(h.Dom0)!;
        Assert.Equal(XsMessageType.Error, reply.Type);
        Assert.Equal(4242u, reply.RequestId);
        Assert.Equal("ENOENT\0"u8.ToArray(), reply.Payload);
    }

    [Fact]
    public void GetDomainPathAndIsIntroduced()
    {
        Assert.Equal("/local/domain/7", h.Req(h.Dom0, GetDomainPath, 0, "7"));
        Assert.Equal("T", h.Req(h.Dom0, IsDomainIntroduced, 0, "0"));
        Assert.Equal("F", h.Req(h.Dom0, IsDomainIntroduced, 0, "7"));
        h.Domain(7);
        Assert.Equal("T", h.Req(h.Dom0, IsDomainIntroduced, 0, "7"));
        Assert.Equal("!EINVAL", h.Req(h.Dom0, GetDomainPath, 0, "x"));
    }
}
