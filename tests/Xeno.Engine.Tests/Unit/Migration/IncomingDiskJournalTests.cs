using System.Text;
using Xeno.Engine.Migration;

namespace Xeno.Engine.Tests.Unit.Migration;

/// <summary>The list of disks an incoming --copy-storage copy created, kept in its run folder.</summary>
public sealed class IncomingDiskJournalTests
{
    [Fact]
    public void A_written_list_reads_back_and_a_rewrite_replaces_it()
    {
        var dir = Directory.CreateTempSubdirectory("xidj-").FullName;
        try
        {
            var staged = IncomingDiskJournal.NewStaged(dir);
            Assert.Empty(IncomingDiskJournal.Read(staged));
            IncomingDiskJournal.Write(staged, ["/srv/a b.img"]);
            IncomingDiskJournal.Write(staged, ["/srv/a b.img", "/srv/\"quoted\"\n.qcow2"]);
            Assert.Equal([staged], IncomingDiskJournal.Staged(dir));
            var run = Path.Combine(dir, "d7"); // made by the move, as for a new domid
            IncomingDiskJournal.MoveInto(staged, run);
            Assert.Empty(IncomingDiskJournal.Staged(dir));
            Assert.Equal(["/srv/a b.img", "/srv/\"quoted\"\n.qcow2"], IncomingDiskJournal.Read(IncomingDiskJournal.PathIn(run)));
            Assert.Equal([IncomingDiskJournal.FileName], Directory.GetFiles(run).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"disks\":[\"relative.img\"]}")]
    [InlineData("{\"disks\":[1]}")]
    [InlineData("{\"disks\":[null]}")]
    [InlineData("{\"disks\":\"/a\"}")]
    [InlineData("{\"disks\":[\"/a\\u0000b\"]}")]
    public void Anything_else_is_a_clear_error(string text)
    {
        var e = Assert.Throws<InvalidDataException>(() => IncomingDiskJournal.Parse(text));
        Assert.StartsWith(IncomingDiskJournal.FileName, e.Message);
    }

    /// <summary>Damaged files (a full disk, a hand edit) give the list or a clear error, nothing else.</summary>
    [Fact]
    public void Randomly_damaged_lists_give_a_list_or_a_clear_error()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var good = Encoding.UTF8.GetBytes(IncomingDiskJournal.Format(["/var/lib/xeno/images/web.img", "/srv/disk 2.qcow2"]));
        for (int i = 0; i < 2000; i++)
        {
            var bytes = good.ToArray();
            for (int n = random.Next(1, 4); n > 0; n--)
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            var text = Encoding.UTF8.GetString(bytes, 0, random.Next(bytes.Length + 1));
            try
            {
                Assert.All(IncomingDiskJournal.Parse(text), d => Assert.True(Path.IsPathFullyQualified(d), $"seed {seed}: {d}"));
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
