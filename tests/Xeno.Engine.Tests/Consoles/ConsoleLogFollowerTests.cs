using System.Text;
using Xeno.Engine.Consoles;

namespace Xeno.Engine.Tests.Consoles;

/// <summary>Following and rotating a log that another writer appends to (as QEMU does, O_APPEND).</summary>
public sealed class ConsoleLogFollowerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xeno-follow-").FullName;

    private string Log => Path.Combine(_dir, "guest.log");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void Append(string path, string text)
    {
        using var f = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        f.Write(Encoding.ASCII.GetBytes(text));
    }

    private static string ReadAll(ConsoleLogFollower follower)
    {
        var seen = new StringBuilder();
        var buffer = new byte[7];
        int n;
        while ((n = follower.Read(buffer)) > 0)
            seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
        return seen.ToString();
    }

    [Fact]
    public void StartsAtTheEndWithTheTailAndThenReadsWhatIsAppended()
    {
        using var follower = new ConsoleLogFollower(Log);
        Assert.Empty(follower.StartAtEnd(4)); // no log yet
        Assert.Equal(0, follower.Read(new byte[8]));
        Append(Log, "boot\n");
        Assert.Equal("boot\n", ReadAll(follower)); // created after the start: read from its beginning

        using var late = new ConsoleLogFollower(Log);
        Assert.Equal("ot\n", Encoding.ASCII.GetString(late.StartAtEnd(3)));
        Assert.Equal("", ReadAll(late));
        Append(Log, "login: ");
        Assert.Equal("login: ", ReadAll(late));
        Assert.Equal(12, late.Offset);
    }

    [Fact]
    public void ALogCutBySomeoneElseIsReadAgainFromItsStart()
    {
        Append(Log, "0123456789");
        using var follower = new ConsoleLogFollower(Log);
        follower.StartAtEnd(0);
        File.WriteAllText(Log, ""); // an external copytruncate
        Append(Log, "new");
        Assert.Equal("new", ReadAll(follower));
    }

    [Fact]
    public void ASmallLogIsCopiedThenTruncatedAndUnreadBytesAreDelivered()
    {
        Append(Log, "seen ");
        using var follower = new ConsoleLogFollower(Log);
        follower.StartAtEnd(0);
        Append(Log, "unseen");
        var delivered = new StringBuilder();
        Assert.Equal(RotationKind.Truncated, follower.Rotate(3, b => delivered.Append(Encoding.ASCII.GetString(b))));
        Assert.Equal("unseen", delivered.ToString());
        Assert.Equal("seen unseen", File.ReadAllText(Log + ".1"));
        Assert.Equal(0, new FileInfo(Log).Length);
        Assert.Equal(0, follower.Offset);
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(Log, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Append(Log, "secret\n");
            ReadAll(follower);
            follower.Rotate(3, _ => { });
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Log + ".1"));
            Assert.Equal("seen unseen", File.ReadAllText(Log + ".2"));
        }
    }

    [Fact]
    public async Task RotatingWhileAWriterAppendsLosesAndRepeatsNothing()
    {
        // A writer appends numbered lines as fast as it can; the follower reads and rotates at
        // 64 KiB meanwhile. What it read is every line once, in order, and the rotated copies
        // plus the live file hold every line too.
        File.WriteAllText(Log, "");
        const int lines = 1_000_000;
        using var follower = new ConsoleLogFollower(Log);
        follower.StartAtEnd(0);
        var writer = AppendingWriter.RunAsync($"seq -f 'line %.0f' 1 {lines}", Log);
        var seen = new StringBuilder();
        var kinds = new HashSet<RotationKind>();
        var buffer = new byte[1000];
        int rotations = 0;
        while (true)
        {
            bool done = writer.IsCompleted;
            int n;
            while ((n = follower.Read(buffer)) > 0)
                seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
            if (done)
                break;
            if (follower.Length > 65536)
            {
                kinds.Add(follower.Rotate(1000, b => seen.Append(Encoding.ASCII.GetString(b))));
                rotations++;
            }
        }
        await writer;
        if (!kinds.Contains(RotationKind.Collapsed))
            Assert.Skip($"{_dir}'s filesystem cannot collapse ranges: rotation falls back to copy-then-truncate");
        var expected = string.Concat(Enumerable.Range(1, lines).Select(i => $"line {i}\n"));
        var got = seen.ToString();
        int at = 0;
        while (at < Math.Min(got.Length, expected.Length) && got[at] == expected[at])
            at++;
        Assert.True(got == expected, $"after {rotations} rotations ({string.Join(',', kinds)}), the follower's bytes differ from the writer's at {at} of {expected.Length}: " +
            $"\"{got.Substring(Math.Max(0, at - 20), Math.Min(60, got.Length - Math.Max(0, at - 20)))}\"");
        var files = Enumerable.Range(1, 1000).Select(g => $"{Log}.{g}").Where(File.Exists).Reverse().Append(Log);
        Assert.Equal(expected, string.Concat(files.Select(File.ReadAllText)));
    }
}
