namespace Xeno.Config.Domain;

/// <summary>The three Xen guest types and how each maps onto QEMU (see ARCHITECTURE.md).</summary>
public enum DomainKind
{
    Pv,
    Pvh,
    Hvm,
}

public static class DomainKindNames
{
    public static string ToXenName(this DomainKind kind) => kind switch
    {
        DomainKind.Pv => "pv",
        DomainKind.Pvh => "pvh",
        DomainKind.Hvm => "hvm",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// xl matches the value as a prefix of each name, in the order hvm, pv, pvh: so "h" is hvm,
    /// "p" is pv, "pvh" is pvh, and the empty string matches hvm.
    /// </summary>
    public static DomainKind? FromTypeOption(string value)
    {
        if ("hvm".StartsWith(value, StringComparison.Ordinal)) return DomainKind.Hvm;
        if ("pv".StartsWith(value, StringComparison.Ordinal)) return DomainKind.Pv;
        if ("pvh".StartsWith(value, StringComparison.Ordinal)) return DomainKind.Pvh;
        return null;
    }

    /// <summary>The deprecated <c>builder</c> option: "hvm" or "generic" (= pv), prefix-matched the same way.</summary>
    public static DomainKind? FromBuilderOption(string value)
    {
        if ("hvm".StartsWith(value, StringComparison.Ordinal)) return DomainKind.Hvm;
        if ("generic".StartsWith(value, StringComparison.Ordinal)) return DomainKind.Pv;
        return null;
    }
}
