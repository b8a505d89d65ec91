using System.IO.Compression;

namespace Xeno.Boot.Images;

/// <summary>
/// The virtual disk of a qcow2 image as a read-only stream: clusters are located through the
/// L1/L2 tables; unallocated clusters come from the backing disk (or read as zeros);
/// deflate-compressed clusters are inflated on demand.
/// </summary>
public sealed class Qcow2Stream : ReadOnlyStream, IHostMappedStream
{
    private const ulong CompressedFlag = 1UL << 62;
    private const ulong ZeroFlag = 1UL;
    private const long CacheBudgetBytes = 16L << 20;

    private readonly Stream _file;
    private readonly Stream? _backing;
    private readonly Qcow2Header _header;
    private readonly string _name;
    private readonly bool _ownsFile;
    private readonly ulong[] _l1;
    private readonly Dictionary<long, ulong[]> _l2Cache = new();
    private readonly Queue<long> _l2Order = new();
    private readonly int _l2CacheLimit;
    private long _compressedCluster = -1;
    private readonly byte[] _compressedData;

    /// <param name="ownsFile">Dispose <paramref name="file"/> with this stream (the backing disk is always disposed).</param>
    public Qcow2Stream(Stream file, Qcow2Header header, Stream? backing, string name, bool ownsFile)
    {
        _ownsFile = ownsFile;
        _file = file;
        _header = header;
        _backing = backing;
        _name = name;
        _l1 = ReadTable(header.L1TableOffset, (int)header.L1Size, "L1 table");
        _l2CacheLimit = (int)Math.Max(4, CacheBudgetBytes / header.ClusterSize);
        _compressedData = new byte[header.ClusterSize];
    }

    public Qcow2Header Header => _header;

    public override long Length => (long)_header.VirtualSize;

    protected override int ReadAt(long offset, Span<byte> buffer)
    {
        long clusterSize = _header.ClusterSize;
        int done = 0;
        while (done < buffer.Length)
        {
            long pos = offset + done;
            long cluster = pos >> _header.ClusterBits;
            int within = (int)(pos & (clusterSize - 1));
            int chunk = (int)Math.Min(buffer.Length - done, clusterSize - within);
            ReadCluster(cluster, within, buffer.Slice(done, chunk));
            done += chunk;
        }
        return done;
    }

    private void ReadCluster(long cluster, int within, Span<byte> target)
    {
        ulong entry = L2Entry(cluster);
        long virtualPos = (cluster << _header.ClusterBits) + within;
        if ((entry & CompressedFlag) != 0)
        {
            Inflate(cluster, entry);
            _compressedData.AsSpan(within, target.Length).CopyTo(target);
            return;
        }
        ulong host = Qcow2Header.HostOffset(entry);
        if (_header.Version >= 3 && (entry & ZeroFlag) != 0)
        {
            target.Clear();
            return;
        }
        if (host == 0)
        {
            ReadBacking(virtualPos, target);
            return;
        }
        if (host % (ulong)_header.ClusterSize != 0)
        {
            throw new BootException($"{_name}: qcow2 L2 entry for cluster {cluster} points to unaligned offset {host}");
        }
        StreamReads.ReadExactlyAt(_file, (long)host + within, target, $"{_name}: qcow2 data cluster {cluster} (L2 entry points outside the image?)");
    }

    /// <summary>
    /// Allocated clusters are stored as-is in the image file: runs of clusters that follow each
    /// other there (what qemu-img convert writes) map to one host range. Compressed and zero
    /// clusters are unmapped; unallocated ones map to the backing disk where it has the bytes.
    /// </summary>
    HostRange IHostMappedStream.Locate(long offset, long maxLength)
    {
        long clusterSize = _header.ClusterSize;
        long first = offset >> _header.ClusterBits;
        int within = (int)(offset & (clusterSize - 1));
        long length = Math.Min(maxLength, clusterSize - within);
        ulong entry = L2Entry(first);
        if (!IsPlain(entry))
        {
            return HostRange.Unmapped(length);
        }
        ulong host = Qcow2Header.HostOffset(entry);
        if (host == 0)
        {
            return _backing is not null && offset + length <= _backing.Length
                ? HostRanges.Locate(_backing, offset, length)
                : HostRange.Unmapped(length);
        }
        if (host % (ulong)clusterSize != 0)
        {
            return HostRange.Unmapped(length); // the read reports the corrupt entry
        }
        for (long next = first + 1; length < maxLength; next++)
        {
            ulong nextEntry = L2Entry(next);
            if (!IsPlain(nextEntry) || Qcow2Header.HostOffset(nextEntry) != host + (ulong)((next - first) * clusterSize))
            {
                break;
            }
            length = Math.Min(maxLength, length + clusterSize);
        }
        return HostRanges.Locate(_file, (long)host + within, length);
    }

