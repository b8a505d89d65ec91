using System.Runtime.CompilerServices;

namespace Xeno.Engine.Domains;

/// <summary>
/// Says in xenod's log which way a pv guest's kernel boots: once per domain, and again only when
/// a restart takes the other way (pygrub may find a different kernel on the guest's disk).
/// </summary>
internal sealed class PvKernelRouteLog(EngineLog log)
{
    private readonly ConditionalWeakTable<Domain, StrongBox<KernelBootRoute>> _last = new();

    public void Note(Domain d, string kernel, KernelBootChoice choice)
    {
        var box = _last.GetOrAdd(d, _ => new StrongBox<KernelBootRoute>((KernelBootRoute)(-1)));
        lock (box)
        {
            if (box.Value == choice.Route)
                return;
            box.Value = choice.Route;
        }
        log.Info(Message(d.Name, d.Domid, kernel, choice));
    }

    internal static string Message(string name, int domid, string kernel, KernelBootChoice choice) => choice.Route switch
    {
        KernelBootRoute.PvhElf => $"domain {name} ({domid}): pv kernel {kernel} boots through its PVH entry: {choice.Why}",
        KernelBootRoute.UnpackedPvhElf => $"domain {name} ({domid}): pv kernel {kernel} boots through its PVH entry from {choice.Kernel}: {choice.Why}",
        _ => $"domain {name} ({domid}): pv kernel {kernel} boots as given (a bzImage decompresses itself in the guest): {choice.Why}",
    };
}
