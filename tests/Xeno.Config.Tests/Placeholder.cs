namespace Xeno.Config.Tests;
