/*
 * xl-shim: an LD_PRELOAD library that lets Debian's real `xl` (Xen 4.17) run its config and
 * argument parsing on a machine without a hypervisor, so Xeno's tests can use xl itself as
 * the reference for the parsing that lives in xl (vif specs, cpu lists, memory sizes).
 *
 * It replaces the few libxenlight entry points that would talk to Xen with stand-ins for a
 * fixed host (4 CPUs; node 0 = CPUs 0-1, node 1 = CPUs 2-3), and prints what xl parsed:
 *  - `xl -N create cfg`: one "nic ..." line per vif and "cpus=" lines for vCPU affinity
 *    (from the dry-run's JSON step); before each vif is parsed, "@@nic <n>" goes to stderr
 *    so xl's messages can be attributed to the vif that caused them;
 *  - `xl mem-set 0 <size>` / `xl network-attach 0 <args>`: "memkb=" / "nic ..." lines;
 *  - `xl block-detach 0 <vdev>`: libxl turns the vdev into a device number and reads
 *    "/libxl/1/device/vbd/<devid>/..." from xenstore; each read is printed as "xs_read <path>".
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxl.h>
#include <libxl_utils.h>
#include <xenstore.h>

#define HOST_CPUS 4

static char fake_ctx[1 << 16];
static int nics_seen;

int libxl_ctx_alloc(libxl_ctx **pctx, int version, unsigned flags, xentoollog_logger *lg)
{
    (void)version; (void)flags; (void)lg;
    *pctx = (libxl_ctx *)fake_ctx;
    return 0;
}

int libxl_ctx_free(libxl_ctx *ctx) { (void)ctx; return 0; }

void libxl_childproc_setmode(libxl_ctx *ctx, const libxl_childproc_hooks *hooks, void *user)
{
    (void)ctx; (void)hooks; (void)user;
}

const libxl_version_info *libxl_get_version_info(libxl_ctx *ctx)
{
    static libxl_version_info v;
    (void)ctx;
    v.xen_version_major = 4;
    v.xen_version_minor = 17;
    v.xen_version_extra = ".0";
    v.compiler = v.compile_by = v.compile_domain = v.compile_date = v.changeset = "shim";
    v.capabilities = "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_64";
    v.pagesize = 4096;
    v.commandline = v.build_id = "";
    return &v;
}

int libxl_get_physinfo(libxl_ctx *ctx, libxl_physinfo *p)
{
    (void)ctx;
    memset(p, 0, sizeof(*p));
    p->nr_cpus = HOST_CPUS;
    p->max_cpu_id = HOST_CPUS - 1;
    p->nr_nodes = 2;
    p->threads_per_core = 1;
    p->cores_per_socket = HOST_CPUS;
    return 0;
}

int libxl_get_max_cpus(libxl_ctx *ctx) { (void)ctx; return HOST_CPUS; }
int libxl_get_max_nodes(libxl_ctx *ctx) { (void)ctx; return 2; }
int libxl_get_online_cpus(libxl_ctx *ctx) { (void)ctx; return HOST_CPUS; }

int libxl_cpu_bitmap_alloc(libxl_ctx *ctx, libxl_bitmap *map, int max_cpus)
{
    return libxl_bitmap_alloc(ctx, map, max_cpus > 0 ? max_cpus : HOST_CPUS);
}

int libxl_node_bitmap_alloc(libxl_ctx *ctx, libxl_bitmap *map, int max_nodes)
{
    return libxl_bitmap_alloc(ctx, map, max_nodes > 0 ? max_nodes : 2);
}

int libxl_node_to_cpumap(libxl_ctx *ctx, int node, libxl_bitmap *cpumap)
{
    (void)ctx;
    for (int cpu = 0; cpu < HOST_CPUS; cpu++) libxl_bitmap_reset(cpumap, cpu);
    if (node == 0 || node == 1) {
        libxl_bitmap_set(cpumap, node * 2);
        libxl_bitmap_set(cpumap, node * 2 + 1);
    }
    return 0;
}

int libxl_domain_qualifier_to_domid(libxl_ctx *ctx, const char *name, uint32_t *domid)
{
    (void)ctx; (void)name;
    *domid = 1;
    return 0;
}

void libxl_device_nic_init(libxl_device_nic *nic)
{
    static void (*real)(libxl_device_nic *);
    if (!real) real = (void (*)(libxl_device_nic *))dlsym(RTLD_NEXT, "libxl_device_nic_init");
    fflush(stdout);
    fprintf(stderr, "@@nic %d\n", nics_seen++);
    real(nic);
}

static void put(const char *key, const char *value)
{
    printf(" %s=", key);
    if (!value) { fputs("(NULL)", stdout); return; }
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (*p == '\\') fputs("\\\\", stdout);
        else if (*p < 0x21 || *p >= 0x7f) printf("\\x%02x", *p);
        else putchar(*p);
    }
}

static void print_nic(const libxl_device_nic *n)
{
    printf("nic devid=%d mtu=%d type=%d mac=%02x:%02x:%02x:%02x:%02x:%02x", n->devid, n->mtu, (int)n->nictype,
           n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
    put("bridge", n->bridge);
    put("ip", n->ip);
    put("script", n->script);
    put("model", n->model);
    put("ifname", n->ifname);
    put("backend", n->backend_domname);
    put("gatewaydev", n->gatewaydev);
    put("forwarddev", n->coloft_forwarddev);
    put("colo_checkpoint_host", n->colo_checkpoint_host);
    printf(" rate=%llu,%u trusted=%s\n", (unsigned long long)n->rate_bytes_per_interval,
           n->rate_interval_usecs, libxl_defbool_to_string(n->trusted));
}

static void print_cpus(const char *what, const libxl_bitmap *maps, int n)
{
    for (int v = 0; v < n; v++) {
        printf("%s%d=", what, v);
        const char *sep = "";
        for (int cpu = 0; cpu < HOST_CPUS; cpu++)
            if (libxl_bitmap_test(&maps[v], cpu)) { printf("%s%d", sep, cpu); sep = ","; }
        putchar('\n');
    }
}

/* The dry run prints the parsed config as JSON; we print the parts under test instead. */
char *libxl_domain_config_to_json(libxl_ctx *ctx, libxl_domain_config *d)
{
    (void)ctx;
    for (int i = 0; i < d->num_nics; i++) print_nic(&d->nics[i]);
    print_cpus("cpus", d->b_info.vcpu_hard_affinity, d->b_info.num_vcpu_hard_affinity);
    fflush(stdout);
    return strdup("");
}

