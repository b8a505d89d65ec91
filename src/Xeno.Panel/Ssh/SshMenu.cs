using System.Globalization;
using System.Text;
using Xeno.Api.Client;
using Xeno.Api.Contracts;
using Xeno.Panel.Data;
using Xeno.Panel.Hosting;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Ssh;

/// <summary>Who is at the menu: the user the key belongs to, the key, and where they connect from ("ssh ADDRESS").</summary>
public sealed record SshMenuSession(PanelUser User, StoredSshKey Key, string Remote);

/// <summary>The panel's parts the menu uses: the same records, rights, actions and audit as the web pages.</summary>
public sealed record SshMenuServices(Users Users, VmRecords Vms, VmAccess Access, VmService Service, VmBootService Boots, VmChangeService Changes,
    VmDeleteService Deletes, CdImages Images, XenodClients Xenod, AuditLog Audit, TimeProvider Clock)
{
    /// <summary>The services the web pages get from dependency injection, built by hand for the menu's own process.</summary>
    public static SshMenuServices For(PanelDatabase db, XenodClients xenod, Hosts hosts, AuditLog audit, PanelOptions options, TimeProvider clock)
    {
        var vms = new VmRecords(db);
        var images = new CdImages(db);
        var quotas = new Quotas(db);
        var disks = new DiskStore(options);
        var extraDisks = new VmDiskRecords(db);
        var boots = new VmBootService(new VmBootRecords(db), images, extraDisks, xenod, audit, options);
        // The installs are the database's (the web panel's process follows them): the menu sees them too.
        var installs = new VmInstallRecords(db);
        return new SshMenuServices(new Users(db), vms, new VmAccess(vms),
            new VmService(vms, quotas, disks, xenod, hosts, audit, options, boots, installs), boots,
            new VmChangeService(new VmSettingsRecords(db), vms, extraDisks, quotas, disks, images, xenod, audit, options),
            new VmDeleteService(vms, extraDisks, disks, installs, xenod, audit),
            images, xenod, audit, clock);
    }
}

/// <summary>
/// The SSH management menu (prgmr's out-of-band console): a line-based state machine over the
/// owner's VMs. At the list a number or name picks a VM (only one the user may see: owner,
/// listed administrator, or admin); at a VM: console, power on, shut down, reboot, force off
/// (confirmed), boot mode (normal, rescue, a catalogue CD, the chain-load CD), CD insert and
/// eject, delete (confirmed by the VM's name), back, quit. Every VM action checks access again on
/// a fresh record, goes through <see cref="VmService"/>, <see cref="VmBootService"/>,
/// <see cref="VmChangeService"/> or <see cref="VmDeleteService"/> (audited there, as for the web
/// pages) or is audited here. Bad input gets a message and the
/// prompt again; the end of input ends the session. It never runs a shell or any command.
/// </summary>
public sealed class SshMenu(SshMenuSession session, MenuInput input, Stream output, Func<IDisposable?> rawTerminal, SshMenuServices s)
{
    private enum State { List, Vm, ConfirmForceOff, ConfirmDelete }

    private State _state = State.List;
    private IReadOnlyList<PanelVm> _list = [];
    private PanelVm? _vm;
    private string? _ended;

