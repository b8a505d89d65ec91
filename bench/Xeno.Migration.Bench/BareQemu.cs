using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xeno.Qemu.Machine;
using Xeno.Qemu.Qmp;

namespace Xeno.Migration.Bench;

/// <summary>
/// One QEMU started bare from the argument vector xenod would build for the same machine (the
/// limit Xeno is measured against), with its QMP connection. Incoming ones wait with -incoming defer.
/// </summary>
internal sealed class BareQemu : IAsyncDisposable
{
    private readonly int _pid;

    private BareQemu(RuntimeFiles files, int pid, QmpClient qmp)
    {
        Files = files;
        _pid = pid;
        Qmp = qmp;
    }

    public RuntimeFiles Files { get; }
    public QmpClient Qmp { get; }

    public static async Task<BareQemu> StartAsync(string dir, int memoryMiB, Xeno.Engine.Bench.GuestKit kit, bool incoming)
    {
        Directory.CreateDirectory(dir);
        var files = new RuntimeFiles(Path.Combine(dir, "qmp"), Path.Combine(dir, "con"), Path.Combine(dir, "console.log"),
            Path.Combine(dir, "qga"), Path.Combine(dir, "pid"));
        var machine = new MachineSpec
        {
            Name = "bare", Kind = GuestKind.Pv, MemoryMiB = memoryMiB, Vcpus = 1, Files = files,
            DirectBoot = new DirectBoot(kit.Vmlinuz, kit.Initrd, "console=hvc0 xeno.action=shell xeno.agent=off"),
            IncomingDeferred = incoming,
        };
        var inv = QemuCommandLine.Build(machine);
        using (var p = Process.Start(new ProcessStartInfo(inv.Executable, inv.Arguments) { UseShellExecute = false })!)
        {
            await p.WaitForExitAsync();
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"bare QEMU did not start (exit {p.ExitCode})");
        }
        int pid = int.Parse(File.ReadAllText(files.PidFile).Trim(), CultureInfo.InvariantCulture);
        var qmp = await QmpClient.ConnectAsync(files.QmpSocket);
        qmp.DefaultTimeout = TimeSpan.FromMinutes(2);
        return new BareQemu(files, pid, qmp);
    }

    /// <summary>Polls query-migrate until QEMU reports completed; fails on failed/cancelled.</summary>
    public async Task<JsonElement> WaitMigrationAsync(TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var reply = await Qmp.ExecuteAsync("query-migrate");
            string status = reply.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "";
            if (status == "completed")
                return reply;
            if (status is "failed" or "cancelled")
                throw new InvalidOperationException($"bare QEMU migration {status}: {reply}");
            if (sw.Elapsed > timeout)
                throw new TimeoutException($"bare QEMU migration not completed after {timeout.TotalSeconds:F0} s: {reply}");
            await Task.Delay(20);
        }
    }

    public Task MigrateAsync(string uri) => Qmp.ExecuteAsync("migrate", new JsonObject { ["uri"] = uri });

    public Task MigrateIncomingAsync(string uri) => Qmp.ExecuteAsync("migrate-incoming", new JsonObject { ["uri"] = uri });

    /// <summary>Types a line into the guest's console (the kit's init runs a shell there).</summary>
    public Task TypeAsync(string line) => GuestConsole.TypeAsync(Files.ConsoleSocket, line);

    public async ValueTask DisposeAsync()
    {
        await Qmp.DisposeAsync();
        try
        {
            using var p = Process.GetProcessById(_pid);
            p.Kill();
            await p.WaitForExitAsync();
        }
        catch (ArgumentException)
        {
            // already gone
        }
    }
}

/// <summary>A guest's console socket, written to as a terminal would.</summary>
internal static class GuestConsole
{
    public static async Task TypeAsync(string socketPath, string line)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        await socket.SendAsync(Encoding.ASCII.GetBytes(line + "\n"));
        // Let QEMU read it before the connection goes.
        await Task.Delay(200);
    }
}
