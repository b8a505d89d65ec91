using System.Text;
using Xeno.Panel.Data;
using Xeno.Panel.Ssh;
using Xeno.Panel.Tests.Support;

namespace Xeno.Panel.Tests.Ssh;

/// <summary>The menu's state machine with scripted input: rights, choices, messages, the end of input, audit.</summary>
public sealed class SshMenuTests : IDisposable
{
    private readonly MenuRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task AnOwnerSeesOnlyTheirVmsAndCannotChooseAnotherOwnersByNumberOrName()
    {
        var ann = _rig.AddUser("ann");
        var bob = _rig.AddUser("bob");
        _rig.AddVm("ann-web", ann);
        _rig.AddVm("ann-db", ann, VmType.Hvm);
        _rig.AddVm("bob-secret", bob);

        var (output, end) = await _rig.RunAsync(ann, "3\nbob-secret\n0\n-1\n99999999999999\nq\n");
        Assert.Equal("quit", end);
        Assert.Contains("Your VMs:", output);
        // Listed by name: ann-db (hvm: ttyS0) before ann-web (pv: hvc0); xenod is down, so the state is unknown.
        Assert.Matches(@"  1  ann-db +ann +unknown +hvm +128 MiB +1  ttyS0\n", output);
        Assert.Matches(@"  2  ann-web +ann +unknown +pv +128 MiB +1  hvc0\n", output);
        Assert.Contains("xenod: no xenod is running", output);
        Assert.DoesNotContain("bob", output.Replace("\"bob-secret\"", "", StringComparison.Ordinal));
        Assert.Contains("No VM \"3\" here; type a number from 1 to 2 or a name from the list", output);
        Assert.Contains("No VM \"bob-secret\" here;", output);
        Assert.Contains("No VM \"0\" here;", output);
        Assert.Contains("No VM \"-1\" here;", output);
        Assert.Contains("No VM \"99999999999999\" here;", output);
        // A real name of someone else's VM is a refused access, as on the web; a number is not a name.
        var refused = Assert.Single(_rig.Audit.Read(user: "ann", action: "vm.access"));
        Assert.Equal("bob-secret", refused.Target);
        Assert.Equal(MenuRig.Remote, refused.Remote);
        Assert.Equal("refused", refused.Result);
        Assert.DoesNotContain(_rig.Audit.Read(), e => e.Target == "bob-secret" && e.Action != "vm.access");
    }

    [Fact]
    public async Task AdminsSeeEveryVmAndAListedAdministratorSeesTheirs()
    {
        var ann = _rig.AddUser("ann");
        var bob = _rig.AddUser("bob");
        var root = _rig.AddUser("root", Role.Admin);
        var vm = _rig.AddVm("ann-web", ann);
        _rig.AddVm("bob-web", bob);
        var (adminView, _) = await _rig.RunAsync(root, "q\n");
        Assert.Contains("All VMs (you are an admin):", adminView);
        Assert.Contains("ann-web", adminView);
        Assert.Contains("bob-web", adminView);
        _rig.Vms.AddAdministrator(vm.Id, bob.Id);
        var (bobView, _) = await _rig.RunAsync(bob, "ann-web\nb\nq\n");
        Assert.Matches(@"  1  ann-web +ann ", bobView);
        Assert.Contains("ann-web: unknown; pv, 128 MiB, 1 vCPUs, console hvc0", bobView);
    }

    [Fact]
    public async Task ActionsGoThroughThePanelsServiceAndAreAuditedFromSsh()
    {
        var ann = _rig.AddUser("ann");
        _rig.AddVm("ann-web", ann);
        var (output, end) = await _rig.RunAsync(ann, "1\non\nshutdown\nreboot\noff\nno\noff\nYES\nc\ns\nfly\nh\nb\nl\nq\n");
        Assert.Equal("quit", end);
        Assert.Contains("ann-web> ", output);
        Assert.Contains("Force ann-web off? Like pulling the plug: unsaved data is lost. Type yes to confirm: ", output);
        Assert.Contains("Not forced off; ann-web is left as it is.", output);
        Assert.Contains("Unknown choice \"fly\"; type c, on, shutdown, reboot, off, boot, images, insert, eject, delete, s, b or q (h explains them).", output);
        Assert.Contains("  c         out-of-band console (hvc0; ^] comes back here)", output);
        Assert.Contains("xenod: no xenod is running", output);
        var audit = _rig.Audit.Read(user: "ann");
        foreach (var action in new[] { "vm.start", "vm.shutdown", "vm.reboot", "vm.force-off", "vm.console" })
        {
            var e = Assert.Single(audit, e => e.Action == action);
            Assert.Equal("ann-web", e.Target);
            Assert.Equal(MenuRig.Remote, e.Remote);
            Assert.Equal("failed", e.Result);
        }
    }

