using System.Diagnostics;
using System.Runtime.Versioning;
using Xeno.Engine.Api;
using Xeno.Engine.Domains;
using Xeno.Engine.Hosting;
using Xeno.Engine.Interop;

namespace Xeno.Engine.Tests.Api;

/// <summary>
/// xenod run --socket-group: the API socket is root:G 0660 and its folder searchable by G; a real
/// unprivileged user in G calls the API through it (runuser + socat), one outside G is refused by
/// the kernel. The group and both users are made for the test (unique names) and removed after it.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ApiSocketGroupTests : IDisposable
{
    private readonly string _tag = Guid.NewGuid().ToString("N")[..6];
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("xe-sg-");
    private readonly List<string> _users = [];
    private readonly List<string> _groups = [];

    public void Dispose()
    {
        foreach (var user in _users)
            Run("userdel", user);
        foreach (var group in _groups)
            Run("groupdel", group);
        _dir.Delete(recursive: true);
        // Nothing of the test is left in the account databases.
        foreach (var user in _users)
            Assert.NotEqual(0, Run("getent", "passwd", user).Code);
        foreach (var group in _groups)
            Assert.Null(GroupOwnership.GroupId(group));
    }

    [Fact]
    public async Task AMemberOfTheSocketGroupCallsTheApiWithoutRootAndAnotherUserCannot()
    {
        var cancel = TestContext.Current.CancellationToken;
        string group = "xsg" + _tag, member = "xsgin" + _tag, outsider = "xsgout" + _tag;
        MustRun("groupadd", group);
        _groups.Add(group);
        MustRun("useradd", "-M", "-N", "-d", "/nonexistent", "-s", "/bin/sh", "-G", group, member);
        _users.Add(member);
        MustRun("useradd", "-M", "-N", "-d", "/nonexistent", "-s", "/bin/sh", outsider);
        _users.Add(outsider);

        // The folders above run/xeno are the admin's to open (docs/api.md); the temporary root is 0700.
        var prefix = Path.Combine(_dir.FullName, "p");
        foreach (var folder in new[] { _dir.FullName, prefix, Path.Combine(prefix, "run") })
        {
            Directory.CreateDirectory(folder);
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        }
        var host = await EngineHost.StartAsync(prefix, options: new EngineOptions { EmbeddedXenstore = false, ApiSocketGroup = group }, cancel: cancel);
        try
        {
            var socket = host.Paths.Socket;
            Assert.Equal($"root {group} 660", Stat("%U %G %a", socket));
            var folder = Path.GetDirectoryName(socket)!;
            Assert.Equal(group, Stat("%G", folder));
            Assert.True(File.GetUnixFileMode(folder).HasFlag(UnixFileMode.GroupExecute));

            var (code, answer) = CallAs(member, socket);
            Assert.True(code == 0 && answer.StartsWith("HTTP/1.1 200 OK", StringComparison.Ordinal), $"{member} (in {group}): exit {code}: {answer}");
            Assert.Contains("[]", answer);

            (code, answer) = CallAs(outsider, socket);
            Assert.NotEqual(0, code);
            Assert.DoesNotContain("HTTP/1.1", answer);
            Assert.Contains("Permission denied", answer);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task WithoutAGroupTheSocketIsRootsAloneAndAnUnknownGroupStopsTheStartBeforeAnything()
    {
        var cancel = TestContext.Current.CancellationToken;
        var prefix = Path.Combine(_dir.FullName, "p");
        var host = await EngineHost.StartAsync(prefix, options: new EngineOptions { EmbeddedXenstore = false }, cancel: cancel);
        try
        {
            Assert.Equal("root root 600", Stat("%U %G %a", host.Paths.Socket));
        }
        finally
        {
            await host.DisposeAsync();
        }

        var other = Path.Combine(_dir.FullName, "q");
        var e = await Assert.ThrowsAsync<SocketGroupException>(() =>
            EngineHost.StartAsync(other, options: new EngineOptions { EmbeddedXenstore = false, ApiSocketGroup = "xsg-none-" + _tag }, cancel: cancel));
        Assert.Equal($"--socket-group: there is no group named \"xsg-none-{_tag}\"", e.Message);
        Assert.False(Directory.Exists(other));
    }

    [Fact]
    public void GroupsResolveByNameAndAFilesGroupChanges()
    {
        Assert.Equal(0u, GroupOwnership.GroupId("root"));
        Assert.Null(GroupOwnership.GroupId("xsg-none-" + _tag));
        string group = "xsgf" + _tag;
        MustRun("groupadd", group);
        _groups.Add(group);
        var gid = GroupOwnership.GroupId(group);
        Assert.NotNull(gid);
        Assert.Equal(gid.ToString(), Run("getent", "group", group).Output.Split(':')[2]);
        var file = Path.Combine(_dir.FullName, "f");
        File.WriteAllText(file, "");
        GroupOwnership.SetGroup(file, gid.Value);
        Assert.Equal(group, Stat("%G", file));
        var missing = Assert.Throws<IOException>(() => GroupOwnership.SetGroup(Path.Combine(_dir.FullName, "none"), gid.Value));
        Assert.Contains("No such file or directory", missing.Message);
    }

    /// <summary>One GET /v1/domains over the socket as <paramref name="user"/>: socat's exit code and what came back (or its error).</summary>
    private static (int Code, string Output) CallAs(string user, string socket) =>
        // shut-none: the end of the request on stdin is not passed on as a half-close (Kestrel takes that for the
        // client going away and drops the request); socat ends when xenod closes after its answer (Connection: close).
        Run("runuser", ["-u", user, "--", "socat", "-t", "30", "-", "UNIX-CONNECT:" + socket + ",shut-none"],
            "GET /v1/domains HTTP/1.1\r\nHost: xenod\r\nConnection: close\r\n\r\n");

    private static string Stat(string format, string path) => MustRun("stat", "-c", format, path).Trim();

    private static string MustRun(params string[] args)
    {
        var (code, output) = Run(args[0], args[1..]);
        Assert.True(code == 0, $"{string.Join(' ', args)}: exit {code}: {output}");
        return output;
    }

    private static (int Code, string Output) Run(string program, params string[] args) => Run(program, args, null);

    private static (int Code, string Output) Run(string program, string[] args, string? input)
    {
        var info = new ProcessStartInfo(program, args)
        {
            UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (input is not null)
            p.StandardInput.Write(input);
        p.StandardInput.Close();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            p.Kill();
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not end within 60 s");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
