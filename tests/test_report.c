/* SPDX-License-Identifier: MIT */
/*
 * Briefing outputs (src/report/brief_*, chart_*, xlsx_*, html_*): the plan
 * file reader and its located errors, golden chart series (numbers, not
 * pixels), every format rendered for the Niger plan, a tutorial plan and
 * a small hand-made plan: PNG size and non-blank pixels read back with
 * cairo, PDF page counts, the workbook's XML unzipped, the HTML page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cairo.h>
#include <drawdown/report.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NIGER DD_TEST_DATA "/report/niger-plan.json"
#define SMALL DD_TEST_DATA "/report/small-plan.json"
#define TUTORIAL DD_TEST_DATA "/report/tutorial-plan.json"
#define NIGER_SIM DD_TEST_DATA "/report/niger-sim.json"

static char tmpdir[64];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/dd-report-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static dd_brief *load(const char *path)
{
    dd_diags d;
    dd_diags_init(&d, 10);
    dd_brief *b = NULL;
    dd_status st = dd_brief_load(path, &d, &b);
    for (size_t i = 0; i < d.n_items; i++)
        fprintf(stderr, "%s:%u:%u: %s: %s\n", d.items[i].file, d.items[i].line, d.items[i].col,
                d.items[i].path, d.items[i].message);
    assert_int_equal(st, DD_OK);
    dd_diags_fini(&d);
    return b;
}

static const dd_brief_series *find(const dd_brief_series_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].name, name))
            return &l->v[i];
    fail_msg("no series '%s'", name);
    return NULL;
}

static double sum(const dd_brief_series *s)
{
    double t = 0;
    for (size_t i = 0; i < s->n; i++)
        t += s->y[i];
    return t;
}

/* ---- golden series ---- */

static void test_series_burndown(void **state)
{
    (void)state;
    dd_brief *b = load(NIGER);
    dd_brief_series_list l;
    assert_int_equal(dd_brief_series_get(b, DD_CHART_BURNDOWN, &l), DD_OK);
    assert_int_equal(l.n, 6);
    const dd_brief_series *p = find(&l, "people AB101");
    assert_int_equal(p->n, 46);
    assert_true(p->x[0] == 0 && p->x[1] == 1); /* 20 May, the epoch's day */
    assert_true(p->y[0] == 620 && p->y[1] == 590 && p->y[2] == 560);
    assert_true(p->y[p->n - 1] == 0);
    const dd_brief_series *q = find(&l, "people AB201");
    assert_true(q->y[0] == 296);
    assert_true(q->y[q->n - 1] == 0);
    const dd_brief_series *t = find(&l, "tonnes AB101");
    assert_true(fabs(t->y[0] - 1310.0655) < 1e-9);
    assert_true(t->y[t->n - 1] == 0);
    const dd_brief_series *u = find(&l, "tonnes AB201");
    assert_true(fabs(u->y[0] - 1120.2461) < 1e-9);
    /* all sites over the whole span, to the deadline's day (15 Sept) */
    const dd_brief_series *all = find(&l, "people all");
    assert_int_equal(all->n, 119);
    assert_true(all->y[0] == 620 + 296);
    assert_true(all->y[all->n - 1] == 0);
    const dd_brief_series *ta = find(&l, "tonnes all");
    assert_true(fabs(ta->y[0] - (1310.0655 + 1120.2461)) < 1e-9);
    dd_brief_series_fini(&l);
    dd_brief_free(b);
}

static void test_series_other(void **state)
{
    (void)state;
    dd_brief *b = load(NIGER);
    dd_brief_series_list l;
    /* calendar: 55 requests; the first two (sorties 1 and 2, AB101) are
     * filed by 2 June, day 13 */
    assert_int_equal(dd_brief_series_get(b, DD_CHART_CALENDAR, &l), DD_OK);
    const dd_brief_series *a = find(&l, "file AB101"), *c = find(&l, "file AB201");
    assert_true(sum(a) + sum(c) == 55);
    assert_true(a->y[13] == 2 && c->y[13] == 0);
    assert_true(a->y[12] == 0);
    dd_brief_series_fini(&l);
    /* gantt: departures per day add up to the sorties; never above the
     * country-wide cap of 2 */
    assert_int_equal(dd_brief_series_get(b, DD_CHART_GANTT, &l), DD_OK);
    a = find(&l, "sorties AB101");
    c = find(&l, "sorties AB201");
    assert_true(sum(a) + sum(c) == 55);
    for (size_t i = 0; i < a->n; i++)
        assert_true(a->y[i] + c->y[i] <= 2);
    dd_brief_series_fini(&l);
    /* ramp: clearances per day as the plan's daily figures say */
    assert_int_equal(dd_brief_series_get(b, DD_CHART_RAMP, &l), DD_OK);
    a = find(&l, "clearances AB101");
    c = find(&l, "clearances AB201");
    assert_true(sum(a) + sum(c) == 55);
    assert_true(find(&l, "mog AB101")->y[18] == 2); /* 7 June: sorties 1 and 2 */
    dd_brief_series_fini(&l);
    /* security: present never below required while the site is open */
    assert_int_equal(dd_brief_series_get(b, DD_CHART_SECURITY, &l), DD_OK);
    const dd_brief_series *pr = find(&l, "present AB101"), *rq = find(&l, "required AB101");
    assert_true(pr->y[0] == 90 && rq->y[0] == 64);
    for (size_t i = 0; i < pr->n; i++)
        assert_true(pr->y[i] >= rq->y[i]);
    dd_brief_series_fini(&l);
    /* loads: sortie 1 carries 33,701.9 kg, sortie 5 one pallet */
    assert_int_equal(dd_brief_series_get(b, DD_CHART_LOADS, &l), DD_OK);
    const dd_brief_series *w = find(&l, "weight"), *pl = find(&l, "pallets");
    assert_int_equal(w->n, 55);
    assert_true(w->x[0] == 1 && fabs(w->y[0] - 33701.9) < 1e-9);
    assert_true(pl->y[4] == 1);
    dd_brief_series_fini(&l);
    dd_brief_free(b);
}

