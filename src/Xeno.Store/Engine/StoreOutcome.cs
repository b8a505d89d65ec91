using Xeno.Store.Sessions;
using Xeno.Store.Tree;
using Xeno.Store.Wire;

namespace Xeno.Store.Engine;

/// <summary>
/// Everything one request caused, for the server to carry out in this order: log the
/// mutations durably, then send the outgoing messages, then apply domain changes.
/// </summary>
public sealed class StoreOutcome
{
    public List<(StoreSession To, XsMessage Message)> Outgoing { get; } = [];
    public List<StoreMutation> Mutations { get; } = [];
    public List<uint> IntroducedDomains { get; } = [];
    public List<uint> ReleasedDomains { get; } = [];

    public XsMessage? ReplyTo(StoreSession session) =>
        Outgoing.LastOrDefault(o => o.To == session && o.Message.Type != XsMessageType.WatchEvent).Message;
}

/// <summary>A handler's answer: a reply payload or an errno.</summary>
internal readonly struct Result
{
    private Result(byte[]? payload, XsErrno error) { Payload = payload; Error = error; }

    public byte[]? Payload { get; }
    public XsErrno Error { get; }
    public bool IsError => Payload is null;

    public static implicit operator Result(XsErrno error) => new(null, error);
    public static implicit operator Result(byte[] payload) => new(payload, default);

    public static Result Ok => new(XsMessage.OkPayload, default);
}
