using System.Text;

namespace Xeno.Store.Wire;

/// <summary>One xenstore message: header fields plus payload.</summary>
public sealed record XsMessage(XsMessageType Type, uint RequestId, uint TransactionId, byte[] Payload)
{
    public XsHeader Header => new((uint)Type, RequestId, TransactionId, (uint)Payload.Length);

    /// <summary>Serialises header and payload into one buffer, ready to send.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[XsHeader.Size + Payload.Length];
        Header.Write(bytes);
        Payload.CopyTo(bytes, XsHeader.Size);
        return bytes;
    }

    public static XsMessage Create(XsMessageType type, uint requestId, uint transactionId, params string[] nulTerminated)
    {
        var sb = new StringBuilder();
        foreach (var s in nulTerminated) sb.Append(s).Append('\0');
        return new XsMessage(type, requestId, transactionId, Encoding.UTF8.GetBytes(sb.ToString()));
    }

    public static XsMessage Error(XsMessage request, XsErrno errno) =>
        new(XsMessageType.Error, request.RequestId, request.TransactionId, Encoding.ASCII.GetBytes(errno + "\0"));

    public static readonly byte[] OkPayload = "OK\0"u8.ToArray();

    public static XsMessage Ok(XsMessage request) =>
        new(request.Type, request.RequestId, request.TransactionId, OkPayload);

    public override string ToString() =>
        $"{Type} req={RequestId} tx={TransactionId} \"{Encoding.UTF8.GetString(Payload).Replace("\0", "\\0", StringComparison.Ordinal)}\"";
}
