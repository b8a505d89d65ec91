// xeno-pygrub is Linux-only (it needs Unix file modes); so are its tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
