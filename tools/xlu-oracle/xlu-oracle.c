/*
 * xlu-oracle: runs Debian's libxlutil (Xen 4.17) on one config file and prints
 * what it reports, the settings it stored and the results of typed getters.
 * Used by Xeno's differential tests as the compatibility oracle.
 *
 * usage: xlu-oracle <source-name> <config-file> [query ...]
 *   query:  string:KEY  long:KEY  bool:KEY  list:KEY  strlist:KEY  blong:KEY:MIN:MAX
 *           prefix "quiet-" passes dont_warn=1
 *
 * Output (all on stdout, in order; libxlutil's report stream is stdout too):
 *   <lines libxlutil prints while parsing>
 *   rc <errno returned by xlu_cfg_readdata>
 *   set <name> <op> <lineno> <value>        one per stored setting, oldest first
 *   query <query>                           then libxlutil's warnings, then
 *   result <rc> [<value>]
 * A value is "<escaped bytes>"@<line> or [<value>,...]@<line>; bytes outside
 * 0x20..0x7e and the characters " and \ are written as \xHH.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

/* The library's public types (libxlutil.h) and its internal layout
 * (libxlu_internal.h of 4.17), declared here so no -dev package is needed. */
typedef struct { int first_line, first_column, last_line, last_column; } Loc;
typedef struct Value Value;
typedef struct { int avalues, nvalues; Value **values; } List;
struct Value { int type; /* 0 string, 1 list */ union { char *string; List list; } u; Loc loc; };
typedef struct Setting { struct Setting *next; char *name; Value *value; int op; int lineno; } Setting;
typedef struct { Setting *settings; FILE *report; char *config_source; } Config;
typedef struct { int val; } defbool;

Config *xlu_cfg_init(FILE *report, const char *report_filename);
int xlu_cfg_readdata(Config *, const char *data, int length);
int xlu_cfg_get_string(const Config *, const char *n, const char **value_r, int dont_warn);
int xlu_cfg_get_long(const Config *, const char *n, long *value_r, int dont_warn);
int xlu_cfg_get_bounded_long(const Config *, const char *n, long min, long max, long *value_r, int dont_warn);
int xlu_cfg_get_defbool(const Config *, const char *n, defbool *b, int dont_warn);
int xlu_cfg_get_list(const Config *, const char *n, List **list_r, int *entries_r, int dont_warn);
int xlu_cfg_get_list_as_string_list(const Config *, const char *n, char ***sl, int dont_warn);
const char *xlu_cfg_get_listitem(const List *, int entry);

static void put_string(const char *s) {
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\') printf("\\x%02x", *p);
        else putchar(*p);
    }
    putchar('"');
}

static void put_value(const Value *v) {
    if (!v) { printf("null"); return; }
    if (v->type == 0) {
        put_string(v->u.string);
    } else {
        putchar('[');
        for (int i = 0; i < v->u.list.nvalues; i++) {
            if (i) putchar(',');
            put_value(v->u.list.values[i]);
        }
        putchar(']');
    }
    printf("@%d.%d", v->loc.first_line, v->loc.first_column);
}

static void put_settings(const Setting *s) {
    if (!s) return;
    put_settings(s->next); /* the library prepends, print oldest first */
    printf("set %s %d %d ", s->name, s->op, s->lineno);
    put_value(s->value);
    putchar('\n');
}

static void run_query(const Config *cfg, const char *q) {
    int quiet = 0;
    const char *k = q;
    printf("query %s\n", q);
    fflush(stdout);
    if (!strncmp(k, "quiet-", 6)) { quiet = 1; k += 6; }
    const char *colon = strchr(k, ':');
    if (!colon) { printf("result bad-query\n"); return; }
    size_t kl = (size_t)(colon - k);
    const char *key = colon + 1;
    int rc;
    if (kl == 6 && !strncmp(k, "string", 6)) {
        const char *v = 0;
        rc = xlu_cfg_get_string(cfg, key, &v, quiet);
        printf("result %d", rc);
        if (!rc) { putchar(' '); put_string(v); }
    } else if (kl == 4 && !strncmp(k, "long", 4)) {
        long v = 0;
        rc = xlu_cfg_get_long(cfg, key, &v, quiet);
        printf("result %d", rc);
        if (!rc) printf(" %ld", v);
    } else if (kl == 5 && !strncmp(k, "blong", 5)) {
        char name[256]; long mn, mx, v = 0;
        if (sscanf(key, "%255[^:]:%ld:%ld", name, &mn, &mx) != 3) { printf("result bad-query\n"); return; }
        rc = xlu_cfg_get_bounded_long(cfg, name, mn, mx, &v, quiet);
        printf("result %d", rc);
        if (!rc) printf(" %ld", v);
    } else if (kl == 4 && !strncmp(k, "bool", 4)) {
        defbool b = { 0 };
        rc = xlu_cfg_get_defbool(cfg, key, &b, quiet);
        printf("result %d", rc);
        if (!rc) printf(" %s", b.val > 0 ? "true" : "false");
    } else if (kl == 4 && !strncmp(k, "list", 4)) {
        List *l = 0; int n = 0;
        rc = xlu_cfg_get_list(cfg, key, &l, &n, quiet);
        printf("result %d", rc);
        if (!rc) {
            printf(" %d", n);
            for (int i = 0; i < n; i++) {
                const char *it = xlu_cfg_get_listitem(l, i);
                putchar(' ');
                if (it) put_string(it); else printf("null");
            }
        }
    } else if (kl == 7 && !strncmp(k, "strlist", 7)) {
        char **sl = 0;
        rc = xlu_cfg_get_list_as_string_list(cfg, key, &sl, quiet);
        printf("result %d", rc);
        if (!rc) {
            int n = 0;
            while (sl[n]) n++;
            printf(" %d", n);
            for (int i = 0; i < n; i++) { putchar(' '); put_string(sl[i]); }
        }
    } else {
        printf("result bad-query");
    }
    putchar('\n');
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: xlu-oracle <source-name> <config-file> [query ...]\n"); return 2; }
    FILE *f = fopen(argv[2], "rb");
    if (!f) { perror(argv[2]); return 2; }
    size_t cap = 1 << 16, len = 0;
    char *data = malloc(cap);
    size_t n;
    while ((n = fread(data + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) data = realloc(data, cap *= 2);
    }
    fclose(f);
    setvbuf(stdout, NULL, _IONBF, 0);
    Config *cfg = xlu_cfg_init(stdout, argv[1]);
    int rc = xlu_cfg_readdata(cfg, data, (int)len);
    printf("rc %d\n", rc);
    put_settings(cfg->settings);
    for (int i = 3; i < argc; i++) run_query(cfg, argv[i]);
    return 0;
}
