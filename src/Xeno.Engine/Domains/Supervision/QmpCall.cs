using Xeno.Qemu.Processes;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Domains.Supervision;

/// <summary>
/// One QMP call for a domain: a missed deadline marks the domain not responding and becomes
/// the domain's error, "QEMU of domain N is not responding"; any answer marks it responding.
/// </summary>
internal static class QmpCall
{
    public static string NotRespondingMessage(int domid) => $"QEMU of domain {domid} is not responding";

    public static async Task<T> RunAsync<T>(Domain d, QemuInstance q, Func<QmpClient, CancellationToken, Task<T>> call, CancellationToken cancel)
    {
        try
        {
            var result = await call(q.Qmp, cancel);
            d.Responding = true;
            return result;
        }
        catch (QmpCommandException)
        {
            d.Responding = true;
            throw;
        }
        catch (QmpTimeoutException e)
        {
            d.Responding = false;
            throw new EngineException(EngineErrorKind.NotResponding, NotRespondingMessage(d.Domid), e);
        }
    }

    public static Task RunAsync(Domain d, QemuInstance q, Func<QmpClient, CancellationToken, Task> call, CancellationToken cancel) =>
        RunAsync(d, q, async (c, t) =>
        {
            await call(c, t);
            return true;
        }, cancel);
}
