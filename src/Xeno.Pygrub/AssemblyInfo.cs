// Xen's pygrub runs on Linux hosts only; so does this (Unix file modes for the output files).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
