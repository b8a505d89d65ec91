using System.Text;
using Xeno.Panel.Data;
using Xeno.Panel.Hosting;
using Xeno.Panel.Ssh;
using Xeno.Panel.Vms;

namespace Xeno.Panel.Tests.Ssh;

/// <summary>
/// The SSH menu on a real panel database (temporary), with scripted input and captured output.
/// No xenod runs at its socket, so VMs show as "unknown" and actions answer xenod's own message;
/// what the menu decides itself (rights, choices, messages, audit) is all real.
/// </summary>
internal sealed class MenuRig : IDisposable
{
    public MenuRig(Func<PanelOptions, PanelOptions>? change = null)
    {
        Root = Directory.CreateTempSubdirectory("xps-").FullName;
        Options = new PanelOptions { Prefix = Root, Database = Path.Combine(Root, "panel.db"), StorageDir = Path.Combine(Root, "disks") };
        Options = change?.Invoke(Options) ?? Options;
        Db = new PanelDatabase(Options.DatabasePath);
        Db.Migrate();
        Users = new Users(Db);
        Vms = new VmRecords(Db);
        Audit = new AuditLog(Db);
        Keys = new SshKeys(Db);
        Hosts = new Hosts(Db);
        Host = Hosts.EnsureLocal(Options.SocketPath);
        Xenod = new XenodClients(Hosts, Options);
    }

    public string Root { get; }
    public PanelOptions Options { get; }
    public PanelDatabase Db { get; }
    public Users Users { get; }
    public VmRecords Vms { get; }
    public AuditLog Audit { get; }
    public SshKeys Keys { get; }
    public Hosts Hosts { get; }
    public PanelHost Host { get; }
    public XenodClients Xenod { get; }

    public const string Remote = "ssh 192.0.2.7";

    public PanelUser AddUser(string name, Role role = Role.Owner) => Users.Add(name, "h", role)!;

    /// <summary>A catalogue entry as an admin's registration leaves it (the file itself is not needed: nothing boots here).</summary>
    public CdImage AddImage(string name) =>
        new CdImages(Db).Add(name, Path.Combine(Root, name + ".iso"), 3 << 20, new string('0', 64), uploaded: false, "root")!;

    public PanelVm AddVm(string name, PanelUser owner, VmType type = VmType.Pv) =>
        Vms.Add(name, owner.Id, Host.Id, type, 128, 1, 1, Path.Combine(Root, name + ".img"), null)!;

    public SshMenuServices Services => SshMenuServices.For(Db, Xenod, Hosts, Audit, Options, TimeProvider.System);

    /// <summary>Runs the menu for <paramref name="user"/> on <paramref name="input"/> (bytes as typed) to its end.</summary>
    public async Task<(string Output, string End)> RunAsync(PanelUser user, byte[] input, TimeSpan? limit = null)
    {
        var key = new StoredSshKey(1, user.Id, user.Name, "ssh-ed25519", "AAAA", "SHA256:test", "", "");
        var output = new MemoryStream();
        var menu = new SshMenu(new SshMenuSession(user, key, Remote), new MenuInput(new MemoryStream(input)), output, () => null, Services);
        var end = await menu.RunAsync(TestContext.Current.CancellationToken).WaitAsync(limit ?? TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        return (Encoding.UTF8.GetString(output.ToArray()), end);
    }

    public Task<(string Output, string End)> RunAsync(PanelUser user, string typed) => RunAsync(user, Encoding.UTF8.GetBytes(typed));

    public void Dispose()
    {
        Xenod.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
