namespace Xeno.Qemu.Kernel.Xz;

/// <summary>
/// Decodes LZMA2 data (a sequence of LZMA and stored chunks) into an <see cref="OutputWindow"/>.
/// Every read is bounded by the chunk's packed size and every back-reference by the bytes
/// decoded since the last dictionary reset, so damaged input ends in <see cref="XzFormatException"/>.
/// </summary>
internal sealed class Lzma2Decoder
{
    private const int States = 12;
    private const int PosStatesMax = 16;
    private const int EndPosModelIndex = 14;
    private const int FullDistances = 128;
    private const int AlignBits = 4;
    private const int MatchMinLength = 2;

    private readonly OutputWindow _out;
    private readonly int _dictionarySize;

    // Probabilities (11-bit, reset to 1024).
    private readonly ushort[] _isMatch = new ushort[States * PosStatesMax];
    private readonly ushort[] _isRep = new ushort[States];
    private readonly ushort[] _isRepG0 = new ushort[States];
    private readonly ushort[] _isRepG1 = new ushort[States];
    private readonly ushort[] _isRepG2 = new ushort[States];
    private readonly ushort[] _isRep0Long = new ushort[States * PosStatesMax];
    private readonly ushort[] _posSlot = new ushort[4 * 64];
    private readonly ushort[] _specPos = new ushort[1 + FullDistances - EndPosModelIndex];
    private readonly ushort[] _align = new ushort[1 << AlignBits];
    private readonly LengthDecoder _matchLength = new();
    private readonly LengthDecoder _repLength = new();
    private ushort[] _literal = [];

    private int _lc, _lp, _pb;
    private bool _havePropertiesSinceReset;
    private bool _needDictionaryReset = true;
    private int _state;
    private int _rep0, _rep1, _rep2, _rep3;

    private RangeDecoder _rc;

    public Lzma2Decoder(OutputWindow output, int dictionarySize)
    {
        _out = output;
        _dictionarySize = dictionarySize;
    }

    /// <summary>Decodes chunks from <paramref name="input"/> until the end marker; returns bytes consumed.</summary>
    public int Decode(ReadOnlySpan<byte> input)
    {
        int pos = 0;
        while (true)
        {
            if (pos >= input.Length)
                throw new XzFormatException("LZMA2 data ends without its end marker");
            byte control = input[pos++];
            if (control == 0x00)
                return pos;
            if (control is 0x01 or 0x02)
            {
                pos = Stored(input, pos, resetDictionary: control == 0x01);
                continue;
            }
            if (control < 0x80)
                throw new XzFormatException($"invalid LZMA2 chunk control byte 0x{control:x2}");
            pos = LzmaChunk(input, pos, control);
        }
    }

    private int Stored(ReadOnlySpan<byte> input, int pos, bool resetDictionary)
    {
        if (resetDictionary)
            ResetDictionary();
        else if (_needDictionaryReset)
            throw new XzFormatException("LZMA2 stored chunk without the required dictionary reset");
        if (pos + 2 > input.Length)
            throw new XzFormatException("LZMA2 stored chunk header is truncated");
        int size = ((input[pos] << 8) | input[pos + 1]) + 1;
        pos += 2;
        if (pos + size > input.Length)
            throw new XzFormatException("LZMA2 stored chunk is truncated");
        _out.Append(input.Slice(pos, size));
        return pos + size;
    }

    private int LzmaChunk(ReadOnlySpan<byte> input, int pos, byte control)
    {
        if (pos + 4 > input.Length)
            throw new XzFormatException("LZMA2 chunk header is truncated");
        int unpacked = (((control & 0x1F) << 16) | (input[pos] << 8) | input[pos + 1]) + 1;
        int packed = ((input[pos + 2] << 8) | input[pos + 3]) + 1;
        pos += 4;
        int reset = (control >> 5) & 3;
        if (reset == 3)
            ResetDictionary();
        else if (_needDictionaryReset)
            throw new XzFormatException("first LZMA2 chunk does not reset the dictionary");
        if (reset >= 2)
        {
            if (pos >= input.Length)
                throw new XzFormatException("LZMA2 chunk properties are truncated");
            SetProperties(input[pos++]);
        }
        else if (!_havePropertiesSinceReset)
        {
            throw new XzFormatException("LZMA2 chunk without properties after a dictionary reset");
        }
        if (reset >= 1)
            ResetState();
        if (pos + packed > input.Length)
            throw new XzFormatException("LZMA2 chunk is truncated");

        _rc = new RangeDecoder(input.Slice(pos, packed).ToArray());
        _out.Reserve(unpacked);
        DecodeLzma(_out.Length + unpacked);
        return pos + packed;
    }

    private void ResetDictionary()
    {
        _out.DictionaryStart = _out.Length;
        _needDictionaryReset = false;
        _havePropertiesSinceReset = false;
    }

    private void SetProperties(byte properties)
    {
        if (properties >= 9 * 5 * 5)
            throw new XzFormatException($"invalid LZMA properties byte 0x{properties:x2}");
        _lc = properties % 9;
        _lp = properties / 9 % 5;
        _pb = properties / 45;
        if (_lc + _lp > 4)
            throw new XzFormatException($"LZMA2 allows lc+lp <= 4, got lc={_lc} lp={_lp}");
        _literal = new ushort[0x300 << (_lc + _lp)];
        _havePropertiesSinceReset = true;
    }

