using System.Text;
using System.Text.Json;
using Xeno.Api.Contracts;
using Xeno.Engine.Events;

namespace Xeno.Engine.Tests.Events;

/// <summary>The journal reader over whole, torn and corrupted journals (untrusted bytes).</summary>
public sealed class EventJournalReaderTests
{
    private static List<DomainEvent> Events(int n, Random r) =>
        Enumerable.Range(1, n).Select(i => new DomainEvent
        {
            Id = i,
            Time = new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero).AddMilliseconds(i * 7),
            Kind = (DomainEventKind)r.Next(0, 10),
            Domid = r.Next(1, 100),
            Name = "guest-" + r.Next(1000),
            Reason = r.Next(3) == 0 ? "reboot" : null,
            ReasonCode = r.Next(3) == 0 ? 1 : null,
            Message = r.Next(4) == 0 ? "quote \" and newline \n inside" : null,
        }).ToList();

    private static byte[] Journal(IEnumerable<DomainEvent> events)
    {
        var bytes = new List<byte>();
        foreach (var e in events)
        {
            bytes.AddRange(JsonSerializer.SerializeToUtf8Bytes(e, ApiJsonContext.Default.DomainEvent));
            bytes.Add((byte)'\n');
        }
        return bytes.ToArray();
    }

    [Fact]
    public void AWholeJournalReadsBackExactlyAndKeepsOnlyTheNewestCapacityEvents()
    {
        var events = Events(50, new Random(1));
        var all = EventJournalReader.Read(Journal(events), capacity: 100);
        Assert.Equal(events, all.Events);
        Assert.Empty(all.Problems);
        Assert.Equal(50, all.HighestId);

        var bounded = EventJournalReader.Read(Journal(events), capacity: 10);
        Assert.Equal(events.Skip(40), bounded.Events);
    }

    [Fact]
    public void IdsThatDoNotIncreaseAreSkippedAndNamed()
    {
        var events = Events(3, new Random(2));
        var journal = Journal([events[0], events[2], events[1]]);
        var read = EventJournalReader.Read(journal, 10);
        Assert.Equal([1L, 3L], read.Events.Select(e => e.Id));
        Assert.Equal(["line 3: event id 2 does not follow 3; ignored"], read.Problems);
    }

    [Fact]
    public void RandomizedTruncatedJournalsReadAsTheWholeLinesBeforeTheCut()
    {
        var r = new Random(20261205);
        for (int round = 0; round < 300; round++)
        {
            var events = Events(r.Next(0, 30), r);
            var journal = Journal(events);
            int cut = r.Next(0, journal.Length + 1);
            var read = EventJournalReader.Read(journal.AsSpan(0, cut), capacity: 64);
            int whole = journal.AsSpan(0, cut).Count((byte)'\n');
            Assert.Equal(events.Take(whole), read.Events);
            bool torn = cut > 0 && journal[cut - 1] != (byte)'\n';
            Assert.Equal(torn, read.Problems.Any(p => p.Contains("torn last line", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public void RandomizedCorruptedJournalsNeverThrowAndYieldIncreasingIdsFromTheOriginalLines()
    {
        var r = new Random(4242);
        for (int round = 0; round < 2_000; round++)
        {
            var events = Events(r.Next(1, 25), r);
            var journal = Journal(events).ToList();
            int edits = r.Next(1, 8);
            for (int k = 0; k < edits && journal.Count > 0; k++)
            {
                int at = r.Next(journal.Count);
                switch (r.Next(5))
                {
                    case 0: journal[at] = (byte)r.Next(256); break;
                    case 1: journal.RemoveRange(at, Math.Min(r.Next(1, 40), journal.Count - at)); break;
                    case 2: journal.InsertRange(at, Encoding.UTF8.GetBytes(r.Next(2) == 0 ? "\n{\"id\":" : "\u00e9\0garbage\n")); break;
                    case 3: journal.InsertRange(at, journal.GetRange(0, Math.Min(at, 300))); break; // duplicated lines
                    default: journal.RemoveRange(at, journal.Count - at); break; // torn
                }
            }
            int capacity = r.Next(1, 40);
            var read = EventJournalReader.Read(journal.ToArray(), capacity);
            Assert.InRange(read.Events.Count, 0, capacity);
            for (int i = 1; i < read.Events.Count; i++)
                Assert.True(read.Events[i].Id > read.Events[i - 1].Id, $"round {round}: ids {read.Events[i - 1].Id} then {read.Events[i].Id}");
            Assert.All(read.Events, e => Assert.True(e.Id > 0));
            Assert.True(read.HighestId >= (read.Events.Count > 0 ? read.Events[^1].Id : 0));
        }
    }
}
