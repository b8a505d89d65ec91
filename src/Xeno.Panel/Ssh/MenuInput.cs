using System.Text;
using System.Threading.Channels;

namespace Xeno.Panel.Ssh;

/// <summary>
/// The menu's keyboard: one thread reads the input stream (a pty, or a pipe) in chunks and
/// queues them, so the menu can read lines and the console relay raw bytes from the same
/// buffer, and either can stop waiting at any time (a blocked read(2) could not be called off).
/// Bytes the relay reads past the escape character are handed back with <see cref="Unread"/>.
/// </summary>
public sealed class MenuInput
{
    /// <summary>Longest line the menu reads; the rest of a longer line is dropped and the line reported as too long.</summary>
    public const int MaxLine = 256;

    private readonly Channel<byte[]> _chunks = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
    private ReadOnlyMemory<byte> _pending = ReadOnlyMemory<byte>.Empty;
    private bool _lastWasCr;

    public MenuInput(Stream source)
    {
        Task.Factory.StartNew(() => Pump(source), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Pump(Stream source)
    {
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = source.Read(buffer)) > 0)
            {
                // Blocks while the menu is not reading: a flood of input waits in the kernel, not here.
                if (!_chunks.Writer.WaitToWriteAsync().AsTask().GetAwaiter().GetResult())
                    return;
                _chunks.Writer.TryWrite(buffer[..n]);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            // A hung-up pty reads as EIO: the same as the end of input.
        }
        finally
        {
            _chunks.Writer.TryComplete();
        }
    }

    /// <summary>
    /// The next line without its end (\n, \r or \r\n), decoded as UTF-8; null at the end of input.
    /// A line longer than <see cref="MaxLine"/> bytes comes back cut at MaxLine + 1 bytes.
    /// </summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancel)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_pending.IsEmpty && await NextAsync(cancel) is null)
                return line.Count > 0 ? Decode(line) : null;
            var span = _pending.Span;
            int i = 0;
            for (; i < span.Length; i++)
            {
                byte b = span[i];
                if (b == (byte)'\n' && _lastWasCr)
                {
                    _lastWasCr = false;
                    continue;
                }
                _lastWasCr = b == (byte)'\r';
                if (b is (byte)'\n' or (byte)'\r')
                {
                    _pending = _pending[(i + 1)..];
                    return Decode(line);
                }
                if (line.Count <= MaxLine)
                    line.Add(b);
            }
            _pending = ReadOnlyMemory<byte>.Empty;
        }
    }

    /// <summary>Whatever input comes next, as it came (the console relay); null at the end of input.</summary>
    public async Task<ReadOnlyMemory<byte>?> ReadChunkAsync(CancellationToken cancel)
    {
        _lastWasCr = false;
        if (_pending.IsEmpty && await NextAsync(cancel) is null)
            return null;
        var chunk = _pending;
        _pending = ReadOnlyMemory<byte>.Empty;
        return chunk;
    }

    /// <summary>Puts bytes back in front of the input (what followed the console's escape character).</summary>
    public void Unread(ReadOnlyMemory<byte> bytes) => _pending = bytes.ToArray();

    private async Task<byte[]?> NextAsync(CancellationToken cancel)
    {
        while (await _chunks.Reader.WaitToReadAsync(cancel))
        {
            if (_chunks.Reader.TryRead(out var chunk))
            {
                _pending = chunk;
                return chunk;
            }
        }
        return null;
    }

    private static string Decode(List<byte> line) => Encoding.UTF8.GetString(line.ToArray());
}
