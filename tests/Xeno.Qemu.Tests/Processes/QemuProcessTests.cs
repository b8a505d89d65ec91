using Xeno.Qemu.Machine;
using Xeno.Qemu.Processes;

namespace Xeno.Qemu.Tests.Processes;

public class QemuProcessTests
{
    private static RuntimeFiles Files(string qmp) => new(qmp, "/r/c", "/r/l", "/r/a", "/r/p");

    [Fact]
    public void RecognisesTheGuestsQemuByItsQmpSocketExactly()
    {
        string[] argv = ["qemu-system-x86_64", "-chardev", "socket,id=qmp,path=/run/xeno/web/qmp,server=on,wait=off"];
        Assert.True(QemuProcess.IsGuestQemu(argv, Files("/run/xeno/web/qmp")));
        Assert.False(QemuProcess.IsGuestQemu(argv, Files("/run/xeno/web/qm")));   // a prefix is not a match
        Assert.False(QemuProcess.IsGuestQemu(argv, Files("/run/xeno/we")));
        Assert.False(QemuProcess.IsGuestQemu(null, Files("/run/xeno/web/qmp")));
        string[] commas = ["qemu", "socket,id=qmp,path=/run/a,,b,server=on,wait=off"];
        Assert.True(QemuProcess.IsGuestQemu(commas, Files("/run/a,b")));
    }

    [Fact]
    public void AdoptionNeedsALivePidFileOfThisGuest()
    {
        using var dir = new TempDir();
        var files = new RuntimeFiles(dir.File("qmp"), dir.File("c"), dir.File("l"), dir.File("a"), dir.File("pid"));
        Assert.Null(QemuProcess.TryAdopt(files)); // no pid file
        File.WriteAllText(files.PidFile, "garbage");
        Assert.Null(QemuProcess.TryAdopt(files));
        // Our own pid is alive, but its command line is not this guest's QEMU.
        File.WriteAllText(files.PidFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(QemuProcess.TryAdopt(files));
    }

    [Fact]
    public void AProcessWithAnotherStartTimeIsNotOurs()
    {
        var self = ProcFs.Host.Stat(Environment.ProcessId)!;
        var files = Files("/x");
        Assert.True(new QemuProcess(self.Pid, self.StartTicks, files).IsRunning());
        var recycled = new QemuProcess(self.Pid, self.StartTicks + 1, files);
        Assert.False(recycled.IsRunning());
        Assert.False(recycled.Kill()); // never signals a process that merely reuses the pid
        Assert.True(new QemuProcess(self.Pid, self.StartTicks, files).CpuTime([self.Pid]) > TimeSpan.Zero);
    }
}
