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
/* For a command that failed with --json, so that a machine always gets an
 * answer: {"format": FORMAT, "version": 1, KEY: SUBJECT, "ok": false,
 * "errors": [messages]} on one line. */
dd_status dd_diags_write_json(const dd_diags *d, const char *format, const char *key,
                              const char *subject, FILE *f);

/*
 * Outputs (every file a command writes goes through these):
 *  - "-" is standard output;
 *  - a character device, FIFO or socket is opened and written directly,
 *    never replaced;
 *  - otherwise the path is followed through symbolic links to its target,
 *    which is written atomically: a temporary file beside it (the existing
 *    target's mode, else 0666 less the umask), flushed to disk, renamed
 *    over the target, the folder flushed. On failure the target is as it
 *    was and no temporary file remains.
 * `inputs` (n_inputs paths, NULL entries skipped) are the files the
 * command reads; an output that is one of them (same device and inode) is
 * refused with DD_EARG. A missing folder is DD_EIO ("no such folder: X").
 * Every failure adds one message for `path` to `diags` (which may be NULL).
 */
typedef struct dd_output dd_output;

/* The checks of dd_output_open alone, to refuse an output before the work
 * that fills it. Writes nothing. */
dd_status dd_output_check(const char *path, const char *const *inputs, size_t n_inputs,
                          dd_diags *diags);
/* Open an output; write to dd_output_stream(*out), then dd_output_close. */
dd_status dd_output_open(const char *path, const char *const *inputs, size_t n_inputs,
                         dd_diags *diags, dd_output **out);
/* The stream to write to; owned by the output (never fclose it). */
FILE *dd_output_stream(const dd_output *o);
/*
 * Finish an output and free it: when `st` (the writing's status) is DD_OK,
 * flush and put the file in place; otherwise discard it. Returns the final
 * status (DD_EIO when flushing or renaming fails). o NULL returns st.
 */
dd_status dd_output_close(dd_output *o, dd_status st, dd_diags *diags);
/* Open, call `write`, close. */
dd_status dd_write_file(const char *path, const char *const *inputs, size_t n_inputs,
                        dd_status (*write)(FILE *f, const void *ctx), const void *ctx,
                        dd_diags *diags);
/* dd_write_file with no inputs and no messages (kept for older callers). */
dd_status dd_write_atomic(const char *path, dd_status (*write)(FILE *f, const void *ctx),
                          const void *ctx);

/*
 * Reading an input file whole (every reader's files go through this): a
 * FIFO, device, socket or folder is refused without waiting on it, a file
 * larger than max_bytes is refused, and the text read is NUL-terminated
 * (*len_out bytes before the NUL). The buffer comes from alloc(user, size)
 * (dd_read_file_malloc: malloc; the caller frees). On DD_EIO, *why_out is
 * a static phrase saying why ("No such file or directory", "a FIFO, not a
 * regular file"); DD_ENOMEM when alloc fails.
 */
#define DD_READ_MAX ((size_t)1 << 30) /* 1 GiB: no scenario, inventory or plan is near */
dd_status dd_read_file(const char *path, size_t max_bytes,
                       void *(*alloc)(void *user, size_t size), void *user, char **text_out,
                       size_t *len_out, const char **why_out);
dd_status dd_read_file_malloc(const char *path, size_t max_bytes, char **text_out,
                              size_t *len_out, const char **why_out);

#ifdef __cplusplus
}
#endif
#endif
