using System.Text;

namespace Xeno.Panel.Tests.Support;

/// <summary>A terminal's side for the SSH tests: what the code under test wrote, readable while it writes.</summary>
internal sealed class SharedOutput : Stream
{
    private readonly MemoryStream _inner = new();

    public string Text
    {
        get
        {
            lock (_inner)
                return Encoding.UTF8.GetString(_inner.ToArray());
        }
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        lock (_inner)
            _inner.Write(buffer, offset, count);
    }
}
