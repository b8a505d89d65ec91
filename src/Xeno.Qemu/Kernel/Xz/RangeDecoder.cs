namespace Xeno.Qemu.Kernel.Xz;

/// <summary>LZMA's binary range decoder over one chunk's packed bytes (reads past them fail).</summary>
internal struct RangeDecoder
{
    private const uint TopValue = 1u << 24;
    private readonly byte[] _input;
    private int _pos;
    private uint _range;
    private uint _code;

    public RangeDecoder(byte[] input)
    {
        _input = input;
        if (input.Length < 5)
            throw new XzFormatException("LZMA chunk is shorter than the range coder's 5-byte start");
        if (input[0] != 0)
            throw new XzFormatException("LZMA range coder does not start with a zero byte");
        _code = (uint)(input[1] << 24 | input[2] << 16 | input[3] << 8 | input[4]);
        _range = uint.MaxValue;
        _pos = 5;
    }

    private void Normalize()
    {
        if (_range >= TopValue)
            return;
        if (_pos >= _input.Length)
            throw new XzFormatException("LZMA chunk's packed data ends too early");
        _range <<= 8;
        _code = (_code << 8) | _input[_pos++];
    }

    public int Bit(ref ushort probability)
    {
        Normalize();
        uint bound = (_range >> 11) * probability;
        if (_code < bound)
        {
            _range = bound;
            probability += (ushort)((2048 - probability) >> 5);
            return 0;
        }
        _range -= bound;
        _code -= bound;
        probability -= (ushort)(probability >> 5);
        return 1;
    }

    public int Tree(ushort[] probabilities, int offset, int bits)
    {
        int m = 1;
        for (int i = 0; i < bits; i++)
            m = (m << 1) | Bit(ref probabilities[offset + m]);
        return m - (1 << bits);
    }

    public int ReverseTree(ushort[] probabilities, int offset, int bits)
    {
        int m = 1, symbol = 0;
        for (int i = 0; i < bits; i++)
        {
            int bit = Bit(ref probabilities[offset + m]);
            m = (m << 1) | bit;
            symbol |= bit << i;
        }
        return symbol;
    }

    public uint Direct(int bits)
    {
        uint result = 0;
        for (int i = 0; i < bits; i++)
        {
            Normalize();
            _range >>= 1;
            uint bit = _code >= _range ? 1u : 0u;
            if (bit != 0)
                _code -= _range;
            result = (result << 1) | bit;
        }
        return result;
    }
}
