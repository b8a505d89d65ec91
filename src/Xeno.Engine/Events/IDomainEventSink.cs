using Xeno.Api.Contracts;

namespace Xeno.Engine.Events;

/// <summary>
/// Where the engine reports what happens to domains. The event log (Events/) assigns ids and
/// times; callers fill in the rest. Publishing never blocks on slow subscribers.
/// </summary>
public interface IDomainEventSink
{
    void Publish(DomainEvent e);

    /// <summary>Drops events (engine unit tests that do not look at them).</summary>
    public static IDomainEventSink None { get; } = new NoEvents();

    private sealed class NoEvents : IDomainEventSink
    {
        public void Publish(DomainEvent e)
        {
        }
    }
}
