using Xeno.Engine.Domains.Registry;

namespace Xeno.Engine.Tests.Unit.Migration;

/// <summary>Only the incoming copy of a migrating domain may share its disks (the registry's exception).</summary>
public sealed class MigrationTwinTests
{
    private static readonly Guid Vm = Guid.Parse("2f6a3e6c-6d43-4c0e-9a7e-0e2f4c1b9a11");

    [Fact]
    public void The_incoming_copy_with_the_same_uuid_is_the_twin() =>
        Assert.True(MigrationTwin.IsIncomingTwinOf("web--incoming", Vm, "web", Vm));

    [Fact]
    public void An_incoming_copy_renamed_by_migrate_C_is_the_twin() =>
        Assert.True(MigrationTwin.IsIncomingTwinOf("web2--incoming", Vm, "web", Vm));

    [Theory]
    [InlineData("web2", "web")]                     // another domain of the same VM: not a migration
    [InlineData("web--incoming", "web--incoming")]  // a second incoming copy
    [InlineData("web--migratedaway", "web")]
    [InlineData("web", "web--incoming")]            // the other way round
    public void Other_names_are_not(string newName, string otherName) =>
        Assert.False(MigrationTwin.IsIncomingTwinOf(newName, Vm, otherName, Vm));

    [Fact]
    public void Another_vm_of_the_same_name_is_not() =>
        Assert.False(MigrationTwin.IsIncomingTwinOf("web--incoming", Vm, "web", Guid.NewGuid()));
}
