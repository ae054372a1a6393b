/* SPDX-License-Identifier: MIT */
/*
 * Base types shared by every module of libdrawdown: the status codes that
 * fallible functions return, and the diagnostics list that carries located
 * messages (file, line, column, field path) back to the caller. The library
 * never prints; the command-line shell renders diagnostics.
 */
#ifndef DRAWDOWN_BASE_H
#define DRAWDOWN_BASE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, text): every status the library returns. */
#define DD_STATUS_MAP(X)                                   \
    X(OK, "success")                                       \
    X(ENOMEM, "out of memory")                             \
    X(EINPUT, "invalid input")                             \
    X(EIO, "input/output error")                           \
    X(EINFEASIBLE, "no feasible solution")                 \
    X(ELIMIT, "limit reached")                             \
    X(EARG, "invalid argument")

typedef enum dd_status {
#define DD_STATUS_ENUM(name, text) DD_##name,
    DD_STATUS_MAP(DD_STATUS_ENUM)
#undef DD_STATUS_ENUM
        DD_STATUS_COUNT
} dd_status;

/* Static text for a status; never NULL. */
const char *dd_status_str(dd_status s);

typedef enum dd_severity { DD_SEV_ERROR, DD_SEV_WARNING, DD_SEV_NOTE } dd_severity;

/*
 * One located message. `file` and `path` and `message` are owned by the
 * dd_diags list that holds the entry. line and col are 1-based; 0 means
 * unknown. `source_line` is the text of the offending line (without its
 * newline) when known, else NULL, for the caret display.
 */
typedef struct dd_diag {
    dd_severity severity;
    char *file;
    uint32_t line;
    uint32_t col;
    char *path;    /* field path, e.g. "sites[1].mog.C17"; may be "" */
    char *message;
    char *source_line;
} dd_diag;

/*
 * A bounded list of diagnostics. Once `max` errors are held, further ones
 * are counted in n_dropped but not stored. Caller-owned: dd_diags_init /
 * dd_diags_fini. Not thread-safe.
 */
typedef struct dd_diags {
    dd_diag *items;
    size_t n_items;
    size_t cap;
    size_t max;
    size_t n_errors;
    size_t n_dropped;
    int oom; /* set when an allocation for a diagnostic failed */
} dd_diags;

#define DD_DIAGS_DEFAULT_MAX 50

void dd_diags_init(dd_diags *d, size_t max);
void dd_diags_fini(dd_diags *d);
/*
 * Append a diagnostic (printf-style message). file, path, source_line are
 * copied; any may be NULL. Never fails visibly: on OOM sets d->oom.
 */
void dd_diags_add(dd_diags *d, dd_severity sev, const char *file, uint32_t line,
                  uint32_t col, const char *path, const char *source_line,
                  const char *fmt, ...) __attribute__((format(printf, 8, 9)));
/* Sort by file, line, column (stable), so reports read top to bottom. */
void dd_diags_sort(dd_diags *d);

/*
 * Write a file atomically: `write` fills a temporary file beside path,
 * which is flushed to disk and renamed over it. On failure (the writer's
 * status, or DD_EIO) nothing changes at path. DD_ENOMEM.
 */
dd_status dd_write_atomic(const char *path, dd_status (*write)(FILE *f, const void *ctx),
                          const void *ctx);

#ifdef __cplusplus
}
#endif
#endif
