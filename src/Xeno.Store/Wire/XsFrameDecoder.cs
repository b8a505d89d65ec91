namespace Xeno.Store.Wire;

/// <summary>Why a byte stream cannot be framed into messages any more.</summary>
public enum XsFrameError
{
    None,
    /// <summary>The header announces more than XENSTORE_PAYLOAD_MAX bytes: Xen drops the connection.</summary>
    PayloadTooLarge,
}

/// <summary>
/// Cuts a stream of bytes into xenstore messages. Feed it whatever the socket gave;
/// it keeps partial messages across calls. Any type value is framed (the store answers
/// unknown ones with ENOSYS); only an oversized length is fatal.
/// </summary>
public sealed class XsFrameDecoder
{
    private readonly byte[] _header = new byte[XsHeader.Size];
    private int _headerFill;
    private XsHeader _current;
    private byte[]? _payload;
    private int _payloadFill;

    public XsFrameError Error { get; private set; }

    /// <summary>Consumes bytes and appends each completed message to <paramref name="output"/>.</summary>
    public XsFrameError Feed(ReadOnlySpan<byte> data, List<XsMessage> output)
    {
        while (Error == XsFrameError.None && !data.IsEmpty)
        {
            if (_payload is null)
            {
                var take = Math.Min(XsHeader.Size - _headerFill, data.Length);
                data[..take].CopyTo(_header.AsSpan(_headerFill));
                _headerFill += take;
                data = data[take..];
                if (_headerFill < XsHeader.Size) break;
                _current = XsHeader.Read(_header);
                if (_current.Length > XsHeader.PayloadMax)
                {
                    Error = XsFrameError.PayloadTooLarge;
                    break;
                }
                _payload = _current.Length == 0 ? [] : new byte[_current.Length];
                _payloadFill = 0;
            }
            var need = _payload.Length - _payloadFill;
            var chunk = Math.Min(need, data.Length);
            data[..chunk].CopyTo(_payload.AsSpan(_payloadFill));
            _payloadFill += chunk;
            data = data[chunk..];
            if (_payloadFill == _payload.Length)
            {
                output.Add(new XsMessage((XsMessageType)_current.Type, _current.RequestId, _current.TransactionId, _payload));
                _payload = null;
                _headerFill = 0;
            }
        }
        return Error;
    }
}
