using System.Globalization;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Bench.Consoles;

/// <summary>
/// The panel's console page in a real headless Chromium (Debian's chromium and chromium-driver,
/// as the panel's browser tests use): logged in as a person would, the page's own script
/// (xterm.js) connected. A script added before the page's own keeps a reference to the page's
/// WebSocket, so the round trip is timed inside the page on the very socket console.js types
/// into (its term.onData sends the same bytes).
/// </summary>
internal sealed class BrowserConsole : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
    private readonly ChromeDriver _driver;
    private readonly string _profile;

    // A subclass keeps WebSocket.OPEN and the rest; the page gets it as its WebSocket.
    private const string KeepSocket = """
        (() => {
          const Native = window.WebSocket;
          window.WebSocket = class extends Native {
            constructor(...args) { super(...args); window.__xenoSocket = this; }
          };
        })();
        """;

    // 'q', wait for a message holding it (performance.now() in the message handler), then DEL
    // and its backspace; n times; returns the round trips in ms.
    private const string EchoScript = """
        const done = arguments[arguments.length - 1];
        const n = arguments[0];
        const ws = window.__xenoSocket;
        const enc = new TextEncoder();
        let want = null;
        const on = e => {
          if (want === null) return;
          const bytes = typeof e.data === 'string' ? enc.encode(e.data) : new Uint8Array(e.data);
          if (bytes.includes(want.code)) { const w = want; want = null; w.resolve(performance.now()); }
        };
        ws.addEventListener('message', on);
        const echo = code => new Promise(resolve => { want = { code, resolve }; });
        (async () => {
          const times = [];
          for (let i = 0; i < n; i++) {
            let p = echo(0x71);
            const t0 = performance.now();
            ws.send(enc.encode('q'));
            times.push((await p) - t0);
            p = echo(0x08);
            ws.send(new Uint8Array([0x7f]));
            await p;
          }
          ws.removeEventListener('message', on);
          done(times);
        })();
        """;

    private BrowserConsole(ChromeDriver driver, string profile)
    {
        _driver = driver;
        _profile = profile;
    }

    public static bool Available => HeadlessChromium.Available;

    public static BrowserConsole Open(Uri site, string user, string password, long vmId)
    {
        var (driver, profile) = HeadlessChromium.Launch("xpbc-", Patience, TimeSpan.FromMinutes(10));
        var b = new BrowserConsole(driver, profile);
        try
        {
            driver.ExecuteCdpCommand("Page.addScriptToEvaluateOnNewDocument", new Dictionary<string, object?> { ["source"] = KeepSocket });
            HeadlessChromium.SubmitLogin(driver, site, user, password);
            b.Wait(HeadlessChromium.LoggedIn, "the login");
            driver.Navigate().GoToUrl(new Uri(site, "Vms/Console/" + vmId.ToString(CultureInfo.InvariantCulture)));
            b.Wait(d => d.FindElement(By.Id("console-status")).GetAttribute("data-state") == "open", "the console WebSocket to open");
            return b;
        }
        catch
        {
            b.Dispose();
            throw;
        }
    }

    public List<double> Echoes(int samples)
    {
        var r = _driver.ExecuteAsyncScript(EchoScript, samples) as IEnumerable<object>
            ?? throw new InvalidOperationException("the page's round-trip script returned no list");
        return r.Select(o => Convert.ToDouble(o, CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>The terminal's text as xterm.js holds it (the screen and scrollback).</summary>
    public string TerminalText() => (string?)_driver.ExecuteScript("""
        const b = window.xenoTerminal.buffer.active, lines = [];
        for (let i = 0; i < b.length; i++) { const l = b.getLine(i); if (l) lines.push(l.translateToString(true)); }
        return lines.join('\n');
        """) ?? "";

    private void Wait(Func<IWebDriver, bool> condition, string what) => HeadlessChromium.WaitUntil(_driver, condition, what, Patience);

    public void Dispose() => HeadlessChromium.Quit(_driver, _profile);
}
