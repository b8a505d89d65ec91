using Xeno.Migration.SaveFiles;
using Xeno.Migration.Streams;

namespace Xeno.Migration.Tests;

public class DomainStateRecordTests
{
    [Theory]
    [InlineData("""{"uuid":"11111111-2222-3333-4444-555555555555"}""", "name is missing")]
    [InlineData("""{"name":"a","uuid":"zz"}""", "uuid is not a UUID")]
    [InlineData("""{"name":"a","uuid":"11111111-2222-3333-4444-555555555555"}""", "spec is missing")]
    [InlineData("[1]", "domain state record")]
    [InlineData("{", "domain state record")]
    public void Damaged_record_names_the_field(string json, string expected)
    {
        var e = Assert.Throws<SaveFileException>(() => DomainStateRecord.FromJson(json));
        Assert.Equal("Savefile is corrupt", e.Message);
        Assert.Contains(expected, e.Detail);
    }

    private const string Base = """{"name":"a","uuid":"11111111-2222-3333-4444-555555555555","paused":false,"target_kb":1,"maxmem_kb":1,"spec":{}""";

    [Fact]
    public void Copied_disks_round_trip_and_are_left_out_when_there_are_none()
    {
        var plain = new DomainStateRecord("a", Guid.NewGuid(), "{}", false, 1, 1);
        Assert.DoesNotContain("copy_storage", plain.ToJson());
        var copied = plain with { CopiedDisks = [new CopiedDisk("xvda", "vbd51712", "/srv/a.img", "qcow2", 1 << 30)] };
        Assert.Equal(copied.CopiedDisks, DomainStateRecord.FromJson(copied.ToJson()).CopiedDisks);
    }

    [Theory]
    [InlineData(""","copy_storage":[{"vdev":"xvda","drive":"vbd1","path":"rel/a.img","format":"raw","virtual_size":1}]}""", "is not a disk to copy")]
    [InlineData(""","copy_storage":[{"vdev":"xvda","drive":"vbd1","path":"/a.img","format":"vmdk","virtual_size":1}]}""", "is not a disk to copy")]
    [InlineData(""","copy_storage":[{"vdev":"xvda","drive":"v;b","path":"/a.img","format":"raw","virtual_size":1}]}""", "is not a disk to copy")]
    [InlineData(""","copy_storage":[{"vdev":"xvda","drive":"vbd1","path":"/a.img","format":"raw","virtual_size":0}]}""", "is not a disk to copy")]
    [InlineData(""","copy_storage":[{"vdev":"xvda","path":"/a.img","format":"raw","virtual_size":1}]}""", "drive is missing")]
    [InlineData(""","copy_storage":[3]}""", "non-object")]
    public void A_bad_disk_to_copy_is_refused_by_name(string tail, string expected)
    {
        var e = Assert.Throws<SaveFileException>(() => DomainStateRecord.FromJson(Base + tail));
        Assert.Contains(expected, e.Detail);
    }

    [Fact]
    public void A_raw_qemu_stream_round_trips_and_is_left_out_otherwise()
    {
        var plain = new DomainStateRecord("a", Guid.NewGuid(), "{}", false, 1, 1);
        Assert.DoesNotContain("qemu_stream", plain.ToJson());
        Assert.False(DomainStateRecord.FromJson(plain.ToJson()).RawQemuStream);
        var raw = plain with { RawQemuStream = true };
        Assert.Contains("\"qemu_stream\":\"raw\"", raw.ToJson());
        Assert.True(DomainStateRecord.FromJson(raw.ToJson()).RawQemuStream);
    }

    [Theory]
    [InlineData(""","qemu_stream":"chunked"}""", "qemu_stream \"chunked\" is not \"raw\"")]
    [InlineData(""","qemu_stream":1}""", "domain state record")]
    public void An_unknown_qemu_stream_is_refused_by_name(string tail, string expected)
    {
        var e = Assert.Throws<SaveFileException>(() => DomainStateRecord.FromJson(Base + tail));
        Assert.Contains(expected, e.Detail);
    }
}
