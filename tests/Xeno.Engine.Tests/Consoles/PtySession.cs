using System.Diagnostics;
using System.Text;

namespace Xeno.Engine.Tests.Consoles;

/// <summary>
/// A shell command on a real terminal: util-linux `script` runs it on a new pty (its
/// controlling terminal, in the pty's default cooked mode with echo), copies what the test
/// types to the pty and everything written to the pty back to the test.
/// </summary>
internal sealed class PtySession : IDisposable
{
    private readonly Process _script;
    private readonly StringBuilder _seen = new();
    private readonly Task _pump;

    private PtySession(Process script)
    {
        _script = script;
        _pump = Task.Factory.StartNew(Pump, TaskCreationOptions.LongRunning);
    }

    public static PtySession Start(string command, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-q", "-f", "-e", "-c", command, "/dev/null" })
            info.ArgumentList.Add(arg);
        info.Environment["TERM"] = "xterm";
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        return new PtySession(Process.Start(info) ?? throw new InvalidOperationException("cannot run script"));
    }

    /// <summary>Everything the pty showed so far.</summary>
    public string Output
    {
        get
        {
            lock (_seen)
                return _seen.ToString();
        }
    }

    public bool Exited => _script.HasExited;

    /// <summary>Keys as a terminal sends them (Enter is \r).</summary>
    public void Type(string keys)
    {
        _script.StandardInput.BaseStream.Write(Encoding.ASCII.GetBytes(keys));
        _script.StandardInput.BaseStream.Flush();
    }

    private void Pump()
    {
        var buffer = new byte[4096];
        var stream = _script.StandardOutput.BaseStream;
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            lock (_seen)
                _seen.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }
    }

    public void Dispose()
    {
        if (!_script.HasExited)
            _script.Kill(entireProcessTree: true);
        _script.WaitForExit();
        _pump.Wait(TimeSpan.FromSeconds(5));
        _script.Dispose();
    }
}
