/* SPDX-License-Identifier: MIT */
/*
 * A small document tree built from libfyaml's event stream, so every node
 * (mappings and sequences included) keeps its position, and every key
 * access can be tracked for "unknown field" checks. YAML and JSON read the
 * same way. Nodes live in the loader's arena.
 */
#ifndef DD_READ_YTREE_H
#define DD_READ_YTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include <drawdown/base.h>

typedef enum dd_ykind { DD_Y_SCALAR, DD_Y_MAP, DD_Y_SEQ } dd_ykind;

typedef struct dd_ynode dd_ynode;

typedef struct dd_ypair {
    dd_ynode *key;
    dd_ynode *value;
    bool used; /* set when the loader reads this key */
} dd_ypair;

/* 40 bytes: a plan file of 10^7 nodes is read into well under 1 GiB of
 * nodes (the verifier reads whole plans). */
struct dd_ynode {
    const char *text; /* scalar text, NUL-terminated */
    union {
        dd_ypair *pairs;  /* map */
        dd_ynode **items; /* seq */
    };
    dd_ykind kind;
    uint32_t line; /* 1-based */
    uint32_t col;  /* 1-based */
    uint32_t len;  /* of text */
    uint32_t n;    /* pairs (map) or items (seq) */
    bool quoted;   /* scalar written in quotes (so "null" is a string) */
};

/*
 * Parse `text` (YAML, or JSON when json is true) into a tree allocated from
 * `arena`. Syntax errors go to diags with `file` and the source line; on
 * error returns DD_EINPUT and *root_out is NULL. An empty document gives
 * an empty map.
 */
dd_status dd__ytree_parse(dd_arena *arena, const char *file, const char *text,
                          size_t len, bool json, dd_diags *diags,
                          dd_ynode **root_out);

/*
 * Where the lines of a few texts start, found once per text (every
 * LINES_STRIDE-th line; the rest by a short scan), so that locating many
 * errors costs linear time, not a rescan of the file per error. Zeroed by
 * the owner; the index lives in `arena`. Not thread-safe.
 */
#define DD_LINES_TEXTS 4
typedef struct dd_lines {
    struct {
        const char *text;
        size_t *starts; /* offset of lines 1, 1 + stride, 1 + 2 stride, ... */
        size_t n;
    } t[DD_LINES_TEXTS];
    unsigned next;
} dd_lines;
/* dd__source_line through the index of `c` (built on first use). */
void dd__lines_get(dd_lines *c, dd_arena *arena, const char *text, size_t len, uint32_t line,
                   char *buf, size_t size);
/* True when diags hold their maximum: a further message is only counted,
 * so its source line need not be found. */
bool dd__diags_full(const dd_diags *d);

/* The 1-based line and column (in characters) of byte `offset` of text. */
void dd__text_position(const char *text, size_t offset, uint32_t *line_out, uint32_t *col_out);
/* The text of 1-based line `line` of `text` copied into buf (truncated). */
void dd__source_line(const char *text, size_t len, uint32_t line, char *buf,
                     size_t size);

#endif
