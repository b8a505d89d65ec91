using System.Diagnostics;
using Xeno.Engine.Domains;
using Xeno.Engine.Tests.Support;

namespace Xeno.Engine.Tests.Guests;

/// <summary>
/// QEMU starts outside the engine lock: xl list answers while guests start (the domain being built
/// is listed as Xen lists one, "--p---"), two creates of one name race and exactly one wins,
/// destroy of a domain still being created waits for it, a failed start frees the name. QEMU is
/// real, behind a wrapper that waits before starting it, so every start is slow enough to watch.
/// </summary>
public sealed class ConcurrencyTests : IDisposable
{
    private readonly DirectoryInfo _tools = Directory.CreateTempSubdirectory("xe-tools-");

    public void Dispose() => _tools.Delete(recursive: true);

    private string Script(string name, string body)
    {
        var path = Path.Combine(_tools.FullName, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("xenod runs on Linux");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private string SlowQemu(int seconds) => Script("slow-qemu", $"sleep {seconds}\nexec qemu-system-x86_64 \"$@\"");

    private static Task<(int Exit, string Out, string Err)> CreateAsync(Xenod x, string cfg) =>
        Task.Run(() => x.Xl("create", "-q", cfg));

    [Fact]
    public async Task XlListAnswersWhileGuestsStartAndOneOfTwoSameNameCreatesWins()
    {
        await using var x = await Xenod.StartAsync(new EngineOptions { QemuExecutable = SlowQemu(4) });
        var creates = new List<Task<(int Exit, string Out, string Err)>>();
        foreach (var name in new[] { "par-a", "par-b", "par-c" })
            creates.Add(CreateAsync(x, x.PvConfig(name)));
        var dup1 = CreateAsync(x, x.PvConfig("par-dup"));
        var dup2 = CreateAsync(x, x.WriteConfig("par-dup2.cfg", File.ReadAllText(Path.Combine(x.Root, "par-dup.cfg"))));

        // While QEMU is still starting, list answers and shows the domains being built.
        string seen = "";
        bool pendingWhenSeen = false;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromMinutes(3))
        {
            var list = x.Xl("list");
            Assert.Equal(0, list.Exit);
            if (list.Out.Contains("--p---", StringComparison.Ordinal))
            {
                seen = list.Out;
                pendingWhenSeen = creates.Concat([dup1, dup2]).Any(t => !t.IsCompleted);
                break;
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.True(pendingWhenSeen, "xl list never showed a domain being created while creates were running:\n" + seen);
        Assert.Matches(@"\npar-\S+ +\d+ +128 +1     --p---  +0\.0\n", seen);

        foreach (var c in creates)
            Assert.Equal((0, "", ""), await c.WaitAsync(TimeSpan.FromMinutes(4), TestContext.Current.CancellationToken));
        var dups = new[] { await dup1, await dup2 };
        Assert.Single(dups, d => d.Exit == 0);
        var loser = Assert.Single(dups, d => d.Exit != 0);
        Assert.Equal((3, "", "Domain with name \"par-dup\" already exists.\nlibxl: error: Domain par-dup:cannot (re-)build domain: -3\n"), loser);

        Assert.Equal(["Domain-0", "par-a", "par-b", "par-c", "par-dup"], x.ListNames().Order().ToList());
        var after = x.Xl("list").Out;
        Assert.False(after.Contains("--p---", StringComparison.Ordinal), after + "\n" + x.Xl("dmesg").Out);
        foreach (var name in new[] { "par-a", "par-b", "par-c", "par-dup" })
            Assert.Equal((0, "", ""), x.Xl("destroy", name));
        Assert.Equal(["Domain-0"], x.ListNames());
    }

    [Fact]
    public async Task DestroyOfADomainBeingCreatedWaitsForItThenDestroysIt()
    {
        await using var x = await Xenod.StartAsync(new EngineOptions { QemuExecutable = SlowQemu(4) });
        var create = CreateAsync(x, x.PvConfig("late"));
        await Xenod.WaitForAsync(() => x.Xl("list", "late").Out.Contains("--p---", StringComparison.Ordinal), "late listed as being created");
        var snapshot = await x.Host!.Engine.GetAsync("late", TestContext.Current.CancellationToken);
        Assert.Equal(DomainPhase.Creating, snapshot.Phase);

        var destroy = await Task.Run(() => x.Xl("destroy", "late"), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);
        Assert.Equal((0, "", ""), destroy);
        Assert.Equal((0, "", ""), await create.WaitAsync(TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken));
        Assert.Equal(["Domain-0"], x.ListNames());
        // Its QEMU is gone with it: no runtime folder, no record, no process with its QMP socket.
        Assert.False(Directory.Exists(Path.Combine(x.Prefix, "run/xeno/d" + snapshot.Domid)));
        Assert.Empty(Directory.GetFiles(Path.Combine(x.Prefix, "run/xeno/domains")));
        Assert.DoesNotContain(Process.GetProcessesByName("qemu-system-x86_64"), p =>
            File.ReadAllText($"/proc/{p.Id}/cmdline").Contains(snapshot.Files.QmpSocket, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARestartAfterRebootStartsOutsideTheLockAndKeepsTheName()
    {
        await using var x = await Xenod.StartAsync(new EngineOptions { QemuExecutable = SlowQemu(4) });
        Assert.Equal((0, "", ""), await CreateAsync(x, x.PvConfig("rb", "reboot", "on_reboot=\"restart\"\n")));
        // The guest reboots; its new domain is reserved under the lock, then QEMU starts without it:
        // list answers meanwhile and shows the new domid being built.
        string seen = "";
        await Xenod.WaitForAsync(() =>
        {
            seen = x.Xl("list", "rb").Out;
            return System.Text.RegularExpressions.Regex.IsMatch(seen, @"\nrb +([2-9]|\d\d) +128 +1     --p---  ");
        }, "the restarted rb to be listed as being created", 240);
        // The name stays taken through the restart.
        var again = await CreateAsync(x, x.PvConfig("rb"));
        Assert.Equal(3, again.Exit);
        Assert.StartsWith("Domain with name \"rb\" already exists.\n", again.Err, StringComparison.Ordinal);
        await Xenod.WaitForAsync(() => x.Xl("dmesg").Out.Contains("Done. Rebooting now (new domid", StringComparison.Ordinal), "the restart to finish", 120);
        Assert.Equal((0, "", ""), await Task.Run(() => x.Xl("destroy", "rb"), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken));
        Assert.Equal(["Domain-0"], x.ListNames());
    }

    [Fact]
    public async Task AFailedStartReleasesTheNameAndLeavesNothingBehind()
    {
        var failing = Script("failing-qemu", "echo 'qemu-system-x86_64: cannot do that' >&2\nexit 1");
        await using var x = await Xenod.StartAsync(new EngineOptions { QemuExecutable = failing });
        var cfg = x.PvConfig("fails");
        var first = await CreateAsync(x, cfg);
        Assert.Equal(3, first.Exit);
        Assert.Contains("domain \"fails\": ", first.Err, StringComparison.Ordinal);
        Assert.Contains("cannot do that", first.Err, StringComparison.Ordinal);
        Assert.Equal(["Domain-0"], x.ListNames());
        // The name is free again: the second attempt fails for the same reason, not "already exists".
        var second = await CreateAsync(x, cfg);
        Assert.Equal(first.Err.Split('\n')[0].Length > 0, second.Err.Contains("cannot do that", StringComparison.Ordinal));
        Assert.DoesNotContain("already exists", second.Err, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(Path.Combine(x.Prefix, "run/xeno"), "d*"));
        Assert.False(Directory.Exists(Path.Combine(x.Prefix, "run/xeno/domains")) && Directory.GetFiles(Path.Combine(x.Prefix, "run/xeno/domains")).Length > 0);
    }
}
