using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Xeno.Panel.Tests.Support;

/// <summary>
/// Debian's headless chromium under chromedriver (XENO_TEST_PACKAGES), each with a profile folder of its
/// own: one person's browser. The browser tests' <see cref="Chromium"/> and the panel bench's console
/// (bench/Xeno.Panel.Bench, which links this file) both start and stop it here.
/// </summary>
internal static class HeadlessChromium
{
    public const string Binary = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    public static bool Available => File.Exists(Binary) && File.Exists(DriverPath);

    /// <summary>Starts a browser; <paramref name="patience"/> bounds its start and page loads, <paramref name="scriptPatience"/> an asynchronous script.</summary>
    public static (ChromeDriver Driver, string Profile) Launch(string profilePrefix, TimeSpan patience, TimeSpan scriptPatience)
    {
        var profile = Directory.CreateTempSubdirectory(profilePrefix).FullName;
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = Binary };
        // Root in a container: no sandbox; no GPU; /dev/shm may be small.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--window-size=1280,900", "--user-data-dir=" + profile, "--no-first-run", "--disable-extensions");
        try
        {
            var driver = new ChromeDriver(service, options, patience);
            driver.Manage().Timeouts().PageLoad = patience;
            driver.Manage().Timeouts().AsynchronousJavaScript = scriptPatience;
            return (driver, profile);
        }
        catch
        {
            service.Dispose();
            Directory.Delete(profile, recursive: true);
            throw;
        }
    }

    /// <summary>Waits for a condition the page reaches by itself (never a fixed sleep), elements that are not there yet or went stale meanwhile tolerated.</summary>
    public static T WaitUntil<T>(IWebDriver driver, Func<IWebDriver, T> condition, string what, TimeSpan patience)
    {
        var wait = new WebDriverWait(driver, patience) { PollingInterval = TimeSpan.FromMilliseconds(200), Message = "timed out waiting for " + what };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition);
    }

    /// <summary>Fills in and sends the panel's login form, as a person would; <see cref="LoggedIn"/> tells when the panel let them in.</summary>
    public static void SubmitLogin(IWebDriver driver, Uri site, string name, string password)
    {
        driver.Navigate().GoToUrl(new Uri(site, "Account/Login"));
        driver.FindElement(By.CssSelector("input[name=name]")).SendKeys(name);
        driver.FindElement(By.CssSelector("input[name=password]")).SendKeys(password);
        driver.FindElement(By.CssSelector("input[name=password]")).Submit();
    }

    public static bool LoggedIn(IWebDriver driver) => !new Uri(driver.Url).AbsolutePath.StartsWith("/Account/Login", StringComparison.Ordinal);

    /// <summary>Quits the browser and removes its profile.</summary>
    public static void Quit(ChromeDriver driver, string profile)
    {
        try
        {
            driver.Quit();
        }
        finally
        {
            driver.Dispose();
            try { Directory.Delete(profile, recursive: true); }
            catch (IOException) { } // Chromium's last writes may race the delete; the temp folder is reaped anyway.
        }
    }
}
