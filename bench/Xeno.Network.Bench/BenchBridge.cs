namespace Xeno.Network.Bench;

/// <summary>
/// This run's own bridge, with a host address in a 10.2xx.y.0/24 that only it uses: the guests'
/// taps join it and the host end of every transfer listens on .1. Only this machine's own
/// interfaces; every name carries a random tag so parallel runs do not collide; removed at dispose.
/// </summary>
internal sealed class BenchBridge : IDisposable
{
    public BenchBridge()
    {
        Tag = Guid.NewGuid().ToString("N")[..5];
        Subnet = $"10.{200 + Random.Shared.Next(50)}.{Random.Shared.Next(256)}";
        Name = "xbnb" + Tag;
        HostCommand.Run("ip", "link", "add", "name", Name, "type", "bridge");
        HostCommand.Run("ip", "addr", "add", $"{Subnet}.1/24", "dev", Name);
        HostCommand.Run("ip", "link", "set", Name, "up");
    }

    public string Tag { get; }
    public string Name { get; }
    public string Subnet { get; }
    public string HostAddress => Subnet + ".1";

    /// <summary>A tap made by hand as an admin would for a bare QEMU: on the bridge, up.</summary>
    public void AddTap(string tap)
    {
        HostCommand.Run("ip", "tuntap", "add", "dev", tap, "mode", "tap");
        HostCommand.Run("ip", "link", "set", tap, "master", Name);
        HostCommand.Run("ip", "link", "set", tap, "up");
    }

    public static void DeleteTap(string tap) => HostCommand.TryRun("ip", "link", "del", "dev", tap);

    public void Dispose() => HostCommand.TryRun("ip", "link", "del", "dev", Name);
}
