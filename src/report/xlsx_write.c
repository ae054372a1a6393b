/* SPDX-License-Identifier: MIT */
/*
 * The workbook (libxlsxwriter) for load teams and planners: a summary,
 * then sorties, manifests (one row per pallet piece, bulky piece and
 * passenger group of each sortie), clearance requests, people's
 * movements, ground tasks and per-site daily figures. Every sheet has a
 * frozen, bold header row, an autofilter and set column widths; times are
 * real Excel date-times (UTC, as the plan file; the sorties sheet repeats
 * departures in local time), dates real Excel dates. Written in
 * libxlsxwriter's constant-memory mode (rows in order, flushed as they
 * go), so a 10,000-sortie plan takes little memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "model/units.h"
#include "report/brief_int.h"

#define EXCEL_1970 25569.0 /* 1970-01-01 as an Excel serial date */

typedef enum col_kind { C_STR, C_INT, C_NUM, C_TIME, C_DATE } col_kind;

typedef struct col {
    const char *title;
    double width;
    col_kind kind;
} col;

typedef struct xw {
    lxw_workbook *wb;
    lxw_format *head, *time, *date, *num;
    lxw_worksheet *ws;
    lxw_row_t row;
    lxw_col_t n_cols;
    bool failed;
    const dd_brief *b; /* the marking and the paper of every sheet */
    char mark[300];    /* "&C&\"Bold\"MARKING" for the page header and footer */
} xw;

static void sheet(xw *x, const char *name, const col *cols, size_t n)
{
    x->ws = workbook_add_worksheet(x->wb, name);
    x->row = 0;
    x->n_cols = (lxw_col_t)n;
    if (!x->ws) {
        x->failed = true;
        return;
    }
    /* printed: landscape on the briefing's paper, the marking on top and
     * bottom of every page */
    worksheet_set_landscape(x->ws);
    worksheet_set_paper(x->ws, x->b && x->b->paper == DD_PAPER_LETTER ? 1 : 9);
    if (x->mark[0]) {
        worksheet_set_header(x->ws, x->mark);
        worksheet_set_footer(x->ws, x->mark);
    }
    for (size_t i = 0; i < n; i++) {
        lxw_format *f = cols[i].kind == C_TIME   ? x->time
                        : cols[i].kind == C_DATE ? x->date
                        : cols[i].kind == C_NUM  ? x->num
                                                 : NULL;
        worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i, cols[i].width, f);
    }
    /* freeze and filter before any row is written (constant memory) */
    worksheet_freeze_panes(x->ws, 1, 0);
    for (size_t i = 0; i < n; i++)
        worksheet_write_string(x->ws, 0, (lxw_col_t)i, cols[i].title, x->head);
    x->row = 1;
}

/* The autofilter over the rows written; call when the sheet is done. */
static void sheet_end(xw *x)
{
    if (x->ws)
        worksheet_autofilter(x->ws, 0, 0, x->row > 1 ? x->row - 1 : 1, x->n_cols - 1);
}

static void s_str(xw *x, lxw_col_t c, const char *s)
{
    if (s && *s)
        worksheet_write_string(x->ws, x->row, c, s, NULL);
}

static void s_num(xw *x, lxw_col_t c, double v)
{
    worksheet_write_number(x->ws, x->row, c, v, NULL);
}

static void s_time(xw *x, lxw_col_t c, int64_t t, int32_t offset)
{
    if (t != BR_NONE)
        worksheet_write_number(x->ws, x->row, c, (double)(t + offset) / 1440.0 + EXCEL_1970,
                               x->time);
}

static void s_date(xw *x, lxw_col_t c, int64_t day)
{
    worksheet_write_number(x->ws, x->row, c, (double)day + EXCEL_1970, x->date);
}

static void summary(xw *x, const dd_brief *b)
{
    static const col cols[] = {{"item", 28, C_STR}, {"value", 60, C_STR}};
    sheet(x, "summary", cols, 2);
    if (x->failed)
        return;
    char off[24];
    dd__br_fmt_offset(b->offset_min, off, sizeof off);
    char dtg[24];
    dd__br_fmt_dtg(b->as_of, dtg, sizeof dtg);
    const char *rows[][2] = {{"marking", b->marking && *b->marking ? b->marking : "(none)"},
                             {"as of", dtg},
                             {"units", b->us ? "lb, ft" : "kg, m"},
                             {"plan", b->name},
                             {"scenario", b->scenario},
                             {"deadline met", b->deadline_met ? "yes" : "NO"},
                             {"binding limit", *b->binding_detail ? b->binding_detail : b->binding},
                             {"times", "UTC unless the column says local"},
                             {"host-country offset", off}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++, x->row++) {
        s_str(x, 0, rows[i][0]);
        s_str(x, 1, rows[i][1]);
    }
    s_str(x, 0, "deadline (UTC)");
    s_time(x, 1, b->deadline, 0);
    x->row++;
    s_str(x, 0, "last departure (UTC)");
    s_time(x, 1, b->completion, 0);
    x->row++;
    s_str(x, 0, "margin (hours)");
    s_num(x, 1, b->margin_hours);
    x->row++;
    s_str(x, 0, "military sorties");
    s_num(x, 1, (double)b->n_sorties);
    x->row++;
    s_str(x, 0, "commercial seats used");
    s_num(x, 1, b->commercial_seats);
    x->row++;
    for (size_t i = 0; i < b->n_relax; i++, x->row++) {
        s_str(x, 0, "would meet the deadline");
        s_str(x, 1, b->relax[i]);
    }
}

