using Xeno.Store.Wire;
using Xeno.Store.Tests.Support;
using static Xeno.Store.Wire.XsMessageType;

namespace Xeno.Store.Tests.Engine;

public class PermissionTests
{
    private readonly EngineHarness h = new();

    private Xeno.Store.Sessions.StoreSession GuestWithHome(uint id)
    {
        var s = h.Domain(id);
        // What libxl does: the toolstack owns the home dir, the guest may read it.
        h.Req(h.Dom0, Mkdir, 0, $"/local/domain/{id}");
        h.Req(h.Dom0, SetPerms, 0, $"/local/domain/{id}", "n0", $"r{id}");
        h.Req(h.Dom0, Mkdir, 0, $"/local/domain/{id}/data");
        h.Req(h.Dom0, SetPerms, 0, $"/local/domain/{id}/data", $"n{id}");
        return s;
    }

    [Fact]
    public void GuestCannotReadDom0Nodes()
    {
        var g = GuestWithHome(3);
        Assert.Equal("!EACCES", h.Read(g, "/local/domain/0/name"));
        Assert.Equal("!EACCES", h.Req(g, XsMessageType.Directory, 0, "/local/domain/0"));
        Assert.Equal("!EACCES", h.Write(g, "/local/domain/0/x", "1"));
    }

    [Fact]
    public void MissingNodeUnderUnreadableParentIsEaccesNotEnoent()
    {
        var g = GuestWithHome(3);
        Assert.Equal("!EACCES", h.Read(g, "/local/domain/0/nothing/here"));
        Assert.Equal("!ENOENT", h.Read(g, "/local/domain/3/nothing"));
    }

    [Fact]
    public void FirstEntryIsOwnerAndDefault()
    {
        var g = GuestWithHome(3);
        var other = h.Domain(4);
        h.Write(h.Dom0, "/shared", "s");
        h.Req(h.Dom0, SetPerms, 0, "/shared", "r0");
        Assert.Equal("s", h.Read(g, "/shared"));
        Assert.Equal("!EACCES", h.Write(g, "/shared", "x"));
        h.Req(h.Dom0, SetPerms, 0, "/shared", "n0", "w4");
        Assert.Equal("!EACCES", h.Read(other, "/shared"));
        Assert.Equal("OK", h.Write(other, "/shared", "by4"));
        Assert.Equal("!EACCES", h.Read(g, "/shared"));
    }

    [Fact]
    public void GuestOwnsWhatItCreatesAndChildrenInheritPerms()
    {
        var g = GuestWithHome(3);
        Assert.Equal("OK", h.Write(g, "data/a/b", "1"));
        Assert.Equal("n3", h.Req(h.Dom0, GetPerms, 0, "/local/domain/3/data/a/b"));
        h.Req(h.Dom0, SetPerms, 0, "/local/domain/3/data", "b3", "r0", "r7");
        Assert.Equal("OK", h.Write(h.Dom0, "/local/domain/3/data/z", "1"));
        Assert.Equal("b3|r0|r7", h.Req(h.Dom0, GetPerms, 0, "/local/domain/3/data/z").Replace('\0', '|'));
        Assert.Equal("OK", h.Write(g, "data/y", "1"));
        Assert.Equal("b3|r0|r7", h.Req(h.Dom0, GetPerms, 0, "/local/domain/3/data/y").Replace('\0', '|'));
    }

    [Fact]
    public void UnprivilegedCreatorBecomesOwner()
    {
        var g = h.Domain(3);
        h.Write(h.Dom0, "/pub", "");
        h.Req(h.Dom0, SetPerms, 0, "/pub", "b0");
        Assert.Equal("OK", h.Write(g, "/pub/mine", "1"));
        Assert.Equal("b3", h.Req(h.Dom0, GetPerms, 0, "/pub/mine"));
    }

    [Fact]
    public void OnlyOwnerChangesPermsAndOnlyDom0ChangesOwner()
    {
        var g = GuestWithHome(3);
        h.Write(g, "data/n", "1");
        Assert.Equal("OK", h.Req(g, SetPerms, 0, "data/n", "n3", "r5"));
        Assert.Equal("!EPERM", h.Req(g, SetPerms, 0, "data/n", "b5"));
        Assert.Equal("!EACCES", h.Req(g, SetPerms, 0, "/local/domain/3", "b3"));
        Assert.Equal("OK", h.Req(h.Dom0, SetPerms, 0, "/local/domain/3/data/n", "b5"));
        Assert.Equal("b5", h.Req(h.Dom0, GetPerms, 0, "/local/domain/3/data/n"));
    }

    [Theory]
    [InlineData("x0")]
    [InlineData("r")]
    [InlineData("rabc")]
    [InlineData("")]
    public void BadPermissionStringsAreEinval(string perm)
    {
        h.Write(h.Dom0, "/p", "");
        Assert.Equal("!EINVAL", h.Req(h.Dom0, SetPerms, 0, "/p", perm));
    }

    [Fact]
    public void SetPermsWithoutAnyPermIsEinval()
    {
        h.Write(h.Dom0, "/p", "");
        Assert.Equal("!EINVAL", h.Req(h.Dom0, SetPerms, 0, "/p"));
    }

    [Fact]
    public void RemovingNeedsWriteAccess()
    {
        var g = GuestWithHome(3);
        h.Write(h.Dom0, "/ro", "1");
        h.Req(h.Dom0, SetPerms, 0, "/ro", "r0");
        Assert.Equal("!EACCES", h.Req(g, Rm, 0, "/ro"));
        Assert.Equal("1", h.Read(h.Dom0, "/ro"));
    }

    [Fact]
    public void SpecialNodesHaveDom0PermsAndCanBeGranted()
    {
        var g = h.Domain(3);
        Assert.Equal("n0", h.Req(h.Dom0, GetPerms, 0, "@releaseDomain"));
        Assert.Equal("!EACCES", h.Req(g, GetPerms, 0, "@releaseDomain"));
        Assert.Equal("OK", h.Req(h.Dom0, SetPerms, 0, "@releaseDomain", "n0", "r3"));
        Assert.Equal("n0|r3", h.Req(g, GetPerms, 0, "@releaseDomain").Replace('\0', '|'));
        Assert.Equal("!EINVAL", h.Read(h.Dom0, "@releaseDomain"));
    }

    [Fact]
    public void SetTargetGivesRightsOverTheTarget()
    {
        var guest = GuestWithHome(3);
        var stub = h.Domain(4);
        h.Write(guest, "data/secret", "42");
        Assert.Equal("!EACCES", h.Read(stub, "/local/domain/3/data/secret"));
        Assert.Equal("OK", h.Req(h.Dom0, SetTarget, 0, "4", "3"));
        Assert.Equal("42", h.Read(stub, "/local/domain/3/data/secret"));
        Assert.Equal("!EACCES", h.Req(guest, SetTarget, 0, "3", "4"));
        Assert.Equal("!ENOENT", h.Req(h.Dom0, SetTarget, 0, "4", "99"));
    }
}
