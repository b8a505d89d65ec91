using Xeno.Store.Engine;
using Xeno.Store.Server.Persistence;
using Xeno.Store.Tests.Support;
using Xeno.Store.Wire;

namespace Xeno.Store.Tests.Server;

public class JournalTests
{
    private static (XenStoreEngine Engine, StoreJournal Journal) Open(string dir)
    {
        var engine = new XenStoreEngine();
        return (engine, StoreJournal.Open(dir, engine));
    }

    /// <summary>A journal in <paramref name="dir"/> that made /a and then /b, closed; its file.</summary>
    private static string JournalOfTwoRecords(string dir)
    {
        var (engine, journal) = Open(dir);
        using (journal)
        {
            Apply(engine, journal, XsMessage.Create(XsMessageType.Mkdir, 1, 0, "/a"));
            Apply(engine, journal, XsMessage.Create(XsMessageType.Mkdir, 2, 0, "/b"));
        }
        return Directory.GetFiles(dir, "journal.*").Single();
    }

    private static void Apply(XenStoreEngine engine, StoreJournal journal, XsMessage request)
    {
        var session = engine.Sessions.FirstOrDefault() ?? engine.Connect(0);
        journal.Append(engine.Process(session, request).Mutations);
    }

    [Fact]
    public void FreshDirectoryStartsWithTheDefaultTree()
    {
        using var dir = new TempDir();
        var (engine, journal) = Open(dir.Path);
        using (journal) Assert.Equal("Domain-0"u8.ToArray(), engine.Tree.Get("/local/domain/0/name")!.Value);
        var (again, j2) = Open(dir.Path);
        using (j2) Assert.Equal(engine.Dump(), again.Dump());
    }

    [Fact]
    public void TornTailIsCutAndLaterRecordsFollowTheLastGoodOne()
    {
        using var dir = new TempDir();
        var file = JournalOfTwoRecords(dir.Path);
        var full = File.ReadAllBytes(file);
        // Half a third record, as a kill -9 in the middle of a write would leave.
        File.WriteAllBytes(file, [.. full, 40, 0, 0, 0, 1, 2, 3]);
        var (e2, j2) = Open(dir.Path);
        using (j2)
        {
            Assert.Equal(1, j2.DiscardedRecords);
            Assert.NotNull(e2.Tree.Get("/a"));
            Assert.NotNull(e2.Tree.Get("/b"));
            Apply(e2, j2, XsMessage.Create(XsMessageType.Mkdir, 3, 0, "/c"));
        }
        var (e3, j3) = Open(dir.Path);
        using (j3)
        {
            Assert.Equal(0, j3.DiscardedRecords);
            Assert.NotNull(e3.Tree.Get("/c"));
            Assert.Equal(e2.Dump(), e3.Dump());
        }
    }

    [Fact]
    public void DamagedRecordStopsReplayThere()
    {
        using var dir = new TempDir();
        var file = JournalOfTwoRecords(dir.Path);
        var bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(file, bytes);
        var (e2, j2) = Open(dir.Path);
        using (j2)
        {
            Assert.NotNull(e2.Tree.Get("/a"));
            Assert.Null(e2.Tree.Get("/b"));
        }
    }

    [Fact]
    public void CompactionKeepsStateAndShrinksTheJournal()
    {
        using var dir = new TempDir();
        var (engine, journal) = Open(dir.Path);
        using (journal)
        {
            journal.CompactionThreshold = 16 * 1024;
            var compactions = 0;
            for (var i = 0; i < 2000; i++)
            {
                Apply(engine, journal, new XsMessage(XsMessageType.Write, (uint)i, 0, System.Text.Encoding.ASCII.GetBytes($"/k/{i % 37}\0value-{i}")));
                if (i % 500 == 0) Apply(engine, journal, XsMessage.Create(XsMessageType.Rm, 1, 0, "/k/3"));
                if (journal.CompactIfNeeded(engine)) compactions++;
            }
            Assert.True(compactions > 0);
            Assert.True(journal.JournalBytes < 64 * 1024);
            Assert.Single(Directory.GetFiles(dir.Path, "journal.*"));
        }
        var (again, j2) = Open(dir.Path);
        using (j2) Assert.Equal(engine.Dump(), again.Dump());
    }

    [Fact]
    public void DamagedSnapshotIsReportedNotIgnored()
    {
        using var dir = new TempDir();
        Open(dir.Path).Journal.Dispose();
        var snapshot = Path.Combine(dir.Path, "snapshot");
        var bytes = File.ReadAllBytes(snapshot);
        bytes[^3] ^= 0x55;
        File.WriteAllBytes(snapshot, bytes);
        var ex = Assert.Throws<InvalidDataException>(() => Open(dir.Path));
        Assert.Contains("snapshot is damaged", ex.Message);
    }

    [Fact]
    public void RandomJournalTailsNeverCrashReplay()
    {
        using var dir = new TempDir();
        var (engine, journal) = Open(dir.Path);
        using (journal)
            for (var i = 0; i < 50; i++)
                Apply(engine, journal, XsMessage.Create(XsMessageType.Mkdir, 1, 0, $"/r/{i}"));
        var file = Directory.GetFiles(dir.Path, "journal.*").Single();
        var original = File.ReadAllBytes(file);
        var rng = new Random(1234);
        for (var round = 0; round < 2000; round++)
        {
            var bytes = original[..rng.Next(0, original.Length + 1)];
            if (bytes.Length > 0 && rng.Next(2) == 0) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            File.WriteAllBytes(file, bytes);
            var e = new XenStoreEngine();
            using var j = StoreJournal.Open(dir.Path, e);
            Assert.Null(e.CheckInvariants());
        }
    }
}
