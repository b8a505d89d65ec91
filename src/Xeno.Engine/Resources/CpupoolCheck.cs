using Xeno.Config.Domain;
using Xeno.Engine.Domains;

namespace Xeno.Engine.Resources;

/// <summary>
/// pool= at create: Xeno's one cpupool is Pool-0 (by name, or its id 0, as libxl's qualifier
/// lookup takes either); any other pool is refused with libxl's words before anything starts.
/// </summary>
internal static class CpupoolCheck
{
    public static void Check(DomainSpec spec)
    {
        if (spec.Pool is not { } pool || pool == HostScheduler.PoolName || (pool.Length > 0 && pool.All(char.IsAsciiDigit) && pool.TrimStart('0').Length == 0))
            return;
        throw new EngineException(EngineErrorKind.Invalid, $"libxl: error: Illegal pool specified: {pool}");
    }
}
