/* SPDX-License-Identifier: MIT */
/*
 * Document tree from libfyaml events (see ytree.h). libfyaml does the
 * lexing and parsing; this file only keeps what the loader needs: kinds,
 * text, and 1-based positions. Anchors and aliases are resolved to shared
 * nodes; merge keys are not supported (they are rare in scenarios).
 */
#include "read/ytree.h"

#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

typedef struct anchor {
    const char *name;
    size_t len;
    dd_ynode *node;
} anchor;

typedef struct builder {
    dd_arena *arena;
    const char *file;
    const char *text;
    size_t len;
    dd_diags *diags;
    /* the children of every open container, one after the other on one
     * growable stack (keys and values interleaved for maps); a container
     * copies its own, at their exact size, into the arena when it closes,
     * so a large document wastes no half-filled arrays */
    dd_ynode **kids;
    size_t n_kids, cap_kids;
    struct frame {
        dd_ynode *node;
        size_t start; /* its first child on the stack */
    } stack[MAX_DEPTH];
    int depth;
    anchor *anchors;
    size_t n_anchors, cap_anchors;
    bool failed; /* an error was reported; parsing goes on to find more */
    dd_lines lines;
} builder;

static void copy_line(const char *text, size_t len, size_t i, char *buf, size_t size)
{
    size_t j = i;
    while (j < len && text[j] != '\n' && text[j] != '\r')
        j++;
    size_t n = j - i;
    if (size == 0)
        return;
    if (n >= size)
        n = size - 1;
    memcpy(buf, text + i, n);
    buf[n] = '\0';
}

void dd__source_line(const char *text, size_t len, uint32_t line, char *buf, size_t size)
{
    size_t i = 0;
    uint32_t l = 1;
    while (i < len && l < line) {
        if (text[i] == '\n')
            l++;
        i++;
    }
    copy_line(text, len, i, buf, size);
}

void dd__text_position(const char *text, size_t offset, uint32_t *line_out, uint32_t *col_out)
{
    uint32_t line = 1, col = 1;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            col++; /* columns count characters, not UTF-8 continuation bytes */
        }
    }
    *line_out = line;
    *col_out = col;
}

#define LINES_STRIDE 32

void dd__lines_get(dd_lines *c, dd_arena *arena, const char *text, size_t len, uint32_t line,
                   char *buf, size_t size)
{
    unsigned k = 0;
    while (k < DD_LINES_TEXTS && c->t[k].text != text)
        k++;
    if (k == DD_LINES_TEXTS) {
        /* index this text: count the lines, then note every stride-th start */
        size_t lines = 1;
        for (const char *p = text; (p = memchr(p, '\n', len - (size_t)(p - text))) != NULL;
             p++)
            lines++;
        size_t n = (lines + LINES_STRIDE - 1) / LINES_STRIDE;
        size_t *starts = arena ? dd__arena_array(arena, n, sizeof *starts) : NULL;
        if (!starts) {
            dd__source_line(text, len, line, buf, size);
            return;
        }
        size_t l = 0, m = 0;
        starts[m++] = 0;
        for (size_t i = 0; i < len && m < n; i++)
            if (text[i] == '\n' && ++l % LINES_STRIDE == 0)
                starts[m++] = i + 1;
        k = c->next++ % DD_LINES_TEXTS;
        c->t[k].text = text;
        c->t[k].starts = starts;
        c->t[k].n = m;
    }
    size_t blk = line ? (size_t)(line - 1) / LINES_STRIDE : 0;
    if (blk >= c->t[k].n) {
        copy_line(text, len, len, buf, size); /* past the end: empty */
        return;
    }
    size_t i = c->t[k].starts[blk];
    for (uint32_t l = (uint32_t)(blk * LINES_STRIDE) + 1; l < line && i < len; i++)
        if (text[i] == '\n')
            l++;
    copy_line(text, len, i, buf, size);
}

bool dd__diags_full(const dd_diags *d)
{
    return d->n_items >= d->max;
}

static void error_at(builder *b, uint32_t line, uint32_t col, const char *msg)
{
    char src[512] = "";
    if (!dd__diags_full(b->diags))
        dd__lines_get(&b->lines, b->arena, b->text, b->len, line, src, sizeof src);
    dd_diags_add(b->diags, DD_SEV_ERROR, b->file, line, col, "", src, "%s", msg);
    b->failed = true;
}

