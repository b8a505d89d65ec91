using System.Text;
using Xeno.Store.Tree;

namespace Xeno.Store.Server.Persistence;

/// <summary>Binary form of <see cref="StoreMutation"/>s for the journal and snapshots.</summary>
internal static class MutationCodec
{
    private enum Tag : byte { SetNode = 1, RemoveNode, Introduce, Release, Quota, DomainQuota, SpecialPermissions, SetTarget }

    public static void Write(BinaryWriter w, StoreMutation mutation)
    {
        switch (mutation)
        {
            case SetNodeMutation s:
                w.Write((byte)Tag.SetNode); WriteString(w, s.Path);
                w.Write(s.Value.Length); w.Write(s.Value);
                WritePermissions(w, s.Permissions);
                break;
            case RemoveNodeMutation r:
                w.Write((byte)Tag.RemoveNode); WriteString(w, r.Path);
                break;
            case IntroduceDomainMutation i:
                w.Write((byte)Tag.Introduce); w.Write(i.DomainId);
                break;
            case ReleaseDomainMutation r:
                w.Write((byte)Tag.Release); w.Write(r.DomainId);
                break;
            case SetQuotaMutation q when q.DomainId is { } d:
                w.Write((byte)Tag.DomainQuota); w.Write(d); WriteString(w, q.Name); w.Write(q.Value);
                break;
            case SetQuotaMutation q:
                w.Write((byte)Tag.Quota); WriteString(w, q.Name); w.Write(q.Value);
                break;
            case SetSpecialPermissionsMutation sp:
                w.Write((byte)Tag.SpecialPermissions); WriteString(w, sp.Path); WritePermissions(w, sp.Permissions);
                break;
            case SetTargetMutation t:
                w.Write((byte)Tag.SetTarget); w.Write(t.DomainId); w.Write(t.Target);
                break;
            default:
                throw new ArgumentException($"unknown mutation {mutation.GetType().Name}", nameof(mutation));
        }
    }

    /// <summary>Reads mutations until the buffer ends; throws <see cref="InvalidDataException"/> on damage.</summary>
    public static List<StoreMutation> ReadAll(ReadOnlySpan<byte> data)
    {
        using var ms = new MemoryStream(data.ToArray());
        using var r = new BinaryReader(ms);
        var list = new List<StoreMutation>();
        try
        {
            while (ms.Position < ms.Length) list.Add(Read(r));
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("mutation record ends early", ex);
        }
        return list;
    }

    private static StoreMutation Read(BinaryReader r) => (Tag)r.ReadByte() switch
    {
        Tag.SetNode => new SetNodeMutation(ReadString(r), ReadBytes(r), ReadPermissions(r)),
        Tag.RemoveNode => new RemoveNodeMutation(ReadString(r)),
        Tag.Introduce => new IntroduceDomainMutation(r.ReadUInt32()),
        Tag.Release => new ReleaseDomainMutation(r.ReadUInt32()),
        Tag.DomainQuota => new SetQuotaMutation(r.ReadUInt32(), ReadString(r), r.ReadInt64()),
        Tag.Quota => new SetQuotaMutation(null, ReadString(r), r.ReadInt64()),
        Tag.SpecialPermissions => new SetSpecialPermissionsMutation(ReadString(r), ReadPermissions(r)),
        Tag.SetTarget => new SetTargetMutation(r.ReadUInt32(), r.ReadUInt32()),
        var t => throw new InvalidDataException($"unknown mutation tag {(byte)t}"),
    };

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write(bytes.Length); w.Write(bytes);
    }

    private static string ReadString(BinaryReader r) => Encoding.UTF8.GetString(ReadBytes(r));

    private static byte[] ReadBytes(BinaryReader r)
    {
        var length = r.ReadInt32();
        if (length < 0 || length > 1 << 20) throw new InvalidDataException($"implausible length {length}");
        var bytes = r.ReadBytes(length);
        if (bytes.Length != length) throw new EndOfStreamException();
        return bytes;
    }

    private static void WritePermissions(BinaryWriter w, NodePermissions p)
    {
        w.Write((ushort)p.Entries.Count);
        foreach (var e in p.Entries) { w.Write((byte)e.Access); w.Write(e.DomainId); }
    }

    private static NodePermissions ReadPermissions(BinaryReader r)
    {
        var count = r.ReadUInt16();
        if (count == 0) throw new InvalidDataException("permission list without owner");
        var entries = new PermissionEntry[count];
        for (var i = 0; i < count; i++)
        {
            var access = (Access)r.ReadByte();
            entries[i] = new PermissionEntry(r.ReadUInt32(), access);
        }
        return new NodePermissions(entries);
    }
}
