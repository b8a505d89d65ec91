namespace Xeno.Engine.Consoles;

/// <summary>Where a console hub fans guest output out to: a socket client or an in-process viewer.</summary>
internal interface IConsoleSink : IDisposable
{
    /// <summary>A number for the log: the hub's count of attached clients.</summary>
    int Id { get; }

    /// <summary>Queues output; false when the sink has fallen too far behind (the hub drops it).</summary>
    bool TryEnqueue(byte[] chunk);
}