/* ---- bad input ---- */

static void expect_error(const char *text, const char *where, const char *msg)
{
    dd_diags d;
    dd_diags_init(&d, 10);
    dd_brief *b = NULL;
    dd_status st = dd_brief_parse("p.json", text, strlen(text), &d, &b);
    assert_int_equal(st, DD_EINPUT);
    assert_null(b);
    assert_true(d.n_items >= 1);
    char got[256];
    snprintf(got, sizeof got, "%s:%u:%u: %s: %s", d.items[0].file, d.items[0].line,
             d.items[0].col, d.items[0].path, d.items[0].message);
    char want[256];
    snprintf(want, sizeof want, "%s: %s", where, msg);
    assert_string_equal(got, want);
    dd_diags_fini(&d);
}

static void test_bad_input(void **state)
{
    (void)state;
    expect_error("[1, 2]", "p.json:1:1: ", "expected a plan object");
    expect_error("{\"format\": \"other\"}", "p.json:1:13: format", "not a drawdown plan file "
                                                                   "(format \"drawdown-plan\")");
    static const char head[] =
        "{\"format\": \"drawdown-plan\", \"name\": \"x\", \"scenario\": \"s\",\n"
        " \"epoch\": \"2024-06-01T00:00Z\", \"deadline\": \"2024-06-30T00:00Z\",\n"
        " \"summary\": {\"deadline_met\": true, \"completion\": null, \"margin_hours\": 1,\n"
        "   \"binding\": \"none\", \"binding_detail\": \"\", \"commercial_seats_used\": 0},\n";
    char buf[2048];
    snprintf(buf, sizeof buf,
             "%s \"sorties\": 5, \"clearances\": [], \"tasks\": [], \"people\": [],\n"
             " \"sites\": [], \"milestones\": []}",
             head);
    expect_error(buf, "p.json:5:13: sorties", "expected an array, got a number");
    snprintf(buf, sizeof buf,
             "%s \"sorties\": [], \"clearances\": [], \"tasks\": [{\"id\": \"t\", \"site\": "
             "\"A\",\n   \"start\": \"2024-06-01 10:00\", \"end\": \"2024-06-01T12:00Z\"}],\n"
             " \"people\": [], \"sites\": [], \"milestones\": []}",
             head);
    expect_error(buf, "p.json:6:14: tasks[0].start",
                 "expected a UTC time such as 2024-06-07T14:30Z, got '2024-06-01 10:00'");
    snprintf(buf, sizeof buf, "%s \"clearances\": [], \"tasks\": [], \"people\": [],\n"
                              " \"sites\": [], \"milestones\": []}",
             head);
    expect_error(buf, "p.json:1:1: ", "missing key 'sorties'");
    snprintf(buf, sizeof buf,
             "%s \"sorties\": [], \"clearances\": [{\"id\": 1, \"sortie\": 1, \"site\": \"X\",\n"
             "   \"airfield\": \"XXXX\", \"file_by\": \"2024-06-01T00:00Z\", \"window_from\": "
             "\"2024-06-02T00:00Z\",\n   \"window_to\": \"2024-06-03T00:00Z\", \"date\": "
             "\"2024-06-02\", \"count_site\": 1, \"count_country\": 1}],\n"
             " \"tasks\": [], \"people\": [], \"sites\": [], \"milestones\": []}",
             head);
    expect_error(buf, "p.json:5:64: clearances[0].site", "unknown site 'X' (not in sites)");
    /* the request's contents (issue 18): optional, but typed */
    snprintf(buf, sizeof buf,
             "%s \"sorties\": [], \"clearances\": [{\"id\": 1, \"sortie\": 1, \"site\": \"X\",\n"
             "   \"airfield\": \"XXXX\", \"file_by\": \"2024-06-01T00:00Z\", \"window_from\": "
             "\"2024-06-02T00:00Z\",\n   \"window_to\": \"2024-06-03T00:00Z\", \"date\": "
             "\"2024-06-02\", \"count_site\": 1, \"count_country\": 1,\n"
             "   \"weapons\": \"yes\", \"hazards\": [3]}],\n"
             " \"tasks\": [], \"people\": [], \"sites\": [{\"site\": \"X\", \"closure\": null, "
             "\"days\": []}], \"milestones\": []}",
             head);
    expect_error(buf, "p.json:8:16: clearances[0].weapons", "expected true or false, got a string");
    expect_error("{\"format\": ", "p.json:2:1: ", "syntax error: did not find expected node content");
}

