using Xeno.Engine.Consoles;

namespace Xeno.Engine.Tests.Consoles;

/// <summary>The output waiting for one console client or viewer (the hub drops a sink whose backlog refuses a chunk).</summary>
public sealed class ConsoleBacklogTests
{
    [Fact]
    public void ChunksComeOutInOrderAndCountUntilTaken()
    {
        var backlog = new ConsoleBacklog(10);
        Assert.True(backlog.IsEmpty);
        Assert.False(backlog.TryPeek(out _));
        Assert.False(backlog.TryTake(out _));

        Assert.True(backlog.TryAdd("abc"u8.ToArray()));
        Assert.True(backlog.TryAdd("defg"u8.ToArray()));
        Assert.Equal(7, backlog.Bytes);

        Assert.True(backlog.TryPeek(out var first));
        Assert.Equal("abc"u8.ToArray(), first);
        Assert.Equal(7, backlog.Bytes); // a peeked chunk is still waiting

        Assert.True(backlog.TryTake(out var taken));
        Assert.Same(first, taken);
        Assert.Equal(4, backlog.Bytes);
        Assert.True(backlog.TryTake(out var second));
        Assert.Equal("defg"u8.ToArray(), second);
        Assert.Equal(0, backlog.Bytes);
        Assert.True(backlog.IsEmpty);
    }

    [Fact]
    public void AChunkPastTheLimitIsRefusedAndNothingOfItQueued()
    {
        var backlog = new ConsoleBacklog(5);
        Assert.True(backlog.TryAdd(new byte[3]));
        Assert.True(backlog.TryAdd(new byte[2])); // exactly at the limit
        Assert.False(backlog.TryAdd(new byte[1]));
        Assert.Equal(5, backlog.Bytes);

        Assert.True(backlog.TryTake(out _));
        Assert.True(backlog.TryAdd(new byte[3])); // room again once taken
        Assert.False(backlog.TryAdd(new byte[6])); // alone bigger than the limit
        Assert.Equal(5, backlog.Bytes);
    }

    [Fact]
    public void AClosedBacklogHoldsNothingAndTakesEverything()
    {
        var backlog = new ConsoleBacklog(4);
        Assert.True(backlog.TryAdd(new byte[4]));
        Assert.False(backlog.IsClosed);

        Assert.True(backlog.Close());
        Assert.True(backlog.IsClosed);
        Assert.True(backlog.IsEmpty);
        Assert.Equal(0, backlog.Bytes);

        // Closed counts as taken: the hub must not drop a closing sink as one fallen behind.
        Assert.True(backlog.TryAdd(new byte[100]));
        Assert.True(backlog.IsEmpty);
        Assert.False(backlog.TryPeek(out _));
        Assert.False(backlog.Close()); // once only
    }

    [Fact]
    public void RejectsANegativeLimit() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConsoleBacklog(-1));

    [Fact]
    public void RandomAddsAndTakesMatchAQueueWithALimit()
    {
        var random = new Random(1234);
        for (int round = 0; round < 200; round++)
        {
            int limit = random.Next(0, 300);
            var backlog = new ConsoleBacklog(limit);
            var model = new Queue<byte[]>();
            long bytes = 0;
            for (int step = 0; step < 100; step++)
            {
                if (random.Next(3) > 0)
                {
                    var chunk = new byte[random.Next(0, limit / 2 + 3)];
                    bool fits = bytes + chunk.Length <= limit;
                    Assert.Equal(fits, backlog.TryAdd(chunk));
                    if (fits)
                    {
                        model.Enqueue(chunk);
                        bytes += chunk.Length;
                    }
                }
                else
                {
                    Assert.Equal(model.TryDequeue(out var expected), backlog.TryTake(out var got));
                    Assert.Same(expected, got);
                    bytes -= expected?.Length ?? 0;
                }
                Assert.Equal(bytes, backlog.Bytes);
                Assert.Equal(model.Count == 0, backlog.IsEmpty);
                Assert.InRange(backlog.Bytes, 0, limit);
            }
        }
    }
}
