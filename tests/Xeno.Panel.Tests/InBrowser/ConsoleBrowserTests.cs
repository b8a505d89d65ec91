using System.Net.WebSockets;
using System.Text;
using OpenQA.Selenium;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.InBrowser;

/// <summary>
/// The serial console in real headless Chromium against a real guest (<see cref="ConsoleGuest"/>,
/// one boot for all): history on attach, typing, a second viewer, copy and paste, and the
/// refused WebSockets. Screenshots go to <see cref="Screenshots.Folder"/>.
/// </summary>
public sealed class ConsoleBrowserTests(ConsoleGuest guest) : IClassFixture<ConsoleGuest>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void TheConsoleShowsTheBootHistoryRunsWhatIsTypedAndASecondViewerSeesIt()
    {
        var ann = guest.Ann;
        guest.OpenConsole(ann);
        // History: the boot happened before the page opened.
        ConsoleGuest.WaitForText(ann, "XENO-GUEST-READY", "the boot output (history) in ann's terminal");
        ConsoleGuest.Type(ann, "echo XENO-$((6*7))" + Keys.Enter);
        // The command line shows "XENO-$((6*7))"; only the shell's answer has "XENO-42".
        ConsoleGuest.WaitForText(ann, "\nXENO-42", "the command's output in ann's terminal");
        ann.Screenshot("02-console-typed");

        // A second viewer (an admin): the same history, then what either types reaches both.
        var root = guest.Root;
        guest.OpenConsole(root);
        ConsoleGuest.WaitForText(root, "\nXENO-42", "ann's output in the admin's history");
        ConsoleGuest.Type(root, "echo ROOT-$((2*3))" + Keys.Enter);
        ConsoleGuest.WaitForText(root, "\nROOT-6", "the admin's command output in the admin's terminal");
        ConsoleGuest.WaitForText(ann, "\nROOT-6", "the admin's command output in ann's terminal (live)");
        root.Screenshot("03-second-viewer");
        ann.Screenshot("04-first-viewer-sees-second");
        Assert.Contains(guest.Panel.Audit.Read(user: "ann", action: "vm.console"), e => e.Result == "ok" && e.Target == ConsoleGuest.VmName);
        Assert.Contains(guest.Panel.Audit.Read(user: "root", action: "vm.console"), e => e.Result == "ok");
    }

    [Fact]
    public void PasteTypesTheClipboardAndASelectionCopiesTheTerminalsText()
    {
        var ann = guest.Ann;
        guest.OpenConsole(ann);
        // What the browser does on a paste (Ctrl+V, the context menu): a paste event with the
        // clipboard's text, handled by xterm.js itself.
        ann.Script("""
            const dt = new DataTransfer();
            dt.setData('text/plain', 'echo PASTE-$((3*3))\r');
            document.querySelector('.xterm-helper-textarea')
              .dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
            """);
        ConsoleGuest.WaitForText(ann, "\nPASTE-9", "the pasted command's output");
        // Copy: select, and the browser's copy event carries the selection.
        var copied = (string?)ann.Script("""
            const t = window.xenoTerminal;
            t.selectAll();
            const dt = new DataTransfer();
            document.querySelector('.xterm-helper-textarea')
              .dispatchEvent(new ClipboardEvent('copy', { clipboardData: dt, bubbles: true, cancelable: true }));
            return dt.getData('text/plain');
            """);
        Assert.Contains("PASTE-9", copied, StringComparison.Ordinal);
        ann.Screenshot("05-paste");
    }

    [Fact]
    public void TheBrowserCannotOpenAConsoleWithoutSessionTicketOrRight()
    {
        var ann = guest.Ann;
        ann.Open("/");
        var socketPath = $"/Vms/Console/{guest.VmId}/socket";
        // A ticket ann's session was given for a page view and has not used.
        var fresh = PageSockets.FreshSocket(ann, $"/Vms/Console/{guest.VmId}", "terminal");
        Assert.StartsWith(socketPath + "?token=", fresh, StringComparison.Ordinal);

        Assert.Equal("refused", PageSockets.TryOpen(ann, socketPath));                       // no ticket
        Assert.Equal("refused", PageSockets.TryOpen(ann, socketPath + "?token=forged"));    // a made-up one
        using var bob = Chromium.Start(guest.Panel.Address);
        bob.Open("/Account/Login");
        Assert.Equal("refused", PageSockets.TryOpen(bob, fresh!));                           // not signed in
        bob.LogIn("bob", PanelServer.Password);
        bob.Open($"/Vms/Console/{guest.VmId}");
        Assert.DoesNotContain("xterm", bob.Driver.PageSource, StringComparison.Ordinal); // the page: 404
        Assert.Equal("refused", PageSockets.TryOpen(bob, fresh!));                           // another owner, ann's ticket
        bob.Screenshot("06-other-owner-refused");
        Assert.Equal("open", PageSockets.TryOpen(ann, fresh!));                              // still ann's to use

        var audit = guest.Panel.Audit.Read();
        Assert.Contains(audit, e => e.Action == "console.socket" && e.User == "ann" && e.Detail == "no console ticket");
        Assert.Contains(audit, e => e.Action == "console.socket" && e.User == "ann" && e.Detail == "unknown or already used console ticket");
        Assert.Contains(audit, e => e.Action == "console.socket" && e.User is null && e.Detail == "not signed in");
        Assert.Contains(audit, e => e.Action == "vm.access" && e.User == "bob" && e.Detail == $"GET {socketPath}");
    }

    [Fact]
    public async Task XenodsWebSocketAttachGivesHistoryThenLiveOutputToEveryViewer()
    {
        using var a = await guest.Xenod.AttachConsoleAsync(ConsoleGuest.VmName, Ct);
        using var b = await guest.Xenod.AttachConsoleAsync(ConsoleGuest.VmName, Ct);
        var seenA = new StringBuilder();
        var seenB = new StringBuilder();
        var readA = ReadIntoAsync(a, seenA);
        var readB = ReadIntoAsync(b, seenB);
        await WaitAsync(() => Has(seenA, "XENO-GUEST-READY") && Has(seenB, "XENO-GUEST-READY"), "the boot output as history on both");
        await a.SendAsync("echo API-$((5*5))\r"u8.ToArray(), WebSocketMessageType.Text, true, Ct);
        await WaitAsync(() => Has(seenA, "\nAPI-25") && Has(seenB, "\nAPI-25"), "a's command's output on a and b");
        // Closing: xenod answers the close, and each reader sees it end.
        await a.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", Ct);
        await b.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", Ct);
        await Task.WhenAll(readA, readB).WaitAsync(TimeSpan.FromSeconds(30), Ct);
    }

    private static bool Has(StringBuilder seen, string text)
    {
        lock (seen)
            return seen.ToString().Contains(text, StringComparison.Ordinal);
    }

    private static async Task ReadIntoAsync(WebSocket ws, StringBuilder seen)
    {
        var buffer = new byte[8192];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[8192];
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer, Ct);
            if (r.MessageType == WebSocketMessageType.Close)
                return;
            int n = decoder.GetChars(buffer, 0, r.Count, chars, 0);
            lock (seen)
                seen.Append(chars, 0, n);
        }
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(100, Ct);
        }
    }
}
