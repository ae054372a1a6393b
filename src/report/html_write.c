/* SPDX-License-Identifier: MIT */
/*
 * The HTML briefing: one self-contained file (no network): the verdict,
 * every chart inline as SVG (drawn by the same cairo code as the PNG and
 * PDF), and the workbook's tables, sortable by clicking a header (a few
 * lines of inline script). Cairo's SVG names its glyphs and clips with
 * the same ids in every chart, so each chart's ids get a prefix.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/units.h"
#include "report/brief_int.h"

static const char style[] =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px;color:#111;max-width:1500px}"
    "h1{font-size:26px}h2{margin-top:36px;border-bottom:2px solid #333}"
    ".verdict{border:3px solid #000;padding:10px 16px;font-size:24px;font-weight:bold;"
    "display:inline-block}.missed{background:#111;color:#fff}"
    "table{border-collapse:collapse;font-size:13px;margin:8px 0}"
    "th,td{border:1px solid #bbb;padding:3px 7px;text-align:left}"
    "th{background:#ddd;cursor:pointer;position:sticky;top:0}"
    "th.asc::after{content:' \\25B2'}th.desc::after{content:' \\25BC'}"
    "td.n{text-align:right}tr:nth-child(even){background:#f4f4f4}"
    "svg{max-width:100%%;height:auto;border:1px solid #ccc;margin:6px 0}"
    ".note{color:#444;font-size:13px}.scroll{max-height:600px;overflow:auto}"
    ".marking{text-align:center;font-weight:bold;font-size:16px;margin:4px 0}"
    ".marking.top{position:sticky;top:0;background:#fff;z-index:2}"
    /* printed: the marking on every page (a fixed element repeats on each
     * printed page), charts a page each, tables whole, headers repeated */
    "@media print{body{margin:0;max-width:none;font-size:11px}"
    ".marking.top,.marking.bottom{position:fixed;left:0;right:0;background:#fff;margin:0}"
    ".marking.top{top:0}"
    ".marking.bottom{bottom:0}.page{margin:28px 0}"
    ".scroll{max-height:none;overflow:visible}th{position:static;cursor:auto}"
    "thead{display:table-header-group}tr{break-inside:avoid}"
    "h2{break-before:page;break-after:avoid}svg{border:0;max-height:90vh;break-inside:avoid}"
    "a[href]{color:inherit;text-decoration:none}nav{display:none}}"
    "@page{size:%s landscape;margin:12mm}";

/* Click a header to sort by it; again to reverse. Numbers sort as
 * numbers, the rest as text (ISO dates sort as text). */
static const char script[] =
    "document.querySelectorAll('table.sort th').forEach(function(th){"
    "th.addEventListener('click',function(){"
    "var t=th.closest('table'),b=t.tBodies[0],i=Array.prototype.indexOf.call(th.parentNode.children,th);"
    "var asc=!th.classList.contains('asc');"
    "t.querySelectorAll('th').forEach(function(h){h.classList.remove('asc','desc')});"
    "th.classList.add(asc?'asc':'desc');"
    "var rows=Array.prototype.slice.call(b.rows);"
    "rows.sort(function(x,y){var a=x.cells[i].textContent,c=y.cells[i].textContent;"
    "var p=parseFloat(a.replace(/,/g,'')),q=parseFloat(c.replace(/,/g,''));"
    "var num=/^-?[0-9][0-9.,]*$/,r=(num.test(a)&&num.test(c))?p-q:a.localeCompare(c);"
    "return asc?r:-r});"
    "rows.forEach(function(r){b.appendChild(r)})})});";

static void esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* The SVG without its XML prologue, each id prefixed with "c<k>-". */
static void svg_inline(FILE *f, const char *svg, size_t len, int k)
{
    const char *p = strstr(svg, "<svg");
    if (!p)
        return;
    const char *end = svg + len, *from = p;
    char pre[16];
    snprintf(pre, sizeof pre, "c%d-", k);
    static const char *const keys[] = {" id=\"", "url(#", "href=\"#"};
    /* one pass: at each position, does one of the keys end here? */
    for (; p < end; p++) {
        if (*p != '"' && *p != '#')
            continue;
        for (size_t i = 0; i < 3; i++) {
            size_t kl = strlen(keys[i]);
            if ((size_t)(p - svg) + 1 >= kl && !memcmp(p + 1 - kl, keys[i], kl)) {
                fwrite(from, 1, (size_t)(p + 1 - from), f);
                fputs(pre, f);
                from = p + 1;
                break;
            }
        }
    }
    fwrite(from, 1, (size_t)(end - from), f);
    fputc('\n', f);
}

