using System.Text.Json.Nodes;
using Xeno.Engine.Devices.Cpus;
using Xeno.Engine.Domains.Lifecycle;
using Xeno.Engine.Domains.Registry;
using Xeno.Engine.Domains.Supervision;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Domains.Requests;

/// <summary>
/// Run-time control of one domain: xl vcpu-set (CPU hot-plug), xl trigger (QEMU's platform
/// events), xl sysrq (the Alt+SysRq key chord on the guest's keyboard) and xl dump-core. Each runs
/// through the domain's supervisor like every other request.
/// </summary>
internal sealed class RuntimeControlRequests(EngineContext context, DomainRegistry registry)
{
    /// <summary>libxl's triggers (libxl_trigger_from_string).</summary>
    public static readonly IReadOnlyList<string> Triggers = ["power", "sleep", "nmi", "init", "reset", "s3resume"];

    /// <summary>libxl's refusal of a count above maxvcpus (LOGED in libxl_set_vcpuonline).</summary>
    public static string TooManyMessage(int requested, int max) => $"Requested {requested} VCPUs, however maxcpus is {max}!";
    public const string ZeroMessage = "Requested 0 VCPUs!";

    private readonly VcpuHotplug _hotplug = new(context);
    private readonly CoreDumper _dumper = new(context);

    public Task SetVcpusAsync(string idOrName, int count, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.SetVcpus, async token =>
        {
            if (count == 0)
                throw new EngineException(EngineErrorKind.Invalid, ZeroMessage);
            if (count < 0 || count > d.Spec.MaxVcpus)
                throw new EngineException(EngineErrorKind.Invalid, TooManyMessage(count, d.Spec.MaxVcpus));
            if (d.Qemu is not { } q)
                throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is not running");
            if (count == d.VcpuThreads.Count)
                return true;
            await _hotplug.SetAsync(d, q, count, token);
            context.Publish(st => st.SetVcpus(d.Domid, count, d.Spec.MaxVcpus));
            context.Records.Save(d);
            return true;
        }, cancel);
    }

    /// <summary>
    /// xl trigger: power = ACPI power button, reset = hard reset, nmi = NMI to every vCPU,
    /// s3resume = wake from S3. QEMU has no ACPI sleep button and no INIT IPI to inject:
    /// those two are refused as libxl refuses a trigger the platform lacks.
    /// </summary>
    public Task TriggerAsync(string idOrName, string trigger, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.Trigger, async token =>
        {
            string? command = trigger switch
            {
                "power" => "system_powerdown",
                "reset" => "system_reset",
                "nmi" => "inject-nmi",
                "s3resume" => "system_wakeup",
                "sleep" or "init" => null,
                _ => throw new EngineException(EngineErrorKind.Invalid, $"Invalid trigger \"{trigger}\""),
            };
            if (command is null)
                throw new EngineException(EngineErrorKind.Invalid, $"Send trigger '{trigger}' failed: QEMU has no {(trigger == "sleep" ? "ACPI sleep button" : "INIT trigger")}");
            if (d.Qemu is not { } q)
                throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is not running");
            try
            {
                await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync(command, null, t), token);
            }
            catch (QmpCommandException e)
            {
                throw new EngineException(EngineErrorKind.Failed, $"Send trigger '{trigger}' failed: {e.Message}", e);
            }
            catch (Exception e) when (e is QmpDisconnectedException or ObjectDisposedException)
            {
                // A reset or power-off can end QEMU (through the on_* action) before it answers.
            }
            context.Log.Info($"Domain {d.Domid} ({d.Name}): trigger {trigger} sent ({command})");
            return true;
        }, cancel);
    }

    /// <summary>xl sysrq: Alt+SysRq+key on the guest's keyboard (QMP send-key), which a Linux guest handles as magic SysRq.</summary>
    public Task SysrqAsync(string idOrName, string key, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.Trigger, async token =>
        {
            if (SysrqKeys.QCode(key) is not { } qcode)
                throw new EngineException(EngineErrorKind.Invalid, $"sysrq key \"{key}\" has no key on a keyboard (one letter, digit or punctuation key)");
            if (d.Qemu is not { } q)
                throw new EngineException(EngineErrorKind.Conflict, $"Domain {d.Domid} is not running");
            var keys = new JsonArray
            {
                new JsonObject { ["type"] = "qcode", ["data"] = "alt" },
                new JsonObject { ["type"] = "qcode", ["data"] = "sysrq" },
                new JsonObject { ["type"] = "qcode", ["data"] = qcode },
            };
            if (SysrqKeys.NeedsShift(key))
                keys.Insert(0, new JsonObject { ["type"] = "qcode", ["data"] = "shift" });
            try
            {
                await QmpCall.RunAsync(d, q, (c, t) => c.ExecuteAsync("send-key", new JsonObject { ["keys"] = keys }, t), token);
            }
            catch (QmpCommandException e)
            {
                throw new EngineException(EngineErrorKind.Failed, $"domain \"{d.Name}\": QEMU refused the key: {e.Message}", e);
            }
            catch (Exception e) when (e is QmpDisconnectedException or ObjectDisposedException)
            {
                // SysRq b or o can end the guest (and QEMU) before the answer.
            }
            context.Log.Info($"Domain {d.Domid} ({d.Name}): sysrq {key} sent");
            return true;
        }, cancel);
    }

    public Task DumpCoreAsync(string idOrName, string path, CancellationToken cancel)
    {
        var s = registry.Find(idOrName);
        var d = s.Domain;
        return s.RunAsync(DomainOperation.DumpCore, async token =>
        {
            if (!Path.IsPathFullyQualified(path))
                throw new EngineException(EngineErrorKind.Invalid, $"dump-core needs an absolute path, got \"{path}\"");
            await _dumper.DumpToAsync(d, path, token);
            return true;
        }, cancel);
    }
}
