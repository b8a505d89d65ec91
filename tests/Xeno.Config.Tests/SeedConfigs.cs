namespace Xeno.Config.Tests;

/// <summary>The two domain configs of the seed documents (/work/shared/seeds/003*), as admins wrote them.</summary>
internal static class SeedConfigs
{
    // /etc/xen/linux.cfg from the Segfault article (lines starting with a letter).
    public const string Linux = """
        kernel          = '/mnt/xen/linux/vmlinux'
        memory          = '256'
        vcpus           = '2'
        root            = '/dev/xvda1'
        disk            = [ 'phy:/dev/vg01/linux0,xvda,w' ]
        name            = 'linux'
        vif             = [ 'bridge=eth0,mac=00:16:3e:38:d4:07' ]
        on_poweroff     = 'destroy'
        on_reboot       = 'restart'
        on_crash        = 'restart'
        extra           = 'console=hvc0 init=/sbin/init rootfstype=ext4 rootflags=nobarrier'

        """;

    // /etc/xen/winxp.cfg from the same article.
    public const string Winxp = """
        kernel          = '/usr/lib/xen/boot/hvmloader'
        builder         = 'hvm'
        device_model    = '/usr/lib/xen/bin/qemu-dm'
        memory          = '1024'
        vcpus           = '2'
        disk            = [ 'phy:/dev/vg01/winxp0,hda,w',
                            'phy:/dev/loop0,ioemu:hdc:cdrom,r' ]
        name            = 'winxp'
        dhcp            = 'dhcp'
        vif             = [ 'bridge=eth0,mac=00:16:3e:38:d4:15' ]
        on_poweroff     = 'destroy'
        on_reboot       = 'restart'
        on_crash        = 'restart'
        boot            = 'c'
        vnc             = 1
        vncviewer       = 0
        vnclisten       = ''
        sdl             = 0

        """;
}
