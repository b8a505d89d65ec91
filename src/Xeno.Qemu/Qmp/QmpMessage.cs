using System.Text.Json;

namespace Xeno.Qemu.Qmp;

/// <summary>One message from QEMU. Payloads are detached copies, safe to keep.</summary>
public abstract record QmpMessage;

/// <summary>The greeting QEMU sends on connect.</summary>
public sealed record QmpGreeting(int Major, int Minor, int Micro, string Package, IReadOnlyList<string> Capabilities) : QmpMessage;

/// <summary>A successful answer; <see cref="Id"/> is the id we sent, if any.</summary>
public sealed record QmpReturn(string? Id, JsonElement Value) : QmpMessage;

/// <summary>A failed answer.</summary>
public sealed record QmpError(string? Id, string ErrorClass, string Description) : QmpMessage;

/// <summary>An asynchronous event (SHUTDOWN, RESET, STOP, RESUME, GUEST_PANICKED, ...).</summary>
public sealed record QmpEvent(string Name, JsonElement Data, DateTimeOffset Timestamp) : QmpMessage
{
    /// <summary>SHUTDOWN: the reason QEMU gives ("guest-shutdown", "guest-reset", "host-qmp-quit", ...).</summary>
    public string? Reason => StringField("reason");

    /// <summary>SHUTDOWN/RESET: true when the guest itself asked for it.</summary>
    public bool? Guest => Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("guest", out var g)
        && g.ValueKind is JsonValueKind.True or JsonValueKind.False ? g.GetBoolean() : null;

    /// <summary>GUEST_PANICKED: what QEMU did about it ("pause", "poweroff", "run").</summary>
    public string? Action => StringField("action");

    private string? StringField(string name) =>
        Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString() : null;
}