    private void ResetState()
    {
        _state = 0;
        _rep0 = _rep1 = _rep2 = _rep3 = 0;
        foreach (var probs in new[] { _isMatch, _isRep, _isRepG0, _isRepG1, _isRepG2, _isRep0Long, _posSlot, _specPos, _align, _literal })
            Array.Fill(probs, (ushort)1024);
        _matchLength.Reset();
        _repLength.Reset();
    }

    private void DecodeLzma(int end)
    {
        int pbMask = (1 << _pb) - 1;
        int lpMask = (1 << _lp) - 1;
        while (_out.Length < end)
        {
            int posState = _out.Length & pbMask;
            if (_rc.Bit(ref _isMatch[(_state << 4) + posState]) == 0)
            {
                Literal(lpMask);
                continue;
            }
            int length;
            if (_rc.Bit(ref _isRep[_state]) == 0)
            {
                _rep3 = _rep2;
                _rep2 = _rep1;
                _rep1 = _rep0;
                length = _matchLength.Decode(ref _rc, posState);
                _state = _state < 7 ? 7 : 10;
                _rep0 = Distance(length);
                if (_rep0 == -1)
                    throw new XzFormatException("LZMA end marker inside an LZMA2 chunk");
            }
            else
            {
                if (_rc.Bit(ref _isRepG0[_state]) == 0)
                {
                    if (_rc.Bit(ref _isRep0Long[(_state << 4) + posState]) == 0)
                    {
                        _state = _state < 7 ? 9 : 11;
                        CheckDistance(_rep0);
                        _out.Put(_out.Back(_rep0 + 1));
                        continue;
                    }
                }
                else
                {
                    int distance;
                    if (_rc.Bit(ref _isRepG1[_state]) == 0)
                    {
                        distance = _rep1;
                    }
                    else
                    {
                        if (_rc.Bit(ref _isRepG2[_state]) == 0)
                        {
                            distance = _rep2;
                        }
                        else
                        {
                            distance = _rep3;
                            _rep3 = _rep2;
                        }
                        _rep2 = _rep1;
                    }
                    _rep1 = _rep0;
                    _rep0 = distance;
                }
                length = _repLength.Decode(ref _rc, posState);
                _state = _state < 7 ? 8 : 11;
            }
            int count = length + MatchMinLength;
            if (count > end - _out.Length)
                throw new XzFormatException("LZMA match runs past the end of its chunk");
            CheckDistance(_rep0);
            _out.Copy(_rep0 + 1, count);
        }
    }

    private void CheckDistance(int rep)
    {
        // rep is distance-1; the source must lie within the dictionary since its last reset.
        if (rep < 0 || rep >= _out.Length - _out.DictionaryStart || rep >= _dictionarySize)
            throw new XzFormatException($"LZMA match distance {(long)rep + 1} reaches before the start of the dictionary");
    }

    private void Literal(int lpMask)
    {
        int position = _out.Length;
        int previous = position > _out.DictionaryStart ? _out.Back(1) : 0;
        int offset = 0x300 * (((position & lpMask) << _lc) + (previous >> (8 - _lc)));
        int symbol = 1;
        if (_state >= 7)
        {
            CheckDistance(_rep0);
            int match = _out.Back(_rep0 + 1);
            while (symbol < 0x100)
            {
                int matchBit = (match >> 7) & 1;
                match <<= 1;
                int bit = _rc.Bit(ref _literal[offset + ((1 + matchBit) << 8) + symbol]);
                symbol = (symbol << 1) | bit;
                if (matchBit != bit)
                    break;
            }
        }
        while (symbol < 0x100)
            symbol = (symbol << 1) | _rc.Bit(ref _literal[offset + symbol]);
        _out.Put((byte)symbol);
        _state = _state < 4 ? 0 : _state < 10 ? _state - 3 : _state - 6;
    }

    /// <summary>Decodes a match distance minus one; -1 is LZMA's end marker.</summary>
    private int Distance(int length)
    {
        int lengthState = Math.Min(length, 3);
        int slot = _rc.Tree(_posSlot, lengthState * 64, 6);
        if (slot < 4)
            return slot;
        int directBits = (slot >> 1) - 1;
        uint distance = (uint)(2 | (slot & 1)) << directBits;
        if (slot < EndPosModelIndex)
        {
            distance += (uint)_rc.ReverseTree(_specPos, (int)distance - slot, directBits);
        }
        else
        {
            distance += _rc.Direct(directBits - AlignBits) << AlignBits;
            distance += (uint)_rc.ReverseTree(_align, 0, AlignBits);
        }
        if (distance == uint.MaxValue)
            return -1;
        if (distance > int.MaxValue - 1)
            throw new XzFormatException($"LZMA match distance {distance} is out of range");
        return (int)distance;
    }

    private sealed class LengthDecoder
    {
        private ushort _choice = 1024, _choice2 = 1024;
        private readonly ushort[] _low = new ushort[PosStatesMax << 3];
        private readonly ushort[] _mid = new ushort[PosStatesMax << 3];
        private readonly ushort[] _high = new ushort[256];

        public void Reset()
        {
            _choice = _choice2 = 1024;
            Array.Fill(_low, (ushort)1024);
            Array.Fill(_mid, (ushort)1024);
            Array.Fill(_high, (ushort)1024);
        }

        public int Decode(ref RangeDecoder rc, int posState)
        {
            if (rc.Bit(ref _choice) == 0)
                return rc.Tree(_low, posState << 3, 3);
            if (rc.Bit(ref _choice2) == 0)
                return 8 + rc.Tree(_mid, posState << 3, 3);
            return 16 + rc.Tree(_high, 0, 8);
        }
    }
}