static void sorties(xw *x, const dd_brief *b)
{
    bool us = b->us;
    const col cols[] = {
        {"sortie", 8, C_INT},         {"aircraft", 10, C_STR},
        {"tail", 9, C_STR},           {"site", 9, C_STR},
        {"destination", 11, C_STR},   {"ferry from", 10, C_STR},
        {"ferry departure (UTC)", 17, C_TIME}, {"arrival at site (UTC)", 17, C_TIME},
        {"departure (UTC)", 17, C_TIME},       {"departure (local)", 17, C_TIME},
        {"arrival (UTC)", 17, C_TIME}, {"clearance", 9, C_INT},
        {us ? "weight lb" : "weight kg", 11, C_NUM}, {us ? "ACL lb" : "ACL kg", 11, C_NUM},
        {us ? "floor ft" : "floor m", 8, C_NUM},   {"seats available", 9, C_INT},
        {"pallets", 8, C_INT},        {"bulky pieces", 8, C_INT},
        {"passengers", 10, C_INT}};
    sheet(x, "sorties", cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; !x->failed && i < b->n_sorties; i++, x->row++) {
        const br_sortie *s = &b->sorties[i];
        int bulky = 0, pax = 0;
        for (size_t k = 0; k < s->n_cargo; k++)
            bulky += s->cargo[k].count;
        for (size_t k = 0; k < s->n_pax; k++)
            pax += s->pax[k].count;
        s_num(x, 0, s->id);
        s_str(x, 1, s->aircraft);
        s_str(x, 2, s->tail_name);
        s_str(x, 3, s->site);
        s_str(x, 4, s->dest);
        s_str(x, 5, s->ferry_from);
        s_time(x, 6, s->ferry_dep, 0);
        s_time(x, 7, s->at_site, 0);
        s_time(x, 8, s->dep, 0);
        s_time(x, 9, s->dep, b->sites[s->site_idx].offset_min);
        s_time(x, 10, s->arr, 0);
        s_num(x, 11, s->clearance);
        s_num(x, 12, dd__out_mass(us, s->weight_kg));
        s_num(x, 13, dd__out_mass(us, s->acl_kg));
        s_num(x, 14, dd__out_floor(us, s->floor_m));
        s_num(x, 15, s->seats_available);
        s_num(x, 16, (double)s->n_pallets);
        s_num(x, 17, bulky);
        s_num(x, 18, pax);
    }
    sheet_end(x);
}

/* The cells every manifest row has: sortie, site, departure, what is
 * carried (pallet, bulky, passengers), the item and its count. */
static void manifest_row(xw *x, const br_sortie *s, const char *kind, const char *item,
                         int32_t count)
{
    s_num(x, 0, s->id);
    s_str(x, 1, s->site);
    s_time(x, 2, s->dep, 0);
    s_str(x, 3, kind);
    s_str(x, 5, item);
    s_num(x, 6, count);
}

static void manifests(xw *x, const dd_brief *b)
{
    bool us = b->us;
    const col cols[] = {{"sortie", 8, C_INT},   {"site", 9, C_STR},
                        {"departure (UTC)", 17, C_TIME},
                        {"kind", 11, C_STR},    {"pallet", 8, C_INT},
                        {"item", 22, C_STR},    {"count", 8, C_INT},
                        {us ? "pallet gross lb" : "pallet gross kg", 12, C_NUM},
                        {us ? "pallet height in" : "pallet height m", 11, C_NUM},
                        {"escort", 8, C_STR}};
    sheet(x, "manifests", cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; !x->failed && i < b->n_sorties; i++) {
        const br_sortie *s = &b->sorties[i];
        for (size_t p = 0; p < s->n_pallets; p++) {
            const br_pallet *pl = &s->pallets[p];
            for (size_t k = 0; k < pl->n_pieces; k++, x->row++) {
                manifest_row(x, s, "pallet", pl->pieces[k].id, pl->pieces[k].count);
                s_num(x, 4, pl->id);
                s_num(x, 7, dd__out_mass(us, pl->gross_kg));
                s_num(x, 8, dd__out_len(us, pl->height_m));
            }
        }
        for (size_t k = 0; k < s->n_cargo; k++, x->row++)
            manifest_row(x, s, "bulky", s->cargo[k].id, s->cargo[k].count);
        for (size_t k = 0; k < s->n_pax; k++, x->row++) {
            manifest_row(x, s, "passengers", s->pax[k].id, s->pax[k].count);
            s_str(x, 9, s->pax[k].escort ? "yes" : "no");
        }
    }
    sheet_end(x);
}

