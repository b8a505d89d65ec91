namespace Xeno.Network.Planning;

/// <summary>A vif cannot be set up as configured; the message names the problem (Xen's words where Xen has them).</summary>
public sealed class VifPlanException(string message) : Exception(message);
