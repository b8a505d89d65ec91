namespace Xeno.Boot.Tests;
