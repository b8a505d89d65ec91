using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Xeno.Panel.Bench;

/// <summary>
/// `xeno-panel run --prefix P --urls http://127.0.0.1:0` as its own process, as an admin starts
/// it (its settings from &lt;prefix&gt;/etc/xeno/panel.json), and its account commands. The
/// panel's console log is drained (a full pipe would stall it) and kept for a failure's message.
/// </summary>
internal sealed class PanelProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log;

    private PanelProcess(Process process, StringBuilder log, Uri address)
    {
        _process = process;
        _log = log;
        Address = address;
    }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri Address { get; }

    public int Pid => _process.Id;

    public static string Executable => Path.Combine(AppContext.BaseDirectory, "xeno-panel");

    public static async Task<PanelProcess> StartAsync(string prefix, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(Executable)
        {
            ArgumentList = { "run", "--prefix", prefix, "--urls", "http://127.0.0.1:0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {Executable}");
        var log = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Line(string? line)
        {
            if (line is null) return;
            lock (log)
            {
                // Only the start and the last lines matter for a failure; the request log is long.
                if (log.Length > 64 * 1024) log.Remove(0, 32 * 1024);
                log.AppendLine(line);
            }
            const string Marker = "Now listening on: ";
            int at = line.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
                listening.TrySetResult(new Uri(line[(at + Marker.Length)..].Trim().TrimEnd('/') + "/"));
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var done = await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(timeout));
        if (done != listening.Task)
        {
            if (!process.HasExited) process.Kill();
            string text;
            lock (log) text = log.ToString();
            throw new InvalidOperationException($"xeno-panel did not start within {timeout.TotalSeconds:F0} s: {text}");
        }
        return new PanelProcess(process, log, await listening.Task);
    }

    /// <summary>`xeno-panel create-admin|create-owner NAME --prefix P` with the password on standard input.</summary>
    public static void CreateAccount(string prefix, string command, string name, string password)
    {
        var info = new ProcessStartInfo(Executable)
        {
            ArgumentList = { command, name, "--prefix", prefix },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(info)!;
        p.StandardInput.WriteLine(password);
        p.StandardInput.Close();
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"xeno-panel {command} {name} failed ({p.ExitCode}): {err.Result}");
    }

    public string RecentLog()
    {
        lock (_log) return _log.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
                await term.WaitForExitAsync();
            var exited = _process.WaitForExitAsync();
            if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(30))) != exited)
                _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
