using Xeno.Store.Tests.Support;
using Xeno.Store.Wire;

namespace Xeno.Store.Tests.Compat;

/// <summary>One live server shared by the compatibility tests; each test works in its own subtree.</summary>
public sealed class CompatServer : IAsyncLifetime
{
    internal LiveServer Live { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Live = new LiveServer();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Live.DisposeAsync();
}

/// <summary>Debian's xenstore-utils against our server: exact output and exit codes.</summary>
public class XenstoreUtilsTests(CompatServer fixture) : IClassFixture<CompatServer>
{
    private string Sock => fixture.Live.SocketPath;

    private Tool.Result X(string tool, params string[] args) => Tool.Run(Sock, tool, args);

    private static void Ok(Tool.Result r, string stdout = "")
    {
        Assert.Equal("", r.Stderr);
        Assert.Equal(stdout, r.Stdout);
        Assert.Equal(0, r.ExitCode);
    }

    private static void Fails(Tool.Result r, string stderr, string stdout = "")
    {
        Assert.Equal(stderr, r.Stderr);
        Assert.Equal(stdout, r.Stdout);
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public void WriteAndRead()
    {
        Ok(X("xenstore-write", "/c1/a", "hello", "/c1/b", "world"));
        Ok(X("xenstore-read", "/c1/a"), "hello\n");
        Ok(X("xenstore-read", "-p", "/c1/a", "/c1/b"), "/c1/a: hello\n/c1/b: world\n");
    }

    [Fact]
    public void ReadMissingPath() =>
        Fails(X("xenstore-read", "/c2/none"), "xenstore-read: couldn't read path /c2/none\n");

    [Fact]
    public void NonPrintableValuesAreEscapedUnlessRaw()
    {
        Ok(X("xenstore-write", "/c3/v", @"a\x01b"));
        Ok(X("xenstore-read", "/c3/v"), "a\\001b\n");
        // -R prints the raw bytes and no newline.
        Ok(X("xenstore-read", "-R", "/c3/v"), "a\u0001b");
        Ok(X("xenstore-write", "-R", "/c3/raw", @"a\x01b"));
        Ok(X("xenstore-read", "/c3/raw"), "a\\\\x01b\n");
    }

    [Fact]
    public void WriteToInvalidPathFails() =>
        Fails(X("xenstore-write", "/c4//bad", "1"), "xenstore-write: could not write path /c4//bad\n");

    [Fact]
    public void ListAndExists()
    {
        Ok(X("xenstore-write", "/c5/z", "1", "/c5/a", "2"));
        Ok(X("xenstore-list", "/c5"), "z\na\n");
        Ok(X("xenstore-list", "-p", "/c5"), "/c5/z\n/c5/a\n");
        Fails(X("xenstore-list", "/c5/none"), "xenstore-list: could not list path /c5/none\n");
        Ok(X("xenstore-exists", "/c5/z"));
        Fails(X("xenstore-exists", "/c5/none"), "");
    }

    [Fact]
    public void RemoveRecursiveAndTidy()
    {
        Ok(X("xenstore-write", "/c6/a/b/c", "1", "/c6/keep", "k"));
        Ok(X("xenstore-rm", "/c6/a"));
        Fails(X("xenstore-read", "/c6/a/b/c"), "xenstore-read: couldn't read path /c6/a/b/c\n");
        Ok(X("xenstore-rm", "/c6/a"));
        Fails(X("xenstore-rm", "/c6/a/b/c"), "xenstore-rm: could not remove path /c6/a/b/c\n");
        Ok(X("xenstore-write", "/c6/t/u/v", "1"));
        Ok(X("xenstore-rm", "-t", "/c6/t/u/v"));
        Ok(X("xenstore-list", "/c6"), "keep\n");
    }

    [Fact]
    public void ChmodAndLsShowPermissions()
    {
        Ok(X("xenstore-write", "/c7/a", "1", "/c7/b/c", "2"));
        Ok(X("xenstore-chmod", "/c7/a", "n0", "r1", "b2"));
        Ok(X("xenstore-ls", "-p", "/c7"),
            "a = \"1\"  . . . . . . . . . . . . . . . . . . . . . . . . . .  (n0,r1,b2)\n" +
            "b = \"\" . . . . . . . . . . . . . . . . . . . . . . . . . . .  (n0)\n" +
            " c = \"2\" . . . . . . . . . . . . . . . . . . . . . . . . . .  (n0)\n");
        Ok(X("xenstore-chmod", "-r", "/c7/b", "w5"));
        Ok(X("xenstore-ls", "-p", "/c7/b"),
            "c = \"2\"  . . . . . . . . . . . . . . . . . . . . . . . . . .  (w5)\n");
        Ok(X("xenstore-chmod", "/c7/b", "r0"));
        Ok(X("xenstore-ls", "-p", "/c7/b"),
            "c = \"2\"  . . . . . . . . . . . . . . . . . . . . . . . . . .  (w5)\n");
        var bad = X("xenstore-chmod", "/c7/a", "q1");
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("xenstore-chmod: Invalid permission specification: 'q'\n", bad.Stderr);
    }

    [Fact]
    public void LsTreeAndFullPaths()
    {
        Ok(X("xenstore-write", "/c8/x/y", "deep", "/c8/z", ""));
        Ok(X("xenstore-ls", "/c8"), "x = \"\"\n y = \"deep\"\n" + "z = \"\"\n");
        Ok(X("xenstore-ls", "-f", "/c8"), "/c8/x = \"\"\n/c8/x/y = \"deep\"\n/c8/z = \"\"\n");
        var missing = X("xenstore-ls", "/c8/none");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("xenstore-ls: xs_directory (/c8/none): No such file or directory\n", missing.Stderr);
    }

    [Fact]
    public void DefaultTreeAsLsShowsIt()
    {
        Ok(X("xenstore-ls", "/local/domain/0"), "name = \"Domain-0\"\ndomid = \"0\"\n");
        Ok(X("xenstore-list", "/tool"), "xenstored\n");
    }

    [Fact]
    public async Task WatchPrintsInitialAndLaterEvents()
    {
        Ok(X("xenstore-write", "/c9/w", ""));
        var watcher = Task.Run(() => Tool.RunWithTimeout(Sock, TimeSpan.FromSeconds(30), "xenstore-watch", "-n", "3", "/c9/w"));
        // The watch is registered when its first event has fired; poll through a second client.
        using var probe = fixture.Live.Connect();
        probe.Request(XsMessageType.Watch, 0, "/c9/w", "probe");
        probe.NextEvent();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!watcher.IsCompleted && DateTime.UtcNow < deadline)
        {
            X("xenstore-write", "/c9/w/a", "1");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        var r = await watcher;
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("/c9/w", lines[0]);
        Assert.Equal("/c9/w/a", lines[1]);
        Assert.Equal("/c9/w/a", lines[2]);
    }

    [Fact]
    public void GuestSocketEnforcesPermissionsForRealTools()
    {
        using (var admin = fixture.Live.Connect())
        {
            Assert.Equal("OK", XsClient.Text(admin.Request(XsMessageType.Introduce, 0, "12", "0", "0")));
        }
        Ok(X("xenstore-write", "/local/domain/12/name", "guest12", "/local/domain/12/data", ""));
        Ok(X("xenstore-chmod", "-r", "/local/domain/12", "n0", "r12"));
        Ok(X("xenstore-chmod", "/local/domain/12/data", "n12"));
        var guest = fixture.Live.DomainSocket(12);
        Assert.True(File.Exists(guest), "per-domain socket exists after INTRODUCE");

        Ok(Tool.Run(guest, "xenstore-read", "name"), "guest12\n");
        Fails(Tool.Run(guest, "xenstore-read", "/local/domain/0/name"), "xenstore-read: couldn't read path /local/domain/0/name\n");
        Fails(Tool.Run(guest, "xenstore-write", "name", "evil"), "xenstore-write: could not write path name\n");
        Ok(Tool.Run(guest, "xenstore-write", "data/x", "1"));
        Ok(Tool.Run(guest, "xenstore-ls", "-p", "/local/domain/12/data"),
            "x = \"1\"  . . . . . . . . . . . . . . . . . . . . . . . . . .  (n12)\n");
        Ok(X("xenstore-read", "/local/domain/12/data/x"), "1\n");
        Fails(Tool.Run(guest, "xenstore-exists", "/local/domain/0"), "");
    }
}
