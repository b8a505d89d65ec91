using Xeno.Engine.Consoles;

namespace Xeno.Engine.Tests.Consoles;

public sealed class ConsoleRingTests
{
    [Fact]
    public void KeepsEverythingUntilFullThenTheNewestBytes()
    {
        var ring = new ConsoleRing(8);
        Assert.Empty(ring.Snapshot());
        ring.Append("abc"u8);
        Assert.Equal("abc"u8.ToArray(), ring.Snapshot());
        ring.Append("defgh"u8);
        Assert.Equal("abcdefgh"u8.ToArray(), ring.Snapshot());
        ring.Append("ij"u8);
        Assert.Equal("cdefghij"u8.ToArray(), ring.Snapshot());
        ring.Append("0123456789XY"u8); // longer than the ring: only its tail stays
        Assert.Equal("456789XY"u8.ToArray(), ring.Snapshot());
        Assert.Equal(3 + 5 + 2 + 12, ring.TotalWritten);
    }

    [Fact]
    public void RejectsARingWithoutRoom() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConsoleRing(0));

    [Fact]
    public void RandomAppendsAlwaysLeaveTheTailOfEverythingWritten()
    {
        var random = new Random(4711);
        for (int round = 0; round < 300; round++)
        {
            int capacity = random.Next(1, 200);
            var ring = new ConsoleRing(capacity);
            var all = new List<byte>();
            for (int i = 0; i < 40; i++)
            {
                var chunk = new byte[random.Next(0, capacity * 2 + 2)];
                random.NextBytes(chunk);
                ring.Append(chunk);
                all.AddRange(chunk);
                Assert.Equal(all.Skip(Math.Max(0, all.Count - capacity)).ToArray(), ring.Snapshot());
            }
            Assert.Equal(all.Count, ring.TotalWritten);
        }
    }
}
