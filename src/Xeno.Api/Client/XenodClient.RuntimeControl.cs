using Xeno.Api.Contracts;

namespace Xeno.Api.Client;

/// <summary>Run-time control (xl vcpu-set, trigger, sysrq, dump-core) and xentop's statistics.</summary>
public sealed partial class XenodClient
{
    public Task<StatisticsResponse> GetStatisticsAsync(CancellationToken cancel = default) =>
        SendAsync(HttpMethod.Get, "statistics", null, Json.StatisticsResponse, cancel);

    public Task SetVcpusAsync(string dom, int count, CancellationToken cancel = default) =>
        PostAsync(dom, "vcpus/set", Body(new VcpuSetRequest { Count = count }, Json.VcpuSetRequest), cancel);

    public Task TriggerAsync(string dom, string trigger, int vcpu, CancellationToken cancel = default) =>
        PostAsync(dom, "trigger", Body(new TriggerRequest { Trigger = trigger, Vcpu = vcpu }, Json.TriggerRequest), cancel);

    public Task SysrqAsync(string dom, string key, CancellationToken cancel = default) =>
        PostAsync(dom, "sysrq", Body(new SysrqRequest { Key = key }, Json.SysrqRequest), cancel);

    public Task DumpCoreAsync(string dom, string path, CancellationToken cancel = default) =>
        PostAsync(dom, "dump-core", Body(new DumpCoreRequest { Path = path }, Json.DumpCoreRequest), cancel);
}