static void th(FILE *f, const char *const *cols, size_t n)
{
    fputs("<div class=\"scroll\"><table class=\"sort\"><thead><tr>", f);
    for (size_t i = 0; i < n; i++) {
        fputs("<th>", f);
        esc(f, cols[i]);
        fputs("</th>", f);
    }
    fputs("</tr></thead><tbody>\n", f);
}

static void td(FILE *f, const char *s)
{
    fputs("<td>", f);
    esc(f, s);
    fputs("</td>", f);
}

static void tdn(FILE *f, double v, int prec)
{
    fprintf(f, "<td class=\"n\">%.*f</td>", prec, v);
}

static void tdt(FILE *f, int64_t t, int32_t off)
{
    char buf[32];
    dd__br_fmt_time(t, off, buf, sizeof buf);
    td(f, t == BR_NONE ? "" : buf);
}

/* A time in Zulu, as a date-time group with its year ("070400ZJUN24"). */
static void tdz(FILE *f, int64_t t)
{
    char buf[24];
    dd__br_fmt_dtg(t, buf, sizeof buf);
    td(f, t == BR_NONE ? "" : buf);
}

static void tdd(FILE *f, int64_t day)
{
    char buf[16];
    dd__br_fmt_date(day, buf, sizeof buf);
    td(f, buf);
}

static const char table_end[] = "</tbody></table></div>\n";

static void verdict(FILE *f, const dd_brief *b)
{
    char t[32], dl[32], off[24];
    dd__br_fmt_offset(b->offset_min, off, sizeof off);
    double m = b->margin_hours < 0 ? -b->margin_hours : b->margin_hours;
    long days = (long)(m / 24), hours = (long)(m - (double)days * 24 + 0.5);
    bool met = b->deadline_met && b->verified != DD_BRIEF_DISAGREES;
    const char *unverified = b->verified == DD_BRIEF_VERIFIED ? "" : " — NOT VERIFIED";
    fprintf(f, "<p class=\"verdict%s\">", met ? "" : " missed");
    if (b->verified == DD_BRIEF_DISAGREES)
        fprintf(f, "NOT VERIFIED — the verifier finds %zu violation%s</p>\n", b->n_violations,
                b->n_violations == 1 ? "" : "s");
    else if (met)
        fprintf(f, "DEADLINE MET — %ldd %ldh to spare%s</p>\n", days, hours, unverified);
    else
        fprintf(f, "DEADLINE MISSED — late by %ldd %ldh%s</p>\n", days, hours, unverified);
    dd__br_fmt_time(b->completion, b->offset_min, t, sizeof t);
    dd__br_fmt_end(b->deadline, b->offset_min, dl, sizeof dl);
    fprintf(f, "<p>Last departure %s, deadline %s (local time, %s). Binding limit: ", t, dl, off);
    esc(f, *b->binding_detail ? b->binding_detail : b->binding);
    if (b->fleet_mix)
        fputs("; fleet mix: cargo moved to a smaller type where the ramp was full", f);
    if (b->objective && *b->objective)
        fprintf(f, ". Planned for %s",
                strcmp(b->objective, "completion") == 0
                    ? "the earliest end"
                    : "the most margin on the tightest term (deadline, closing dates, milestones)");
    int pax = 0;
    for (size_t i = 0; i < b->n_groups; i++)
        pax += b->groups[i].count;
    fprintf(f, ".<br>%zu military sorties, %zu clearance requests, %d people (%d on commercial "
               "seats), %zu ground tasks.</p>\n",
            b->n_sorties, b->n_clears, pax, b->commercial_seats, b->n_tasks);
    if (b->sim.set) {
        const br_sim *sm = &b->sim;
        fprintf(f, "<p><b>Simulated (%d replications, %s): P(deadline) %.1f%% [%.1f–%.1f%%]",
                sm->replications, sm->policy, sm->p_deadline.p * 100, sm->p_deadline.lo * 100,
                sm->p_deadline.hi * 100);
        if (sm->p_all_terms.set)
            fprintf(f, ", P(every term) %.1f%% [%.1f–%.1f%%]", sm->p_all_terms.p * 100,
                    sm->p_all_terms.lo * 100, sm->p_all_terms.hi * 100);
        fputs("</b></p>\n", f);
    }
    for (size_t i = 0; i < b->n_milestones; i++) {
        const br_milestone *ms = &b->milestones[i];
        dd__br_fmt_end(ms->at, b->offset_min, dl, sizeof dl);
        dd__br_fmt_time(ms->achieved, b->offset_min, t, sizeof t);
        fputs("<p>Milestone ", f);
        esc(f, ms->id);
        fprintf(f, " due %s: %s%s%s (at the due date %.0f%% of people, %.0f%% of cargo out).</p>\n",
                dl, ms->met ? "met" : "NOT MET", ms->achieved != BR_NONE ? " " : "",
                ms->achieved != BR_NONE ? t : "", ms->personnel_out * 100, ms->cargo_out * 100);
    }
    for (size_t i = 0; i < b->n_relax; i++) {
        fputs("<p>Would meet the deadline: ", f);
        esc(f, b->relax[i]);
        fputs("</p>\n", f);
    }
}

