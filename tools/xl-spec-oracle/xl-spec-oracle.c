/*
 * xl-spec-oracle: runs Debian's libxlutil (Xen 4.17) spec parsers on many inputs so
 * Xeno's C# parsers can be compared against the real thing (differential tests).
 *
 * Usage: xl-spec-oracle disk|rate|sscanf-dp|strtoul0 < records
 *   stdin:  records terminated by '\0'; in "disk" mode a record may hold several
 *           specs separated by '\x01' (passed together, as `xl block-attach` does).
 *   stdout: per record, "key=value" lines (values escaped: \\ \n \xHH), the report
 *           lines libxlutil printed as "err=..." lines, then "=END=".
 * Each record is parsed in a forked child so a fatal exit inside the library (flex's
 * "scanner jammed") is reported as "exit=N" instead of ending the whole batch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libxl.h>
#include <libxlutil.h>

static void put_escaped(FILE *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\\') fputs("\\\\", out);
        else if (c == '\n') fputs("\\n", out);
        else if (c < 0x20 || c >= 0x7f) fprintf(out, "\\x%02x", c);
        else fputc(c, out);
    }
}

static void put_str(const char *key, const char *value)
{
    printf("%s=", key);
    if (value) put_escaped(stdout, value); else fputs("(NULL)", stdout);
    putchar('\n');
}

/* Prints the report text one "err=" line per line. */
static void put_report(char *text)
{
    char *line = text;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = 0;
        put_str("err", line);
        line = nl ? nl + 1 : NULL;
    }
}

static void run_disk(char *record)
{
    const char *specs[256];
    int n = 0;
    char *p = record;
    for (;;) {
        char *sep = strchr(p, '\x01');
        if (n < 256) specs[n++] = p;
        if (!sep) break;
        *sep = 0;
        p = sep + 1;
    }

    char *report = NULL;
    size_t report_len = 0;
    FILE *rf = open_memstream(&report, &report_len);
    XLU_Config *cfg = xlu_cfg_init(rf, "oracle.cfg");
    libxl_device_disk disk;
    libxl_device_disk_init(&disk);
    int rc = xlu_disk_parse(cfg, n, specs, &disk);
    fclose(rf);

    printf("rc=%d\n", rc);
    put_str("backend_domname", disk.backend_domname);
    put_str("pdev_path", disk.pdev_path);
    put_str("vdev", disk.vdev);
    printf("backend=%d\n", (int)disk.backend);
    printf("format=%d\n", (int)disk.format);
    put_str("script", disk.script);
    printf("removable=%d\n", disk.removable);
    printf("readwrite=%d\n", disk.readwrite);
    printf("is_cdrom=%d\n", disk.is_cdrom);
    printf("direct_io_safe=%d\n", (int)disk.direct_io_safe);
    printf("discard_enable=%s\n", libxl_defbool_to_string(disk.discard_enable));
    printf("specification=%d\n", (int)disk.specification);
    printf("colo_enable=%s\n", libxl_defbool_to_string(disk.colo_enable));
    put_str("colo_host", disk.colo_host);
    printf("colo_port=%d\n", disk.colo_port);
    put_str("colo_export", disk.colo_export);
    put_str("active_disk", disk.active_disk);
    put_str("hidden_disk", disk.hidden_disk);
    printf("trusted=%s\n", libxl_defbool_to_string(disk.trusted));
    put_report(report);
    free(report);
}

static void run_rate(char *record)
{
    char *report = NULL;
    size_t report_len = 0;
    FILE *rf = open_memstream(&report, &report_len);
    XLU_Config *cfg = xlu_cfg_init(rf, "oracle.cfg");
    libxl_device_nic nic;
    libxl_device_nic_init(&nic);
    errno = 0;
    int rc = xlu_vif_parse_rate(cfg, record, &nic);
    fclose(rf);
    printf("rc=%d\n", rc);
    printf("bytes=%llu\n", (unsigned long long)nic.rate_bytes_per_interval);
    printf("usecs=%u\n", (unsigned)nic.rate_interval_usecs);
    put_report(report);
    free(report);
}

/* libc primitives that Xen's vdev decoding relies on, to check our emulation. */
static void run_sscanf_dp(char *record)
{
    int disk = -7, partition = -7, used = -1;
    int n = sscanf(record, "d%ip%i%n", &disk, &partition, &used);
    printf("n=%d\ndisk=%d\npartition=%d\nused=%d\n", n, disk, partition, used);
}

static void run_strtoul0(char *record)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(record, &end, 0);
    printf("value=%lu\nerrno=%d\nrest=%zu\n", v, errno, strlen(end));
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s disk|rate|sscanf-dp|strtoul0 < records\n", argv[0]);
        return 2;
    }
    void (*run)(char *);
    if (!strcmp(argv[1], "disk")) run = run_disk;
    else if (!strcmp(argv[1], "rate")) run = run_rate;
    else if (!strcmp(argv[1], "sscanf-dp")) run = run_sscanf_dp;
    else if (!strcmp(argv[1], "strtoul0")) run = run_strtoul0;
    else { fprintf(stderr, "unknown mode %s\n", argv[1]); return 2; }

    char *record = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getdelim(&record, &cap, '\0', stdin)) > 0) {
        if (record[len - 1] != '\0') record[len] = 0; /* last record without terminator */
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) { perror("fork"); return 1; }
        if (pid == 0) {
            dup2(1, 2); /* a fatal message from the library lands in our output */
            run(record);
            fflush(stdout);
            _exit(0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            printf("exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        printf("=END=\n");
    }
    free(record);
    return 0;
}
