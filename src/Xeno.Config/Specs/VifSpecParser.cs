using Xeno.Config.Text;
using System.Globalization;

namespace Xeno.Config.Specs;

/// <summary>
/// Parses vif specs the way Xen 4.17's xl does (parse_nic_config): <c>key=value</c> tokens
/// matched by exact "key=" prefix, values kept verbatim, C number parsing for devid/mtu/mac.
/// </summary>
public static class VifSpecParser
{
    public const string CommandLineSource = "command line";

    private static readonly string[] ColoKeys =
    [
        "colo_sock_mirror_id", "colo_sock_mirror_ip", "colo_sock_mirror_port",
        "colo_sock_compare_sec_in_id", "colo_sock_compare_sec_in_ip", "colo_sock_compare_sec_in_port",
        "colo_sock_redirector0_id", "colo_sock_redirector0_ip", "colo_sock_redirector0_port",
        "colo_sock_redirector1_id", "colo_sock_redirector1_ip", "colo_sock_redirector1_port",
        "colo_sock_redirector2_id", "colo_sock_redirector2_ip", "colo_sock_redirector2_port",
        "colo_sock_compare_pri_in_id", "colo_sock_compare_pri_in_ip", "colo_sock_compare_pri_in_port",
        "colo_sock_compare_notify_id", "colo_sock_compare_notify_ip", "colo_sock_compare_notify_port",
        "colo_filter_mirror_queue", "colo_filter_mirror_outdev",
        "colo_filter_redirector0_queue", "colo_filter_redirector0_indev", "colo_filter_redirector0_outdev",
        "colo_filter_redirector1_queue", "colo_filter_redirector1_indev", "colo_filter_redirector1_outdev",
        "colo_compare_pri_in", "colo_compare_sec_in", "colo_compare_out", "colo_compare_notify_dev",
        "colo_sock_sec_redirector0_id", "colo_sock_sec_redirector0_ip", "colo_sock_sec_redirector0_port",
        "colo_sock_sec_redirector1_id", "colo_sock_sec_redirector1_ip", "colo_sock_sec_redirector1_port",
        "colo_filter_sec_redirector0_queue", "colo_filter_sec_redirector0_indev", "colo_filter_sec_redirector0_outdev",
        "colo_filter_sec_redirector1_queue", "colo_filter_sec_redirector1_indev", "colo_filter_sec_redirector1_outdev",
        "colo_filter_sec_rewriter0_queue", "colo_checkpoint_host", "colo_checkpoint_port",
    ];

    /// <summary>One <c>vif=</c> list entry from a config file (rate errors name "command line";
    /// use the overload with the config file name for config files).</summary>
    public static SpecResult<VifSpec> Parse(string spec) => Parse(spec, CommandLineSource);

    /// <summary>One <c>vif=</c> list entry from the config file <paramref name="sourceName"/>.</summary>
    public static SpecResult<VifSpec> Parse(string spec, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(sourceName);
        spec = DiskSpecParser.CString(spec);
        var builder = new VifBuilder(sourceName, VifSpecSource.ConfigFile);

        // strtok(",") skips empty tokens; xl then skips leading spaces of each token.
        int pos = 0;
        while (pos < spec.Length)
        {
            while (pos < spec.Length && spec[pos] == ',') pos++;
            if (pos >= spec.Length) break;
            int end = spec.IndexOf(',', pos);
            if (end < 0) end = spec.Length;
            int start = pos;
            while (start < end && spec[start] == ' ') start++;
            // What follows the token in xl's buffer matters to the mac= quirk (see ParseMac).
            int tokenEnd = end;
            Func<string> buffer = () => spec[start..tokenEnd] + (tokenEnd < spec.Length ? "\0" + spec[(tokenEnd + 1)..] : "");
            if (!builder.Apply(spec[start..end], buffer)) return builder.Fail();
            pos = end;
        }
        return builder.Finish();
    }

