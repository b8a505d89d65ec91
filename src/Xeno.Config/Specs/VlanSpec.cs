namespace Xeno.Config.Specs;

public enum VlanMembership { Tagged, Untagged, Pvid }

/// <summary>
/// A decoded <c>vlan=</c> value (Xen 4.19+ syntax; Xen 4.17's xl does not know the key):
/// terms separated by '/', each <c>N[p|u]</c>, <c>A-B[u]</c> or <c>N+STEPxCOUNT[u]</c>;
/// ids 1–4094, each once, at most one PVID (a single id becomes the PVID).
/// Error texts are those of Xen's vif-bridge hotplug helpers, which do this check there.
/// </summary>
public sealed record VlanSpec(IReadOnlyDictionary<int, VlanMembership> Vlans, int Pvid)
{
    public static SpecResult<VlanSpec> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vlans = new SortedDictionary<int, VlanMembership>();
        int pvid = 0;
        string? error = null;

        bool Add(long vid, char flag)
        {
            if (vid < 1 || vid > 4094) { error = $"vlan id {vid} not between 1 and 4094"; return false; }
            int id = (int)vid;
            if (vlans.ContainsKey(id)) { error = $"vlan id {id} specified more than once"; return false; }
            if (flag == 'p')
            {
                if (pvid != 0) { error = $"more than one pvid specified ({id} and {pvid})"; return false; }
                pvid = id;
                vlans[id] = VlanMembership.Pvid;
            }
            else vlans[id] = flag == 'u' ? VlanMembership.Untagged : VlanMembership.Tagged;
            return true;
        }

        // The script splits on '/' and then on blanks, dropping empty words.
        var terms = text.Split('/').SelectMany(t => t.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries));
        foreach (var term in terms)
        {
            if (!ParseTerm(term, Add, ref error)) return SpecResult<VlanSpec>.Failure(error!);
        }

        if (pvid == 0)
        {
            if (vlans.Count == 1)
            {
                pvid = vlans.Keys.First();
                vlans[pvid] = VlanMembership.Pvid;
            }
            else return SpecResult<VlanSpec>.Failure("pvid required when using multiple vlan ids");
        }
        return SpecResult<VlanSpec>.Success(new VlanSpec(vlans, pvid));
    }

    private static bool ParseTerm(string term, Func<long, char, bool> add, ref string? error)
    {
        int i = 0;
        long first = Number(term, ref i);
        if (first < 0) { error = $"invalid vlan specification: {term}"; return false; }

        if (i == term.Length || (i == term.Length - 1 && term[i] is 'p' or 'u'))
            return add(first, i < term.Length ? term[i] : 't');

        if (term[i] == '-')
        {
            i++;
            long last = Number(term, ref i);
            if (last < 0 || !(i == term.Length || (i == term.Length - 1 && term[i] == 'u')))
            { error = $"invalid vlan specification: {term}"; return false; }
            char flag = i < term.Length ? 'u' : 't';
            if (last < first) { error = $"invalid vlan id range: {term}"; return false; }
            for (long vid = first; vid <= last; vid++)
                if (!add(vid, flag)) return false;
            return true;
        }

        if (term[i] == '+')
        {
            i++;
            long step = Number(term, ref i);
            if (step < 0 || i >= term.Length || term[i] != 'x') { error = $"invalid vlan specification: {term}"; return false; }
            i++;
            long count = Number(term, ref i);
            if (count < 0 || !(i == term.Length || (i == term.Length - 1 && term[i] == 'u')))
            { error = $"invalid vlan specification: {term}"; return false; }
            char flag = i < term.Length ? 'u' : 't';
            // Every id must be new and in range, so this stops within 4095 steps.
            long vid = first;
            for (long j = count; j > 0; j--, vid += step)
                if (!add(vid, flag)) return false;
            return true;
        }

        error = $"invalid vlan specification: {term}";
        return false;
    }

    /// <summary>Decimal digits at i (at least one); large values saturate; -1 if none.</summary>
    private static long Number(string s, ref int i)
    {
        int start = i;
        long value = 0;
        while (i < s.Length && s[i] is >= '0' and <= '9')
        {
            value = value > 100_000_000_000L ? value : value * 10 + (s[i] - '0');
            i++;
        }
        return i == start ? -1 : value;
    }
}
