using System.Diagnostics;

namespace Xeno.Cli.Commands.Migration;

/// <summary>
/// The receiver's end as xl migrate sees it: /bin/sh -c &lt;rune&gt; with its stdin and stdout as
/// the channel. Its stderr (the receiver's "migration target:" lines, ssh's own messages) is
/// passed on line by line to xl's stderr.
/// </summary>
internal sealed class ReceiverChannel : IDisposable
{
    private readonly Process _process;

    private ReceiverChannel(Process process) => _process = process;

    public Stream ToReceiver => _process.StandardInput.BaseStream;
    public Stream FromReceiver => _process.StandardOutput.BaseStream;

    /// <summary>The descriptor of the receiver's stdin (what QEMU writes to when it gets the channel); null if not a pipe.</summary>
    public System.Runtime.InteropServices.SafeHandle? ToReceiverHandle
    {
        get
        {
            try
            {
                return (ToReceiver as System.IO.Pipes.PipeStream)?.SafePipeHandle is { IsInvalid: false, IsClosed: false } h ? h : null;
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
            {
                return null;
            }
        }
    }

    public static ReceiverChannel Start(string rune, TextWriter err)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(rune);
        var p = new Process { StartInfo = info };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (err)
                    err.Write(e.Data + "\n");
        };
        p.Start();
        p.BeginErrorReadLine();
        return new ReceiverChannel(p);
    }

    /// <summary>No more data for the receiver: it sees the end of its stdin.</summary>
    public void CloseToReceiver()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Waits for the receiver's command to end (its stderr fully passed on), killing it after <paramref name="timeout"/>.</summary>
    public void WaitExit(TimeSpan timeout)
    {
        CloseToReceiver();
        if (!_process.WaitForExit(timeout))
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }
        _process.WaitForExit();
    }

    public void Dispose() => _process.Dispose();
}