    /// <summary><c>xl network-attach &lt;dom&gt; arg…</c>: one token per argument; a rejected
    /// token is fatal.</summary>
    public static SpecResult<VifSpec> ParseArguments(IReadOnlyList<string> arguments, string sourceName = CommandLineSource)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var builder = new VifBuilder(sourceName, VifSpecSource.CommandLine);
        var tokens = arguments.Select(DiskSpecParser.CString).ToArray();
        for (int i = 0; i < tokens.Length; i++)
        {
            // argv strings sit back to back in memory, so xl's mac= scan can run into the next one.
            int index = i;
            if (!builder.Apply(tokens[i], () => string.Join('\0', tokens[index..]))) return builder.Fail();
        }
        return builder.Finish();
    }

    /// <summary>xlu_vif_parse_rate: a rate string to bytes per interval.</summary>
    public static SpecResult<VifRate> ParseRate(string rate) => ParseRate(rate, CommandLineSource);

    public static SpecResult<VifRate> ParseRate(string rate, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(rate);
        ArgumentNullException.ThrowIfNull(sourceName);
        return VifRateParser.Parse(rate, sourceName);
    }

    /// <summary>A MAC as libxl picks one: Xen's OUI 00:16:3e, then three random bytes with the
    /// top bit of the first cleared.</summary>
    public static string RandomMac(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> r = stackalloc byte[3];
        random.NextBytes(r);
        return FormatMac([0x00, 0x16, 0x3e, (byte)(r[0] & 0x7f), r[1], r[2]]);
    }

    internal static string FormatMac(ReadOnlySpan<byte> mac) =>
        string.Join(':', mac.ToArray().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    /// <summary>Accumulates one nic like libxl_device_nic, with xl's messages.</summary>
    private sealed class VifBuilder(string sourceName, VifSpecSource source)
    {
        private readonly List<string> _warnings = [];
        private readonly List<string> _errors = [];
        private readonly Dictionary<string, string> _colo = new(StringComparer.Ordinal);
        private readonly byte[] _mac = new byte[6];
        private VifSpec _spec = new();

        public SpecResult<VifSpec> Fail() => SpecResult<VifSpec>.Failure(_errors, _warnings);

        public SpecResult<VifSpec> Finish()
        {
            // libxl treats an all-zero MAC as "not set" and generates one.
            var mac = _mac.All(b => b == 0) ? null : FormatMac(_mac);
            return SpecResult<VifSpec>.Success(_spec with { Mac = mac, Colo = _colo }, _warnings);
        }

        /// <summary>Applies one token; false when xl would stop (exit) here.</summary>
        public bool Apply(string token, Func<string> buffer)
        {
            if (Option(token, "type", out var v))
            {
                if (v == "vif" || v == "ioemu") _spec = _spec with { Type = v };
                else return Rejected("Invalid parameter `type'.");
            }
            else if (Option(token, "mac", out _))
            {
                if (!ParseMac(CBytes.ToByteChars(buffer()))) return Rejected("Invalid parameter `mac'.");
            }
            else if (Option(token, "bridge", out v)) _spec = _spec with { Bridge = v };
            else if (Option(token, "netdev", out v))
            {
                _warnings.Add("the netdev parameter is deprecated, please use gatewaydev instead");
                _spec = _spec with { GatewayDev = v };
            }
            else if (Option(token, "gatewaydev", out v)) _spec = _spec with { GatewayDev = v };
            else if (Option(token, "ip", out v)) _spec = _spec with { Ip = v };
            else if (Option(token, "script", out v)) _spec = _spec with { Script = v };
            else if (Option(token, "backend", out v)) _spec = _spec with { Backend = v };
            else if (Option(token, "vifname", out v))
            {
                // Xeno's check (xl takes any name; the hotplug script fails on a bad one later).
                if (InterfaceName.Problem(v) is { } bad) { _errors.Add(bad); return false; }
                _spec = _spec with { VifName = v };
            }
            else if (Option(token, "model", out v)) _spec = _spec with { Model = v };
            else if (Option(token, "rate", out v))
            {
                var rate = VifRateParser.Parse(v, sourceName);
                if (!rate.Ok) { _errors.AddRange(rate.Errors); return false; }
                _spec = _spec with { Rate = rate.Value };
            }
            else if (Option(token, "forwarddev", out v)) _spec = _spec with { ForwardDev = v };
            else if (ColoOption(token, out var key, out v)) _colo[key] = v;
            else if (Option(token, "accel", out _))
                _warnings.Add("the accel parameter for vifs is currently not supported");
            else if (Option(token, "devid", out v))
            {
                if (!ParseULong(v, out var n)) return false;
                _spec = _spec with { Devid = unchecked((int)n) };
            }
            else if (Option(token, "mtu", out v))
            {
                if (!ParseULong(v, out var n)) return false;
                _spec = _spec with { Mtu = unchecked((int)n) };
            }
            else if (Option(token, "vlan", out v))
            {
                // Not in Xen 4.17 (added in 4.19); we accept it and check it up front.
                var vlan = VlanSpec.Parse(v);
                if (!vlan.Ok) { _errors.AddRange(vlan.Errors); return false; }
                _spec = _spec with { Vlan = v, VlanSpec = vlan.Value };
            }
            else if (token == "trusted") _spec = _spec with { Trusted = true };
            else if (token == "untrusted") _spec = _spec with { Trusted = false };
            else return Rejected($"unrecognized argument `{token}'");
            return true;
        }

        /// <summary>xl create prints these and goes on; network-attach stops.</summary>
        private bool Rejected(string message)
        {
            if (source == VifSpecSource.CommandLine)
            {
                _errors.Add(message);
                return false;
            }
            _warnings.Add(message);
            return true;
        }

        /// <summary>
        /// Six hex numbers, each followed by any one separator character. Like xl, bytes read
        /// before a bad group are kept, and the scan may run on past the token into the rest of
        /// the spec (xl's strtok buffer), which <paramref name="buffer"/> reproduces.
        /// </summary>
        private bool ParseMac(string buffer)
        {
            int pos = buffer.IndexOf('=') + 1;
            for (int i = 0; i < 6; i++)
            {
                ulong parsed = CNumber.StrToUL(buffer, pos, 16, out int end, out _);
                uint val = unchecked((uint)parsed); // xl keeps it in an unsigned int
                if (end == pos || val > 255) return false;
                _mac[i] = (byte)val;
                pos = end + 1;
            }
            return true;
        }

        private bool ParseULong(string text, out ulong value)
        {
            // Like xl's parse_ulong: no digits or ULONG_MAX (which overflow saturates to) fail,
            // anything after the digits is ignored.
            value = CNumber.StrToUL(text, 0, 10, out int end, out _);
            if (end == 0 || value == ulong.MaxValue)
            {
                _errors.Add($"xl: failed to convert \"{text}\" to number");
                return false;
            }
            return true;
        }

        private static bool Option(string token, string key, out string value)
        {
            if (token.Length > key.Length && token[key.Length] == '=' && token.StartsWith(key, StringComparison.Ordinal))
            {
                value = token[(key.Length + 1)..];
                return true;
            }
            value = "";
            return false;
        }

        private static bool ColoOption(string token, out string key, out string value)
        {
            foreach (var k in ColoKeys)
            {
                if (Option(token, k, out value)) { key = k; return true; }
            }
            key = value = "";
            return false;
        }
    }
}
