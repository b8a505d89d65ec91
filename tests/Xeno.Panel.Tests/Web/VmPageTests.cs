using System.Net;
using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Web;

/// <summary>The VM pages without a xenod: what the panel decides itself (validation, quotas, records, audit).</summary>
public sealed class VmPageTests
{
    private static (string, string)[] Form(string name, string memory = "128", string type = "hvm") =>
        [("name", name), ("type", type), ("memory", memory), ("vcpus", "1"), ("disk", "1"), ("kernel", "")];

    [Fact]
    public async Task BadInputGetsItsMessageNotAnError()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("ann");
        using var b = await panel.LoggedInAsync("ann");
        var r = await b.PostAsync("/Vms/Create", Form("Bad Name!", memory: "lots"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        var html = await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("Name: use 1 to 63 lower-case letters", html);
        Assert.Contains("Memory (MiB): give a whole number from 32 to", html);
        // The typed text comes back encoded, never as markup.
        var evil = await b.PostAsync("/Vms/Create", Form("<script>x</script>"));
        Assert.DoesNotContain("<script>x</script>", await evil.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Empty(Directory.Exists(panel.Options.DiskDir) ? Directory.GetFiles(panel.Options.DiskDir) : []);
    }

    [Fact]
    public async Task ACreateBeyondTheQuotaIsRefusedAndAudited()
    {
        await using var panel = await PanelServer.StartAsync(o => o with { DefaultQuota = new Quota(MaxVms: 1, MaxMemoryMib: 512, MaxVcpus: 2, MaxDiskGib: 2) });
        panel.AddUser("ann");
        using var b = await panel.LoggedInAsync("ann");
        // No xenod here: the VM is recorded, its start fails with xenod's message.
        var first = await b.PostAsync("/Vms/Create", Form("one"));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var info = await b.TextAsync(first.Headers.Location!.OriginalString);
        Assert.Contains("Created one, but it did not start: no xenod is running", info);
        Assert.True(File.Exists(Path.Combine(panel.Options.DiskDir, "one.img")));
        Assert.Equal(1L << 30, new FileInfo(Path.Combine(panel.Options.DiskDir, "one.img")).Length);

        var second = await b.PostAsync("/Vms/Create", Form("two"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Contains("Quota: you have 1 of 1 VMs.", await second.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.False(File.Exists(Path.Combine(panel.Options.DiskDir, "two.img")));
        var audit = panel.Audit.Read(user: "ann", action: "vm.create");
        Assert.Equal(["refused", "ok"], audit.Select(e => e.Result));
        Assert.Equal("two", audit[0].Target);
        Assert.Contains(panel.Audit.Read(user: "ann", action: "vm.start"), e => e.Result == "failed" && e.Target == "one");
    }

    [Fact]
    public async Task ATakenNameIsRefused()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("ann");
        panel.AddUser("bob");
        using var ann = await panel.LoggedInAsync("ann");
        using var bob = await panel.LoggedInAsync("bob");
        Assert.Equal(HttpStatusCode.Redirect, (await ann.PostAsync("/Vms/Create", Form("web"))).StatusCode);
        var r = await bob.PostAsync("/Vms/Create", Form("web"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        Assert.Contains("a VM called web already exists", await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task TheListShowsOwnersTheirOwnAndAdminsEverything()
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("ann");
        panel.AddUser("bob");
        panel.AddUser("root", Role.Admin);
        using var ann = await panel.LoggedInAsync("ann");
        using var bob = await panel.LoggedInAsync("bob");
        using var root = await panel.LoggedInAsync("root");
        await ann.PostAsync("/Vms/Create", Form("anns"));
        await bob.PostAsync("/Vms/Create", Form("bobs"));
        var annList = await ann.TextAsync("/");
        Assert.Contains(">anns</a>", annList);
        Assert.DoesNotContain("bobs", annList);
        Assert.Contains("xenod: no xenod is running", annList);
        var all = await root.TextAsync("/");
        Assert.Contains(">anns</a>", all);
        Assert.Contains(">bobs</a>", all);
    }

    [Theory]
    [InlineData("/Vms/Info/999")]
    [InlineData("/Vms/Info/abc")]
    [InlineData("/Vms/Info/-1")]
    [InlineData("/Vms/Info/99999999999999999999999")]
    public async Task AnUnknownVmIsNotFound(string path)
    {
        await using var panel = await PanelServer.StartAsync();
        panel.AddUser("ann");
        using var b = await panel.LoggedInAsync("ann");
        var r = await b.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Contains("There is no such page or VM here.", await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
