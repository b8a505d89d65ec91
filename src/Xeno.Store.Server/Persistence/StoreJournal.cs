using System.Buffers.Binary;
using System.Globalization;
using Xeno.Store.Engine;
using Xeno.Store.Tree;

namespace Xeno.Store.Server.Persistence;

/// <summary>
/// Durable state in one directory: <c>snapshot</c> (the whole store as of an epoch) and
/// <c>journal.&lt;epoch&gt;</c> (every change since, appended before the client gets its
/// reply). Records are [u32 length][u32 crc32][mutations]; a torn last record (kill -9
/// mid-write) fails its CRC and is cut off at start-up. Compaction writes a new snapshot
/// next to the old one, renames it into place, then starts the next epoch's journal.
/// </summary>
public sealed class StoreJournal : IDisposable
{
    private const string SnapshotName = "snapshot";
    private const string JournalPrefix = "journal.";
    private static readonly byte[] Magic = "XENOXS01"u8.ToArray();

    private readonly string _directory;
    private readonly bool _syncToDisk;
    private FileStream _journal = null!;
    private long _epoch;
    private long _snapshotBytes;

    private StoreJournal(string directory, bool syncToDisk)
    {
        _directory = directory;
        _syncToDisk = syncToDisk;
    }

    /// <summary>Journal size that triggers compaction (at least this, and twice the snapshot).</summary>
    public long CompactionThreshold { get; set; } = 4 * 1024 * 1024;

    public long JournalBytes => _journal.Length;

    /// <summary>Records cut off at start-up because they were torn or damaged.</summary>
    public int DiscardedRecords { get; private set; }

    /// <summary>
    /// Opens the state directory and rebuilds <paramref name="engine"/> from it, or creates
    /// the default tree when the directory holds no state yet.
    /// </summary>
    public static StoreJournal Open(string directory, XenStoreEngine engine, bool syncToDisk = false)
    {
        Directory.CreateDirectory(directory);
        var journal = new StoreJournal(directory, syncToDisk);
        var snapshotPath = Path.Combine(directory, SnapshotName);
        if (File.Exists(snapshotPath))
        {
            journal.LoadSnapshot(snapshotPath, engine);
            journal.ReplayJournal(engine);
        }
        else
        {
            engine.CreateDefaultTree();
            journal._epoch = 0;
            journal.WriteSnapshot(engine);
        }
        journal.RemoveStaleJournals();
        return journal;
    }

    /// <summary>Makes a batch durable (written to the OS; fsync'd too when asked) before it is acknowledged.</summary>
    public void Append(IReadOnlyList<StoreMutation> mutations)
    {
        if (mutations.Count == 0) return;
        using var body = new MemoryStream();
        using (var w = new BinaryWriter(body, System.Text.Encoding.UTF8, leaveOpen: true))
            foreach (var m in mutations) MutationCodec.Write(w, m);
        var payload = body.GetBuffer().AsSpan(0, (int)body.Length);
        var record = new byte[8 + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(record, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), System.IO.Hashing.Crc32.HashToUInt32(payload));
        payload.CopyTo(record.AsSpan(8));
        _journal.Write(record);
        _journal.Flush(_syncToDisk);
    }

    /// <summary>Compacts when the journal has outgrown the threshold.</summary>
    public bool CompactIfNeeded(XenStoreEngine engine)
    {
        if (_journal.Length < Math.Max(CompactionThreshold, 2 * _snapshotBytes)) return false;
        Compact(engine);
        return true;
    }

    public void Compact(XenStoreEngine engine)
    {
        var old = JournalPath(_epoch);
        WriteSnapshot(engine);
        File.Delete(old);
    }

    private string JournalPath(long epoch) => Path.Combine(_directory, JournalPrefix + epoch.ToString(CultureInfo.InvariantCulture));

    private void WriteSnapshot(XenStoreEngine engine)
    {
        var next = _epoch + 1;
        var tmp = Path.Combine(_directory, SnapshotName + ".tmp");
        using (var body = new MemoryStream())
        {
            using (var w = new BinaryWriter(body, System.Text.Encoding.UTF8, leaveOpen: true))
                foreach (var m in engine.Snapshot()) MutationCodec.Write(w, m);
            var payload = body.GetBuffer().AsSpan(0, (int)body.Length);
            using var file = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None);
            Span<byte> head = stackalloc byte[Magic.Length + 16];
            Magic.CopyTo(head);
            BinaryPrimitives.WriteInt64LittleEndian(head[Magic.Length..], next);
            BinaryPrimitives.WriteInt32LittleEndian(head[(Magic.Length + 8)..], payload.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(head[(Magic.Length + 12)..], System.IO.Hashing.Crc32.HashToUInt32(payload));
            file.Write(head);
            file.Write(payload);
            file.Flush(true);
            _snapshotBytes = file.Length;
        }
        // The new journal exists (empty) before the snapshot naming its epoch does.
        _journal?.Dispose();
        _journal = new FileStream(JournalPath(next), FileMode.Create, FileAccess.Write, FileShare.Read, 1);
        _journal.Flush(true);
        File.Move(tmp, Path.Combine(_directory, SnapshotName), overwrite: true);
        _epoch = next;
    }

    private void LoadSnapshot(string path, XenStoreEngine engine)
    {
        var bytes = File.ReadAllBytes(path);
        var headSize = Magic.Length + 16;
        if (bytes.Length < headSize || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"{path}: not a Xeno xenstore snapshot");
        _epoch = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(Magic.Length));
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(Magic.Length + 8));
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(Magic.Length + 12));
        if (length < 0 || headSize + length != bytes.Length || System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(headSize)) != crc)
            throw new InvalidDataException($"{path}: snapshot is damaged (length or checksum mismatch)");
        _snapshotBytes = bytes.Length;
        foreach (var m in MutationCodec.ReadAll(bytes.AsSpan(headSize))) engine.Apply(m);
    }

    private void ReplayJournal(XenStoreEngine engine)
    {
        var path = JournalPath(_epoch);
        var bytes = File.Exists(path) ? File.ReadAllBytes(path) : [];
        var offset = 0;
        while (offset + 8 <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4));
            if (length < 0 || offset + 8 + length > bytes.Length) break;
            var payload = bytes.AsSpan(offset + 8, length);
            if (System.IO.Hashing.Crc32.HashToUInt32(payload) != crc) break;
            foreach (var m in MutationCodec.ReadAll(payload)) engine.Apply(m);
            offset += 8 + length;
        }
        if (offset < bytes.Length) DiscardedRecords = 1;
        _journal = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, 1);
        // Cut a torn tail so new records follow the last good one.
        _journal.SetLength(offset);
        _journal.Seek(offset, SeekOrigin.Begin);
    }

    private void RemoveStaleJournals()
    {
        foreach (var file in Directory.GetFiles(_directory, JournalPrefix + "*"))
            if (Path.GetFileName(file) != JournalPrefix + _epoch.ToString(CultureInfo.InvariantCulture)) File.Delete(file);
    }

    public void Dispose() => _journal?.Dispose();
}
