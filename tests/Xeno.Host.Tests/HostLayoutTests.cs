namespace Xeno.Host.Tests;

public class HostLayoutTests
{
    [Fact]
    public void TheLayoutIsXensUnderThePrefix()
    {
        var l = new HostLayout("/p");
        Assert.Equal("/p/etc/xeno/xl.conf", l.XlConf);
        Assert.Equal("/p/run/xeno/xenod.sock", l.DaemonSocket);
        Assert.Equal("/p/run/xeno/xenod.pid", l.DaemonPidFile);
        Assert.Equal("/p/run/xeno/domains", l.DomainRecordDir);
        Assert.Equal("/p/run/xeno/d12", l.DomainRunDir(12));
        Assert.Equal("/p/run/xeno/xenstore", l.XenstoreDomainSocketDir);
        Assert.Equal("/p/run/xenstored/socket", l.XenstoreSocket);
        Assert.Equal("/p/var/log/xeno/xenod.log", l.DaemonLog);
        Assert.Equal("/p/var/log/xeno/console", l.ConsoleLogDir);
        Assert.Equal("/p/var/lib/xeno/dump", l.DumpDir);
        Assert.Equal("/p/var/lib/xeno/kernels", l.KernelCacheDir);
        Assert.Equal("/p/var/lib/xeno/xenstore", l.XenstoreStateDir);
    }

    [Fact]
    public void AnEmptyPrefixIsTheRoot()
    {
        Assert.Equal("/", new HostLayout("").Prefix);
        Assert.Equal("/run/xeno/xenod.sock", new HostLayout("").DaemonSocket);
    }
}
