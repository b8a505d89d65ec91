using Xeno.Qemu.Machine;
using Xeno.Qemu.Processes;
using Xeno.Qemu.Qmp;

namespace Xeno.Qemu.Tests.Boots;

/// <summary>One real QEMU guest under TCG with its runtime files in a temp dir; killed on dispose.</summary>
internal sealed class TestGuest : IAsyncDisposable
{
    public static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(180);
    public const string Marker = "XENO-GUEST-READY";
    public const string Prompt = "xeno-guest# ";

    private readonly TempDir _dir;
    private readonly List<QmpEvent> _events = [];

    private TestGuest(TempDir dir, MachineSpec spec, QemuInstance instance)
    {
        _dir = dir;
        Spec = spec;
        Instance = instance;
    }

    public MachineSpec Spec { get; }
    public RuntimeFiles Files => Spec.Files;
    public QemuInstance Instance { get; private set; }
    public QmpClient Qmp => Instance.Qmp;
    public QemuProcess Process => Instance.Process;
    public IReadOnlyList<QmpEvent> Events => _events;

    public static RuntimeFiles FilesIn(TempDir dir) => new(
        QmpSocket: dir.File("qmp.sock"),
        ConsoleSocket: dir.File("console.sock"),
        ConsoleLog: dir.File("log/console.log"),
        AgentSocket: dir.File("agent.sock"),
        PidFile: dir.File("qemu.pid"));

    /// <summary>Starts a guest; <paramref name="describe"/> fills in the machine for the given runtime files.</summary>
    public static async Task<TestGuest> StartAsync(Func<RuntimeFiles, TempDir, MachineSpec> describe)
    {
        var dir = new TempDir();
        try
        {
            var files = FilesIn(dir);
            var spec = describe(files, dir);
            var instance = await new QemuLauncher().StartAsync(QemuCommandLine.Build(spec), files, TestContext.Current.CancellationToken);
            return new TestGuest(dir, spec, instance);
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    public string ConsoleLog => File.Exists(Files.ConsoleLog) ? File.ReadAllText(Files.ConsoleLog) : "";

    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!ConsoleLog.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"'{text}' not in the console log within {timeout.TotalSeconds} s; log:\n{GuestConsole.Tail(ConsoleLog)}");
            await Task.Delay(100);
        }
    }

    /// <summary>Reads events until one named <paramref name="name"/> arrives; all are kept in <see cref="Events"/>.</summary>
    public async Task<QmpEvent> WaitForEventAsync(string name, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? BootTimeout);
        try
        {
            while (true)
            {
                var e = await Qmp.Events.ReadAsync(cts.Token);
                _events.Add(e);
                if (e.Name == name)
                    return e;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no {name} event; events so far: {string.Join(", ", _events.Select(e => e.Name))}; console log:\n{GuestConsole.Tail(ConsoleLog)}");
        }
    }

    /// <summary>Quits this QEMU and starts the same machine in a new one (Xen's on_reboot=restart).</summary>
    public async Task RelaunchAsync()
    {
        var token = TestContext.Current.CancellationToken;
        await Qmp.QuitAsync(token);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Process.WaitForExitAsync(TimeSpan.FromMilliseconds(50), TimeProvider.System, cts.Token);
        await Instance.DisposeAsync();
        _events.Clear();
        Instance = await new QemuLauncher().StartAsync(QemuCommandLine.Build(Spec), Files, token);
    }

    /// <summary>Drops our QMP connection and finds the guest again, as a restarted daemon would.</summary>
    public async Task ReadoptAsync()
    {
        await Instance.DisposeAsync();
        Instance = await new QemuLauncher().AdoptAsync(Files, TestContext.Current.CancellationToken)
            ?? throw new InvalidOperationException("the running guest was not re-adopted");
    }

    public async ValueTask DisposeAsync()
    {
        Process.Kill();
        await Instance.DisposeAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await Process.WaitForExitAsync(TimeSpan.FromMilliseconds(50), TimeProvider.System, cts.Token); }
        catch (OperationCanceledException) { }
        _dir.Dispose();
    }
}