static dd_status charts(FILE *f, const dd_brief *b)
{
    for (int c = 0; c < DD_CHART_COUNT; c++) {
        if (c == DD_CHART_RISK && !b->sim.set)
            continue;
        char *svg = NULL;
        size_t len = 0;
        double h = c == DD_CHART_LOADS ? 980 : 800;
        dd_status st = dd__brief_svg_mem(b, (dd_chart)c, 1400, h, true, &svg, &len);
        if (st)
            return st;
        fprintf(f, "<h2 id=\"chart-%s\">", dd_chart_name((dd_chart)c));
        esc(f, dd_chart_text((dd_chart)c));
        fputs("</h2>\n", f);
        if (c == DD_CHART_LOADS && b->n_sorties > 9)
            fputs("<p class=\"note\">The first sorties; every load is in the manifests table "
                  "below and in the PDF briefing.</p>\n",
                  f);
        svg_inline(f, svg, len, c);
        free(svg);
    }
    return DD_OK;
}

/* The sorties, one row each. */
static void t_sorties(FILE *f, const dd_brief *b)
{
    const bool us = b->us;
    const char *const sc[] = {"sortie", "aircraft", "tail", "call sign", "site",
                              "destination", "arrival at site (local)", "departure (local)",
                              "departure (Z)", "arrival (Z)", "clearance",
                              us ? "weight lb" : "weight kg", us ? "ACL lb" : "ACL kg",
                              us ? "floor ft" : "floor m", "pallets", "bulky pieces",
                              "passengers", "seats available"};
    fputs("<h2 id=\"sorties\">Sorties</h2>\n", f);
    th(f, sc, sizeof sc / sizeof sc[0]);
    for (size_t i = 0; i < b->n_sorties; i++) {
        const br_sortie *s = &b->sorties[i];
        int32_t off = b->sites[s->site_idx].offset_min;
        int bulky = 0, pax = 0;
        for (size_t k = 0; k < s->n_cargo; k++)
            bulky += s->cargo[k].count;
        for (size_t k = 0; k < s->n_pax; k++)
            pax += s->pax[k].count;
        const char *call = s->clearance >= 1 && (size_t)s->clearance <= b->n_clears
                               ? b->clears[s->clearance - 1].call_sign
                               : "";
        fputs("<tr>", f);
        tdn(f, s->id, 0);
        td(f, s->aircraft);
        td(f, s->tail_name);
        td(f, call);
        td(f, s->site);
        td(f, s->dest);
        tdt(f, s->at_site, off);
        tdt(f, s->dep, off);
        tdz(f, s->dep);
        tdz(f, s->arr);
        tdn(f, s->clearance, 0);
        tdn(f, dd__out_mass(us, s->weight_kg), us ? 0 : 1);
        tdn(f, dd__out_mass(us, s->acl_kg), 0);
        tdn(f, dd__out_floor(us, s->floor_m), 2);
        tdn(f, (double)s->n_pallets, 0);
        tdn(f, bulky, 0);
        tdn(f, pax, 0);
        tdn(f, s->seats_available, 0);
        fputs("</tr>\n", f);
    }
    fputs(table_end, f);
}

/* One manifest line: the sortie, its site, what kind of line, the pallet
 * (0: none), the item and its count, the pallet's gross weight (< 0: none)
 * and the escort column. */
typedef struct mrow {
    const char *kind;
    int32_t pallet;
    const char *item;
    int32_t count;
    double gross;
    const char *escort;
} mrow;

static void manifest_row(FILE *f, const br_sortie *s, const mrow *r, bool us)
{
    fputs("<tr>", f);
    tdn(f, s->id, 0);
    td(f, s->site);
    td(f, r->kind);
    if (r->pallet)
        tdn(f, r->pallet, 0);
    else
        td(f, "");
    td(f, r->item);
    tdn(f, r->count, 0);
    if (r->gross >= 0)
        tdn(f, r->gross, us ? 0 : 1);
    else
        td(f, "");
    td(f, r->escort);
    fputs("</tr>\n", f);
}

