using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Xeno.Qemu.Interop;

namespace Xeno.Qemu.Qmp;

/// <summary>
/// Handing QEMU a descriptor: QMP getfd with it attached (SCM_RIGHTS on the QMP unix socket), for
/// migrate's "fd:NAME", add_client (a connected VNC viewer; no listener is ever opened for it) or
/// chardev-change (a console socket xenod made).
/// </summary>
public sealed partial class QmpClient
{
    /// <summary>
    /// QMP getfd: <paramref name="fd"/> travels with the command and QEMU keeps its own copy under
    /// <paramref name="fdName"/> (the caller still owns and closes <paramref name="fd"/>). Needs a
    /// client connected over a unix socket (<see cref="ConnectAsync"/>).
    /// </summary>
    public async Task PassFdAsync(string fdName, SafeHandle fd, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fdName);
        ArgumentNullException.ThrowIfNull(fd);
        if (_stream is not NetworkStream { Socket.AddressFamily: AddressFamily.Unix })
            throw new NotSupportedException("passing a descriptor needs a QMP connection over a unix socket");
        using var deadline = new CancellationTokenSource(DefaultTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await SendAsync("getfd", new JsonObject { ["fdname"] = fdName }, fd, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new QmpTimeoutException("getfd", DefaultTimeout);
        }
    }

    /// <summary>
    /// QMP add_client: QEMU serves <paramref name="protocol"/> (e.g. "vnc") on the descriptor passed
    /// as <paramref name="fdName"/>, which it takes over. <paramref name="skipAuth"/> skips the
    /// display's password: the caller has authorised the viewer itself.
    /// </summary>
    public Task AddClientAsync(string protocol, string fdName, bool skipAuth, CancellationToken cancellationToken = default) =>
        ExecuteAsync("add_client", new JsonObject { ["protocol"] = protocol, ["fdname"] = fdName, ["skipauth"] = skipAuth }, cancellationToken);

    /// <summary>
    /// QMP chardev-change: chardev <paramref name="id"/> becomes a connected socket on the descriptor
    /// passed as <paramref name="fdName"/>, still writing its output to <paramref name="logFile"/>
    /// (appending). QEMU refuses it for a chardev whose device cannot swap backends (virtio-console).
    /// </summary>
    public Task ChangeChardevToSocketAsync(string id, string fdName, string logFile, CancellationToken cancellationToken = default) =>
        ExecuteAsync("chardev-change", new JsonObject
        {
            ["id"] = id,
            ["backend"] = new JsonObject
            {
                ["type"] = "socket",
                ["data"] = new JsonObject
                {
                    ["addr"] = new JsonObject { ["type"] = "fd", ["data"] = new JsonObject { ["str"] = fdName } },
                    ["server"] = false,
                    ["logfile"] = logFile,
                    ["logappend"] = true,
                },
            },
        }, cancellationToken);

    /// <summary>QMP closefd: drops a descriptor passed with getfd that was not used.</summary>
    public Task CloseFdAsync(string fdName, CancellationToken cancellationToken = default) =>
        ExecuteAsync("closefd", new JsonObject { ["fdname"] = fdName }, cancellationToken);

    private int SendWithFd(byte[] bytes, SafeHandle fd)
    {
        // PassFdAsync has checked that the stream is a unix socket's.
        UnixRights.Send(((NetworkStream)_stream).Socket.SafeHandle, bytes, fd);
        return bytes.Length;
    }
}
