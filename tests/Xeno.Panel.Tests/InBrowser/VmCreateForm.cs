using System.Globalization;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.InBrowser;

/// <summary>The panel's create form, filled in and sent in the browser as a person would.</summary>
internal static class VmCreateForm
{
    /// <summary>
    /// Creates and starts a VM (1 vCPU, a 1 GiB disk; <paramref name="kernel"/>: one of the panel's kernels,
    /// else the form's default) and returns its id once its info page says it started.
    /// </summary>
    public static long Submit(Chromium browser, string name, string type, int memoryMiB, string? kernel = null)
    {
        browser.Open("/Vms/Create");
        browser.Find("input[name=name]").SendKeys(name);
        foreach (var (field, value) in new[] { ("memory", memoryMiB.ToString(CultureInfo.InvariantCulture)), ("vcpus", "1"), ("disk", "1") })
        {
            var input = browser.Find($"input[name={field}]");
            input.Clear();
            input.SendKeys(value);
        }
        browser.Find($"input[name=type][value={type}]").Click();
        if (kernel is not null)
            browser.Find($"select[name=kernel] option[value={kernel}]").Click();
        browser.Find("input[name=name]").Submit();
        var info = browser.WaitFor<string?>(d => new Uri(d.Url).AbsolutePath is var p && p.StartsWith("/Vms/Info/", StringComparison.Ordinal) ? p : null, "the VM's info page after create")!;
        Assert.Contains($"Created {name} and started it.", browser.Driver.PageSource, StringComparison.Ordinal);
        return long.Parse(info["/Vms/Info/".Length..], CultureInfo.InvariantCulture);
    }
}