static void clearances(xw *x, const dd_brief *b)
{
    static const col cols[] = {{"request", 8, C_INT},        {"sortie", 8, C_INT},
                               {"site", 9, C_STR},           {"airfield", 9, C_STR},
                               {"file by (UTC)", 17, C_TIME}, {"file by (local)", 17, C_TIME},
                               {"window from (UTC)", 17, C_TIME},
                               {"window to (UTC)", 17, C_TIME},
                               {"date", 11, C_DATE},         {"rank at airfield", 9, C_INT},
                               {"rank in country", 9, C_INT}, {"call sign", 10, C_STR},
                               {"route", 10, C_STR},          {"passengers", 9, C_INT},
                               {"hazards", 10, C_STR},        {"weapons", 8, C_STR},
                               {"overflight", 10, C_STR}};
    sheet(x, "clearances", cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; !x->failed && i < b->n_clears; i++, x->row++) {
        const br_clear *c = &b->clears[i];
        s_num(x, 0, c->id);
        s_num(x, 1, c->sortie);
        s_str(x, 2, c->site);
        s_str(x, 3, c->airfield);
        s_time(x, 4, c->file_by, 0);
        s_time(x, 5, c->file_by, b->sites[c->site_idx].offset_min);
        s_time(x, 6, c->window_from, 0);
        s_time(x, 7, c->window_to, 0);
        s_date(x, 8, c->date);
        s_num(x, 9, c->count_site);
        s_num(x, 10, c->count_country);
        s_str(x, 11, c->call_sign);
        s_str(x, 12, c->route);
        if (c->passengers >= 0)
            s_num(x, 13, c->passengers);
        s_str(x, 14, c->hazards);
        s_str(x, 15, c->weapons < 0 ? "" : c->weapons ? "aboard" : "none");
        s_str(x, 16, c->overflight);
    }
    sheet_end(x);
}

static void people(xw *x, const dd_brief *b)
{
    static const col cols[] = {{"group", 18, C_STR},       {"site", 9, C_STR},
                               {"role", 11, C_STR},        {"group size", 8, C_INT},
                               {"released (UTC)", 17, C_TIME}, {"arrival (UTC)", 17, C_TIME},
                               {"count", 8, C_INT},        {"sortie", 8, C_INT},
                               {"by", 11, C_STR},          {"date", 11, C_DATE},
                               {"departure (UTC)", 17, C_TIME}};
    sheet(x, "people", cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; !x->failed && i < b->n_groups; i++) {
        const br_group *g = &b->groups[i];
        for (size_t k = 0; k < g->n_moves; k++, x->row++) {
            const br_move *m = &g->moves[k];
            s_str(x, 0, g->id);
            s_str(x, 1, g->site);
            s_str(x, 2, g->role);
            s_num(x, 3, g->count);
            s_time(x, 4, g->released, 0);
            s_time(x, 5, g->arrival, 0);
            s_num(x, 6, m->count);
            if (m->sortie >= 0)
                s_num(x, 7, m->sortie);
            s_str(x, 8, m->sortie >= 0 ? "military" : "commercial");
            s_date(x, 9, m->date);
            s_time(x, 10, m->departure, 0);
        }
    }
    sheet_end(x);
}

static void tasks(xw *x, const dd_brief *b)
{
    static const col cols[] = {{"task", 18, C_STR},        {"site", 9, C_STR},
                               {"start (UTC)", 17, C_TIME}, {"end (UTC)", 17, C_TIME},
                               {"hours", 8, C_NUM}};
    sheet(x, "tasks", cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; !x->failed && i < b->n_tasks; i++, x->row++) {
        const br_task *t = &b->tasks[i];
        s_str(x, 0, t->id);
        s_str(x, 1, t->site);
        s_time(x, 2, t->start, 0);
        s_time(x, 3, t->end, 0);
        s_num(x, 4, (double)(t->end - t->start) / 60.0);
    }
    sheet_end(x);
}

