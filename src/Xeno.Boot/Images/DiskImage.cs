using System.Buffers.Binary;

namespace Xeno.Boot.Images;

/// <summary>Opens a disk image file (raw or qcow2, with backing chains) as a read-only stream of its virtual disk.</summary>
public static class DiskImage
{
    /// <summary>Detects the container format from the first bytes of <paramref name="file"/>.</summary>
    public static ImageFormat Detect(Stream file, string name = "disk image")
    {
        Span<byte> head = stackalloc byte[8];
        int got = StreamReads.ReadAvailableAt(file, 0, head);
        if (got >= 4 && BinaryPrimitives.ReadUInt32BigEndian(head) == Qcow2Header.Magic)
        {
            return ImageFormat.Qcow2;
        }
        string? other = OtherFormat(head[..got]);
        if (other is not null)
        {
            throw new BootException($"{name}: {other} images are not supported (only raw and qcow2)");
        }
        return ImageFormat.Raw;
    }

    /// <summary>
    /// Returns the virtual disk of <paramref name="file"/>. <paramref name="file"/> itself stays
    /// open when the result is disposed; backing files opened through the resolver are closed.
    /// </summary>
    public static Stream Open(Stream file, DiskImageOptions? options = null)
    {
        options ??= new DiskImageOptions();
        if (!file.CanSeek || !file.CanRead)
        {
            throw new ArgumentException("disk images must be readable and seekable", nameof(file));
        }
        return Open(file, options, options.Name, depth: 0, ownsFile: false);
    }

    private static Stream Open(Stream file, DiskImageOptions options, string name, int depth, bool ownsFile)
    {
        if (Detect(file, name) == ImageFormat.Raw)
        {
            var raw = new SubStream(file, 0, file.Length);
            return ownsFile ? new OwningStream(raw, file) : raw;
        }
        var header = Qcow2Header.Read(file, name);
        Stream? backing = null;
        if (header.BackingFile is { } backingName)
        {
            if (options.BackingResolver is null)
            {
                throw new BootException($"{name}: qcow2 image has backing file '{backingName}' but no way to open backing files was given");
            }
            if (depth + 1 > options.MaxBackingDepth)
            {
                throw new BootException($"{name}: backing chain is deeper than {options.MaxBackingDepth} images (a loop?) at '{backingName}'");
            }
            Stream backingFile;
            try
            {
                backingFile = options.BackingResolver(backingName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new BootException($"{name}: cannot open backing file '{backingName}': {e.Message}", e);
            }
            try
            {
                backing = Open(backingFile, options, $"backing file '{backingName}'", depth + 1, ownsFile: true);
            }
            catch
            {
                backingFile.Dispose();
                throw;
            }
        }
        try
        {
            return new Qcow2Stream(file, header, backing, name, ownsFile);
        }
        catch
        {
            backing?.Dispose();
            throw;
        }
    }

    private static string? OtherFormat(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("QED\0"u8))
        {
            return "qed";
        }
        if (head.StartsWith("KDMV"u8))
        {
            return "vmdk";
        }
        if (head.StartsWith("vhdxfile"u8))
        {
            return "vhdx";
        }
        if (head.StartsWith("conectix"u8))
        {
            return "vhd";
        }
        return null;
    }

    /// <summary>A raw view that also disposes the backing file it was made from.</summary>
    private sealed class OwningStream(Stream view, Stream owned) : ReadOnlyStream, IHostMappedStream
    {
        public override long Length => view.Length;

        protected override int ReadAt(long offset, Span<byte> buffer)
        {
            view.Position = offset;
            return view.Read(buffer);
        }

        public HostRange Locate(long offset, long maxLength) => HostRanges.Locate(view, offset, maxLength);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                view.Dispose();
                owned.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