int libxl_device_nic_add(libxl_ctx *ctx, uint32_t domid, libxl_device_nic *nic,
                         const libxl_asyncop_how *ao_how)
{
    (void)ctx; (void)domid; (void)ao_how;
    print_nic(nic);
    fflush(stdout);
    return 0;
}

int libxl_set_memory_target(libxl_ctx *ctx, uint32_t domid, int64_t target_memkb, int relative, int enforce)
{
    (void)ctx; (void)domid; (void)relative; (void)enforce;
    printf("memkb=%lld\n", (long long)target_memkb);
    fflush(stdout);
    return 0;
}

char *libxl_domid_to_name(libxl_ctx *ctx, uint32_t domid)
{
    (void)ctx; (void)domid;
    return strdup("guest");
}

/* Xenstore reads (only block-detach gets here): the vbd directory exists, nothing else. */
void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *len)
{
    (void)h; (void)t;
    printf("xs_read %s\n", path);
    fflush(stdout);
    /* A device's own node: the device number is known, which is all we want. */
    if (!strncmp(path, "/libxl/1/device/vbd/", 20)) _exit(0);
    size_t n = strlen(path);
    if (n >= 4 && !strcmp(path + n - 4, "/vbd")) {
        if (len) *len = 0;
        return strdup("");
    }
    errno = ENOENT; /* "not there", which libxl accepts quietly */
    return NULL;
}
