using Xeno.Panel;
using Xeno.Panel.Accounts;
using Xeno.Panel.Data;
using Xeno.Panel.Ssh;

// xeno-panel run [--prefix P] [--urls URL] [--Panel:Key=value ...]
// xeno-panel create-admin|create-owner NAME [--prefix P]   (password: first line of standard input)
// docs/panel.md tells the settings.
if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine("usage: xeno-panel run [--prefix P] [--urls http://127.0.0.1:8080] [--Panel:Key=value ...]");
    Console.WriteLine("       xeno-panel create-admin NAME [--prefix P]   (reads the password from standard input)");
    Console.WriteLine("       xeno-panel create-owner NAME [--prefix P]   (likewise, an owner account)");
    Console.WriteLine("       xeno-panel authorized-keys USER TYPE KEY [--prefix P]   (sshd's AuthorizedKeysCommand)");
    Console.WriteLine("       xeno-panel ssh-menu --key N [--prefix P]   (the SSH menu, forced by sshd)");
    return args.Length == 0 ? 2 : 0;
}

var rest = args.Skip(1).ToArray();
var options = PanelConfiguration.Read(rest);
try
{
    return await Command(args[0]);
}
catch (PanelDatabaseException e)
{
    // An unreachable or unusable database is an operator's problem, not a crash: one line, no stack trace.
    Console.Error.WriteLine($"xeno-panel: {e.Message}");
    return 1;
}

async Task<int> Command(string command)
{
    switch (command)
    {
        case "run":
            var app = PanelApp.Build(options, PanelConfiguration.WebArgs(rest), b =>
            {
                if (string.IsNullOrEmpty(b.Configuration["urls"]))
                    b.WebHost.UseUrls("http://127.0.0.1:8080");
            });
            await app.RunAsync();
            return 0;
        case "create-admin" or "create-owner":
            var positional = PanelConfiguration.Positional(rest);
            if (positional.Count != 1)
            {
                Console.Error.WriteLine($"usage: xeno-panel {args[0]} NAME [--prefix P]");
                return 2;
            }
            using (var db = PanelDatabase.From(options))
                return FirstAdmin.Create(db, positional[0], Console.In.ReadLine(), Console.Out, Console.Error,
                    args[0] == "create-admin" ? Role.Admin : Role.Owner);
        case "authorized-keys":
            return SshDatabase.Open(options, Console.Error) is { } keysDb
                ? AuthorizedKeysCommand.Run(options, PanelConfiguration.Positional(rest), new SshKeys(keysDb), Console.Out, Console.Error)
                : 1;
        case "ssh-menu":
            return await SshMenuProgram.RunAsync(options, rest, Console.Error);
        default:
            Console.Error.WriteLine($"xeno-panel: unknown command \"{args[0]}\" (run, create-admin, create-owner, authorized-keys, ssh-menu)");
            return 2;
    }
}
