using System.Globalization;
using Xeno.Api.Contracts;

namespace Xeno.Api.Metrics;

/// <summary>One host's statistics; <see cref="Host"/> labels its series (null: no host label, as xenod itself writes them).</summary>
public sealed record HostStatisticsSample(string? Host, StatisticsResponse Statistics);

/// <summary>
/// The figures of GET /v1/statistics as Prometheus families (docs/api.md, "Metrics"): per
/// domain CPU, memory, vCPUs, disk and network counters, labelled by domain name and domid;
/// per host CPUs, memory and domains by state. xenod serves them at GET /v1/metrics and the
/// panel at /metrics with a host label. Pure.
/// </summary>
public static class StatisticsMetrics
{
    /// <summary>The states domains are counted by, each always written (a state with none is 0, not absent).</summary>
    public static readonly IReadOnlyList<string> States = ["running", "blocked", "paused", "shutdown", "crashed", "dying", "none"];

    public static void Write(MetricsText m, IReadOnlyList<HostStatisticsSample> hosts)
    {
        Host(m, hosts, "xeno_host_cpus", MetricType.Gauge, "Online host CPUs.", h => h.Cpus);
        Host(m, hosts, "xeno_host_cpu_mhz", MetricType.Gauge, "Host CPU clock in MHz.", h => h.CpuMhz);
        Host(m, hosts, "xeno_host_memory_total_bytes", MetricType.Gauge, "Host memory.", h => h.TotalMemoryKb * 1024);
        Host(m, hosts, "xeno_host_memory_free_bytes", MetricType.Gauge, "Host memory promised to no one (xl info free_memory).", h => h.FreeMemoryKb * 1024);
        Host(m, hosts, "xeno_host_dom0_memory_bytes", MetricType.Gauge, "Memory the host itself uses (Domain-0's Mem).", h => h.Dom0MemoryKb * 1024);
        m.Family("xeno_host_dom0_cpu_seconds_total", MetricType.Counter, "Host CPU time outside the guests' vCPUs (Domain-0's CPU(sec)).");
        foreach (var h in hosts)
            m.Sample(h.Statistics.Host.Dom0CpuNs / 1e9, HostLabels(h));

        m.Family("xeno_host_domains", MetricType.Gauge, "Guests by state (the first of dying, crashed, shutdown, paused, running, blocked that applies).");
        foreach (var h in hosts)
        {
            foreach (var state in States)
                m.Sample(h.Statistics.Domains.Count(d => StateOf(d.State) == state), [.. HostLabels(h), ("state", state)]);
        }

        Domain(m, hosts, "xeno_domain_cpu_seconds_total", MetricType.Counter, "CPU time of the domain's vCPUs.", d => d.CpuNs / 1e9);
        Domain(m, hosts, "xeno_domain_memory_bytes", MetricType.Gauge, "The domain's memory (balloon target).", d => d.MemoryKb * 1024.0);
        Domain(m, hosts, "xeno_domain_memory_max_bytes", MetricType.Gauge, "The domain's maximum memory.", d => d.MaxMemoryKb * 1024.0);
        Domain(m, hosts, "xeno_domain_vcpus", MetricType.Gauge, "Online vCPUs.", d => d.Vcpus);
        Domain(m, hosts, "xeno_domain_responding", MetricType.Gauge, "1 when the domain's QEMU answered in time (0: its disk figures are left out).", d => d.Responding ? 1 : 0);

        m.Family("xeno_domain_vcpu_cpu_seconds_total", MetricType.Counter, "CPU time of one vCPU.");
        foreach (var (h, d) in Domains(hosts))
        {
            foreach (var v in d.VcpuTimes)
                m.Sample(v.CpuNs / 1e9, [.. DomainLabels(h, d), ("vcpu", v.Vcpu.ToString(CultureInfo.InvariantCulture))]);
        }

        Disk(m, hosts, "xeno_domain_disk_read_ops_total", "Read requests completed.", b => b.ReadRequests);
        Disk(m, hosts, "xeno_domain_disk_write_ops_total", "Write requests completed.", b => b.WriteRequests);
        Disk(m, hosts, "xeno_domain_disk_read_bytes_total", "Bytes read (512-byte sectors).", b => b.ReadSectors * 512);
        Disk(m, hosts, "xeno_domain_disk_write_bytes_total", "Bytes written (512-byte sectors).", b => b.WriteSectors * 512);

        Net(m, hosts, "xeno_domain_network_receive_bytes_total", "Bytes the guest received on the vif.", n => n.RxBytes);
        Net(m, hosts, "xeno_domain_network_receive_packets_total", "Packets the guest received on the vif.", n => n.RxPackets);
        Net(m, hosts, "xeno_domain_network_receive_errors_total", "Receive errors on the vif.", n => n.RxErrors);
        Net(m, hosts, "xeno_domain_network_receive_drops_total", "Packets dropped on the way to the guest.", n => n.RxDrops);
        Net(m, hosts, "xeno_domain_network_transmit_bytes_total", "Bytes the guest sent on the vif.", n => n.TxBytes);
        Net(m, hosts, "xeno_domain_network_transmit_packets_total", "Packets the guest sent on the vif.", n => n.TxPackets);
        Net(m, hosts, "xeno_domain_network_transmit_errors_total", "Transmit errors on the vif.", n => n.TxErrors);
        Net(m, hosts, "xeno_domain_network_transmit_drops_total", "Packets from the guest dropped.", n => n.TxDrops);
    }

