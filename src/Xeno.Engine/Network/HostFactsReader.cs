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
        var addresses = ReadIpv4Addresses();
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

    /// <summary>How often the address list is read again when interfaces changed while it was read.</summary>
    private const int AddressReadAttempts = 5;

    /// <summary>
    /// Each interface's IPv4 addresses. .NET's reader throws ArgumentException ("An invalid IP
    /// address was specified") when interfaces come and go while it walks the kernel's list, as
    /// they do here whenever other domains are created or destroyed at the same time: the list is
    /// read again, and a list that never reads whole is an error that says so.
    /// </summary>
    private static Dictionary<string, List<IPAddress>> ReadIpv4Addresses()
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                var addresses = new Dictionary<string, List<IPAddress>>(StringComparer.Ordinal);
                foreach (var ni in NetworkInterface.GetAllNetworkInterfaces())
                {
                    addresses[ni.Name] = ni.GetIPProperties().UnicastAddresses
                        .Where(u => u.Address.AddressFamily == AddressFamily.InterNetwork).Select(u => u.Address).ToList();
                }
                return addresses;
            }
            catch (ArgumentException) when (attempt < AddressReadAttempts)
            {
                // read again: the next walk sees the interfaces as they are now
            }
            catch (ArgumentException e)
            {
                throw new IOException($"the host's interface addresses could not be read ({AddressReadAttempts} attempts): {e.Message}", e);
            }
        }
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
