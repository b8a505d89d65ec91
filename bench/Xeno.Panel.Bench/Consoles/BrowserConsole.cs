using System.Globalization;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

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
    private const string Binary = "/usr/bin/chromium";
    private const string DriverPath = "/usr/bin/chromedriver";
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

    public static bool Available => File.Exists(Binary) && File.Exists(DriverPath);

    public static BrowserConsole Open(Uri site, string user, string password, long vmId)
    {
        var profile = Directory.CreateTempSubdirectory("xpbc-").FullName;
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = Binary };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--window-size=1280,900", "--user-data-dir=" + profile, "--no-first-run", "--disable-extensions");
        ChromeDriver driver;
        try
        {
            driver = new ChromeDriver(service, options, Patience);
        }
        catch
        {
            service.Dispose();
            Directory.Delete(profile, recursive: true);
            throw;
        }
        var b = new BrowserConsole(driver, profile);
        try
        {
            driver.Manage().Timeouts().PageLoad = Patience;
            driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromMinutes(10);
            driver.ExecuteCdpCommand("Page.addScriptToEvaluateOnNewDocument", new Dictionary<string, object?> { ["source"] = KeepSocket });
            driver.Navigate().GoToUrl(new Uri(site, "Account/Login"));
            driver.FindElement(By.CssSelector("input[name=name]")).SendKeys(user);
            driver.FindElement(By.CssSelector("input[name=password]")).SendKeys(password);
            driver.FindElement(By.CssSelector("input[name=password]")).Submit();
            b.Wait(d => !new Uri(d.Url).AbsolutePath.StartsWith("/Account/Login", StringComparison.Ordinal), "the login");
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

    private void Wait(Func<IWebDriver, bool> condition, string what)
    {
        var wait = new WebDriverWait(_driver, Patience) { PollingInterval = TimeSpan.FromMilliseconds(200), Message = "timed out waiting for " + what };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        wait.Until(condition);
    }

    public void Dispose()
    {
        try
        {
            _driver.Quit();
        }
        finally
        {
            _driver.Dispose();
            try { Directory.Delete(_profile, recursive: true); } catch (IOException) { }
        }
    }
}