static void site_days(xw *x, const dd_brief *b)
{
    bool us = b->us;
    const col cols[] = {{"site", 9, C_STR},          {"date", 11, C_DATE},
                               {"security", 9, C_INT},      {"operations", 10, C_INT},
                               {"support", 9, C_INT},       {"augmentees", 10, C_INT},
                               {"evacuees", 9, C_INT},      {"people", 9, C_INT},        {"security required", 10, C_INT},
                               {us ? "cargo left lb" : "cargo left kg", 13, C_NUM}, {"aircraft on ground (peak)", 10, C_INT},
                               {"clearances", 10, C_INT},   {"exits", 8, C_INT}};
    sheet(x, "site days", cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; !x->failed && i < b->n_sites; i++) {
        const br_site *s = &b->sites[i];
        for (size_t k = 0; k < s->n_days; k++, x->row++) {
            const br_day *d = &s->days[k];
            s_str(x, 0, s->id);
            s_date(x, 1, d->date);
            int total = 0;
            for (int r = 0; r < BR_ROLES; r++) {
                s_num(x, (lxw_col_t)(2 + r), d->people[r]);
                total += d->people[r];
            }
            s_num(x, 2 + BR_ROLES, total);
            s_num(x, 3 + BR_ROLES, d->security_required);
            s_num(x, 4 + BR_ROLES, dd__out_mass(us, d->cargo_kg));
            s_num(x, 5 + BR_ROLES, d->mog_peak);
            s_num(x, 6 + BR_ROLES, d->clearances);
            s_num(x, 7 + BR_ROLES, d->exits);
        }
    }
    sheet_end(x);
}

/* libxlsxwriter writes only to a named file: the workbook is made in a
 * private temporary file, then copied into the output. */
static int private_temp(char *buf, size_t size)
{
    const char *dir = getenv("TMPDIR");
    snprintf(buf, size, "%s/drawdown-xlsx-XXXXXX", dir && *dir ? dir : "/tmp");
    return mkstemp(buf);
}

static dd_status copy_into(const char *from, FILE *to)
{
    FILE *in = fopen(from, "rb");
    if (!in)
        return DD_EIO;
    char buf[1 << 15];
    size_t n;
    dd_status st = DD_OK;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, to) != n) {
            st = DD_EIO;
            break;
        }
    if (ferror(in))
        st = DD_EIO;
    fclose(in);
    return st;
}

dd_status dd__brief_write_xlsx_stream(const dd_brief *b, FILE *f, const char *path,
                                      dd_diags *diags)
{
    char tmp[4096];
    int fd = private_temp(tmp, sizeof tmp);
    if (fd < 0) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     "cannot write the workbook (a temporary file: %s)", strerror(errno));
        return DD_EIO;
    }
    close(fd);
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    xw x = {0};
    x.b = b;
    if (b->marking && *b->marking) {
        /* "&" is the header's control character: "&&" prints one */
        size_t o = (size_t)snprintf(x.mark, sizeof x.mark, "&C&\"Bold\"");
        for (const char *c = b->marking; *c && o + 3 < sizeof x.mark; c++) {
            if (*c == '&')
                x.mark[o++] = '&';
            x.mark[o++] = *c;
        }
        x.mark[o] = '\0';
    }
    x.wb = workbook_new_opt(tmp, &opt);
    if (!x.wb) {
        remove(tmp);
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "cannot write the workbook");
        return DD_EIO;
    }
    x.head = workbook_add_format(x.wb);
    format_set_bold(x.head);
    format_set_bg_color(x.head, 0xD9D9D9);
    format_set_text_wrap(x.head);
    format_set_align(x.head, LXW_ALIGN_VERTICAL_TOP);
    x.time = workbook_add_format(x.wb);
    format_set_num_format(x.time, "yyyy-mm-dd hh:mm");
    x.date = workbook_add_format(x.wb);
    format_set_num_format(x.date, "yyyy-mm-dd");
    x.num = workbook_add_format(x.wb);
    format_set_num_format(x.num, "#,##0.0");
    char title[256], comments[] = "drawdown report";
    snprintf(title, sizeof title, "%s", b->name);
    lxw_doc_properties props = {.title = title, .comments = comments};
    workbook_set_properties(x.wb, &props);
    summary(&x, b);
    sorties(&x, b);
    manifests(&x, b);
    clearances(&x, b);
    people(&x, b);
    tasks(&x, b);
    site_days(&x, b);
    lxw_error e = workbook_close(x.wb);
    if (x.failed || e != LXW_NO_ERROR) {
        remove(tmp);
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "cannot write the workbook (%s)",
                     e != LXW_NO_ERROR ? lxw_strerror(e) : "out of memory");
        return e == LXW_ERROR_MEMORY_MALLOC_FAILED ? DD_ENOMEM : DD_EIO;
    }
    dd_status st = copy_into(tmp, f);
    remove(tmp);
    return st;
}
