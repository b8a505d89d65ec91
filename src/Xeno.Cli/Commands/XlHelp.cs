namespace Xeno.Cli.Commands;

/// <summary>xl's help texts: the command list and per-command usage, in xl's layout.</summary>
public static class XlHelp
{
    public static void PrintAll(TextWriter o)
    {
        o.Write("Usage xl [-vfNtT] <subcommand> [args]\n\n");
        o.Write("xl full list of subcommands:\n\n");
        foreach (var c in CommandTable.All)
        {
            o.Write($" {c.Name,-19} ");
            if (c.Name.Length > 19) o.Write($"\n {"",-19} ");
            o.Write(c.Description + "\n");
        }
    }

    /// <summary>Prints one command's usage (as `xl help CMD` and `xl CMD -h` do); exit status 0.</summary>
    public static int PrintCommandHelp(XlContext ctx, XlCommand c)
    {
        PrintCommand(ctx.Out, c);
        return 0;
    }

    public static void PrintCommand(TextWriter o, XlCommand c)
    {
        o.Write($"Usage: xl [-vtT{(c.Modifies ? "f" : "")}{(c.CanDryRun ? "N" : "")}] {c.Name} {c.Usage}\n\n{c.Description}.\n\n");
        if (c.Options is not null) o.Write($"Options:\n\n{c.Options}\n");
    }
}

/// <summary>The commands Xeno's xl implements, looked up as xl does.</summary>
public static class CommandTable
{
    public static readonly IReadOnlyList<XlCommand> All =
    [
        CreateCommand.Definition,
        Guests.GuestConvertCommand.Definition,
        Guests.GuestRescueCommand.Definition,
        Guests.GuestInstallCommand.Definition,
        Guests.GuestChainloadCdCommand.Definition,
        Domain.ListCommand.Definition,
        Domain.LifecycleCommands.Destroy,
        Domain.ShutdownCommand.Shutdown,
        Domain.ShutdownCommand.Reboot,
        Domain.LifecycleCommands.Pause,
        Domain.LifecycleCommands.Unpause,
        Domain.ConsoleCommand.Definition,
        Domain.QueryCommands.VmList,
        Domain.QueryCommands.Info,
        Domain.LifecycleCommands.Rename,
        Domain.QueryCommands.DomId,
        Domain.QueryCommands.DomName,
        Domain.QueryCommands.VcpuList,
        Domain.VcpuPinCommand.Definition,
        Domain.MemoryCommands.MemMax,
        Domain.MemoryCommands.MemSet,
        Scheduling.SchedCreditCommands.Credit,
        Scheduling.SchedCreditCommands.Credit2,
        Domain.QueryCommands.Dmesg,
        Network.NetworkAttachCommand.Definition,
        Network.NetworkListCommand.Definition,
        Network.NetworkDetachCommand.Definition,
        Domain.QueryCommands.Uptime,
        Block.CdCommands.Insert,
        Block.CdCommands.Eject,
        Block.BlockCommands.Attach,
        Block.BlockCommands.List,
        Block.BlockCommands.Detach,
        Runtime.VcpuSetCommand.Definition,
        Runtime.ControlCommands.Trigger,
        Runtime.ControlCommands.Sysrq,
        Runtime.ControlCommands.DumpCore,
        Runtime.ControlCommands.DebugKeys,
        Migration.SaveRestoreCommands.Save,
        Migration.SaveRestoreCommands.Restore,
        Migration.MigrateCommand.Migrate,
        Migration.MigrateReceiveCommand.MigrateReceive,
        Top.TopCommand.Definition,
        Scheduling.CpupoolCommands.Create,
        Scheduling.CpupoolCommands.List,
        Scheduling.CpupoolCommands.Destroy,
        Scheduling.CpupoolCommands.Rename,
        Scheduling.CpupoolCommands.CpuAdd,
        Scheduling.CpupoolCommands.CpuRemove,
        Scheduling.CpupoolCommands.Migrate,
        Scheduling.CpupoolCommands.NumaSplit,
    ];

    /// <summary>An exact name wins; otherwise a prefix that matches exactly one command.</summary>
    public static XlCommand? Lookup(string name)
    {
        XlCommand? found = null;
        int count = 0;
        foreach (var c in All)
        {
            if (c.Name == name) return c;
            if (c.Name.StartsWith(name, StringComparison.Ordinal))
            {
                found = c;
                count++;
            }
        }
        return count == 1 ? found : null;
    }
}
