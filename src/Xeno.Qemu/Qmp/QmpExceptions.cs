namespace Xeno.Qemu.Qmp;

/// <summary>Base of every error the QMP client reports.</summary>
public class QmpException : Exception
{
    public QmpException(string message) : base(message) { }
    public QmpException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The peer sent bytes that are not a QMP message (bad JSON, wrong shape, too long).</summary>
public sealed class QmpProtocolException : QmpException
{
    public QmpProtocolException(string message) : base(message) { }
    public QmpProtocolException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>QEMU answered a command with an error object.</summary>
public sealed class QmpCommandException : QmpException
{
    public QmpCommandException(string command, string errorClass, string description)
        : base($"QMP command '{command}' failed: {errorClass}: {description}")
    {
        Command = command;
        ErrorClass = errorClass;
        Description = description;
    }

    public string Command { get; }
    public string ErrorClass { get; }
    public string Description { get; }
}

/// <summary>The connection ended (QEMU exited or closed the socket) before an answer came.</summary>
public sealed class QmpDisconnectedException : QmpException
{
    public QmpDisconnectedException(string message) : base(message) { }
    public QmpDisconnectedException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>QEMU did not answer a command within its deadline (stopped, hung, or far too busy).</summary>
public sealed class QmpTimeoutException : QmpException
{
    public QmpTimeoutException(string command, TimeSpan timeout)
        : base($"QMP command '{command}' got no answer within {timeout.TotalSeconds:0.###} s")
    {
        Command = command;
        Timeout = timeout;
    }

    public string Command { get; }
    public TimeSpan Timeout { get; }
}
