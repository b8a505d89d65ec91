using System.Text.Json;
using Xeno.Engine.Migration;

namespace Xeno.Engine.Tests.Unit.Migration;

public sealed class MigrationProgressReplyTests
{
    // QEMU 7.2's query-migrate while active (fields as qapi/migration.json documents them).
    private const string Active = """
        {"expected-downtime": 290, "status": "active", "setup-time": 3, "total-time": 1234,
         "ram": {"total": 134873088, "remaining": 25165824, "mbps": 1043.5, "transferred": 98566144,
                 "duplicate": 20000, "normal": 24000, "normal-bytes": 98304000, "dirty-sync-count": 2,
                 "dirty-pages-rate": 1800, "page-size": 4096, "skipped": 0, "postcopy-requests": 0}}
        """;

    [Fact]
    public void Reads_qemus_figures_while_it_sends()
    {
        var p = MigrationProgressReply.Read(JsonDocument.Parse(Active).RootElement);
        Assert.Equal("active", p.Status);
        Assert.Equal(98566144, p.TransferredBytes);
        Assert.Equal(25165824, p.RemainingBytes);
        Assert.Equal(134873088, p.TotalBytes);
        Assert.Equal(1800, p.DirtyPagesRate);
        Assert.Equal(1043.5, p.Mbps);
        Assert.Equal(2, p.Iteration);
        Assert.Equal(290, p.ExpectedDowntimeMs);
    }

    [Fact]
    public void Before_a_migration_qemu_answers_an_empty_object() =>
        Assert.Equal("none", MigrationProgressReply.Read(JsonDocument.Parse("{}").RootElement).Status);

    /// <summary>Any reply, however mistyped, reads as figures or zeros: never an exception.</summary>
    [Fact]
    public void Random_replies_never_throw()
    {
        var rng = new Random(99);
        string[] names = ["status", "ram", "total", "remaining", "mbps", "transferred", "dirty-sync-count", "dirty-pages-rate", "expected-downtime"];
        string Value(int depth) => rng.Next(depth > 1 ? 6 : 7) switch
        {
            0 => rng.NextInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
            1 => "\"" + names[rng.Next(names.Length)] + "\"",
            2 => "1e400",
            3 => "-3.5",
            4 => "null",
            5 => "[1,\"x\"]",
            _ => Object(depth + 1),
        };
        string Object(int depth) => "{" + string.Join(",", Enumerable.Range(0, rng.Next(6)).Select(_ => $"\"{names[rng.Next(names.Length)]}\":{Value(depth)}")) + "}";
        for (int i = 0; i < 3000; i++)
        {
            var text = rng.Next(5) == 0 ? Value(0) : Object(0);
            using var doc = JsonDocument.Parse(text);
            var p = MigrationProgressReply.Read(doc.RootElement);
            Assert.NotNull(p.Status);
            Assert.True(double.IsFinite(p.Mbps));
        }
    }
}
