/* The disk benchmark's guest tool (bench/Xeno.Engine.Bench/Disk): sequential 1 MiB and random
 * 4 KiB I/O on one block device with O_DIRECT, so the guest's page cache is out of the way and
 * every request reaches the virtual disk. Figures go to stdout (the guest's console) as
 *   XENO-DISKIO <test> <value> <unit> <ops> <seconds>
 * Usage: diskio DEVICE SEQ_MIB RANDOM_SECONDS [PASSES]: the four tests, PASSES times over. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* xorshift64: a fixed seed, so every run visits the same offsets. */
static uint64_t state = 88172645463325252ULL;
static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static void die(const char *what)
{
    printf("XENO-DISKIO error %s\n", what);
    fflush(stdout);
    exit(1);
}

static void sequential(int fd, char *buf, long mib, int write)
{
    const size_t block = 1 << 20;
    double start = now();
    for (long i = 0; i < mib; i++) {
        ssize_t n = write ? pwrite(fd, buf, block, (off_t)i * (off_t)block) : pread(fd, buf, block, (off_t)i * (off_t)block);
        if (n != (ssize_t)block) die(write ? "sequential write" : "sequential read");
    }
    if (write && fdatasync(fd) != 0) die("fdatasync");
    double s = now() - start;
    printf("XENO-DISKIO %s %.2f MiB/s %ld %.3f\n", write ? "seq-write" : "seq-read", (double)mib / s, mib, s);
}

static void random4k(int fd, char *buf, uint64_t size, double seconds, int write)
{
    const uint64_t blocks = size / 4096;
    long ops = 0;
    double start = now(), s;
    do {
        for (int k = 0; k < 16; k++, ops++) { /* read the clock every 16 requests */
            off_t off = (off_t)(next() % blocks) * 4096;
            ssize_t n = write ? pwrite(fd, buf, 4096, off) : pread(fd, buf, 4096, off);
            if (n != 4096) die(write ? "random write" : "random read");
        }
        s = now() - start;
    } while (s < seconds);
    printf("XENO-DISKIO %s %.1f IOPS %ld %.3f\n", write ? "rand-write" : "rand-read", (double)ops / s, ops, s);
}

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) die("usage: diskio DEVICE SEQ_MIB RANDOM_SECONDS [PASSES]");
    int passes = argc == 5 ? atoi(argv[4]) : 1;
    long mib = atol(argv[2]);
    double seconds = atof(argv[3]);
    int fd = open(argv[1], O_RDWR | O_DIRECT);
    if (fd < 0) die("open");
    uint64_t size = 0;
    struct stat st;
    if (ioctl(fd, BLKGETSIZE64, &size) != 0 && fstat(fd, &st) == 0) /* a plain file: for trying it on the host */
        size = (uint64_t)st.st_size;
    if (size < (uint64_t)mib << 20) die("device smaller than SEQ_MIB");
    char *buf;
    if (posix_memalign((void **)&buf, 4096, 1 << 20) != 0) die("memory");
    memset(buf, 0x5a, 1 << 20);
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int p = 0; p < passes; p++) {
        sequential(fd, buf, mib, 1);
        sequential(fd, buf, mib, 0);
        random4k(fd, buf, size, seconds, 0);
        random4k(fd, buf, size, seconds, 1);
    }
    if (fdatasync(fd) != 0) die("fdatasync");
    close(fd);
    return 0;
}
