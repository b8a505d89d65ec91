using System.Diagnostics;
using Xeno.Api.Client;
using Xeno.Engine.Tests.Support;
using Xeno.Panel.Data;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.InBrowser;

/// <summary>
/// One real guest for every browser console test: a real xenod (in process, temporary prefix),
/// the panel on a loopback port, and a PV kit guest (shell on hvc0) that ann created in
/// Chromium through the create form. Two browsers stay open: ann's and an admin's (root).
/// </summary>
public sealed class ConsoleGuest : IAsyncLifetime
{
    public const string VmName = "webcon";
    private LiveEngine? _engine;

    internal PanelServer Panel { get; private set; } = null!;
    internal Chromium Ann { get; private set; } = null!;
    internal Chromium Root { get; private set; } = null!;
    internal XenodClient Xenod { get; private set; } = null!;
    public long VmId { get; private set; }
    public string Prefix { get; private set; } = "";

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
        var kit = GuestKit.Get();
        _engine = await LiveEngine.StartAsync("xc-");
        Prefix = _engine.Prefix;
        Xenod = new XenodClient(Path.Combine(Prefix, "run/xeno/xenod.sock"), Prefix);
        Panel = await PanelServer.StartLiveAsync(o => o with
        {
            Kernels = [new() { Name = "kit", Kernel = kit.Vmlinuz, Ramdisk = kit.Initrd, Extra = "console=hvc0 xeno.action=shell xeno.agent=off" }],
        }, Prefix);
        Panel.AddUser("ann");
        Panel.AddUser("bob");
        Panel.AddUser("root", Role.Admin);

        Ann = Chromium.Start(Panel.Address);
        Ann.LogIn("ann", PanelServer.Password);
        VmId = VmCreateForm.Submit(Ann, VmName, "pv", memoryMiB: 128, kernel: "kit");
        Ann.Screenshot("01-created");

        // Booted: the ready marker is on the console xenod keeps.
        var sw = Stopwatch.StartNew();
        while (!(await Xenod.GetConsoleOutputAsync(VmName)).Output.Contains("XENO-GUEST-READY", StringComparison.Ordinal))
        {
            Assert.True(sw.Elapsed < TimeSpan.FromMinutes(4), "the guest printed no ready marker within 4 minutes");
            await Task.Delay(250);
        }
        Root = Chromium.Start(Panel.Address);
        Root.LogIn("root", PanelServer.Password);
    }

    /// <summary>The terminal's whole buffer (scrollback and screen) as text, read through xterm.js.</summary>
    internal static string TerminalText(Chromium browser) => (string?)browser.Script("""
        const t = window.xenoTerminal;
        if (!t) return '';
        const b = t.buffer.active, lines = [];
        for (let i = 0; i < b.length; i++) { const l = b.getLine(i); if (l) lines.push(l.translateToString(true)); }
        return lines.join('\n');
        """) ?? "";

    /// <summary>Opens the console page and waits until its WebSocket is open.</summary>
    internal void OpenConsole(Chromium browser)
    {
        browser.Open($"/Vms/Console/{VmId}");
        browser.WaitFor(_ => browser.Find("#console-status").GetAttribute("data-state") == "open", "the console WebSocket to open");
    }

    /// <summary>Types as a person does: a click into the terminal, then the keys.</summary>
    internal static void Type(Chromium browser, string keys)
    {
        browser.Find("#terminal").Click();
        new OpenQA.Selenium.Interactions.Actions(browser.Driver).SendKeys(keys).Perform();
    }

    internal static void WaitForText(Chromium browser, string text, string what) =>
        browser.WaitFor(_ => TerminalText(browser).Contains(text, StringComparison.Ordinal), what);

    public async ValueTask DisposeAsync()
    {
        try
        {
            Ann?.Dispose();
            Root?.Dispose();
            Xenod?.Dispose();
            if (Panel is not null)
                await Panel.DisposeAsync();
            (Ann, Root, Xenod, Panel) = (null!, null!, null!, null!);
        }
        finally
        {
            if (_engine is not null)
                await _engine.DisposeAsync();
            _engine = null;
        }
    }
}