static void test_unknown_format(void **state)
{
    (void)state;
    dd_brief *b = load(SMALL);
    dd_diags d;
    dd_diags_init(&d, 10);
    char path[128];
    snprintf(path, sizeof path, "%s/out.doc", tmpdir);
    assert_int_equal(dd_report_write(b, path, NULL, &d), DD_EARG);
    assert_int_equal(d.n_items, 1);
    assert_string_equal(d.items[0].message,
                        "unknown output format '.doc' (use .pdf, .png, .svg, .xlsx or .html)");
    dd_diags_fini(&d);
    dd_brief_free(b);
}

/* ---- renders ---- */

static void render(const dd_brief *b, const char *name, int chart)
{
    dd_report_options o;
    dd_report_options_init(&o);
    o.chart = chart;
    dd_diags d;
    dd_diags_init(&d, 10);
    char path[160];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    dd_status st = dd_report_write(b, path, &o, &d);
    for (size_t i = 0; i < d.n_items; i++)
        fprintf(stderr, "%s: %s\n", d.items[i].file, d.items[i].message);
    assert_int_equal(st, DD_OK);
    dd_diags_fini(&d);
}

/* The PNG is w x h and has ink: a share of pixels well away from white. */
static void check_png(const char *name, int w, int h, double min_ink)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(s), w);
    assert_int_equal(cairo_image_surface_get_height(s), h);
    const unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    long ink = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t v;
            memcpy(&v, px + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
            int r = (v >> 16) & 255, g = (v >> 8) & 255, bl = v & 255;
            if (r + g + bl < 600)
                ink++;
        }
    double share = (double)ink / ((double)w * h);
    if (share < min_ink)
        fail_msg("%s: only %.4f of pixels drawn", name, share);
    cairo_surface_destroy(s);
}

static void test_png_each_chart(void **state)
{
    (void)state;
    const char *plans[] = {NIGER, TUTORIAL, SMALL};
    for (size_t p = 0; p < 3; p++) {
        dd_brief *b = load(plans[p]);
        for (int c = 0; c < DD_CHART_COUNT; c++) {
            char name[64];
            snprintf(name, sizeof name, "p%zu-%s.png", p, dd_chart_name((dd_chart)c));
            render(b, name, c);
            /* without a simulation the risk chart is its title and a note */
            check_png(name, 1400, 800, c == DD_CHART_RISK ? 0.002 : 0.01);
        }
        dd_brief_free(b);
    }
    /* the burndown by default, at another size */
    dd_brief *b = load(NIGER);
    dd_report_options o;
    dd_report_options_init(&o);
    o.width_px = 700;
    o.height_px = 500;
    char path[160];
    snprintf(path, sizeof path, "%s/small.png", tmpdir);
    dd_diags d;
    dd_diags_init(&d, 4);
    assert_int_equal(dd_report_write(b, path, &o, &d), DD_OK);
    dd_diags_fini(&d);
    check_png("small.png", 700, 500, 0.01);
    dd_brief_free(b);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void test_svg(void **state)
{
    (void)state;
    dd_brief *b = load(NIGER);
    render(b, "gantt.svg", DD_CHART_GANTT);
    char path[160];
    snprintf(path, sizeof path, "%s/gantt.svg", tmpdir);
    size_t n;
    char *t = slurp(path, &n);
    assert_true(n > 1000);
    assert_non_null(strstr(t, "<svg"));
    assert_non_null(strstr(t, "</svg>"));
    free(t);
    dd_brief_free(b);
}

/* Pages of a PDF: pdfinfo when installed, else count page objects. */
static int pdf_pages(const char *path)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "pdfinfo '%s' 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    int pages = -1;
    if (p) {
        char line[256];
        while (fgets(line, sizeof line, p))
            if (!strncmp(line, "Pages:", 6))
                pages = (int)strtol(line + 6, NULL, 10);
        pclose(p);
    }
    if (pages >= 0)
        return pages;
    size_t n;
    char *t = slurp(path, &n);
    pages = 0;
    for (size_t i = 0; i + 12 <= n; i++)
        if (!memcmp(t + i, "/Type /Page", 11) && t[i + 11] != 's')
            pages++;
    free(t);
    return pages;
}