/* What each sortie carries: pallets and their pieces, bulky pieces, passengers. */
static void t_manifests(FILE *f, const dd_brief *b)
{
    const bool us = b->us;
    const char *const mc[] = {"sortie", "site", "kind", "pallet", "item", "count",
                              us ? "pallet gross lb" : "pallet gross kg", "escort"};
    fputs("<h2 id=\"manifests\">Manifests</h2>\n", f);
    th(f, mc, sizeof mc / sizeof mc[0]);
    for (size_t i = 0; i < b->n_sorties; i++) {
        const br_sortie *s = &b->sorties[i];
        for (size_t p = 0; p < s->n_pallets; p++)
            for (size_t k = 0; k < s->pallets[p].n_pieces; k++)
                manifest_row(f, s,
                             &(mrow){"pallet", s->pallets[p].id, s->pallets[p].pieces[k].id,
                                     s->pallets[p].pieces[k].count,
                                     dd__out_mass(us, s->pallets[p].gross_kg), ""},
                             us);
        for (size_t k = 0; k < s->n_cargo; k++)
            manifest_row(f, s, &(mrow){"bulky", 0, s->cargo[k].id, s->cargo[k].count, -1, ""},
                         us);
        for (size_t k = 0; k < s->n_pax; k++)
            manifest_row(f, s,
                         &(mrow){"passengers", 0, s->pax[k].id, s->pax[k].count, -1,
                                 s->pax[k].escort ? "yes" : "no"},
                         us);
    }
    fputs(table_end, f);
}

/* The clearance requests. */
static void t_clearances(FILE *f, const dd_brief *b)
{
    static const char *const cc[] = {"request", "sortie", "call sign", "site", "airfield",
                                     "file by (local)", "file by (Z)", "window from (Z)",
                                     "window to (Z)", "date", "rank at airfield",
                                     "rank in country", "route", "passengers", "hazards",
                                     "weapons", "overflight"};
    fputs("<h2 id=\"clearances\">Clearance requests</h2>\n", f);
    th(f, cc, sizeof cc / sizeof cc[0]);
    for (size_t i = 0; i < b->n_clears; i++) {
        const br_clear *c = &b->clears[i];
        fputs("<tr>", f);
        tdn(f, c->id, 0);
        tdn(f, c->sortie, 0);
        td(f, c->call_sign);
        td(f, c->site);
        td(f, c->airfield);
        tdt(f, c->file_by, b->sites[c->site_idx].offset_min);
        tdz(f, c->file_by);
        tdz(f, c->window_from);
        tdz(f, c->window_to);
        tdd(f, c->date);
        tdn(f, c->count_site, 0);
        tdn(f, c->count_country, 0);
        td(f, c->route);
        if (c->passengers >= 0)
            tdn(f, c->passengers, 0);
        else
            td(f, "");
        td(f, c->hazards);
        td(f, c->weapons < 0 ? "" : c->weapons ? "aboard" : "none");
        td(f, c->overflight);
        fputs("</tr>\n", f);
    }
    fputs(table_end, f);
}

/* People's movements, one row per group and sortie or seat. */
static void t_people(FILE *f, const dd_brief *b)
{
    static const char *const pc[] = {"group", "site", "role", "group size", "released (UTC)",
                                     "count", "by", "sortie", "date", "departure (UTC)"};
    fputs("<h2 id=\"people\">People's movements</h2>\n", f);
    th(f, pc, sizeof pc / sizeof pc[0]);
    for (size_t i = 0; i < b->n_groups; i++) {
        const br_group *g = &b->groups[i];
        for (size_t k = 0; k < g->n_moves; k++) {
            const br_move *m = &g->moves[k];
            fputs("<tr>", f);
            td(f, g->id);
            td(f, g->site);
            td(f, g->role);
            tdn(f, g->count, 0);
            tdt(f, g->released, 0);
            tdn(f, m->count, 0);
            td(f, m->sortie >= 0 ? "military" : "commercial");
            if (m->sortie >= 0)
                tdn(f, m->sortie, 0);
            else
                td(f, "");
            tdd(f, m->date);
            tdt(f, m->departure, 0);
            fputs("</tr>\n", f);
        }
    }
    fputs(table_end, f);
}