    /// <summary>Runs until quit or the end of input; answers how the session ended (for the audit log).</summary>
    public async Task<string> RunAsync(CancellationToken cancel)
    {
        try
        {
            await ShowListAsync(cancel);
            while (true)
            {
                Say(Prompt);
                var line = await input.ReadLineAsync(cancel);
                if (line is null)
                {
                    Say("\n");
                    return "end of input";
                }
                line = line.Trim();
                if (line.Length > MenuInput.MaxLine)
                {
                    Say($"That line is longer than {MenuInput.MaxLine} characters; type h for help.\n");
                    continue;
                }
                if (line.Length == 0)
                    continue;
                bool goOn = _state switch
                {
                    State.List => await ListChoiceAsync(line, cancel),
                    State.Vm => await VmChoiceAsync(line, cancel),
                    State.ConfirmDelete => await ConfirmDeleteAsync(line, cancel),
                    _ => await ConfirmForceOffAsync(line, cancel),
                };
                if (!goOn)
                {
                    if (_ended is null)
                        Say("Bye.\n");
                    return _ended ?? "quit";
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return "hang-up";
        }
        catch (IOException)
        {
            // The terminal went away while we wrote to it.
            return "hang-up";
        }
        catch (SessionGone gone)
        {
            return gone.Message;
        }
    }

    private string Prompt => _state switch
    {
        State.List => "menu> ",
        State.Vm => _vm!.Name + "> ",
        State.ConfirmDelete => $"Delete {_vm!.Name} with its disks and everything on them? This cannot be undone. Type its name, {_vm.Name}, to confirm: ",
        _ => $"Force {_vm!.Name} off? Like pulling the plug: unsaved data is lost. Type yes to confirm: ",
    };

    private async Task<bool> ListChoiceAsync(string line, CancellationToken cancel)
    {
        switch (line.ToLowerInvariant())
        {
            case "q" or "quit" or "exit":
                return false;
            case "l" or "list":
                await ShowListAsync(cancel);
                return true;
            case "h" or "help" or "?":
                Say(ListHelp);
                return true;
        }
        PanelVm? chosen = null;
        bool numeric = int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int n);
        if (numeric)
        {
            if (n >= 1 && n <= _list.Count)
                chosen = _list[n - 1];
        }
        else
            chosen = _list.FirstOrDefault(v => v.Name == line);
        if (chosen is null)
        {
            // The same answer for "not yours" and "no such VM"; a real name of someone else's is audited as on the web.
            if (!numeric && s.Vms.NameTaken(line))
                s.Audit.Write(User.Name, "vm.access", line, session.Remote, "refused", "ssh menu: chose a VM by name");
            Say(_list.Count == 0
                ? $"No VM \"{Shown(line)}\" here: you have no VMs. Type q to quit.\n"
                : $"No VM \"{Shown(line)}\" here; type a number from 1 to {_list.Count} or a name from the list (l lists them again).\n");
            return true;
        }
        if (Fresh(chosen) is not { } vm)
        {
            await ShowListAsync(cancel);
            return true;
        }
        _vm = vm;
        _state = State.Vm;
        await ShowVmAsync(cancel);
        return true;
    }

    private async Task<bool> VmChoiceAsync(string line, CancellationToken cancel)
    {
        // A verb and what follows it (an image's name keeps its case: catalogue names are exact).
        int blank = line.IndexOfAny([' ', '\t']);
        var choice = (blank < 0 ? line : line[..blank]).ToLowerInvariant();
        var argument = blank < 0 ? "" : line[(blank + 1)..].Trim();
        if (choice is "q" or "quit" or "exit")
            return false;
        if (choice is "b" or "back")
        {
            (_state, _vm) = (State.List, null);
            await ShowListAsync(cancel);
            return true;
        }
        if (choice is "h" or "help" or "?")
        {
            Say(VmHelp(_vm!));
            return true;
        }
        if (choice is not ("c" or "console" or "on" or "start" or "shutdown" or "reboot" or "off" or "force-off" or "s" or "status"
            or "boot" or "images" or "insert" or "eject" or "delete"))
        {
            Say($"Unknown choice \"{Shown(line)}\"; type c, on, shutdown, reboot, off, boot, images, insert, eject, delete, s, b or q (h explains them).\n");
            return true;
        }
        if (argument.Length > 0 && choice is not ("boot" or "insert"))
        {
            Say($"{choice} takes nothing after it; type h for help.\n");
            return true;
        }
        // Rights can change while the menu is open: act only on a fresh record still allowed.
        if (Fresh(_vm!) is not { } vm)
        {
            (_state, _vm) = (State.List, null);
            await ShowListAsync(cancel);
            return true;
        }
        _vm = vm;
        switch (choice)
        {
            case "c" or "console":
                return await ConsoleAsync(vm, cancel);
            case "on" or "start":
                await PowerAsync(vm, PowerAction.Start, cancel);
                break;
            case "shutdown":
                await PowerAsync(vm, PowerAction.Shutdown, cancel);
                break;
            case "reboot":
                await PowerAsync(vm, PowerAction.Reboot, cancel);
                break;
            case "off" or "force-off":
                _state = State.ConfirmForceOff;
                break;
            case "delete":
                _state = State.ConfirmDelete;
                break;
            case "boot":
                Boot(vm, argument);
                break;
            case "images":
                Say(ImagesText());
                break;
            case "insert":
                Say((argument.Length == 0
                    ? "Type insert and an image's name (images lists them).\n"
                    : (await s.Changes.InsertCdAsync(User, vm, argument, session.Remote, cancel)).Message + "\n"));
                break;
            case "eject":
                Say((await s.Changes.EjectCdAsync(User, vm, session.Remote, cancel)).Message + "\n");
                break;
            default:
                await ShowVmAsync(cancel);
                break;
        }
        return true;
    }

    /// <summary>`boot` alone says the setting and the choices; `boot MODE [IMAGE]` sets it through the web page's service (same checks, same audit).</summary>
    private void Boot(PanelVm vm, string argument)
    {
        if (argument.Length == 0)
        {
            Say($"{vm.Name} boots from the {s.Boots.Describe(s.Boots.Get(vm))} at its next power-on.\n" + BootChoices());
            return;
        }
        int blank = argument.IndexOfAny([' ', '\t']);
        var mode = (blank < 0 ? argument : argument[..blank]).ToLowerInvariant();
        var image = blank < 0 ? "" : argument[(blank + 1)..].Trim();
        if (mode != "cd" && image.Length > 0)
        {
            Say($"boot {Shown(mode)} takes no image name; only boot cd does.\n");
            return;
        }
        var outcome = s.Boots.Set(User, vm, mode, image, session.Remote);
        Say(outcome.Message + "\n" + (outcome.Ok ? "" : BootChoices()));
    }

    private string BootChoices() =>
        "  boot normal        from its disk\n" +
        "  boot rescue        the rescue system (a shell on the console, every disk attached)\n" +
        "  boot cd IMAGE      from a CD image of the catalogue (images lists them)\n" +
        "  boot chainload     from the chain-load CD (the guest's own GRUB configuration)\n";

    private string ImagesText()
    {
        var all = s.Images.All();
        if (all.Count == 0)
            return "The CD image catalogue is empty; ask an administrator to add an image.\n";
        var text = new StringBuilder("CD images:\n");
        foreach (var i in all)
            text.Append(CultureInfo.InvariantCulture, $"  {i.Name,-32} {i.SizeBytes / (1 << 20),8} MiB  sha256 {i.Sha256}\n");
        return text.ToString();
    }

    private async Task<bool> ConfirmForceOffAsync(string line, CancellationToken cancel)
    {
        _state = State.Vm;
        if (!line.Equals("yes", StringComparison.OrdinalIgnoreCase))
        {
            Say($"Not forced off; {_vm!.Name} is left as it is.\n");
            return true;
        }
        if (Fresh(_vm!) is not { } vm)
        {
            (_state, _vm) = (State.List, null);
            await ShowListAsync(cancel);
            return true;
        }
        await PowerAsync(vm, PowerAction.ForceOff, cancel);
        return true;
    }

    /// <summary>The web's delete (<see cref="VmDeleteService"/>: its name check, install refusal, force off, audit); what was typed is its confirmation.</summary>
    private async Task<bool> ConfirmDeleteAsync(string line, CancellationToken cancel)
    {
        _state = State.Vm;
        if (Fresh(_vm!) is not { } vm)
        {
            (_state, _vm) = (State.List, null);
            await ShowListAsync(cancel);
            return true;
        }
        var outcome = await s.Deletes.DeleteAsync(User, vm, line, session.Remote, cancel);
        Say(outcome.Message + "\n");
        if (outcome.Ok)
        {
            (_state, _vm) = (State.List, null);
            await ShowListAsync(cancel);
        }
        return true;
    }

    private async Task PowerAsync(PanelVm vm, PowerAction action, CancellationToken cancel)
    {
        var outcome = await s.Service.PowerAsync(User, vm, action, session.Remote, cancel);
        Say(outcome.Message + "\n");
    }

    private async Task<bool> ConsoleAsync(PanelVm vm, CancellationToken cancel)
    {
        DomainInfo domain;
        var client = s.Xenod.For(vm.HostId);
        try
        {
            domain = await client.GetDomainAsync(vm.Name, cancel);
        }
        catch (XenodException e)
        {
            s.Audit.Write(User.Name, "vm.console", vm.Name, session.Remote, "failed", e.Message);
            Say(e.Kind == ApiErrorKind.NotFound ? $"{vm.Name} is not running; type on to power it on.\n" : $"xenod: {e.Message}\n");
            return true;
        }
        string tty = Tty(domain.Console.Kind);
        // xenod's WebSocket attach on the API socket: the recent output first, then live (no root-only hub socket needed).
        System.Net.WebSockets.WebSocket attached;
        try
        {
            attached = await client.AttachConsoleAsync(vm.Name, cancel);
        }
        catch (XenodException e)
        {
            s.Audit.Write(User.Name, "vm.console", vm.Name, session.Remote, "failed", e.Message);
            Say($"Cannot attach to {vm.Name}'s console: {e.Message}\n");
            return true;
        }
        s.Audit.Write(User.Name, "vm.console", vm.Name, session.Remote, "ok", $"attached to {tty}");
        Say($"Connected to {vm.Name}'s console ({tty}), its recent output first. Type ^] (Ctrl and ]) to come back to the menu.\n");
        ConsoleEnd end;
        using (rawTerminal())
            end = await ConsoleRelay.RunAsync(System.Net.WebSockets.WebSocketStream.Create(attached, System.Net.WebSockets.WebSocketMessageType.Binary, ownsWebSocket: true),
                input, output, cancel);
        Say("\n");
        switch (end)
        {
            case ConsoleEnd.Detached:
                s.Audit.Write(User.Name, "vm.console", vm.Name, session.Remote, "ok", "detached");
                Say($"Detached from {vm.Name}'s console.\n");
                return true;
            case ConsoleEnd.GuestClosed:
                s.Audit.Write(User.Name, "vm.console", vm.Name, session.Remote, "ok", "closed by xenod");
                Say($"{vm.Name}'s console closed (the VM stopped, or xenod restarted).\n");
                return true;
            default:
                s.Audit.Write(User.Name, "vm.console", vm.Name, session.Remote, "ok", "input ended");
                _ended = "end of input";
                return false;
        }
    }

    private async Task ShowListAsync(CancellationToken cancel)
    {
        _list = s.Vms.VisibleTo(User);
        if (_list.Count == 0)
        {
            Say("You have no VMs yet; create one in the web panel. Type q to quit.\n");
            return;
        }
        var (rows, error) = await RowsAsync(_list, cancel);
        var text = new StringBuilder(User.IsAdmin ? "All VMs (you are an admin):\n" : "Your VMs:\n");
        text.Append(CultureInfo.InvariantCulture, $"  {"#",3}  {"name",-20} {"owner",-12} {"state",-14} {"type",-4} {"memory",9} {"vCPUs",5}  console\n");
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            text.Append(CultureInfo.InvariantCulture,
                $"  {i + 1,3}  {r.Vm.Name,-20} {r.Vm.OwnerName,-12} {r.State,-14} {VmRecords.TypeText(r.Vm.Type),-4} {r.MemoryMib + " MiB",9} {r.Vcpus,5}  {Tty(r)}\n");
        }
        if (error is not null)
            text.Append("xenod: ").Append(error).Append('\n');
        text.Append("Type a VM's number or name, l to list again, h for help, q to quit.\n");
        Say(text.ToString());
    }

    private async Task ShowVmAsync(CancellationToken cancel)
    {
        var (rows, error) = await RowsAsync([_vm!], cancel);
        var r = rows[0];
        var up = r.Uptime.Length > 0 ? $", up {r.Uptime}" : "";
        var domid = r.Domain is null ? "" : $" (domain {r.Domain.Domid})";
        Say($"{r.Vm.Name}: {r.State}{domid}{up}; {VmRecords.TypeText(r.Vm.Type)}, {r.MemoryMib} MiB, {r.Vcpus} vCPUs, console {Tty(r)}\n" +
            (error is null ? "" : $"xenod: {error}\n") + VmHelp(r.Vm));
    }

    /// <summary>The VMs with xenod's figures; the error is xenod's when it did not answer (the menu says it after the table).</summary>
    private async Task<(List<VmRow> Rows, string? Error)> RowsAsync(IReadOnlyList<PanelVm> list, CancellationToken cancel)
    {
        var hosts = new Dictionary<long, (IReadOnlyDictionary<string, DomainInfo> Domains, string? Error)>();
        foreach (var host in list.Select(v => v.HostId).Distinct())
            hosts[host] = await s.Service.DomainsAsync(host, cancel);
        var rows = list.Select(v => VmRow.Of(v, hosts[v.HostId].Domains.GetValueOrDefault(v.Name), s.Clock.GetUtcNow(), hosts[v.HostId].Error is null)).ToList();
        return (rows, hosts.Values.Select(h => h.Error).FirstOrDefault(e => e is not null));
    }

    /// <summary>The record again, if it still exists and the user (read again too) may still use it; else says so.</summary>
    private PanelVm? Fresh(PanelVm vm)
    {
        var user = User;
        var fresh = s.Vms.Get(vm.Id);
        if (fresh is not null && s.Access.Allows(user, fresh))
            return fresh;
        s.Audit.Write(user.Name, "vm.access", vm.Name, session.Remote, "refused", "ssh menu: the VM is gone or no longer the user's");
        Say($"{vm.Name} is no longer yours to manage (or no longer exists).\n");
        return null;
    }

    private PanelUser User => s.Users.Get(session.User.Id) is { } user
        ? user.Disabled ? throw Disabled() : user
        : throw new SessionGone("account removed");

    /// <summary>An admin disabled the account while the menu was open: the session ends (audited by the caller).</summary>
    private SessionGone Disabled()
    {
        Say("This account has been disabled; the session ends.\n");
        return new SessionGone("account disabled");
    }

    private const string ListHelp =
        "At the list: type a VM's number or name to manage it; l lists the VMs again; q quits.\n";

    private string VmHelp(PanelVm vm) =>
        $"  c         out-of-band console ({Tty(vm)}; ^] comes back here)\n" +
        "  on        power on\n" +
        "  shutdown  graceful shutdown (the guest agent, else the ACPI button)\n" +
        "  reboot    reboot\n" +
        "  off       force off (asks first)\n" +
        "  boot      the boot mode for the next power-on: boot normal, boot rescue, boot cd IMAGE, boot chainload\n" +
        "  images    the CD images of the catalogue\n" +
        "  insert I  put CD image I into the running hvm guest's CD drive; eject takes it out\n" +
        "  delete    delete the VM and its disks (asks for its name first)\n" +
        "  s         status\n" +
        "  b         back to the list\n" +
        "  q         quit\n";

    /// <summary>The guest's name for its console: hvc0 for PV (Xen's console), ttyS0 for HVM (the emulated serial port), as prgmr's menu tells owners.</summary>
    public static string Tty(ConsoleKind kind) => kind == ConsoleKind.Serial ? "ttyS0" : "hvc0";

    private static string Tty(VmRow r) => r.Domain is { } d ? Tty(d.Console.Kind) : Tty(r.Vm);

    private static string Tty(PanelVm vm) => vm.Type == VmType.Hvm ? "ttyS0" : "hvc0";

    /// <summary>Typed text as it may be shown back: control characters replaced, cut at 40 characters.</summary>
    private static string Shown(string typed)
    {
        var clean = new string(typed.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length > 40 ? clean[..40] + "…" : clean;
    }

    private void Say(string text)
    {
        output.Write(Encoding.UTF8.GetBytes(text));
        output.Flush();
    }

    private sealed class SessionGone(string why) : Exception(why);
}