static void test_pdf(void **state)
{
    (void)state;
    /* verdict + calendar + Gantt + ramp + security, the sortie table (44
     * rows a page), then 9 sorties a page */
    const struct {
        const char *plan;
        int pages;
    } cases[] = {{NIGER, 5 + 2 + 7}, {TUTORIAL, 7}, {SMALL, 7}};
    for (size_t i = 0; i < 3; i++) {
        dd_brief *b = load(cases[i].plan);
        char name[32], path[160];
        snprintf(name, sizeof name, "brief%zu.pdf", i);
        render(b, name, -1);
        snprintf(path, sizeof path, "%s/%s", tmpdir, name);
        assert_int_equal(pdf_pages(path), cases[i].pages);
        dd_brief_free(b);
    }
}

/* A member of a zip file, through unzip -p. */
static char *unzip_member(const char *zip, const char *member)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s'", zip, member);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    assert_int_equal(pclose(p), 0);
    return buf;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *q = hay; (q = strstr(q, needle)); q += strlen(needle))
        n++;
    return n;
}

static void test_xlsx(void **state)
{
    (void)state;
    if (system("unzip -v >/dev/null 2>&1") != 0)
        skip();
    dd_brief *b = load(NIGER);
    render(b, "plan.xlsx", -1);
    dd_brief_free(b);
    char path[160];
    snprintf(path, sizeof path, "%s/plan.xlsx", tmpdir);
    char *wb = unzip_member(path, "xl/workbook.xml");
    const char *names[] = {"summary", "sorties", "manifests", "clearances",
                           "people", "tasks", "site days"};
    for (size_t i = 0; i < 7; i++) {
        char want[64];
        snprintf(want, sizeof want, "<sheet name=\"%s\" sheetId=\"%zu\"", names[i], i + 1);
        if (!strstr(wb, want))
            fail_msg("no sheet %s", want);
    }
    free(wb);
    char *st = unzip_member(path, "xl/styles.xml");
    assert_non_null(strstr(st, "<numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd hh:mm\"/>"));
    assert_non_null(strstr(st, "formatCode=\"yyyy-mm-dd\"/>"));
    free(st);
    /* sorties: a header and 55 rows, frozen, filtered; sortie 1 departs
     * 2024-06-07T04:00Z = Excel 45450 + 4/24, as a date-time cell */
    char *s2 = unzip_member(path, "xl/worksheets/sheet2.xml");
    assert_int_equal(count(s2, "<row "), 56);
    assert_non_null(strstr(s2, "state=\"frozen\""));
    assert_non_null(strstr(s2, "<autoFilter ref=\"A1:S56\"/>"));
    assert_non_null(strstr(s2, "<c r=\"I2\" s=\"2\"><v>45450.16666666667</v></c>"));
    assert_non_null(strstr(s2, "<c r=\"M2\" s=\"3\"><v>33701.9</v></c>"));
    free(s2);
    /* clearances: the date column holds real dates (2024-06-07 = 45450) */
    char *s4 = unzip_member(path, "xl/worksheets/sheet4.xml");
    assert_int_equal(count(s4, "<row "), 56);
    assert_non_null(strstr(s4, "<c r=\"I2\" s=\"4\"><v>45450</v></c>"));
    free(s4);
    /* manifests: a row per pallet piece, bulky line and passenger group */
    char *s3 = unzip_member(path, "xl/worksheets/sheet3.xml");
    assert_int_equal(count(s3, "<row "), 636);
    free(s3);
    /* site days: two sites of 46 and 44 days */
    char *s7 = unzip_member(path, "xl/worksheets/sheet7.xml");
    assert_int_equal(count(s7, "<row "), 91);
    free(s7);
}

