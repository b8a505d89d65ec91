using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Xeno.Network.Host;

namespace Xeno.Engine.Network;

/// <summary>Reads <see cref="HostNetworkFacts"/>: names, bridges and MTUs from /sys/class/net, IPv4 addresses from the kernel.</summary>
internal static class HostFactsReader
{
    private const string SysClassNet = "/sys/class/net";

    public static HostNetworkFacts Read()
    {
        var addresses = new Dictionary<string, List<IPAddress>>(StringComparer.Ordinal);
        foreach (var ni in NetworkInterface.GetAllNetworkInterfaces())
        {
            addresses[ni.Name] = ni.GetIPProperties().UnicastAddresses
                .Where(u => u.Address.AddressFamily == AddressFamily.InterNetwork).Select(u => u.Address).ToList();
        }
        var interfaces = new List<HostInterface>();
        foreach (var dir in Directory.EnumerateFileSystemEntries(SysClassNet))
        {
            var name = Path.GetFileName(dir);
            if (!Directory.Exists(dir))
                continue;
            int mtu = ReadInt(Path.Combine(dir, "mtu")) ?? 1500;
            interfaces.Add(new HostInterface(name, Directory.Exists(Path.Combine(dir, "bridge")), mtu,
                addresses.GetValueOrDefault(name) ?? []));
        }
        return new HostNetworkFacts(interfaces);
    }

    /// <summary>Does the interface exist (now)?</summary>
    public static bool Exists(string name) => Directory.Exists(Path.Combine(SysClassNet, name));

    private static int? ReadInt(string file)
    {
        try
        {
            return int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
