using System.Globalization;
using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
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
        var fresh = (string?)ann.Driver.ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            fetch(arguments[0]).then(r => r.text()).then(html =>
              done(new DOMParser().parseFromString(html, 'text/html').getElementById('screen').dataset.socket));
            """, $"/Vms/Vnc/{guest.VmId}");
        Assert.StartsWith(socketPath + "?token=", fresh, StringComparison.Ordinal);

        Assert.Equal("refused", TryOpen(ann, socketPath));                      // no ticket
        using var bob = Chromium.Start(guest.Panel.Address);
        bob.LogIn("bob", PanelServer.Password);
        bob.Open($"/Vms/Vnc/{guest.VmId}");
        Assert.DoesNotContain("vnc.js", bob.Driver.PageSource, StringComparison.Ordinal); // the page: 404
        Assert.Equal("refused", TryOpen(bob, fresh!));                          // another owner, ann's ticket
        bob.Screenshot("11-vnc-other-owner-refused");
        Assert.Equal("open", TryOpen(ann, fresh!));                             // still ann's to use

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

    /// <summary>Opens a WebSocket from the page: "open" once it opens, "refused" when it closes unopened.</summary>
    private static string? TryOpen(Chromium browser, string pathAndQuery) => (string?)browser.Driver.ExecuteAsyncScript("""
        const done = arguments[arguments.length - 1];
        const url = new URL(arguments[0], location.href);
        url.protocol = 'ws:';
        const ws = new WebSocket(url.href);
        ws.onopen = () => { ws.close(); done('open'); };
        ws.onclose = () => done('refused');
        """, pathAndQuery);
}

/// <summary>
/// One running hvm guest for the graphical console tests: a real xenod (in process, temporary
/// prefix), the panel on a loopback port, and ann's hvm VM created in Chromium through the
/// create form. Its disk is empty: the firmware's screen is enough, and no OS boots under TCG.
/// </summary>
public sealed class VncGuest : IAsyncLifetime
{
    public const string VmName = "webvnc";
    private string _root = "";
    private EngineHost? _host;

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
        // A short root: xenod's unix sockets live under the prefix.
        _root = Directory.CreateTempSubdirectory("xv-").FullName;
        var prefix = Path.Combine(_root, "p");
        Directory.CreateDirectory(prefix);
        _host = await EngineHost.StartAsync(prefix, options: new EngineOptions { AgentTimeout = TimeSpan.FromMilliseconds(500) }, cancel: CancellationToken.None);
        Panel = await PanelServer.StartLiveAsync(prefix: prefix);
        Panel.AddUser("ann");
        Panel.AddUser("bob");

        Ann = Chromium.Start(Panel.Address);
        Ann.LogIn("ann", PanelServer.Password);
        Ann.Open("/Vms/Create");
        Ann.Find("input[name=name]").SendKeys(VmName);
        foreach (var (field, value) in new[] { ("memory", "64"), ("vcpus", "1"), ("disk", "1") })
        {
            var input = Ann.Find($"input[name={field}]");
            input.Clear();
            input.SendKeys(value);
        }
        Ann.Find("input[name=type][value=hvm]").Click();
        Ann.Find("input[name=name]").Submit();
        var info = Ann.WaitFor<string?>(d => new Uri(d.Url).AbsolutePath is var p && p.StartsWith("/Vms/Info/", StringComparison.Ordinal) ? p : null, "the VM's info page after create")!;
        VmId = long.Parse(info["/Vms/Info/".Length..], CultureInfo.InvariantCulture);
        Assert.Contains($"Created {VmName} and started it.", Ann.Driver.PageSource, StringComparison.Ordinal);
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
            if (_host is not null)
            {
                foreach (var d in await _host.Engine.ListAsync(CancellationToken.None))
                {
                    try { await _host.Engine.DestroyAsync(d.Domid.ToString(CultureInfo.InvariantCulture), CancellationToken.None); }
                    catch (EngineException) { }
                }
                await _host.DisposeAsync();
                _host = null;
            }
            if (_root.Length > 0 && Directory.Exists(_root))
                Directory.Delete(_root, recursive: true);
        }
    }
}