static void test_html(void **state)
{
    (void)state;
    const char *plans[] = {NIGER, SMALL};
    for (size_t p = 0; p < 2; p++) {
        dd_brief *b = load(plans[p]);
        render(b, "plan.html", -1);
        char path[160];
        snprintf(path, sizeof path, "%s/plan.html", tmpdir);
        size_t n;
        char *t = slurp(path, &n);
        assert_true(!strncmp(t, "<!DOCTYPE html>", 15));
        /* every chart but the risk chart, which needs a simulation */
        assert_int_equal(count(t, "<svg"), DD_CHART_COUNT - 1);
        assert_int_equal(count(t, "</svg>"), DD_CHART_COUNT - 1);
        assert_int_equal(count(t, "<table class=\"sort\">"), 6);
        assert_int_equal(count(t, "<script>"), 1);
        /* self-contained: nothing fetched (xmlns URIs name, never load) */
        assert_int_equal(count(t, "src=\"http"), 0);
        assert_int_equal(count(t, "href=\"http"), 0);
        assert_int_equal(count(t, "<link"), 0);
        /* the charts' words are text (searchable, copyable), not glyphs */
        assert_null(strstr(t, "glyph"));
        assert_non_null(strstr(t, "lengthAdjust=\"spacingAndGlyphs\">Sorties by airfield and "
                                  "day</text>"));
        /* a row per sortie in the sorties table */
        const char *s = strstr(t, "<h2 id=\"sorties\">"), *e = strstr(t, "<h2 id=\"manifests\">");
        assert_true(s && e && s < e);
        size_t rows = 0;
        for (const char *q = s; (q = strstr(q, "<tr>")) && q < e; q += 4)
            rows++;
        assert_int_equal(rows, p == 0 ? 55 + 1 : 4 + 1);
        if (p == 0)
            assert_non_null(strstr(t, "DEADLINE MET — 73d 19h to spare"));
        free(t);
        dd_brief_free(b);
    }
}

/* Legs inside the country (issue 18): the briefing of a plan with legs
 * (tests/data/verify/legs/plan.json) lists each leg with the site it
 * flies to and each onward sortie with the leg it continues. */
/* The HTML briefing of plan file `plan`, rendered as `name` in the
 * temporary folder: its text (freed by the caller) and *b_out. */
static char *brief_html(const char *plan, const char *name, dd_brief **b_out)
{
    dd_brief *b = load(plan);
    render(b, name, -1);
    char path[160];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    size_t n;
    *b_out = b;
    return slurp(path, &n);
}

static void test_legs(void **state)
{
    (void)state;
    dd_brief *b;
    char *h = brief_html(DD_TEST_DATA "/verify/legs/plan.json", "legs.html", &b);
    assert_non_null(strstr(h, "<td>S2</td><td>S1 (leg)</td>"));
    assert_non_null(strstr(h, "<td>S1</td><td>H (after leg 1)</td>"));
    assert_non_null(strstr(h, "<td>S1</td><td>H (after leg 5)</td>"));
    free(h);
    render(b, "legs.xlsx", -1);
    render(b, "legs.pdf", -1);
    dd_brief_free(b);
}

/* En-route fuel stops (issue 18): the briefing of a plan whose sorties
 * stop on the way (tests/data/verify/stops/plan.json; a chain of two,
 * stopchain; an onward sortie's, stoponward) names each stop beside the
 * destination. */
static void test_stops(void **state)
{
    (void)state;
    dd_brief *b;
    char *h = brief_html(DD_TEST_DATA "/verify/stops/plan.json", "stops.html", &b);
    assert_non_null(strstr(h, "<td>S</td><td>HUB (stop BB)</td>"));
    assert_non_null(strstr(h, "<td>S</td><td>HUB (stop AA)</td>"));
    free(h);
    dd_brief_free(b);
    /* a chain of two stops (the plan file's stops list) */
    h = brief_html(DD_TEST_DATA "/verify/stopchain/plan.json", "chain.html", &b);
    assert_non_null(strstr(h, "<td>S</td><td>HUB (stops AA, BB)</td>"));
    free(h);
    dd_brief_free(b);
    /* an onward sortie through a stop */
    h = brief_html(DD_TEST_DATA "/verify/stoponward/plan.json", "onward.html", &b);
    assert_non_null(strstr(h, "<td>S1</td><td>HUB (after leg 4, stop AA)</td>"));
    free(h);
    dd_brief_free(b);
}

/* The clearance request's contents (issue 18) in the HTML and XLSX
 * briefing: small-plan.json's first request with a call sign, route,
 * passengers, hazard classes, weapons and overflight clearances. */
