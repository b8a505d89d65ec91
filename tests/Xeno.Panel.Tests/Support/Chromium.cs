using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Xeno.Panel.Tests.Support;

/// <summary>
/// A real headless Chromium (Debian's chromium and chromium-driver, XENO_TEST_PACKAGES) driven
/// with Selenium, with a profile of its own: each instance is one person's browser.
/// </summary>
internal sealed class Chromium : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private readonly string _profile;

    private Chromium(ChromeDriver driver, string profile, Uri site)
    {
        Driver = driver;
        _profile = profile;
        Site = site;
    }

    public ChromeDriver Driver { get; }
    public Uri Site { get; }

    public static Chromium Start(Uri site)
    {
        Assert.True(HeadlessChromium.Available,
            $"the browser tests need {HeadlessChromium.Binary} and {HeadlessChromium.DriverPath}: apt-get install chromium chromium-driver (scripts/lib/common.sh)");
        var (driver, profile) = HeadlessChromium.Launch("xpc-", Patience, Patience);
        return new Chromium(driver, profile, site);
    }

    public void Open(string path) => Driver.Navigate().GoToUrl(new Uri(Site, path.TrimStart('/')));

    public string PathAndQuery => new Uri(Driver.Url).PathAndQuery;

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    public object? Script(string script, params object[] args) => Driver.ExecuteScript(script, args);

    /// <summary>Waits for a condition the page reaches by itself (never a fixed sleep).</summary>
    public T WaitFor<T>(Func<IWebDriver, T> condition, string what, TimeSpan? patience = null)
    {
        try
        {
            return HeadlessChromium.WaitUntil(Driver, condition, what, patience ?? Patience);
        }
        catch (WebDriverTimeoutException e)
        {
            // What the page showed, for whoever reads the failure.
            var shot = Screenshot("timeout-" + string.Concat(what.Where(char.IsLetterOrDigit).Take(40)));
            var text = Driver.FindElement(By.TagName("body")).Text;
            throw new WebDriverTimeoutException($"{e.Message} at {Driver.Url} (screenshot {shot}); the page says: {(text.Length > 1500 ? text[..1500] : text)}", e);
        }
    }

    public void LogIn(string name, string password)
    {
        HeadlessChromium.SubmitLogin(Driver, Site, name, password);
        WaitFor(HeadlessChromium.LoggedIn, "the login to finish");
    }

    /// <summary>Saves a screenshot into the results folder (<see cref="Screenshots"/>) and attaches it to the test.</summary>
    public string Screenshot(string name) => Screenshots.Save(Driver.GetScreenshot().AsByteArray, name);

    public void Dispose() => HeadlessChromium.Quit(Driver, _profile);
}

/// <summary>
/// Where the browser tests put their screenshots: $XENO_TEST_RESULTS/panel-browser when set,
/// else TestResults/panel-browser beside the test assembly. Each is also a test attachment.
/// </summary>
internal static class Screenshots
{
    public static string Folder => Path.Combine(
        Environment.GetEnvironmentVariable("XENO_TEST_RESULTS") is { Length: > 0 } r ? r : Path.Combine(AppContext.BaseDirectory, "TestResults"),
        "panel-browser");

    public static string Save(byte[] png, string name)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name + ".png");
        File.WriteAllBytes(path, png);
        // Attached when a test (not a fixture's set-up) is running.
        if (TestContext.Current.Test is not null)
            TestContext.Current.AddAttachment(name + ".png", png, "image/png");
        return path;
    }
}
