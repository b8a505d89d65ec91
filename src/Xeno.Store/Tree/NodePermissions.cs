using System.Globalization;
using System.Text;

namespace Xeno.Store.Tree;

[Flags]
public enum Access
{
    None = 0,
    Read = 1,
    Write = 2,
    Both = Read | Write,
    /// <summary>May change permissions: the owner (or a privileged domain).</summary>
    Owner = 4,
}

/// <summary>One "&lt;letter&gt;&lt;domid&gt;" entry.</summary>
public readonly record struct PermissionEntry(uint DomainId, Access Access)
{
    public override string ToString() => Letter(Access) + DomainId.ToString(CultureInfo.InvariantCulture);

    private static string Letter(Access a) => (a & Access.Both) switch
    {
        Access.Read => "r",
        Access.Write => "w",
        Access.Both => "b",
        _ => "n",
    };

    public static bool TryParse(string text, out PermissionEntry entry)
    {
        entry = default;
        if (text.Length < 2) return false;
        var access = text[0] switch
        {
            'n' => Access.None,
            'r' => Access.Read,
            'w' => Access.Write,
            'b' => Access.Both,
            _ => (Access?)null,
        };
        if (access is null) return false;
        foreach (var c in text.AsSpan(1)) if (c is < '0' or > '9') return false;
        if (!uint.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return false;
        entry = new PermissionEntry(id, access.Value);
        return true;
    }
}

/// <summary>
/// A node's permission list. The first entry names the owner and the access every domain
/// not listed gets; later entries grant per-domain access.
/// </summary>
public sealed class NodePermissions : IEquatable<NodePermissions>
{
    private readonly PermissionEntry[] _entries;

    public NodePermissions(IReadOnlyList<PermissionEntry> entries)
    {
        if (entries.Count == 0) throw new ArgumentException("a permission list needs an owner entry", nameof(entries));
        _entries = [.. entries];
    }

    public static readonly NodePermissions Dom0Only = new([new PermissionEntry(0, Access.None)]);

    public IReadOnlyList<PermissionEntry> Entries => _entries;

    public uint Owner => _entries[0].DomainId;

    /// <summary>Access of an unprivileged caller (and of the domain it targets, if any).</summary>
    public Access For(uint domainId, uint? target = null)
    {
        if (domainId == Owner || (target is { } t && t == Owner)) return Access.Both | Access.Owner;
        for (var i = 1; i < _entries.Length; i++)
            if (_entries[i].DomainId == domainId || (target is { } tt && _entries[i].DomainId == tt))
                return _entries[i].Access;
        return _entries[0].Access;
    }

    public NodePermissions WithOwner(uint owner)
    {
        if (owner == Owner) return this;
        var copy = (PermissionEntry[])_entries.Clone();
        copy[0] = copy[0] with { DomainId = owner };
        return new NodePermissions(copy);
    }

    /// <summary>Wire form: every entry NUL-terminated.</summary>
    public byte[] ToWire()
    {
        var sb = new StringBuilder();
        foreach (var e in _entries) sb.Append(e.ToString()).Append('\0');
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    public override string ToString() => string.Join(",", _entries);

    public static bool TryParse(IReadOnlyList<string> texts, out NodePermissions? permissions)
    {
        permissions = null;
        if (texts.Count == 0) return false;
        var entries = new PermissionEntry[texts.Count];
        for (var i = 0; i < texts.Count; i++)
            if (!PermissionEntry.TryParse(texts[i], out entries[i])) return false;
        permissions = new NodePermissions(entries);
        return true;
    }

    public bool Equals(NodePermissions? other) => other is not null && _entries.AsSpan().SequenceEqual(other._entries);
    public override bool Equals(object? obj) => Equals(obj as NodePermissions);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var e in _entries) h.Add(e);
        return h.ToHashCode();
    }
}