static void test_clearance_contents(void **state)
{
    (void)state;
    size_t n;
    char *text = slurp(SMALL, &n);
    const char *at = "\"count_site\": 1, \"count_country\": 1},";
    char *q = strstr(text, at);
    assert_non_null(q);
    q += strlen(at) - 2; /* before the first request's closing brace */
    static const char more[] =
        ", \"call_sign\": \"RCH101\", \"route\": \"BASE-HUBX\", \"passengers\": 12,"
        " \"hazards\": [\"1.4\", \"3\"], \"weapons\": true,"
        " \"overflight\": [{\"country\": \"DZ\", \"file_by\": \"2024-06-01T08:00Z\"},"
        " {\"country\": \"LY\", \"file_by\": \"2024-06-02T08:00Z\"}]";
    size_t len = n + sizeof more;
    char *t2 = malloc(len);
    assert_non_null(t2);
    size_t head = (size_t)(q - text);
    memcpy(t2, text, head);
    memcpy(t2 + head, more, sizeof more - 1);
    memcpy(t2 + head + sizeof more - 1, q, n - head);
    t2[len - 1] = '\0';
    dd_diags d;
    dd_diags_init(&d, 10);
    dd_brief *b = NULL;
    assert_int_equal(dd_brief_parse("p.json", t2, len - 1, &d, &b), DD_OK);
    render(b, "contents.html", -1);
    char path[160];
    snprintf(path, sizeof path, "%s/contents.html", tmpdir);
    char *h = slurp(path, &n);
    assert_non_null(strstr(h, "<td class=\"n\">1</td><td class=\"n\">1</td><td>BASE-HUBX</td>"
                              "<td class=\"n\">12</td><td>1.4 3</td><td>aboard</td>"
                              "<td>DZ LY</td></tr>"));
    /* the second request states none of it */
    assert_non_null(strstr(h, "<td class=\"n\">1</td><td class=\"n\">1</td><td></td><td></td>"
                              "<td></td><td></td><td></td></tr>"));
    free(h);
    render(b, "contents.xlsx", -1);
    dd_brief_free(b);
    dd_diags_fini(&d);
    free(t2);
    free(text);
}

static void test_sim(void **state)
{
    (void)state;
    dd_brief *b = load(NIGER);
    dd_diags d;
    dd_diags_init(&d, 10);
    assert_int_equal(dd_brief_use_sim(b, NIGER_SIM, &d), DD_OK);
    assert_int_equal(d.n_items, 0);
    /* 500 replications completing from 6 July (day 47), 3 on the first */
    dd_brief_series_list l;
    assert_int_equal(dd_brief_series_get(b, DD_CHART_RISK, &l), DD_OK);
    const dd_brief_series *c = find(&l, "completions"), *p = find(&l, "p_done");
    assert_int_equal(c->n, 21);
    assert_true(c->x[0] == 47 && c->y[0] == 3 && c->y[4] == 75);
    assert_true(sum(c) == 500);
    assert_true(fabs(p->y[0] - 3.0 / 500) < 1e-12 && p->y[p->n - 1] == 1);
    dd_brief_series_fini(&l);
    render(b, "risk.png", DD_CHART_RISK);
    check_png("risk.png", 1400, 800, 0.01);
    /* the briefing gains the risk page; the page every chart */
    render(b, "sim.pdf", -1);
    char path[160];
    snprintf(path, sizeof path, "%s/sim.pdf", tmpdir);
    assert_int_equal(pdf_pages(path), 15);
    render(b, "sim.html", -1);
    snprintf(path, sizeof path, "%s/sim.html", tmpdir);
    size_t n;
    char *t = slurp(path, &n);
    assert_int_equal(count(t, "<svg"), DD_CHART_COUNT);
    assert_non_null(strstr(t, "P(deadline) 100.0% [99.2–100.0%], P(every term) 26.2% "
                              "[22.5–30.2%]"));
    free(t);
    /* a plan file is not a simulation result */
    assert_int_equal(dd_brief_use_sim(b, NIGER, &d), DD_EINPUT);
    assert_int_equal(d.n_items, 1);
    assert_string_equal(d.items[0].message,
                        "not a drawdown simulation result (key \"drawdown_simulation\")");
    dd_diags_fini(&d);
    dd_brief_free(b);
}

/* A baseline plan under the burndown; one of another scenario is refused
 * with a located message. */
static void test_baseline(void **state)
{
    (void)state;
    dd_brief *b = load(SMALL);
    dd_diags d;
    dd_diags_init(&d, 4);
    assert_int_equal(dd_brief_use_baseline(b, SMALL, &d), DD_OK);
    render(b, "baseline.png", DD_CHART_BURNDOWN);
    check_png("baseline.png", 1400, 800, 0.01);
    assert_int_equal(dd_brief_use_baseline(b, NIGER, &d), DD_EINPUT);
    assert_int_equal(d.n_errors, 1);
    assert_int_equal(d.items[0].line, 1);
    assert_non_null(strstr(d.items[0].message, "the baseline is a plan of 'Niger 2024"));
    dd_diags_fini(&d);
    dd_brief_free(b);
}

