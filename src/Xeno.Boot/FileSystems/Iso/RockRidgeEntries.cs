using System.Text;
using static Xeno.Boot.FileSystems.LittleEndian;

namespace Xeno.Boot.FileSystems.Iso;

/// <summary>What the Rock Ridge (SUSP) system-use entries of one directory record say.</summary>
internal sealed class RockRidgeEntries
{
    public string? Name;
    public string? LinkTarget;
    public uint? Mode;
    public long? ChildLink;
    public bool Relocated;
    public bool HasSharingProtocol;
    public (long Block, long Offset, long Length)? Continuation;

    private readonly StringBuilder _name = new();
    private readonly StringBuilder _link = new();
    private bool _nameDone;
    private bool _linkStarted;
    private bool _linkComponentOpen;

    /// <summary>Reads the entries in <paramref name="area"/>; a "CE" entry is left in <see cref="Continuation"/> for the caller to follow.</summary>
    public void Parse(ReadOnlySpan<byte> area)
    {
        Continuation = null;
        int pos = 0;
        while (pos + 4 <= area.Length)
        {
            int length = area[pos + 2];
            if (length < 4 || pos + length > area.Length)
            {
                return;
            }
            var entry = area.Slice(pos, length);
            var signature = entry[..2];
            if (signature.SequenceEqual("ST"u8))
            {
                return;
            }
            if (signature.SequenceEqual("SP"u8) && length >= 7 && entry[4] == 0xBE && entry[5] == 0xEF)
            {
                HasSharingProtocol = true;
            }
            else if (signature.SequenceEqual("CE"u8) && length >= 28)
            {
                Continuation = (U32(entry, 4), U32(entry, 12), U32(entry, 20));
            }
            else if (signature.SequenceEqual("NM"u8) && length >= 5 && !_nameDone)
            {
                byte flags = entry[4];
                if ((flags & 0x06) == 0)
                {
                    _name.Append(Encoding.UTF8.GetString(entry[5..]));
                    Name = _name.ToString();
                }
                _nameDone = (flags & 0x01) == 0;
            }
            else if (signature.SequenceEqual("SL"u8) && length >= 5)
            {
                ParseSymlink(entry[5..]);
                LinkTarget = _link.ToString();
            }
            else if (signature.SequenceEqual("PX"u8) && length >= 8)
            {
                Mode = U32(entry, 4);
            }
            else if (signature.SequenceEqual("CL"u8) && length >= 8)
            {
                ChildLink = U32(entry, 4);
            }
            else if (signature.SequenceEqual("RE"u8))
            {
                Relocated = true;
            }
            pos += length;
        }
    }

    private void ParseSymlink(ReadOnlySpan<byte> components)
    {
        int pos = 0;
        while (pos + 2 <= components.Length)
        {
            byte flags = components[pos];
            int length = components[pos + 1];
            if (pos + 2 + length > components.Length)
            {
                return;
            }
            string part = (flags & 0x02) != 0 ? "." : (flags & 0x04) != 0 ? ".." : (flags & 0x08) != 0 ? "" :
                Encoding.UTF8.GetString(components.Slice(pos + 2, length));
            if ((flags & 0x08) != 0)
            {
                _link.Clear();
                _link.Append('/');
                _linkStarted = false;
            }
            else
            {
                if (_linkStarted && !_linkComponentOpen)
                {
                    _link.Append('/');
                }
                _link.Append(part);
                _linkStarted = true;
            }
            // Flag 0x01: this component continues in the next component record.
            _linkComponentOpen = (flags & 0x01) != 0;
            pos += 2 + length;
        }
    }
}