static dd_ynode *new_node(builder *b, dd_ykind kind, const struct fy_mark *m)
{
    dd_ynode *n = dd__arena_alloc(b->arena, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->line = m ? (uint32_t)m->line + 1 : 0;
    n->col = m ? (uint32_t)m->column + 1 : 0;
    n->text = "";
    return n;
}

static bool remember_anchor(builder *b, struct fy_token *tok, dd_ynode *node)
{
    if (!tok)
        return true;
    size_t len;
    const char *name = fy_token_get_text(tok, &len);
    if (!name)
        return false;
    if (b->n_anchors == b->cap_anchors) {
        size_t cap = b->cap_anchors ? 2 * b->cap_anchors : 8;
        anchor *a = dd__arena_array(b->arena, cap, sizeof *a);
        if (!a)
            return false;
        if (b->n_anchors)
            memcpy(a, b->anchors, b->n_anchors * sizeof *a);
        b->anchors = a;
        b->cap_anchors = cap;
    }
    char *copy = dd__arena_strndup(b->arena, name, len);
    if (!copy)
        return false;
    b->anchors[b->n_anchors++] = (anchor){copy, len, node};
    return true;
}

static dd_ynode *find_anchor(builder *b, struct fy_token *tok)
{
    size_t len;
    const char *name = tok ? fy_token_get_text(tok, &len) : NULL;
    if (!name)
        return NULL;
    for (size_t i = b->n_anchors; i-- > 0;)
        if (b->anchors[i].len == len && memcmp(b->anchors[i].name, name, len) == 0)
            return b->anchors[i].node;
    return NULL;
}

/* Append a finished node to the open container (or make it the root). */
static bool add_child(builder *b, dd_ynode *child, dd_ynode **root)
{
    if (b->depth == 0) {
        if (!*root)
            *root = child;
        return true;
    }
    dd_ynode **k = dd__grow(b->kids, &b->cap_kids, b->n_kids, 256, sizeof *k);
    if (!k)
        return false;
    b->kids = k;
    b->kids[b->n_kids++] = child;
    return true;
}


#define DUP_SCAN_MAX 32 /* keys of a map compared pairwise; more are sorted */

static void duplicate(builder *b, const dd_ynode *k, const dd_ynode *first)
{
    char msg[256];
    snprintf(msg, sizeof msg, "duplicate key '%.120s' (first at line %u)", k->text, first->line);
    error_at(b, k->line, k->col, msg);
}

static int key_order(const void *a, const void *b)
{
    const dd_ynode *x = *(const dd_ynode *const *)a, *y = *(const dd_ynode *const *)b;
    int c = strcmp(x->text, y->text);
    if (c)
        return c;
    /* equal keys in the order written, so the first is reported as first */
    return x->line != y->line ? (x->line < y->line ? -1 : 1)
                              : (x->col < y->col ? -1 : x->col > y->col);
}

static bool duplicates_sorted(builder *b, const dd_ynode *map)
{
    const dd_ynode **keys = malloc(map->n * sizeof *keys);
    if (!keys)
        return false;
    size_t m = 0;
    for (size_t i = 0; i < map->n; i++)
        if (map->pairs[i].key->kind == DD_Y_SCALAR)
            keys[m++] = map->pairs[i].key;
    qsort(keys, m, sizeof *keys, key_order);
    for (size_t i = 1, first = 0; i < m; i++) {
        if (strcmp(keys[i]->text, keys[first]->text) == 0)
            duplicate(b, keys[i], keys[first]);
        else
            first = i;
    }
    free(keys);
    return true;
}

static bool close_container(builder *b)
{
    struct frame *f = &b->stack[--b->depth];
    dd_ynode *n = f->node;
    size_t n_kids = b->n_kids - f->start;
    dd_ynode **kids = n_kids ? b->kids + f->start : NULL; /* none pushed yet: NULL */
    b->n_kids = f->start;
    if (n->kind == DD_Y_SEQ) {
        n->items = dd__arena_array(b->arena, n_kids ? n_kids : 1, sizeof *n->items);
        if (!n->items)
            return false;
        if (n_kids)
            memcpy(n->items, kids, n_kids * sizeof *kids);
        n->n = (uint32_t)n_kids;
        return true;
    }
    n->n = (uint32_t)(n_kids / 2);
    n->pairs = dd__arena_array(b->arena, n->n ? n->n : 1, sizeof *n->pairs);
    if (!n->pairs)
        return false;
    for (size_t i = 0; i < n->n; i++) {
        dd_ynode *k = kids[2 * i];
        n->pairs[i].key = k;
        n->pairs[i].value = kids[2 * i + 1];
        dd_ynode *v = n->pairs[i].value;
        if (v->line == 0) {
            /* an empty value has no mark of its own: point after its key */
            v->line = k->line;
            v->col = k->col + (uint32_t)k->len + 1;
        }
        if (k->kind != DD_Y_SCALAR) {
            error_at(b, k->line, k->col, "keys must be plain names");
            continue;
        }
        for (size_t j = 0; j < i && n->n <= DUP_SCAN_MAX; j++) {
            dd_ynode *o = n->pairs[j].key;
            if (o->kind == DD_Y_SCALAR && strcmp(o->text, k->text) == 0) {
                duplicate(b, k, o);
                break;
            }
        }
    }
    /* a large map (a file of 20,000 keys) is checked by sorting, not by
     * comparing each key with every earlier one */
    return n->n <= DUP_SCAN_MAX || duplicates_sorted(b, n);
}

/* Offset of the first byte that breaks UTF-8, or len: well-formed
 * sequences only (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF), since libfyaml can loop on malformed ones. */
static size_t bad_utf8(const unsigned char *t, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = t[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
        if (c >= 0xC2 && c <= 0xDF)
            n = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            return i;
        }
        if (i + n >= len)
            return i;
        if (t[i + 1] < lo || t[i + 1] > hi)
            return i;
        for (size_t k = 2; k <= n; k++)
            if ((t[i + k] & 0xC0) != 0x80)
                return i;
        i += n + 1;
    }
    return len;
}