static void test_cli(void **state)
{
    (void)state;
    if (access(DD_CLI, X_OK) != 0)
        skip();
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s report %s -o %s/cli.png --chart calendar", DD_CLI, NIGER,
             tmpdir);
    assert_int_equal(system(cmd), 0);
    check_png("cli.png", 1400, 800, 0.01);
    /* the scenario adds the caps to the ramp chart */
    snprintf(cmd, sizeof cmd,
             "%s report %s -o %s/ramp.png --chart ramp --scenario %s/examples/niger-2024/"
             "scenario.yaml --size 900x600",
             DD_CLI, NIGER, tmpdir, DD_SOURCE_DIR);
    assert_int_equal(system(cmd), 0);
    check_png("ramp.png", 900, 600, 0.01);
    snprintf(cmd, sizeof cmd, "%s report %s -o %s/x.png --size 9x9 2>/dev/null", DD_CLI, NIGER,
             tmpdir);
    assert_int_equal(WEXITSTATUS(system(cmd)), 2);
    snprintf(cmd, sizeof cmd, "%s report %s -o %s/x.png --chart pie 2>/dev/null", DD_CLI, NIGER,
             tmpdir);
    int rc = system(cmd);
    assert_int_equal(WEXITSTATUS(rc), 2);
    snprintf(cmd, sizeof cmd, "%s report %s/nope.json -o %s/x.png 2>/dev/null", DD_CLI, tmpdir,
             tmpdir);
    rc = system(cmd);
    assert_int_equal(WEXITSTATUS(rc), 2);
}

/* The first page's verdict is a verified one: the plan is checked against
 * its scenario, and a plan the verifier does not bear out, or one with no
 * scenario to check, says NOT VERIFIED. */
static void first_page(const char *pdf, char *out, size_t cap)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdftotext -l 1 '%s/%s' -", tmpdir, pdf);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    pclose(f);
}

/* All the text of a PDF, through pdftotext. */
static char *pdf_text(const char *name)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdftotext '%s/%s' -", tmpdir, name);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[n] = '\0';
    pclose(f);
    return buf;
}

#define HAS(t, s)                                                                                 \
    do {                                                                                          \
        if (!strstr((t), (s)))                                                                    \
            fail_msg("'%s' not found", (s));                                                     \
    } while (0)

/* A briefing a commander is handed (issue 13): the marking at the top and
 * bottom of every page, as of when, the sortie table with local and Zulu
 * departures (call signs: test_cli_outputs, from a fresh plan), the units and the paper asked for; --chart
 * with a .pdf is that chart alone; in the page the charts' words are text
 * and it prints with the marking; the workbook is marked too. */
static void test_briefing(void **state)
{
    (void)state;
    if (system("pdftotext -v >/dev/null 2>&1") != 0 || system("unzip -v >/dev/null 2>&1") != 0)
        skip();
    dd_brief *b = load(NIGER);
    dd_report_options o;
    dd_report_options_init(&o);
    o.marking = "UNCLASSIFIED//FOUO";
    o.paper = DD_PAPER_LETTER;
    o.units = DD_UNITS_US;
    o.as_of = 1717243200; /* 2024-06-01T12:00Z */
    dd_diags d;
    dd_diags_init(&d, 10);
    char path[160];
    snprintf(path, sizeof path, "%s/marked.pdf", tmpdir);
    assert_int_equal(dd_report_write(b, path, &o, &d), DD_OK);
    /* letter: 14 pages as on A4 (one more table row a page, the same pages) */
    int pages = pdf_pages(path);
    assert_int_equal(pages, 14);
    size_t n;
    char *raw = slurp(path, &n);
    size_t boxes = 0; /* the file holds binary streams: count over all n bytes */
    static const char box[] = "/MediaBox [ 0 0 792 612 ]";
    for (size_t i = 0; i + sizeof box - 1 <= n; i++)
        boxes += !memcmp(raw + i, box, sizeof box - 1);
    assert_int_equal(boxes, pages);
    free(raw);
    char *t = pdf_text("marked.pdf");
    assert_int_equal(count(t, "UNCLASSIFIED//FOUO"), 2 * (size_t)pages);
    assert_int_equal(count(t, "as of 011200ZJUN24"), (size_t)pages);
    HAS(t, "sorties 1 to 46 of 55; departures in local time at the site (UTC+01:00) and Zulu; "
           "load in lb");
    HAS(t, "sorties 47 to 55 of 55");
    HAS(t, "departs (local)");
    HAS(t, "2024-06-07 05:00");
    HAS(t, "070400ZJUN24");
    HAS(t, "74,300");       /* sortie 1: 33,701.9 kg */
    HAS(t, "cargo (lb)");   /* the burndown in pounds */
    HAS(t, "all sites");    /* its total line */
    HAS(t, "AB101 empty (plan) 2024-07-04");
    free(t);

    /* --chart NAME -o x.pdf: that chart, marked */
    o.chart = DD_CHART_GANTT;
    snprintf(path, sizeof path, "%s/gantt.pdf", tmpdir);
    assert_int_equal(dd_report_write(b, path, &o, &d), DD_OK);
    assert_int_equal(pdf_pages(path), 1);
    t = pdf_text("gantt.pdf");
    HAS(t, "Sorties by airfield and day");
    assert_null(strstr(t, "Burndown"));
    assert_int_equal(count(t, "UNCLASSIFIED//FOUO"), 2);
    free(t);

    /* the page: marked top and bottom, printable, its charts' words text */
    o.chart = -1;
    snprintf(path, sizeof path, "%s/marked.html", tmpdir);
    assert_int_equal(dd_report_write(b, path, &o, &d), DD_OK);
    t = slurp(path, &n);
    HAS(t, "<div class=\"marking top\">UNCLASSIFIED//FOUO</div>");
    HAS(t, "<div class=\"marking bottom\">UNCLASSIFIED//FOUO</div>");
    HAS(t, "@media print{");
    HAS(t, "@page{size:letter landscape");
    HAS(t, "As of 011200ZJUN24.");
    HAS(t, "<th>weight lb</th>");
    HAS(t, ">55</text>");                          /* the Gantt's sortie ids */
    HAS(t, ">AB101 (2): #1 #2</text>");            /* the calendar: requests, sorties */
    HAS(t, ">20 May 2024</text>");                 /* dates with their year */
    HAS(t, ">last departure 2024-07-04 05:00</text>");
    free(t);

    /* the workbook: each sheet's printed pages marked, on letter paper */
    snprintf(path, sizeof path, "%s/marked.xlsx", tmpdir);
    assert_int_equal(dd_report_write(b, path, &o, &d), DD_OK);
    char *s2 = unzip_member(path, "xl/worksheets/sheet2.xml");
    HAS(s2, "<oddHeader>&amp;C&amp;\"Bold\"UNCLASSIFIED//FOUO</oddHeader>");
    HAS(s2, "<oddFooter>&amp;C&amp;\"Bold\"UNCLASSIFIED//FOUO</oddFooter>");
    HAS(s2, "paperSize=\"1\"");
    HAS(s2, "weight lb");
    free(s2);
    dd_diags_fini(&d);
    dd_brief_free(b);
}

