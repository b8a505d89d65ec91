using System.Text;
using Xeno.Store.Engine;
using Xeno.Store.Sessions;
using Xeno.Store.Wire;

namespace Xeno.Store.Tests.Support;

/// <summary>Drives the pure engine directly: requests in, reply text and delivered events out.</summary>
internal sealed class EngineHarness
{
    private uint _req = 1;

    public EngineHarness()
    {
        Engine.CreateDefaultTree();
        Dom0 = Engine.Connect(0);
    }

    public XenStoreEngine Engine { get; } = new();
    public StoreSession Dom0 { get; }
    public List<(StoreSession To, XsMessage Message)> Delivered { get; } = [];
    public StoreOutcome? Last { get; private set; }

    /// <summary>Reply payload as text; errors as "!ENAME".</summary>
    public string Req(StoreSession s, XsMessageType type, uint tx, params string[] args) =>
        Send(s, XsMessage.Create(type, _req++, tx, args));

    public string Send(StoreSession s, XsMessage m)
    {
        Last = Engine.Process(s, m);
        Delivered.AddRange(Last.Outgoing.Where(o => o.Message.Type == XsMessageType.WatchEvent));
        var reply = Last.ReplyTo(s)!;
        Assert.Equal(m.RequestId, reply.RequestId);
        Assert.Equal(m.TransactionId, reply.TransactionId);
        if (reply.Type != XsMessageType.Error) Assert.Equal(m.Type, reply.Type);
        return XsClient.Text(reply);
    }

    public string Write(StoreSession s, string path, string value, uint tx = 0) =>
        Send(s, new XsMessage(XsMessageType.Write, _req++, tx, [.. Encoding.UTF8.GetBytes(path + "\0"), .. Encoding.UTF8.GetBytes(value)]));

    public string Read(StoreSession s, string path, uint tx = 0) => Req(s, XsMessageType.Read, tx, path);

    public StoreSession Domain(uint id)
    {
        if (!Engine.IsIntroduced(id)) Assert.Equal("OK", Req(Dom0, XsMessageType.Introduce, 0, id.ToString(), "0", "0"));
        return Engine.Connect(id);
    }

    /// <summary>Events delivered to a session since the last call, as "path|token".</summary>
    public List<string> EventsFor(StoreSession s)
    {
        var list = Delivered.Where(d => d.To == s).Select(d => XsClient.Text(d.Message).Replace('\0', '|')).ToList();
        Delivered.RemoveAll(d => d.To == s);
        return list;
    }
}
