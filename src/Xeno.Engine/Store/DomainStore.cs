using Xeno.Config.Domain;

namespace Xeno.Engine.Store;

/// <summary>Where the engine publishes its domains in xenstore; <see cref="None"/> when there is no store.</summary>
public interface IDomainStore
{
    void Introduce(int domid, string name, DomainSpec spec, DateTimeOffset start);
    void Rename(int domid, string name, DomainSpec spec);
    void Release(int domid, DomainSpec spec);
    /// <summary>xl mem-set / mem-max: memory/target and memory/static-max in KiB, as libxl writes them.</summary>
    void SetMemory(int domid, long targetKb, long staticMaxKb);
    /// <summary>xl block-attach / cd-insert / cd-eject: writes (or rewrites) one disk's vbd nodes.</summary>
    void PutDisk(int domid, DomainDisk disk);
    /// <summary>xl block-detach: removes one disk's frontend and backend directories.</summary>
    void RemoveDisk(int domid, int devid);
    /// <summary>xl network-attach: one vif's backend, frontend and libxl nodes (Network/VifStoreNodes).</summary>
    void PutVif(int domid, DomainVif vif);
    /// <summary>xl network-detach: removes one vif's frontend, backend and libxl directories.</summary>
    void RemoveVif(int domid, int devid);
    /// <summary>xl vcpu-set: cpu/N/availability, the first <paramref name="online"/> of <paramref name="max"/> online.</summary>
    void SetVcpus(int domid, int online, int max);

    public static IDomainStore None { get; } = new NoStore();

    private sealed class NoStore : IDomainStore
    {
        public void Introduce(int domid, string name, DomainSpec spec, DateTimeOffset start) { }
        public void Rename(int domid, string name, DomainSpec spec) { }
        public void Release(int domid, DomainSpec spec) { }
        public void SetMemory(int domid, long targetKb, long staticMaxKb) { }
        public void PutDisk(int domid, DomainDisk disk) { }
        public void RemoveDisk(int domid, int devid) { }
        public void PutVif(int domid, DomainVif vif) { }
        public void RemoveVif(int domid, int devid) { }
        public void SetVcpus(int domid, int online, int max) { }
    }
}

/// <summary>Writes <see cref="DomainStoreNodes"/> through a xenstore connection.</summary>
internal sealed class XenstoreDomainStore(XenstoreWriter writer) : IDomainStore
{
    public void Introduce(int domid, string name, DomainSpec spec, DateTimeOffset start)
    {
        foreach (var (path, value) in DomainStoreNodes.For(domid, name, spec, start))
            writer.WriteValue(path, value);
    }

    public void Rename(int domid, string name, DomainSpec spec)
    {
        writer.WriteValue($"/local/domain/{domid}/name", name);
        writer.WriteValue($"/vm/{spec.Uuid:D}/name", name);
    }

    public void Release(int domid, DomainSpec spec)
    {
        foreach (var root in DomainStoreNodes.Roots(domid, spec))
            writer.Remove(root);
    }

    public void SetMemory(int domid, long targetKb, long staticMaxKb)
    {
        writer.WriteValue($"/local/domain/{domid}/memory/target", targetKb.ToString(System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteValue($"/local/domain/{domid}/memory/static-max", staticMaxKb.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public void PutDisk(int domid, DomainDisk disk)
    {
        foreach (var (path, value) in DomainStoreNodes.DiskNodes(domid, disk))
            writer.WriteValue(path, value);
    }

    public void RemoveDisk(int domid, int devid)
    {
        writer.Remove(DomainStoreNodes.FrontendPath(domid, devid));
        writer.Remove(DomainStoreNodes.BackendPath(domid, devid));
    }

    public void PutVif(int domid, DomainVif vif)
    {
        foreach (var (path, value) in Network.VifStoreNodes.For(domid, vif))
            writer.WriteValue(path, value);
    }

    public void RemoveVif(int domid, int devid)
    {
        foreach (var path in Network.VifStoreNodes.Directories(domid, devid))
            writer.Remove(path);
    }

    public void SetVcpus(int domid, int online, int max)
    {
        foreach (var (path, value) in Devices.Cpus.VcpuStoreNodes.For(domid, online, max))
            writer.WriteValue(path, value);
    }
}
