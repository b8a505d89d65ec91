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
}