    [Fact]
    public async Task BootModeAndCdGoThroughTheWebPagesServicesWithTheirChecksAndAudit()
    {
        var ann = _rig.AddUser("ann");
        var vm = _rig.AddVm("ann-web", ann);
        var image = _rig.AddImage("Debian-12.iso");
        var (output, end) = await _rig.RunAsync(ann,
            "1\nboot\nboot rescue\nboot\nboot cd\nboot cd nosuch\nboot cd debian-12.iso\nboot chainload\nboot normal now\nboot fly\n" +
            "boot cd Debian-12.iso\nimages\ninsert\ninsert Debian-12.iso\neject\neject now\nh\nq\n");
        Assert.Equal("quit", end);
        Assert.Contains("ann-web boots from the normal (its disk) at its next power-on.\n  boot normal        from its disk\n", output);
        Assert.Contains("ann-web boots from the rescue system at its next power-on.", output);
        Assert.Contains("CD image: choose one.", output);
        // Names are exact, as on the web page: another case is another name.
        Assert.Equal(2, Occurrences.Of(output, "CD image: choose one of the images offered."));
        // The chain-load CD is xenod's, always offered; an unknown mode is refused.
        Assert.Contains("ann-web boots from the chain-load CD (the guest's own GRUB configuration) at its next power-on.", output);
        Assert.Contains("Boot mode: choose one of the modes offered.", output);
        Assert.Contains("boot normal takes no image name; only boot cd does.", output);
        Assert.Contains("ann-web boots from the CD image Debian-12.iso at its next power-on.", output);
        Assert.Matches(@"CD images:\n  Debian-12.iso +3 MiB  sha256 0{64}\n", output);
        Assert.Contains("Type insert and an image's name (images lists them).", output);
        Assert.Contains("eject takes nothing after it; type h for help.", output);
        Assert.Contains("  boot      the boot mode for the next power-on: boot normal, boot rescue, boot cd IMAGE, boot chainload\n", output);
        Assert.Equal(new VmBoot(BootMode.Cd, image.Id), _rig.Services.Boots.Get(vm));

        var boots = _rig.Audit.Read(user: "ann", action: "vm.boot-mode");
        // In order: rescue, three refusals (no image, unknown, wrong case), the chain-load CD, "fly", the CD.
        Assert.Equal(["ok", "refused", "refused", "refused", "ok", "refused", "ok"], boots.Select(e => e.Result).Reverse());
        Assert.All(boots, e => Assert.Equal((MenuRig.Remote, "ann-web"), (e.Remote!, e.Target!)));
        // CD insert and eject asked xenod (none runs here) through the web page's service and were refused with its reason.
        foreach (var action in new[] { "vm.cd-insert", "vm.cd-eject" })
        {
            var e = Assert.Single(_rig.Audit.Read(user: "ann", action: action));
            Assert.Equal(("refused", MenuRig.Remote), (e.Result, e.Remote!));
            Assert.StartsWith("xenod: ", e.Detail);
            Assert.Contains(e.Detail!, output);
        }
    }

