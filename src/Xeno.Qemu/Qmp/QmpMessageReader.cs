namespace Xeno.Qemu.Qmp;

/// <summary>
/// Splits the byte stream from QEMU into lines (QEMU ends every message with CR LF) and parses
/// each into a <see cref="QmpMessage"/>. Lines longer than <see cref="MaxLineBytes"/> are a
/// protocol error rather than unbounded memory. Blank lines are skipped.
/// </summary>
public sealed class QmpMessageReader
{
    public const int DefaultMaxLineBytes = 16 * 1024 * 1024;
    private readonly Stream _stream;
    private byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    public QmpMessageReader(Stream stream, int maxLineBytes = DefaultMaxLineBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 16);
        _stream = stream;
        MaxLineBytes = maxLineBytes;
    }

    public int MaxLineBytes { get; }

    /// <summary>The next message, or null at a clean end of stream (EOF between messages).</summary>
    public async ValueTask<QmpMessage?> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = _buffer.AsMemory(_start, newline - _start);
                _start = newline + 1;
                var trimmed = Trim(line.Span);
                if (trimmed.IsEmpty)
                    continue;
                if (trimmed.Length > MaxLineBytes)
                    throw TooLong();
                return QmpMessageParser.Parse(trimmed);
            }
            if (_end - _start > MaxLineBytes)
                throw TooLong();
            MakeRoom();
            int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (Trim(_buffer.AsSpan(_start, _end - _start)).IsEmpty)
                    return null;
                throw new QmpProtocolException(
                    $"connection closed in the middle of a QMP message: {QmpMessageParser.Snippet(_buffer.AsSpan(_start, _end - _start))}");
            }
            _end += read;
        }
    }

    private void MakeRoom()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
            Array.Resize(ref _buffer, _buffer.Length * 2);
    }

    private QmpProtocolException TooLong() =>
        new($"QMP message longer than {MaxLineBytes} bytes without a line end");

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line)
    {
        while (!line.IsEmpty && line[^1] is (byte)'\r' or (byte)' ' or (byte)'\t')
            line = line[..^1];
        while (!line.IsEmpty && line[0] is (byte)'\r' or (byte)' ' or (byte)'\t')
            line = line[1..];
        return line;
    }
}
