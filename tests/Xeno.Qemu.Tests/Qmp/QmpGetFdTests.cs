using System.Diagnostics;
using System.IO.Pipes;
using Xeno.Qemu.Qmp;

namespace Xeno.Qemu.Tests.Qmp;

/// <summary>
/// QMP getfd against a real QEMU (no guest: -machine none): the descriptor arrives in QEMU's
/// process under its name, closefd takes it away again, and an unknown name is QEMU's error.
/// </summary>
public sealed class QmpGetFdTests
{
    private static string Target(int pid, string fd) => new FileInfo($"/proc/{pid}/fd/{fd}").LinkTarget ?? "";

    private static bool QemuHolds(int pid, string target) =>
        Directory.GetFiles($"/proc/{pid}/fd").Any(f => new FileInfo(f).LinkTarget == target);

    [Fact]
    public async Task GetFdGivesQemuTheDescriptorUnderItsNameAndClosefdTakesItAway()
    {
        var token = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        string qmp = dir.File("qmp");
        var info = new ProcessStartInfo("qemu-system-x86_64")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var a in new[] { "-machine", "none", "-nodefaults", "-display", "none", "-S", "-qmp", $"unix:{qmp},server=on,wait=off" })
            info.ArgumentList.Add(a);
        using var qemu = Process.Start(info)!;
        try
        {
            var sw = Stopwatch.StartNew();
            while (!File.Exists(qmp) && sw.Elapsed < TimeSpan.FromSeconds(60) && !qemu.HasExited)
                await Task.Delay(20, token);
            await using var client = await QmpClient.ConnectAsync(qmp, token);
            using var pipe = new AnonymousPipeServerStream(PipeDirection.In);
            string target = Target(Environment.ProcessId, pipe.SafePipeHandle.DangerousGetHandle().ToString());
            Assert.StartsWith("pipe:[", target);
            Assert.False(QemuHolds(qemu.Id, target));

            await client.PassFdAsync("chan", pipe.ClientSafePipeHandle, token);
            Assert.True(QemuHolds(qemu.Id, target), "QEMU holds the pipe after getfd");
            // Commands after it still work (the descriptor went with getfd's own bytes only).
            await client.QueryStatusAsync(token);

            await client.ExecuteAsync("closefd", new() { ["fdname"] = "chan" }, token);
            Assert.False(QemuHolds(qemu.Id, target), "closefd closed QEMU's copy");
            var e = await Assert.ThrowsAsync<QmpCommandException>(() => client.ExecuteAsync("closefd", new() { ["fdname"] = "chan" }, token));
            Assert.Contains("chan", e.Message);
        }
        finally
        {
            if (!qemu.HasExited)
                qemu.Kill();
            await qemu.WaitForExitAsync(CancellationToken.None);
        }
    }
}
