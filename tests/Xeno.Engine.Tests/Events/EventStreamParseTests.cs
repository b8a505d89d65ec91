using System.Text;
using System.Text.Json;
using Xeno.Api.Client;
using Xeno.Api.Contracts;

namespace Xeno.Engine.Tests.Events;

/// <summary>The client's line parser over damaged lines: an event or a clear EventStreamException, nothing else.</summary>
public sealed class EventStreamParseTests
{
    [Fact]
    public void ALineReadsBackAsTheEventAndGarbageIsNamed()
    {
        var e = new DomainEvent { Id = 3, Kind = DomainEventKind.Restarted, Domid = 1, Name = "web", NewDomid = 2, Time = DateTimeOffset.UnixEpoch };
        Assert.Equal(e, EventStream.ParseLine(JsonSerializer.Serialize(e, ApiJsonContext.Default.DomainEvent)));
        var bad = Assert.Throws<EventStreamException>(() => EventStream.ParseLine("{\"id\":1,\"kind\":\"exploded\"}"));
        Assert.StartsWith("xenod sent a line that is not an event", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomizedDamagedLinesGiveAnEventOrAClearError()
    {
        var r = new Random(97);
        var line = JsonSerializer.Serialize(new DomainEvent
        {
            Id = 41, Kind = DomainEventKind.Shutdown, Domid = 9, Name = "w\u00e9b", Reason = "crash", ReasonCode = 3, Action = "coredump-destroy", Message = "x\"y",
        }, ApiJsonContext.Default.DomainEvent);
        for (int round = 0; round < 5_000; round++)
        {
            var chars = new StringBuilder(line);
            for (int k = r.Next(1, 6); k > 0 && chars.Length > 0; k--)
            {
                int at = r.Next(chars.Length);
                switch (r.Next(3))
                {
                    case 0: chars[at] = (char)r.Next(0, 0x250); break;
                    case 1: chars.Remove(at, Math.Min(r.Next(1, 10), chars.Length - at)); break;
                    default: chars.Insert(at, "{[\"null:,}"[r.Next(10)]); break;
                }
            }
            try
            {
                Assert.NotNull(EventStream.ParseLine(chars.ToString()));
            }
            catch (EventStreamException)
            {
            }
        }
    }
}
