using System.Globalization;
using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.InBrowser;

/// <summary>
/// The graphical console in real headless Chromium: noVNC on a running hvm guest's screen
/// (<see cref="VncGuest"/>: ann's VM with an empty disk, so the screen is the firmware's), the
/// framebuffer connected and drawn, and the refused WebSockets. Screenshots go to
/// <see cref="Screenshots.Folder"/>.
/// </summary>
public sealed class VncBrowserTests(VncGuest guest) : IClassFixture<VncGuest>
{
    [Fact]
    public void NoVncShowsTheGuestsScreen()
    {
        var ann = guest.Ann;
        ann.Open($"/Vms/Vnc/{guest.VmId}");
        ann.WaitFor(_ => ann.Find("#vnc-status").GetAttribute("data-state") == "connected", "noVNC to connect");
        // The firmware has drawn something: some pixel of noVNC's canvas is not black.
        ann.WaitFor(_ => LitPixels(ann) > 0, "the guest's screen on noVNC's canvas");
        var size = (IReadOnlyCollection<object>)ann.Script("const c = document.querySelector('#screen canvas'); return [c.width, c.height];")!;
        Assert.All(size, v => Assert.True(Convert.ToInt64(v, CultureInfo.InvariantCulture) > 0));
        ann.Screenshot("10-vnc-console");
        Assert.Contains(guest.Panel.Audit.Read(user: "ann", action: "vm.vnc"), e => e.Result == "ok" && e.Target == VncGuest.VmName);
    }

    [Fact]
    public void AnotherOwnerAndAMissingOrWrongTicketAreRefused()
    {
        var ann = guest.Ann;
        ann.Open("/");
        var socketPath = $"/Vms/Vnc/{guest.VmId}/socket";
        var fresh = PageSockets.FreshSocket(ann, $"/Vms/Vnc/{guest.VmId}", "screen");
        Assert.StartsWith(socketPath + "?token=", fresh, StringComparison.Ordinal);

        Assert.Equal("refused", PageSockets.TryOpen(ann, socketPath));                      // no ticket
        using var bob = Chromium.Start(guest.Panel.Address);
        bob.LogIn("bob", PanelServer.Password);
        bob.Open($"/Vms/Vnc/{guest.VmId}");
        Assert.DoesNotContain("vnc.js", bob.Driver.PageSource, StringComparison.Ordinal); // the page: 404
        Assert.Equal("refused", PageSockets.TryOpen(bob, fresh!));                          // another owner, ann's ticket
        bob.Screenshot("11-vnc-other-owner-refused");
        Assert.Equal("open", PageSockets.TryOpen(ann, fresh!));                             // still ann's to use

        var audit = guest.Panel.Audit.Read();
        Assert.Contains(audit, e => e.Action == "console.socket" && e.User == "ann" && e.Detail == "no console ticket");
        Assert.Contains(audit, e => e.Action == "vm.access" && e.User == "bob" && e.Detail == $"GET {socketPath}");
    }

    /// <summary>How many of the canvas's pixels are not black.</summary>
    private static long LitPixels(Chromium browser) => Convert.ToInt64(browser.Script("""
        const c = document.querySelector('#screen canvas');
        if (!c || c.width === 0 || c.height === 0) return 0;
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let lit = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] | d[i + 1] | d[i + 2]) lit++;
        return lit;
        """) ?? 0L, CultureInfo.InvariantCulture);
}

/// <summary>
/// One running hvm guest for the graphical console tests: a real xenod (in process, temporary
/// prefix), the panel on a loopback port, and ann's hvm VM created in Chromium through the
/// create form. Its disk is empty: the firmware's screen is enough, and no OS boots under TCG.
/// </summary>
public sealed class VncGuest : IAsyncLifetime
{
    public const string VmName = "webvnc";
    private LiveEngine? _engine;

    internal PanelServer Panel { get; private set; } = null!;
    internal Chromium Ann { get; private set; } = null!;
    public long VmId { get; private set; }

    public async ValueTask InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        _engine = await LiveEngine.StartAsync("xv-");
        Panel = await PanelServer.StartLiveAsync(prefix: _engine.Prefix);
        Panel.AddUser("ann");
        Panel.AddUser("bob");

        Ann = Chromium.Start(Panel.Address);
        Ann.LogIn("ann", PanelServer.Password);
        VmId = VmCreateForm.Submit(Ann, VmName, "hvm", memoryMiB: 64);
        Assert.Contains($"/Vms/Vnc/{VmId}", Ann.Driver.PageSource, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            Ann?.Dispose();
            if (Panel is not null)
                await Panel.DisposeAsync();
            (Ann, Panel) = (null!, null!);
        }
        finally
        {
            if (_engine is not null)
                await _engine.DisposeAsync();
            _engine = null;
        }
    }
}
