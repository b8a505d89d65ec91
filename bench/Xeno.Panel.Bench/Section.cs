using System.Globalization;
using Xeno.Engine.Bench;

namespace Xeno.Panel.Bench;

/// <summary>The section's header and the small formatting helpers every part uses.</summary>
internal static class Section
{
    public static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    public static string Header(BenchSettings s, bool quick, string load0, string load1, DateTime started) => F($"""
        ## Owners' console (xeno-panel): list page, console round trip, viewers, login and create under load

        Method: xenod and `xeno-panel run` each as its own process (the bench's Release build output, JIT-compiled, not ReadyToRun) on one temporary prefix, the panel configured through `<prefix>/etc/xeno/panel.json` and its accounts made with `xeno-panel create-admin`/`create-owner`, as an admin installs it; SQLite (the default database). The bench talks to the panel over loopback HTTP/1.1 (keep-alive connections, cookies and antiforgery tokens as a browser keeps them), to xenod through its typed client. Parts: {s.Runs} run(s){(quick ? " (quick run: fewer samples)" : "")}. Host load average (1/5/15 min) at the start: {load0}; at the end: {load1}; {started:yyyy-MM-dd HH:mm}–{DateTime.UtcNow:HH:mm} UTC.


        """);

    public static string Ms(IReadOnlyCollection<double> v) => F($"{Stats.Median(v):F1} | {Stats.Percentile(v, 95):F1}");
}