    /// <summary>
    /// Delete is the web's (<see cref="Xeno.Panel.Vms.VmDeleteService"/>): confirmed by typing the
    /// VM's name, refused while an install writes its disk, as power-on is; each refusal audited
    /// from ssh. The running install is a row of the database, as the web panel's process leaves it.
    /// </summary>
    [Fact]
    public async Task DeleteWantsTheNameAndAnInstallRefusesItAndPowerOn()
    {
        var ann = _rig.AddUser("ann");
        var vm = _rig.AddVm("ann-web", ann);
        var installs = new VmInstallRecords(_rig.Db);
        installs.Begin(vm.Id, "install-7", ann.Id, "192.0.2.1", DateTimeOffset.UtcNow);
        var (output, end) = await _rig.RunAsync(ann, "1\non\ndelete\nann-web\nq\n");
        Assert.Equal("quit", end);
        Assert.Contains("Power on: Debian is still being installed on ann-web's disk; ann-web starts by itself when the install is done (a few minutes).", output);
        Assert.Contains("Delete ann-web with its disks and everything on them? This cannot be undone. Type its name, ann-web, to confirm: ", output);
        Assert.Contains("Delete: Debian is still being installed on ann-web's disk; wait until the install ends (a few minutes), then delete it.", output);
        var start = Assert.Single(_rig.Audit.Read(user: "ann", action: "vm.start"));
        Assert.Equal(("refused", MenuRig.Remote, "ann-web"), (start.Result, start.Remote!, start.Target!));
        Assert.StartsWith("Power on: Debian is still being installed", start.Detail);

        installs.End(vm.Id);
        (output, end) = await _rig.RunAsync(ann, "ann-web\ndelete now\ndelete\nAnn-web\ndelete\nann-web\nq\n");
        Assert.Equal("quit", end);
        Assert.Contains("delete takes nothing after it; type h for help.", output);
        Assert.Contains("Delete: type the VM's name, ann-web, to confirm.", output);
        // The right name: xenod (none runs here) must say the VM is off first, so nothing is deleted.
        Assert.Matches(@"xenod: [^\n]+ ann-web was not deleted\.\n", output);
        Assert.Contains("  delete    delete the VM and its disks (asks for its name first)\n", output);
        Assert.NotNull(_rig.Vms.Get(vm.Id));
        var deletes = _rig.Audit.Read(user: "ann", action: "vm.delete");
        Assert.Equal(3, deletes.Count);
        Assert.All(deletes, e => Assert.Equal(("refused", MenuRig.Remote, "ann-web"), (e.Result, e.Remote!, e.Target!)));
    }

    [Fact]
    public async Task TheChainLoadCdIsOfferedWithoutAnyConfiguration()
    {
        using var rig = new MenuRig();
        var ann = rig.AddUser("ann");
        var vm = rig.AddVm("ann-web", ann);
        var (output, _) = await rig.RunAsync(ann, "ann-web\nboot\nboot chainload\nq\n");
        Assert.Contains("  boot chainload     from the chain-load CD (the guest's own GRUB configuration)\n", output);
        Assert.Contains("ann-web boots from the chain-load CD (the guest's own GRUB configuration) at its next power-on.", output);
        Assert.Equal(BootMode.Chainload, rig.Services.Boots.Get(vm).Mode);
        Assert.Equal("ok", Assert.Single(rig.Audit.Read(action: "vm.boot-mode")).Result);
    }

    [Fact]
    public async Task BadInputGetsAMessageAndTheMenuAgainAndTheEndOfInputEndsIt()
    {
        var ann = _rig.AddUser("ann");
        _rig.AddVm("ann-web", ann);
        var longLine = new string('x', 5000);
        var (output, end) = await _rig.RunAsync(ann, $"\n   \nwhat?\x01\x1b[A\n{longLine}\r\n1\r\n\x1d\x1d\nb\r");
        Assert.Equal("end of input", end);
        Assert.Contains("No VM \"what???[A\" here;", output);
        Assert.Contains("That line is longer than 256 characters;", output);
        Assert.DoesNotContain(longLine[..300], output);
        Assert.Contains("Unknown choice \"??\"", output);
        // \r\n is one line end: the prompt after the long line comes once, not twice.
        Assert.Contains("characters; type h for help.\nmenu> ann-web: unknown", output);
        Assert.EndsWith("menu> \n", output);

        var (empty, emptyEnd) = await _rig.RunAsync(ann, "");
        Assert.Equal("end of input", emptyEnd);
        Assert.StartsWith("Your VMs:", empty);
        // A last line without its end still counts.
        Assert.Equal("quit", (await _rig.RunAsync(ann, "q")).End);
    }

