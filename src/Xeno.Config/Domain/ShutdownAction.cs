namespace Xeno.Config.Domain;

/// <summary>What the toolstack does when a guest powers off, reboots, crashes ... (the on_* options).</summary>
public enum ShutdownAction
{
    Destroy,
    Restart,
    RenameRestart,
    Preserve,
    CoredumpDestroy,
    CoredumpRestart,
    SoftReset,
}

public static class ShutdownActionNames
{
    private static readonly (ShutdownAction Action, string Name)[] Names =
    [
        (ShutdownAction.Destroy, "destroy"),
        (ShutdownAction.Restart, "restart"),
        (ShutdownAction.RenameRestart, "rename-restart"),
        (ShutdownAction.Preserve, "preserve"),
        (ShutdownAction.CoredumpDestroy, "coredump-destroy"),
        (ShutdownAction.CoredumpRestart, "coredump-restart"),
        (ShutdownAction.SoftReset, "soft-reset"),
    ];

    public static string ToXenName(this ShutdownAction action)
    {
        foreach (var (a, n) in Names)
        {
            if (a == action) return n;
        }
        throw new ArgumentOutOfRangeException(nameof(action));
    }

    /// <summary>Exact, case-sensitive match as xl does.</summary>
    public static ShutdownAction? Parse(string name)
    {
        foreach (var (a, n) in Names)
        {
            if (string.Equals(n, name, StringComparison.Ordinal)) return a;
        }
        return null;
    }
}
