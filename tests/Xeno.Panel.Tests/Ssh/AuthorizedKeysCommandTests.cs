using Xeno.Panel.Data;
using Xeno.Panel.Ssh;

namespace Xeno.Panel.Tests.Ssh;

public sealed class AuthorizedKeysCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xpa-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void OnlyARegisteredKeyOfTheMenuAccountGetsItsForcedMenuLine()
    {
        string dbPath = Path.Combine(_dir, "panel.db");
        var db = new PanelDatabase(dbPath);
        db.Migrate();
        var users = new Users(db);
        var ann = users.Add("ann", "h", Role.Owner)!;
        var bob = users.Add("bob", "h", Role.Owner)!;
        var keys = new SshKeys(db);
        var (annLine, _, _) = TestKeys.Make(_dir, comment: "evil\" comment; rm -rf /");
        var (bobLine, _, _) = TestKeys.Make(_dir, "ecdsa", 256);
        var (strangerLine, _, _) = TestKeys.Make(_dir);
        var annKey = keys.Add(ann.Id, SshPublicKey.Parse(annLine).Key!).Key!;
        var bobKey = keys.Add(bob.Id, SshPublicKey.Parse(bobLine).Key!).Key!;
        var options = new PanelOptions { Prefix = "/", Database = dbPath };

        string[] Lines(string account, string line, PanelOptions? o = null)
        {
            var output = new StringWriter();
            var parts = line.Split(' ');
            Assert.Equal(0, AuthorizedKeysCommand.Run(o ?? options, [account, parts[0], parts[1]], keys, output, TextWriter.Null));
            return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }

        var annOut = Assert.Single(Lines("xeno", annLine));
        Assert.Equal($"restrict,pty,command=\"/usr/local/sbin/xeno-panel ssh-menu --key {annKey.Id}\" {annLine.Split(' ')[0]} {annLine.Split(' ')[1]}", annOut);
        // The comment (owner-typed text) never reaches sshd's line.
        Assert.DoesNotContain("evil", annOut);
        Assert.Equal($"restrict,pty,command=\"/usr/local/sbin/xeno-panel ssh-menu --key {bobKey.Id}\" {bobLine.Split(' ')[0]} {bobLine.Split(' ')[1]}", Assert.Single(Lines("xeno", bobLine)));

        // Refusals print nothing: an unknown key, another account, a key under another type's name.
        Assert.Empty(Lines("xeno", strangerLine));
        Assert.Empty(Lines("root", annLine));
        Assert.Empty(Lines("xeno", "ssh-rsa " + annLine.Split(' ')[1]));
        Assert.Empty(Lines("xeno", "ssh-ed25519 AAAA"));

        // The prefix and the configured menu command travel in the forced command.
        var prefixed = options with { Prefix = "/srv/xeno-host", SshMenuCommand = "/opt/xeno/xeno-panel ssh-menu", SshAccount = "menu" };
        Assert.StartsWith($"restrict,pty,command=\"/opt/xeno/xeno-panel ssh-menu --prefix /srv/xeno-host --key {annKey.Id}\" ",
            Assert.Single(Lines("menu", annLine, prefixed)));

        // After removal the key is refused.
        keys.Remove(annKey.Id);
        Assert.Empty(Lines("xeno", annLine));
    }

    [Fact]
    public void SettingsAShellWouldInterpretAreRefused()
    {
        var keys = new SshKeys(new PanelDatabase(Path.Combine(_dir, "panel.db")));
        foreach (var bad in new[]
        {
            new PanelOptions { SshMenuCommand = "xeno-panel ssh-menu" },
            new PanelOptions { SshMenuCommand = "/usr/local/sbin/xeno-panel ssh-menu; sh" },
            new PanelOptions { SshMenuCommand = "/usr/local/sbin/xeno-panel \"ssh-menu\"" },
            new PanelOptions { SshMenuCommand = "/usr/local/sbin/xeno-panel  ssh-menu" },
            new PanelOptions { SshMenuCommand = "/usr/local/sbin/xeno-panel $(id)" },
            new PanelOptions { SshAccount = "Xeno Menu" },
            new PanelOptions { Prefix = "/srv/my host" },
            new PanelOptions { Prefix = "/srv/x\"y" },
        })
        {
            var err = new StringWriter();
            Assert.Equal(2, AuthorizedKeysCommand.Run(bad, ["xeno", "ssh-ed25519", "AAAA"], keys, TextWriter.Null, err));
            Assert.StartsWith("xeno-panel: ", err.ToString());
        }
        // The panel itself refuses a bad menu command at start.
        Assert.Contains(PanelOptionsCheck.Problems(new PanelOptions { SshMenuCommand = "/x y;z" }), p => p.StartsWith("Panel:SshMenuCommand", StringComparison.Ordinal));
        var usage = new StringWriter();
        Assert.Equal(2, AuthorizedKeysCommand.Run(new PanelOptions(), ["xeno"], keys, TextWriter.Null, usage));
        Assert.Contains("usage: xeno-panel authorized-keys USER TYPE KEY", usage.ToString());
    }

    [Fact]
    public void ADatabaseTheCommandCannotUseIsNamedInOneLine()
    {
        var file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "");
        var err = new StringWriter();
        Assert.Null(SshDatabase.Open(new PanelOptions { Database = Path.Combine(file, "sub/panel.db") }, err));
        Assert.StartsWith($"xeno-panel: cannot use the panel database {file}/sub/panel.db: ", err.ToString());
        Assert.Single(err.ToString().TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void AKeyBelongsToOneUserAndTheStoreSaysWhy()
    {
        string dbPath = Path.Combine(_dir, "panel.db");
        var db = new PanelDatabase(dbPath);
        db.Migrate();
        var users = new Users(db);
        var ann = users.Add("ann", "h", Role.Owner)!;
        var bob = users.Add("bob", "h", Role.Owner)!;
        var keys = new SshKeys(db);
        var key = SshPublicKey.Parse(TestKeys.Make(_dir).PublicLine).Key!;
        Assert.NotNull(keys.Add(ann.Id, key).Key);
        Assert.Equal("This key is registered already.", keys.Add(bob.Id, key with { Comment = "other" }).Error);
        Assert.Equal("This key is registered already.", keys.Add(ann.Id, key).Error);
        Assert.Single(keys.All());
    }
}