    /// <summary>Neither compressed nor a version 3 zero cluster: stored as-is (or unallocated).</summary>
    private bool IsPlain(ulong entry) =>
        (entry & CompressedFlag) == 0 && !(_header.Version >= 3 && (entry & ZeroFlag) != 0);

    private void ReadBacking(long virtualPos, Span<byte> target)
    {
        target.Clear();
        if (_backing is null || virtualPos >= _backing.Length)
        {
            return;
        }
        // A backing disk shorter than this one reads as zeros past its end.
        int available = (int)Math.Min(target.Length, _backing.Length - virtualPos);
        StreamReads.ReadExactlyAt(_backing, virtualPos, target[..available], $"{_name}: backing file");
    }

    private ulong L2Entry(long cluster)
    {
        int l2Bits = _header.ClusterBits - 3;
        long l1Index = cluster >> l2Bits;
        if (l1Index >= _l1.Length)
        {
            return 0;
        }
        ulong l2Offset = Qcow2Header.HostOffset(_l1[l1Index]);
        if (l2Offset == 0)
        {
            return 0;
        }
        if (!_l2Cache.TryGetValue((long)l2Offset, out var table))
        {
            if (l2Offset % (ulong)_header.ClusterSize != 0)
            {
                throw new BootException($"{_name}: qcow2 L1 entry {l1Index} points to unaligned L2 table offset {l2Offset}");
            }
            table = ReadTable(l2Offset, _header.L2Entries, $"L2 table for L1 entry {l1Index}");
            if (_l2Order.Count >= _l2CacheLimit)
            {
                _l2Cache.Remove(_l2Order.Dequeue());
            }
            _l2Cache[(long)l2Offset] = table;
            _l2Order.Enqueue((long)l2Offset);
        }
        return table[cluster & ((1L << l2Bits) - 1)];
    }

    private void Inflate(long cluster, ulong entry)
    {
        if (_compressedCluster == cluster)
        {
            return;
        }
        _compressedCluster = -1;
        int offsetBits = 62 - (_header.ClusterBits - 8);
        long hostOffset = (long)(entry & ((1UL << offsetBits) - 1));
        long sectors = (long)((entry >> offsetBits) & ((1UL << (_header.ClusterBits - 8)) - 1)) + 1;
        long compressedSize = sectors * 512 - (hostOffset & 511);
        if (hostOffset >= _file.Length)
        {
            throw new BootException($"{_name}: qcow2 compressed cluster {cluster} at offset {hostOffset} lies outside the image");
        }
        // The last compressed cluster may be stored shorter than its sector count says.
        compressedSize = Math.Min(compressedSize, _file.Length - hostOffset);
        var packed = StreamReads.ReadBytesAt(_file, hostOffset, (int)compressedSize, $"{_name}: qcow2 compressed cluster {cluster}");
        int produced = 0;
        try
        {
            using var inflater = new DeflateStream(new MemoryStream(packed), CompressionMode.Decompress);
            while (produced < _compressedData.Length)
            {
                int n = inflater.Read(_compressedData, produced, _compressedData.Length - produced);
                if (n == 0)
                {
                    break;
                }
                produced += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new BootException($"{_name}: qcow2 compressed cluster {cluster} is corrupt: {e.Message}", e);
        }
        if (produced != _compressedData.Length)
        {
            throw new BootException($"{_name}: qcow2 compressed cluster {cluster} inflates to {produced} bytes instead of {_compressedData.Length}");
        }
        _compressedCluster = cluster;
    }

    private ulong[] ReadTable(ulong offset, int entries, string what)
    {
        var raw = StreamReads.ReadBytesAt(_file, (long)offset, checked(entries * 8), $"{_name}: qcow2 {what}");
        var table = new ulong[entries];
        for (int i = 0; i < entries; i++)
        {
            table[i] = BigEndian.U64(raw, i * 8);
        }
        return table;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_ownsFile)
            {
                _file.Dispose();
            }
            _backing?.Dispose();
        }
        base.Dispose(disposing);
    }
}