static void test_verified_verdict(void **state)
{
    (void)state;
    if (access(DD_CLI, X_OK) != 0 || system("pdftotext -v >/dev/null 2>&1") != 0)
        skip();
    char cmd[1024], page[8192];
    snprintf(cmd, sizeof cmd,
             "cd %s && %s plan examples/niger-2024/scenario.yaml -o %s/v.json >/dev/null && "
             "%s report %s/v.json -o %s/v.pdf",
             DD_SOURCE_DIR, DD_CLI, tmpdir, DD_CLI, tmpdir, tmpdir);
    assert_int_equal(system(cmd), 0);
    first_page("v.pdf", page, sizeof page);
    assert_non_null(strstr(page, "DEADLINE MET — 61d 19h to spare\n"));
    assert_null(strstr(page, "NOT VERIFIED"));
    /* no scenario to check it against */
    snprintf(cmd, sizeof cmd,
             "sed 's|\"scenario\": \"[^\"]*\"|\"scenario\": \"%s/none.yaml\"|' %s/v.json > "
             "%s/u.json && %s report %s/u.json -o %s/u.pdf",
             tmpdir, tmpdir, tmpdir, DD_CLI, tmpdir, tmpdir);
    assert_int_equal(system(cmd), 0);
    first_page("u.pdf", page, sizeof page);
    assert_non_null(strstr(page, "DEADLINE MET — 61d 19h to spare — NOT VERIFIED"));
    /* a plan edited after it was made: the verifier finds what changed */
    snprintf(cmd, sizeof cmd,
             "sed '0,/\"acl_kg\": [0-9.]*/s//\"acl_kg\": 1000/' %s/v.json > %s/t.json && "
             "cd %s && %s report %s/t.json -o %s/t.pdf",
             tmpdir, tmpdir, DD_SOURCE_DIR, DD_CLI, tmpdir, tmpdir);
    assert_int_equal(system(cmd), 0);
    first_page("t.pdf", page, sizeof page);
    assert_non_null(strstr(page, "NOT VERIFIED — the verifier finds "));
    assert_null(strstr(page, "DEADLINE MET"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verified_verdict),
        cmocka_unit_test(test_series_burndown),
        cmocka_unit_test(test_series_other),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_unknown_format),
        cmocka_unit_test(test_png_each_chart),
        cmocka_unit_test(test_svg),
        cmocka_unit_test(test_pdf),
        cmocka_unit_test(test_xlsx),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_legs),
        cmocka_unit_test(test_stops),
        cmocka_unit_test(test_clearance_contents),
        cmocka_unit_test(test_sim),
        cmocka_unit_test(test_baseline),
        cmocka_unit_test(test_cli),
        cmocka_unit_test(test_briefing),
    };
    int failed = cmocka_run_group_tests(tests, setup_dir, remove_dir);
    dd_report_global_cleanup();
    return failed;
}
