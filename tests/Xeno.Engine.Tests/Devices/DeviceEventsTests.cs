using System.Text.Json;
using Xeno.Engine.Devices;
using Xeno.Qemu.Qmp;

namespace Xeno.Engine.Tests.Devices;

/// <summary>The waiters a device change registers for QEMU's events (DEVICE_DELETED after device_del).</summary>
public sealed class DeviceEventsTests
{
    private static QmpEvent Event(string name, string device) =>
        new(name, JsonDocument.Parse($"{{\"device\":\"{device}\"}}").RootElement, DateTimeOffset.UnixEpoch);

    private static bool Deleted(QmpEvent e, string id) => e.Name == "DEVICE_DELETED" && e.Data.GetProperty("device").GetString() == id;

    [Fact]
    public void AWaiterFiresOnlyOnItsEvent()
    {
        var events = new DeviceEvents();
        using var nic1 = events.Expect(e => Deleted(e, "nic1"));
        using var nic2 = events.Expect(e => Deleted(e, "nic2"));
        events.Observe(Event("DEVICE_DELETED", "nic2"));
        events.Observe(Event("NIC_RX_FILTER_CHANGED", "nic1"));
        Assert.False(nic1.Happened.IsCompleted);
        Assert.True(nic2.Happened.IsCompletedSuccessfully);
        events.Observe(Event("DEVICE_DELETED", "nic1"));
        Assert.True(nic1.Happened.IsCompletedSuccessfully);
    }

    [Fact]
    public void ADisposedWaiterNoLongerListens()
    {
        var events = new DeviceEvents();
        var gone = events.Expect(e => Deleted(e, "nic1"));
        gone.Dispose();
        events.Observe(Event("DEVICE_DELETED", "nic1"));
        Assert.False(gone.Happened.IsCompleted);
    }
}
