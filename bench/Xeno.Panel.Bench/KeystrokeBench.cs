using System.Text;
using Xeno.Engine.Bench;
using Xeno.Panel.Bench.Consoles;
using static Xeno.Panel.Bench.Section;

namespace Xeno.Panel.Bench;

/// <summary>
/// Keystroke to echo on the console guest's shell, four ways at once on the same guest, samples
/// interleaved round by round: `xl console` (its pipes), xenod's console WebSocket directly, the
/// panel's console WebSocket from .NET, and the panel's console page in headless Chromium.
/// </summary>
internal sealed class KeystrokeBench(PanelRig rig, BenchSettings settings)
{
    public async Task<string> RunAsync()
    {
        int perRound = settings.Quick ? 15 : 40;
        var root = await rig.LoggedInAsync("root");
        var channels = new List<EchoChannel>();
        BrowserConsole? browser = null;
        var results = new Dictionary<string, List<double>>();
        try
        {
            channels.Add(new XlConsoleChannel(rig.Programs.Xl, rig.Prefix, PanelRig.ConsoleVm));
            channels.Add(new WebSocketChannel("xenod's console WebSocket (.NET client)", await rig.Xenod.AttachConsoleAsync(PanelRig.ConsoleVm)));
            channels.Add(new WebSocketChannel("panel's console WebSocket (.NET client)", await root.OpenConsoleAsync(rig.ConsoleVmId)));
            browser = BrowserConsole.Open(rig.Panel.Address, "root", PanelClient.Password, rig.ConsoleVmId);
            // The attach's history (WebSockets) is in before the first byte is typed.
            foreach (var c in channels)
                await c.Log.WaitQuietAsync(TimeSpan.FromMilliseconds(500));
            // Warm-up: JIT, the first messages of every socket.
            foreach (var c in channels)
                await c.EchoesAsync(5);
            browser.Echoes(5);

            const string BrowserName = "**the panel's console page in headless Chromium**";
            foreach (var name in channels.Select(c => c.Name).Append(BrowserName))
                results[name] = [];
            // Sample by sample, the paths in turn (the first one rotating): the host's load
            // changes by the second here, and each path must see the same moments.
            var paths = channels.Select(c => (c.Name, Echo: (Func<Task<List<double>>>)(() => c.EchoesAsync(1))))
                .Append((BrowserName, () => Task.FromResult(browser.Echoes(1)))).ToList();
            for (int round = 0; round < settings.Runs; round++)
            {
                Console.Error.WriteLine($"panel bench: keystroke round {round + 1} of {settings.Runs}");
                for (int i = 0; i < perRound; i++)
                {
                    for (int k = 0; k < paths.Count; k++)
                    {
                        var (name, echo) = paths[(i + k) % paths.Count];
                        results[name].AddRange(await echo());
                    }
                }
            }
        }
        finally
        {
            browser?.Dispose();
            foreach (var c in channels)
                await c.DisposeAsync();
        }

        var xl = results["xl console"];
        var md = new StringBuilder();
        md.Append("### Console keystroke round trip: the browser against `xl console`\n\n");
        md.Append(F($"Method: the console guest is a PV kit guest (128 MiB, 1 vCPU, TCG) with a shell on hvc0, created by the admin through the panel's create form. One sample: send the byte `q`, time until a received chunk holds the shell's echo of it; then DEL (erasing it, so the line stays empty) and wait for its backspace, untimed. The four paths are attached at once and measured in turn, sample by sample (the path that goes first rotating), {perRound} samples each per round, {settings.Runs} round(s) ({xl.Count} samples per path), after 5 warm-up samples each; all four see every echo (xenod's console hub fans out to each), so each pays the same fan-out. `xl console` is the real `xl` process with its standard input and output as pipes (it relays them unbuffered; no terminal's raw mode), straight to the console hub's unix socket; times are taken by the bench at the pipe. The browser is Debian's headless Chromium on the panel's console page (logged in through the login form, xterm.js connected by the page's own script); a script injected before the page's keeps a reference to the page's WebSocket, and the timing runs inside the page: `performance.now()` before `ws.send` of the byte (what console.js's `term.onData` sends for a key) to the `message` event that carries the echo. It leaves out xterm.js's keyboard handling and drawing, which are the same whatever the server. The .NET rows are the same WebSocket protocols driven by a .NET `ClientWebSocket` (the panel's with the session cookie and a fresh ticket from the console page), to show where the time goes.\n\n"));
        md.Append("| Path (ms) | median | p95 | median / `xl console` | p95 / `xl console` |\n|---|---:|---:|---:|---:|\n");
        foreach (var (name, v) in results)
            md.Append(F($"| {(name == "xl console" ? "`xl console` (pipes)" : name)} | {Ms(v)} | {Stats.Median(v) / Stats.Median(xl):F2} | {Stats.Percentile(v, 95) / Stats.Percentile(xl, 95):F2} |\n"));
        md.Append('\n');
        return md.ToString();
    }
}