    /// <summary>One state for xentop's six letters (d s b c p r, '-' when clear); "none" when no flag is set.</summary>
    public static string StateOf(string letters)
    {
        bool Has(char c) => letters.Contains(c, StringComparison.Ordinal);
        return Has('d') ? "dying" : Has('c') ? "crashed" : Has('s') ? "shutdown" : Has('p') ? "paused" : Has('r') ? "running" : Has('b') ? "blocked" : "none";
    }

    private static (string, string)[] HostLabels(HostStatisticsSample h) => h.Host is null ? [] : [("host", h.Host)];

    private static (string, string)[] DomainLabels(HostStatisticsSample h, DomainStatistics d) =>
        [.. HostLabels(h), ("domain", d.Name), ("domid", d.Domid.ToString(CultureInfo.InvariantCulture))];

    private static IEnumerable<(HostStatisticsSample, DomainStatistics)> Domains(IReadOnlyList<HostStatisticsSample> hosts) =>
        hosts.SelectMany(h => h.Statistics.Domains.Select(d => (h, d)));

    private static void Host(MetricsText m, IReadOnlyList<HostStatisticsSample> hosts, string name, MetricType type, string help, Func<HostStatistics, long> value)
    {
        m.Family(name, type, help);
        foreach (var h in hosts)
            m.Sample(value(h.Statistics.Host), HostLabels(h));
    }

    private static void Domain(MetricsText m, IReadOnlyList<HostStatisticsSample> hosts, string name, MetricType type, string help, Func<DomainStatistics, double> value)
    {
        m.Family(name, type, help);
        foreach (var (h, d) in Domains(hosts))
            m.Sample(value(d), DomainLabels(h, d));
    }

    private static void Disk(MetricsText m, IReadOnlyList<HostStatisticsSample> hosts, string name, string help, Func<BlockStatistics, long> value)
    {
        m.Family(name, MetricType.Counter, help);
        foreach (var (h, d) in Domains(hosts))
        {
            // A disk whose counters could not be read is left out rather than reported as 0 (a counter reset).
            foreach (var b in d.Blocks.Where(b => !b.Error))
                m.Sample(value(b), [.. DomainLabels(h, d), ("device", b.Device)]);
        }
    }

    private static void Net(MetricsText m, IReadOnlyList<HostStatisticsSample> hosts, string name, string help, Func<NetworkStatistics, long> value)
    {
        m.Family(name, MetricType.Counter, help);
        foreach (var (h, d) in Domains(hosts))
        {
            foreach (var n in d.Networks)
                m.Sample(value(n), [.. DomainLabels(h, d), ("interface", n.Interface)]);
        }
    }
}