/* A NUL would end the text early for libfyaml's scalars (a plan's
 * "AB101\0EVIL" read as "AB101"): no text file holds one. A scenario is
 * UTF-8; libfyaml can loop forever on some malformed bytes (found by
 * fuzz_scenario: "%\xbb"), so they stop here too. */
static bool text_ok(builder *b)
{
    uint32_t line, col;
    const char *nul = memchr(b->text, '\0', b->len);
    if (nul) {
        dd__text_position(b->text, (size_t)(nul - b->text), &line, &col);
        error_at(b, line, col, "a NUL byte: this is not a text file (binary, or saved as "
                               "UTF-16?); save it as UTF-8 text");
        return false;
    }
    size_t bad = bad_utf8((const unsigned char *)b->text, b->len);
    if (bad < b->len) {
        dd__text_position(b->text, bad, &line, &col);
        char msg[64];
        snprintf(msg, sizeof msg, "invalid UTF-8 (byte 0x%02X); save the file as UTF-8",
                 (unsigned)(unsigned char)b->text[bad]);
        error_at(b, line, col, msg);
        return false;
    }
    return true;
}

static void error_at_mark(builder *b, const struct fy_mark *m, const char *msg)
{
    error_at(b, m ? (uint32_t)m->line + 1 : 0, m ? (uint32_t)m->column + 1 : 0, msg);
}

static bool add_scalar(builder *b, struct fy_event *e, const struct fy_mark *m,
                       dd_ynode **root)
{
    dd_ynode *node = new_node(b, DD_Y_SCALAR, m);
    size_t tl = 0;
    const char *t = node ? fy_token_get_text(e->scalar.value, &tl) : NULL;
    if (!node || (!t && tl))
        return false;
    if (t && memchr(t, '\0', tl)) {
        /* an escaped NUL (\u0000, \0) would cut the string short where it
         * is used: "AB101\u0000EVIL" read as "AB101" */
        error_at(b, node->line, node->col, "a NUL character (\\u0000) in a string");
        tl = 0;
    }
    node->text = dd__arena_strndup(b->arena, t ? t : "", tl);
    node->len = (uint32_t)tl;
    node->quoted = fy_token_scalar_style(e->scalar.value) != FYSS_PLAIN;
    return node->text && remember_anchor(b, e->scalar.anchor, node) &&
           add_child(b, node, root);
}

/* One parser event into the tree: DD_OK, DD_ENOMEM, or DD_EINPUT when
 * parsing cannot go on (nesting too deep). */
