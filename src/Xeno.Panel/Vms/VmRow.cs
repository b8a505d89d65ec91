using System.Globalization;
using Xeno.Api.Contracts;
using Xeno.Panel.Data;

namespace Xeno.Panel.Vms;

/// <summary>A VM as the list and info pages show it: the panel's record with xenod's live figures.</summary>
public sealed record VmRow(PanelVm Vm, DomainInfo? Domain, string State, long MemoryMib, int Vcpus, string Uptime)
{
    public static VmRow Of(PanelVm vm, DomainInfo? domain, DateTimeOffset now, bool xenodAnswered)
    {
        if (domain is null)
            return new(vm, null, xenodAnswered ? "off" : "unknown", vm.MemoryMib, vm.Vcpus, "");
        var up = now - DateTimeOffset.FromUnixTimeMilliseconds((long)(domain.StartTime * 1000));
        return new(vm, domain, StateText(domain), domain.MemoryMib, domain.Vcpus, Duration(up));
    }

    private static string StateText(DomainInfo d) => d.Phase switch
    {
        "running" when d.Paused => "paused",
        "running" when !d.Responding => "not responding",
        var phase => phase.Replace('_', ' '),
    };

    private static string Duration(TimeSpan t) => t < TimeSpan.Zero ? "" :
        t.TotalDays >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalDays}d {t.Hours}h")
        : string.Create(CultureInfo.InvariantCulture, $"{t.Hours}:{t.Minutes:00}:{t.Seconds:00}");
}
