namespace Xeno.Api.Contracts;

/// <summary>
/// One route of xenod's API: method, path template ({dom} is a domid or a name), the request
/// body's contract type (null: no body) and the success answer's (null: a free-form document
/// of <paramref name="ContentType"/>, e.g. a stream of events). The server maps exactly these
/// (a test checks), the OpenAPI document is built from them, and docs/api.md names each.
/// </summary>
public sealed record ApiRoute(string Method, string Path, string Summary, Type? Request, Type? Response, int Status = 200,
    string ContentType = "application/json");

public static class ApiRoutes
{
    public const string Domains = "/v1/domains";
    public const string Domain = "/v1/domains/{dom}";

    public static readonly IReadOnlyList<ApiRoute> All =
    [
        new("GET", "/v1/host", "This host's facts (xl info, Domain-0's rows)", null, typeof(HostInfo)),
        new("GET", "/v1/log", "xenod's recent log lines (xl dmesg)", null, typeof(LogResponse)),
        new("POST", "/v1/log/clear", "The same lines, now removed from the recent log (xl dmesg -c)", null, typeof(LogResponse)),
        new("GET", "/v1/openapi.json", "This document", null, null),
        new("GET", "/v1/events", "Domain events as JSON lines (or server-sent events); ?after=ID resumes, ?domain= filters", null, null,
            ContentType: "application/x-ndjson"),
        new("GET", Domains, "Every domain, by domid", null, typeof(IReadOnlyList<DomainInfo>)),
        new("POST", Domains, "Create and start a domain; answers once QEMU runs", typeof(CreateDomainRequest), typeof(CreateDomainResponse), 201),
        new("GET", Domain, "One domain", null, typeof(DomainInfo)),
        new("GET", Domain + "/console", "The console's recent output", null, typeof(ConsoleOutput)),
        new("GET", Domain + "/console/attach", "Attach to the console over a WebSocket: the recent output, then the live output; what the client sends goes to the guest", null, null,
            Status: 101, ContentType: "application/octet-stream"),
        new("GET", Domain + "/vnc", "The hvm domain's graphical console over a WebSocket: VNC's RFB protocol in binary messages both ways, no password asked (xenod hands QEMU the connection; no VNC port)", null, null,
            Status: 101, ContentType: "application/octet-stream"),
        new("POST", Domain + "/destroy", "Destroy the domain (QEMU quit, killed after 5 s)", null, typeof(EmptyResponse)),
        new("POST", Domain + "/pause", "Pause the vCPUs", null, typeof(EmptyResponse)),
        new("POST", Domain + "/unpause", "Unpause the vCPUs", null, typeof(EmptyResponse)),
        new("POST", Domain + "/rename", "Rename the domain", typeof(RenameDomainRequest), typeof(EmptyResponse)),
        new("POST", Domain + "/shutdown", "Ask the guest to power off", typeof(ShutdownRequest), typeof(ShutdownResponse)),
        new("POST", Domain + "/reboot", "Ask the guest to reboot", typeof(ShutdownRequest), typeof(ShutdownResponse)),
        new("POST", Domain + "/memory/target", "Set the balloon target (xl mem-set)", typeof(MemoryTargetRequest), typeof(EmptyResponse)),
        new("POST", Domain + "/memory/max", "Set the maximum memory (xl mem-max)", typeof(MemoryMaxRequest), typeof(EmptyResponse)),
        new("GET", Domain + "/nics", "The domain's NICs (xl network-list)", null, typeof(IReadOnlyList<NicInfo>)),
        new("POST", Domain + "/nics", "Hot-plug a NIC (xl network-attach)", typeof(NicAttachRequest), typeof(EmptyResponse)),
        new("POST", Domain + "/nics/detach", "Hot-unplug a NIC with the guest's cooperation (xl network-detach)", typeof(NicDetachRequest), typeof(EmptyResponse)),
        new("POST", Domain + "/vcpus/pin", "Set vCPU affinities (xl vcpu-pin)", typeof(VcpuPinRequest), typeof(EmptyResponse)),
        new("GET", Domain + "/disks", "The domain's virtual block devices (xl block-list)", null, typeof(BlockDeviceList)),
        new("POST", Domain + "/disks", "Hot-plug a disk (xl block-attach)", typeof(BlockAttachRequest), typeof(EmptyResponse)),
        new("POST", Domain + "/disks/detach", "Hot-unplug a disk, asking the guest unless forced (xl block-detach)", typeof(BlockDetachRequest), typeof(EmptyResponse)),
        new("POST", Domain + "/cdrom/insert", "Change the medium of an HVM CD-ROM drive (xl cd-insert)", typeof(CdInsertRequest), typeof(EmptyResponse)),
        new("POST", Domain + "/cdrom/eject", "Eject the medium of an HVM CD-ROM drive (xl cd-eject)", typeof(CdEjectRequest), typeof(EmptyResponse)),
        new("GET", "/v1/metrics", "The statistics in Prometheus' text format (per-domain CPU, memory, disk and network counters; host figures)", null, null,
            ContentType: "text/plain"),
        new("GET", "/v1/statistics", "xentop's figures for every guest; a hung QEMU does not hold up the answer", null, typeof(StatisticsResponse)),
        new("POST", Domain + "/vcpus/set", "Set the number of online vCPUs by CPU hot-plug (xl vcpu-set)", typeof(VcpuSetRequest), typeof(EmptyResponse)),
        new("POST", Domain + "/trigger", "Send a platform event: nmi, reset, power, sleep, s3resume (xl trigger)", typeof(TriggerRequest), typeof(EmptyResponse)),
        new("POST", Domain + "/sysrq", "Send a magic SysRq key (xl sysrq)", typeof(SysrqRequest), typeof(EmptyResponse)),
        new("POST", Domain + "/dump-core", "Write an ELF core of guest memory (xl dump-core)", typeof(DumpCoreRequest), typeof(EmptyResponse)),
        new("POST", Domain + "/save", "Save the domain's state to a file; destroyed after unless checkpoint or leave_paused (xl save)", typeof(SaveDomainRequest), typeof(SaveDomainResponse)),
        new("POST", Domains + "/restore", "Restore a domain from a save file: new domid, same name and UUID (xl restore)", typeof(RestoreDomainRequest), typeof(CreateDomainResponse), 201),
        new("POST", Domain + "/migrate/describe", "The config and domain state xl migrate sends ahead of the memory (?copy_storage=true: with the local disks to copy)", null, typeof(MigrationDescription)),
        new("GET", Domain + "/migrate/progress", "QEMU's migration figures while it sends (never waits on the domain's operations)", null, typeof(MigrationProgress)),
        new("POST", Domain + "/migrate/send", "Live-migrate QEMU's state to xl's unix socket; the guest is left stopped on success (xl migrate)", typeof(MigrationSendRequest), typeof(MigrationSendResponse)),
        new("POST", Domains + "/incoming", "Create a paused <name>--incoming domain whose QEMU reads a live migration (xl migrate-receive)", typeof(MigrationReceiveRequest), typeof(CreateDomainResponse), 201),
        new("GET", "/v1/host/scheduler", "The scheduler, Pool-0's parameters and their enforcement (xl sched-credit -s)", null, typeof(SchedulerInfo)),
        new("POST", "/v1/host/scheduler", "Set Pool-0's parameters (xl sched-credit -s -t/-r/-m)", typeof(SetSchedulerRequest), typeof(SchedulerInfo)),
        new("GET", Domain + "/sched", "The domain's weight and cap (xl sched-credit -d)", null, typeof(DomainSchedParams)),
        new("POST", Domain + "/sched", "Set weight and/or cap (xl sched-credit -d -w/-c)", typeof(SetDomainSchedRequest), typeof(DomainSchedParams)),
        new("POST", "/v1/guests/convert", "Prepare a stopped guest's Linux disk for pv or hvm in a helper guest (xl guest-convert); answers the operation to follow",
            typeof(GuestConvertRequest), typeof(GuestConvertOperation), 202),
        new("GET", "/v1/guests/convert/{id}", "A conversion's steps so far, then its result or failure", null, typeof(GuestConvertOperation)),
        new("POST", "/v1/guests/install", "Install Debian on a new guest's disk in a helper guest (xl guest-install); answers the operation to follow",
            typeof(GuestInstallRequest), typeof(GuestInstallOperation), 202),
        new("GET", "/v1/guests/install/{id}", "An install's steps so far, then its result or failure", null, typeof(GuestInstallOperation)),
        new("POST", "/v1/guests/chainload-cd", "The GRUB chain-load CD, built once and cached by content (xl guest-chainload-cd)", null, typeof(ChainloadCdResponse)),
    ];
}