    [Fact]
    public async Task AVmTakenAwayMeanwhileCannotBeActedOn()
    {
        var ann = _rig.AddUser("ann");
        var bob = _rig.AddUser("bob");
        var vm = _rig.AddVm("ann-web", ann);
        _rig.Vms.AddAdministrator(vm.Id, bob.Id);
        // bob picks the VM; it is taken from him before his next choice (as an admin would on the web).
        var input = new System.IO.Pipelines.Pipe();
        var output = new SharedOutput();
        var key = new StoredSshKey(1, bob.Id, "bob", "ssh-ed25519", "AAAA", "SHA256:x", "", "");
        var menu = new SshMenu(new SshMenuSession(bob, key, MenuRig.Remote), new MenuInput(input.Reader.AsStream()), output, () => null, _rig.Services);
        var run = menu.RunAsync(TestContext.Current.CancellationToken);
        await input.Writer.WriteAsync("1\n"u8.ToArray(), TestContext.Current.CancellationToken);
        await WaitForAsync(() => output.Text.Contains("ann-web> ", StringComparison.Ordinal));
        using (var c = _rig.Db.Open())
            Db.Execute(c, null, "DELETE FROM vm_administrators WHERE vm_id = @v", ("@v", vm.Id));
        await input.Writer.WriteAsync("on\n"u8.ToArray(), TestContext.Current.CancellationToken);
        await input.Writer.CompleteAsync();
        Assert.Equal("end of input", await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Contains("ann-web is no longer yours to manage (or no longer exists).", output.Text);
        Assert.Contains("You have no VMs yet", output.Text);
        Assert.DoesNotContain(_rig.Audit.Read(user: "bob"), e => e.Action == "vm.start");
        Assert.Contains(_rig.Audit.Read(user: "bob"), e => e.Action == "vm.access" && e.Result == "refused");
    }

    [Fact]
    public async Task RandomInputNeverCrashesOrHangs()
    {
        var ann = _rig.AddUser("ann");
        var bob = _rig.AddUser("bob");
        _rig.AddVm("ann-web", ann);
        _rig.AddVm("ann-db", ann, VmType.Hvm);
        _rig.AddVm("bob-web", bob);
        _rig.AddImage("x.iso");
        string[] words = ["1", "2", "3", "0", "q", "b", "l", "h", "?", "c", "on", "off", "yes", "no", "shutdown", "reboot", "s", "ann-web", "bob-web",
            "boot", "boot rescue", "boot cd", "boot cd x.iso", "boot normal", "boot chainload", "images", "insert", "insert x.iso", "eject", "delete", "ann-db", "", " ", "\x1d", "\x03", "\x04", "\x1b[A", "é", "\xff"];
        int seed = Random.Shared.Next();
        var random = new Random(seed);
        for (int round = 0; round < 150; round++)
        {
            var bytes = new List<byte>();
            for (int i = random.Next(1, 30); i > 0; i--)
            {
                if (random.Next(5) == 0)
                    bytes.AddRange(Enumerable.Range(0, random.Next(1, 400)).Select(_ => (byte)random.Next(256)));
                else
                    bytes.AddRange(Encoding.Latin1.GetBytes(words[random.Next(words.Length)]));
                bytes.AddRange(random.Next(4) switch { 0 => "\r"u8.ToArray(), 1 => "\r\n"u8.ToArray(), _ => "\n"u8.ToArray() });
            }
            try
            {
                var (output, end) = await _rig.RunAsync(random.Next(2) == 0 ? ann : bob, [.. bytes], TimeSpan.FromSeconds(20));
                Assert.True(end is "quit" or "end of input", $"seed {seed} round {round}: ended \"{end}\"");
                Assert.StartsWith("Your VMs:", output);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"seed {seed} round {round}: the menu hung on {Convert.ToHexString([.. bytes])}");
            }
        }
        // Whatever was typed, nobody acted on bob's VM but bob.
        Assert.DoesNotContain(_rig.Audit.Read(user: "ann"), e => e.Target == "bob-web" && e.Action != "vm.access");
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), "the menu did not get there");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
