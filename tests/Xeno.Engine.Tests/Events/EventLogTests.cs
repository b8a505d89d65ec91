using Stopwatch = System.Diagnostics.Stopwatch;
using Xeno.Api.Contracts;
using Xeno.Engine.Events;

namespace Xeno.Engine.Tests.Events;

/// <summary>The event log: ids, order, replay then live, bounded history and queues, the journal across restarts.</summary>
public sealed class EventLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xev-").FullName;
    private readonly List<string> _logged = [];

    private string Journal => Path.Combine(_dir, "lib/events.jsonl");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static DomainEvent Ev(int domid, string name = "d", DomainEventKind kind = DomainEventKind.Phase) =>
        new() { Kind = kind, Domid = domid, Name = name };

    private EventLog NewLog(int capacity = 64, int queue = 64, TimeProvider? time = null, string? journal = "") =>
        new(journal == "" ? Journal : journal, time ?? TimeProvider.System, _logged.Add, capacity, queue);

    private static List<DomainEvent> Drain(EventSubscription sub)
    {
        var got = new List<DomainEvent>();
        while (sub.TryRead(out var e))
            got.Add(e);
        return got;
    }

    [Fact]
    public void IdsIncreaseByOneAndTimesComeFromTheTimeProvider()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
        using var log = NewLog(time: clock);
        using var sub = log.Subscribe(after: null);
        log.Publish(Ev(1) with { Id = 999, Time = DateTimeOffset.MinValue }); // callers' ids and times are replaced
        clock.Advance(TimeSpan.FromSeconds(3));
        log.Publish(Ev(2));
        var got = Drain(sub);
        Assert.Equal([1L, 2L], got.Select(e => e.Id));
        Assert.Equal([1, 2], got.Select(e => e.Domid));
        Assert.Equal(clock.Start, got[0].Time);
        Assert.Equal(clock.Start.AddSeconds(3), got[1].Time);
        Assert.Equal(2, log.LastId);
    }

    [Fact]
    public async Task ASubscriberGetsHistoryAfterItsIdThenLiveEventsWithoutGapOrDuplicateWhilePublishersRun()
    {
        using var log = NewLog(capacity: 100_000, queue: 100_000, journal: null);
        for (int i = 0; i < 500; i++)
            log.Publish(Ev(i));
        // Four publishers race with the subscription itself.
        var publishers = Enumerable.Range(0, 4).Select(p => Task.Run(() =>
        {
            for (int i = 0; i < 2_000; i++)
                log.Publish(Ev(p));
        })).ToArray();
        using var sub = log.Subscribe(after: 200);
        await Task.WhenAll(publishers);
        var got = Drain(sub);
        Assert.Equal(Enumerable.Range(201, 8_500 - 200).Select(i => (long)i), got.Select(e => e.Id));
    }

    [Fact]
    public void ResumingAfterTheLastIdReadContinuesExactlyWhereTheReaderStopped()
    {
        using var log = NewLog();
        var first = log.Subscribe(after: 0);
        for (int i = 0; i < 5; i++)
            log.Publish(Ev(i));
        var seen = Drain(first);
        first.Dispose();
        for (int i = 5; i < 9; i++)
            log.Publish(Ev(i));
        using var again = log.Subscribe(after: seen[^1].Id);
        log.Publish(Ev(9));
        var rest = Drain(again);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), seen.Concat(rest).Select(e => e.Id));
    }

    [Fact]
    public void ARestartedLogContinuesTheIdsAndReplaysWhatItsJournalKept()
    {
        using (var log = NewLog())
        {
            for (int i = 0; i < 10; i++)
                log.Publish(Ev(i, "before"));
        }
        using var restarted = NewLog();
        Assert.Equal(10, restarted.LastId);
        using var sub = restarted.Subscribe(after: 3);
        restarted.Publish(Ev(42, "after"));
        var got = Drain(sub);
        Assert.Equal(Enumerable.Range(4, 8).Select(i => (long)i), got.Select(e => e.Id));
        Assert.Equal("before", got[0].Name);
        Assert.Equal(("after", 42), (got[^1].Name, got[^1].Domid));
        Assert.Empty(_logged);
    }

    [Fact]
    public void HistoryIsBoundedAndAnIdOlderThanItStartsWithAnEventsLostMarker()
    {
        using var log = NewLog(capacity: 8);
        for (int i = 0; i < 20; i++)
            log.Publish(Ev(i));
        using var sub = log.Subscribe(after: 2);
        var got = Drain(sub);
        Assert.Equal(DomainEventKind.EventsLost, got[0].Kind);
        Assert.Equal(12, got[0].Id); // resuming after it is right: 13 is the oldest kept
        Assert.Equal(-1, got[0].Domid);
        Assert.Contains("events 3 to 12 are no longer in xenod's history", got[0].Message, StringComparison.Ordinal);
        Assert.Same(sub.Lost, got[0]);
        Assert.Equal(Enumerable.Range(13, 8).Select(i => (long)i), got.Skip(1).Select(e => e.Id));

        using var whole = log.Subscribe(after: 12);
        Assert.Null(whole.Lost);
        Assert.Equal(8, Drain(whole).Count);
    }

    [Fact]
    public void AnIdNewerThanAnyEventMeansHistoryWasResetAndReplaysItAllAfterAMarker()
    {
        using var log = NewLog();
        log.Publish(Ev(1));
        using var sub = log.Subscribe(after: 500);
        var got = Drain(sub);
        Assert.Equal(DomainEventKind.EventsLost, got[0].Kind);
        Assert.Contains("newer than xenod's newest event 1", got[0].Message, StringComparison.Ordinal);
        Assert.Equal([1L], got.Skip(1).Select(e => e.Id));
    }

    [Fact]
    public void ASlowSubscriberIsDroppedWithAFinalMarkerAndNeverBlocksPublishers()
    {
        using var log = NewLog(capacity: 10_000, queue: 16);
        using var slow = log.Subscribe(after: null);
        using var fast = log.Subscribe(after: null);
        var fastGot = new List<DomainEvent>();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 5_000; i++)
        {
            log.Publish(Ev(i));
            while (fast.TryRead(out var e))
                fastGot.Add(e);
        }
        // Publishing went on although nobody read `slow` (a blocked publisher would never finish).
        Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1));
        Assert.Equal(5_000, fastGot.Count);
        var got = Drain(slow);
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long)i), got.Take(16).Select(e => e.Id));
        var marker = Assert.Single(got.Skip(16));
        Assert.Equal(DomainEventKind.StreamDropped, marker.Kind);
        Assert.Equal(16, marker.Id);
        Assert.Contains("reconnect with after=16", marker.Message, StringComparison.Ordinal);
        // Its reconnection from the marker's id misses nothing.
        using var resumed = log.Subscribe(after: marker.Id);
        Assert.Equal(Enumerable.Range(17, 5_000 - 16).Select(i => (long)i), Drain(resumed).Select(e => e.Id));
    }

    [Fact]
    public async Task ReadAsyncWaitsForTheNextEventAndEndsWhenTheLogIsDisposed()
    {
        var log = NewLog();
        using var sub = log.Subscribe(after: null);
        var next = sub.ReadAsync(TestContext.Current.CancellationToken).AsTask();
        Assert.False(next.IsCompleted);
        log.Publish(Ev(7));
        Assert.Equal(7, (await next)!.Domid);
        var end = sub.ReadAsync(TestContext.Current.CancellationToken).AsTask();
        log.Dispose();
        Assert.Null(await end);
    }

    [Fact]
    public void TheJournalStaysBoundedByCompaction()
    {
        using var log = NewLog(capacity: 8);
        for (int i = 0; i < 100; i++)
            log.Publish(Ev(i));
        var lines = File.ReadAllLines(Journal);
        Assert.InRange(lines.Length, 8, 16);
        Assert.StartsWith("{\"id\":100,", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void ATornLastLineIsIgnoredWithALogLineAndTheIdsGoOn()
    {
        using (var log = NewLog())
        {
            for (int i = 0; i < 3; i++)
                log.Publish(Ev(i));
        }
        File.AppendAllText(Journal, "{\"id\":4,\"time\":\"2026-12-05T1");
        using var restarted = NewLog();
        Assert.Equal(3, restarted.LastId);
        Assert.Contains(_logged, l => l.Contains("torn last line", StringComparison.Ordinal));
        restarted.Publish(Ev(9));
        using var sub = restarted.Subscribe(after: 0);
        Assert.Equal([1L, 2L, 3L, 4L], Drain(sub).Select(e => e.Id));
        // The rewrite removed the torn bytes: the next start reads a clean journal.
        _logged.Clear();
        restarted.Dispose();
        using var third = NewLog();
        Assert.Empty(_logged);
        Assert.Equal(4, third.LastId);
    }

    [Fact]
    public void AJournalOfGarbageOrADirectoryInItsPlaceNeverStopsTheLog()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Journal)!);
        File.WriteAllBytes(Journal, [0xff, 0x00, (byte)'\n', (byte)'{', (byte)'\n', .. "not json\n"u8]);
        using (var log = NewLog())
        {
            Assert.Equal(0, log.LastId);
            log.Publish(Ev(1));
            Assert.Equal(1, log.LastId);
        }
        Assert.Contains(_logged, l => l.Contains("not a journal event", StringComparison.Ordinal));

        var blocked = Path.Combine(_dir, "blocked");
        Directory.CreateDirectory(blocked);
        _logged.Clear();
        using var inMemory = NewLog(journal: blocked); // a directory where the file should be
        inMemory.Publish(Ev(2));
        Assert.Equal(1, inMemory.LastId);
        Assert.NotEmpty(_logged);
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;
        public DateTimeOffset Start { get; } = start;
        public void Advance(TimeSpan by) => _now += by;
        public override DateTimeOffset GetUtcNow() => _now;
    }
}