/* The ground tasks. */
static void t_tasks(FILE *f, const dd_brief *b)
{
    static const char *const tc[] = {"task", "site", "start (UTC)", "end (UTC)", "hours"};
    fputs("<h2 id=\"tasks\">Ground tasks</h2>\n", f);
    th(f, tc, sizeof tc / sizeof tc[0]);
    for (size_t i = 0; i < b->n_tasks; i++) {
        const br_task *t = &b->tasks[i];
        fputs("<tr>", f);
        td(f, t->id);
        td(f, t->site);
        tdt(f, t->start, 0);
        tdt(f, t->end, 0);
        tdn(f, (double)(t->end - t->start) / 60.0, 1);
        fputs("</tr>\n", f);
    }
    fputs(table_end, f);
}

/* Each site, day by day at the end of the day. */
static void t_days(FILE *f, const dd_brief *b)
{
    const bool us = b->us;
    const char *const dc[] = {"site", "date", "security", "operations", "support",
                                     "augmentees", "evacuees", "security required", us ? "cargo left lb" : "cargo left kg",
                                     "aircraft on ground (peak)", "clearances", "exits"};
    fputs("<h2 id=\"sites\">Per-site daily figures (end of day)</h2>\n", f);
    th(f, dc, sizeof dc / sizeof dc[0]);
    for (size_t i = 0; i < b->n_sites; i++)
        for (size_t k = 0; k < b->sites[i].n_days; k++) {
            const br_day *d = &b->sites[i].days[k];
            fputs("<tr>", f);
            td(f, b->sites[i].id);
            tdd(f, d->date);
            for (int r = 0; r < BR_ROLES; r++)
                tdn(f, d->people[r], 0);
            tdn(f, d->security_required, 0);
            tdn(f, dd__out_mass(us, d->cargo_kg), us ? 0 : 1);
            tdn(f, d->mog_peak, 0);
            tdn(f, d->clearances, 0);
            tdn(f, d->exits, 0);
            fputs("</tr>\n", f);
        }
    fputs(table_end, f);
}

static void tables(FILE *f, const dd_brief *b)
{
    t_sorties(f, b);
    t_manifests(f, b);
    t_clearances(f, b);
    t_people(f, b);
    t_tasks(f, b);
    t_days(f, b);
}

static dd_status write_page(FILE *f, const void *ctx)
{
    const dd_brief *b = ctx;
    char off[24];
    dd__br_fmt_offset(b->offset_min, off, sizeof off);
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", f);
    esc(f, b->name);
    fputs("</title>\n<style>", f);
    fprintf(f, style, b->paper == DD_PAPER_LETTER ? "letter" : "A4");
    fputs("</style>\n</head><body>\n", f);
    if (b->marking && *b->marking) {
        fputs("<div class=\"marking top\">", f);
        esc(f, b->marking);
        fputs("</div>\n", f);
    }
    fputs("<div class=\"page\"><h1>", f);
    esc(f, b->name);
    fputs("</h1>\n", f);
    char dtg[24];
    dd__br_fmt_dtg(b->as_of, dtg, sizeof dtg);
    fprintf(f, "<p class=\"note\">As of %s.</p>\n", dtg);
    verdict(f, b);
    fprintf(f, "<p class=\"note\">Charts and tables read from the plan file ");
    esc(f, b->file);
    fprintf(f, ". Local times are the host country's (%s); columns marked UTC are UTC. Click a "
               "column header to sort.</p>\n<p>",
            off);
    for (int c = 0; c < DD_CHART_COUNT; c++)
        if (c != DD_CHART_RISK || b->sim.set)
            fprintf(f, "<a href=\"#chart-%s\">%s</a> · ", dd_chart_name((dd_chart)c),
                    dd_chart_name((dd_chart)c));
    fputs("<a href=\"#sorties\">sorties</a> · <a href=\"#manifests\">manifests</a> · "
          "<a href=\"#clearances\">clearances</a> · <a href=\"#people\">people</a> · "
          "<a href=\"#tasks\">tasks</a> · <a href=\"#sites\">site days</a></p>\n",
          f);
    dd_status st = charts(f, b);
    if (st == DD_OK) {
        tables(f, b);
        fputs("</div>\n", f);
        if (b->marking && *b->marking) {
            fputs("<div class=\"marking bottom\">", f);
            esc(f, b->marking);
            fputs("</div>\n", f);
        }
        fprintf(f, "<script>%s</script>\n</body></html>\n", script);
    }
    return st;
}

dd_status dd__brief_write_html_stream(const dd_brief *b, FILE *f, const char *path,
                                      dd_diags *diags)
{
    (void)path;
    (void)diags; /* dd_output_close reports a failed write */
    return write_page(f, b);
}