static dd_status on_event(builder *b, struct fy_event *e, int *docs, dd_ynode **root)
{
    const struct fy_mark *m = fy_event_start_mark(e);
    bool ok = true;
    switch (e->type) {
    case FYET_DOCUMENT_START:
        if (++*docs > 1)
            error_at_mark(b, m, "only one document per scenario file");
        break;
    case FYET_SCALAR:
        ok = add_scalar(b, e, m, root);
        break;
    case FYET_ALIAS: {
        dd_ynode *target = find_anchor(b, e->alias.anchor);
        if (!target)
            error_at_mark(b, m, "alias to an unknown anchor");
        else
            ok = add_child(b, target, root);
        break;
    }
    case FYET_MAPPING_START:
    case FYET_SEQUENCE_START: {
        bool map = e->type == FYET_MAPPING_START;
        if (b->depth == MAX_DEPTH) {
            error_at_mark(b, m, "nesting too deep");
            return DD_EINPUT;
        }
        dd_ynode *node = new_node(b, map ? DD_Y_MAP : DD_Y_SEQ, m);
        if (!node)
            return DD_ENOMEM;
        struct fy_token *anc = map ? e->mapping_start.anchor : e->sequence_start.anchor;
        ok = remember_anchor(b, anc, node) && add_child(b, node, root);
        b->stack[b->depth].node = node;
        b->stack[b->depth++].start = b->n_kids;
        break;
    }
    case FYET_MAPPING_END:
    case FYET_SEQUENCE_END:
        ok = b->depth > 0 && close_container(b);
        break;
    default:
        break;
    }
    return ok ? DD_OK : DD_ENOMEM;
}

/* libfyaml's collected errors as located diagnostics (its positions are
 * 1-based). */
static void report_syntax(builder *b, struct fy_diag *fd)
{
    void *it = NULL;
    struct fy_diag_error *de;
    int reported = 0;
    while ((de = fy_diag_errors_iterate(fd, &it)) != NULL) {
        if (de->type < FYET_ERROR)
            continue;
        uint32_t line = de->line > 0 ? (uint32_t)de->line : 1;
        uint32_t col = de->column > 0 ? (uint32_t)de->column : 1;
        char msg[512];
        snprintf(msg, sizeof msg, "syntax error: %s", de->msg ? de->msg : "invalid");
        error_at(b, line, col, msg);
        reported++;
    }
    if (!reported)
        error_at(b, 1, 1, "syntax error");
}

/* Parse the text with libfyaml's event parser into the tree. */
static dd_status parse_events(builder *b, bool json, dd_ynode **root)
{
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = NULL;
    struct fy_diag *fd = fy_diag_create(&dc);
    if (!fd)
        return DD_ENOMEM;
    fy_diag_set_collect_errors(fd, true);
    struct fy_parse_cfg cfg = {
        .flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG | (json ? FYPCF_JSON_FORCE : FYPCF_JSON_NONE),
        .diag = fd};
    struct fy_parser *p = fy_parser_create(&cfg);
    if (!p) {
        fy_diag_destroy(fd);
        return DD_ENOMEM;
    }
    dd_status st = fy_parser_set_string(p, b->text, b->len) ? DD_ENOMEM : DD_OK;
    int docs = 0;
    struct fy_event *e;
    while (st == DD_OK && (e = fy_parser_parse(p)) != NULL) {
        st = on_event(b, e, &docs, root);
        fy_parser_event_free(p, e);
    }
    if (st == DD_OK && fy_parser_get_stream_error(p)) {
        report_syntax(b, fd);
        st = DD_EINPUT;
    }
    fy_parser_destroy(p);
    fy_diag_destroy(fd);
    return st;
}

dd_status dd__ytree_parse(dd_arena *arena, const char *file, const char *text, size_t len,
                          bool json, dd_diags *diags, dd_ynode **root_out)
{
    *root_out = NULL;
    builder b = {.arena = arena, .file = file, .text = text, .len = len, .diags = diags};
    if (!text_ok(&b))
        return DD_EINPUT;
    dd_ynode *root = NULL;
    dd_status st = parse_events(&b, json, &root);
    free(b.kids);
    if (st == DD_OK && b.failed)
        st = DD_EINPUT;
    if (st == DD_OK && !root) {
        root = new_node(&b, DD_Y_MAP, NULL);
        if (!root)
            return DD_ENOMEM;
        root->line = 1;
        root->col = 1;
    }
    if (st == DD_OK)
        *root_out = root;
    return st;
}
