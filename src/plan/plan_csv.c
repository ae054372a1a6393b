/* SPDX-License-Identifier: MIT */
/* The plan as CSV files for spreadsheets: sorties, manifests, clearance
 * requests, people, tasks; each written atomically. */
#include "base/json.h"
#include <drawdown/plan.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/units.h"
#include "plan/plan_int.h"

static void t(FILE *f, const dd_scenario *s, dd_time x)
{
    char b[40];
    dd_scenario_format_time(s, x, 0, b, sizeof b);
    fputs(b, f);
}

/* The same instant in local time at `tz` ("2024-06-07T05:00+01:00"). */
static void tl(FILE *f, const dd_scenario *s, dd_time x, int32_t tz)
{
    char b[40];
    dd_scenario_format_time(s, x, tz, b, sizeof b);
    fputs(b, f);
}

/* A weight in the reader's unit (kg, or lb when the scenario is in pounds):
 * the column says which. */
static double w_out(const dd_scenario *s, double kg)
{
    return dd__out_mass(dd_scenario_us(s), kg);
}

typedef void (*writer_fn)(const dd_plan *p, FILE *f);

static void w_sorties(const dd_plan *p, FILE *f)
{
    const dd_scenario *s = p->scenario;
    fprintf(f, "sortie,aircraft,tail,site,destination,ferry_from,ferry_departure,arrival_at_site,"
               "departure,arrival,clearance,weight_%s,pallets,passengers,tail_number,"
               "departure_local,stop\n",
            dd__out_mass_unit(dd_scenario_us(s)));
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        int32_t pax = 0;
        for (size_t k = 0; k < so->n_pax; k++)
            pax += so->pax[k].count;
        fprintf(f, "%zu,%s,%d,%s,%s,%s,", i + 1, s->aircraft[so->aircraft].id, so->tail + 1,
                s->sites[so->site].id, dd__sortie_to(s, so),
                so->ferry_from >= 0 ? s->hubs[so->ferry_from].id : "");
        t(f, s, so->ferry_departure);
        fputc(',', f);
        t(f, s, so->arrival_at_site);
        fputc(',', f);
        t(f, s, so->departure);
        fputc(',', f);
        t(f, s, so->arrival);
        char tn[32];
        dd_aircraft_tail_name(&s->aircraft[so->aircraft], so->tail + 1, tn, sizeof tn);
        fprintf(f, ",%d,%.1f,%d,%d,", so->clearance + 1,
                w_out(s, so->weight_kg + pax * s->passenger_kg),
                so->load >= 0 ? p->loads->loads[so->load].pallets : 0, pax);
        dd__csv_field(f, tn);
        fputc(',', f);
        tl(f, s, so->departure, s->sites[so->site].tz_offset);
        fputc(',', f); /* en-route fuel stops ("AA", "AA;BB"), else empty */
        if (so->stop2 > 0) {
            char both[256];
            snprintf(both, sizeof both, "%s;%s", s->stops[so->stop - 1].id,
                     s->stops[so->stop2 - 1].id);
            dd__csv_field(f, both);
        } else if (so->stop > 0) {
            dd__csv_field(f, s->stops[so->stop - 1].id);
        }
        fputc('\n', f);
    }
}

static void w_manifests(const dd_plan *p, FILE *f)
{
    const dd_scenario *s = p->scenario;
    fprintf(f, "sortie,kind,pallet,id,count,weight_%s,description\n",
            dd__out_mass_unit(dd_scenario_us(s)));
    for (size_t i = 0; i < p->n_sorties; i++) {
        const dd_sortie *so = &p->sorties[i];
        const dd_load *l = so->load >= 0 ? &p->loads->loads[so->load] : NULL;
        for (size_t k = 0; l && k < l->n_items; k++) {
            const dd_load_item *it = &l->items[k];
            if (it->kind == DD_LI_PALLET) {
                const dd_pallet *pl = &p->loads->pallets[it->ref];
                for (size_t q = 0; q < pl->n_pieces; q++) {
                    const dd_cargo *c = &s->cargo[pl->pieces[q].cargo];
                    fprintf(f, "%zu,pallet,%d,", i + 1, it->ref + 1);
                    dd__csv_field(f, c->id);
                    fprintf(f, ",%d,%.1f,", pl->pieces[q].count,
                            w_out(s, c->weight_kg * pl->pieces[q].count));
                    dd__csv_field(f, c->description);
                    fputc('\n', f);
                }
            } else if (it->kind == DD_LI_BULKY) {
                const dd_cargo *c = &s->cargo[it->ref];
                fprintf(f, "%zu,cargo,,", i + 1);
                dd__csv_field(f, c->id);
                fprintf(f, ",%d,%.1f,", it->count, w_out(s, c->weight_kg * it->count));
                dd__csv_field(f, c->description);
                fputc('\n', f);
            }
        }
        for (size_t k = 0; k < so->n_pax; k++) {
            fprintf(f, "%zu,%s,,", i + 1, so->pax[k].escort ? "escort" : "passengers");
            dd__csv_field(f, s->people[so->pax[k].people].id);
            fprintf(f, ",%d,%.1f,%s\n", so->pax[k].count, w_out(s, so->pax[k].count * s->passenger_kg),
                    dd_role_name(s->people[so->pax[k].people].role));
        }
    }
}

/* "1.4 3": the hazard classes of bits `h`, space-separated. */
static void hazard_list(const dd_scenario *s, uint32_t h, char *buf, size_t size)
{
    size_t off = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < s->hazard.n_classes && k < 32 && off < size; k++)
        if (h >> k & 1) {
            int n = snprintf(buf + off, size - off, "%s%s", off ? " " : "", s->hazard.classes[k]);
            off += n > 0 ? (size_t)n : 0;
        }
}

static void w_clearances(const dd_plan *p, FILE *f)
{
    const dd_scenario *s = p->scenario;
    fputs("clearance,sortie,site,airfield,file_by,window_from,window_to,count_site,"
          "count_country,call_sign,route,passengers,hazards,weapons,file_by_local,aircraft,"
          "tail_number\n",
          f);
    for (size_t i = 0; i < p->n_clearances; i++) {
        const dd_clearance_req *c = &p->clearances[i];
        fprintf(f, "%zu,%d,%s,%s,", i + 1, c->sortie + 1, s->sites[c->site].id,
                s->sites[c->site].icao);
        t(f, s, c->file_by);
        fputc(',', f);
        t(f, s, c->window_from);
        fputc(',', f);
        t(f, s, c->window_to);
        fprintf(f, ",%d,%d,", c->count_site, c->count_country);
        dd_clearance_info ci;
        dd_plan_clearance_info(p, i, &ci);
        char hz[512];
        hazard_list(s, ci.hazards, hz, sizeof hz);
        dd__csv_field(f, ci.call_sign);
        char route[64];
        dd__clearance_route(&ci, route, sizeof route);
        fprintf(f, ",%s,%d,", route, ci.passengers);
        dd__csv_field(f, hz);
        fprintf(f, ",%s,", ci.weapons ? "yes" : "no");
        tl(f, s, c->file_by, s->agreement.tz_offset);
        /* the aircraft the host clears: its type and tail number */
        if (c->sortie >= 0 && (size_t)c->sortie < p->n_sorties) {
            const dd_sortie *so = &p->sorties[c->sortie];
            char tn[32];
            dd_aircraft_tail_name(&s->aircraft[so->aircraft], so->tail + 1, tn, sizeof tn);
            fprintf(f, ",%s,", s->aircraft[so->aircraft].id);
            dd__csv_field(f, tn);
        } else {
            fputs(",,", f);
        }
        fputc('\n', f);
    }
}

static void w_people(const dd_plan *p, FILE *f)
{
    const dd_scenario *s = p->scenario;
    fputs("group,site,role,count,released,departure,sortie\n", f);
    for (size_t m = 0; m < p->n_movements; m++) {
        const dd_movement *mv = &p->movements[m];
        const dd_people *g = &s->people[mv->people];
        dd__csv_field(f, g->id);
        fprintf(f, ",%s,%s,%d,", s->sites[g->site].id, dd_role_name(g->role), mv->count);
        t(f, s, p->released[mv->people]);
        fputc(',', f);
        t(f, s, mv->departure);
        if (mv->sortie >= 0)
            fprintf(f, ",%d\n", mv->sortie + 1);
        else
            fputs(",commercial\n", f);
    }
}

static void w_tasks(const dd_plan *p, FILE *f)
{
    const dd_scenario *s = p->scenario;
    fputs("task,site,start,end,description\n", f);
    for (size_t k = 0; k < s->n_tasks; k++) {
        dd__csv_field(f, s->tasks[k].id);
        fprintf(f, ",%s,", s->sites[s->tasks[k].site].id);
        t(f, s, p->tasks[k].start);
        fputc(',', f);
        t(f, s, p->tasks[k].end);
        fputc(',', f);
        dd__csv_field(f, s->tasks[k].description);
        fputc('\n', f);
    }
}

typedef struct csv_file {
    const dd_plan *p;
    writer_fn fn;
} csv_file;

static dd_status write_csv(FILE *f, const void *ctx)
{
    const csv_file *c = ctx;
    c->fn(c->p, f);
    return DD_OK;
}

typedef struct csv_target {
    const char *name;
    writer_fn fn;
} csv_target;

static const csv_target csv_files[] = {{"sorties.csv", w_sorties},
                                       {"manifests.csv", w_manifests},
                                       {"clearances.csv", w_clearances},
                                       {"people.csv", w_people},
                                       {"tasks.csv", w_tasks}};
#define N_CSV (sizeof csv_files / sizeof csv_files[0])

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s/%s", dir, name);
    return path;
}

dd_status dd_plan_write_csv_to(const dd_plan *p, const char *dir, const char *const *inputs,
                               size_t n_inputs, dd_diags *diags)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        if (diags && errno == ENOENT)
            dd_diags_add(diags, DD_SEV_ERROR, dir, 0, 0, "", NULL,
                         "no such folder to create it in");
        else if (diags)
            dd_diags_add(diags, DD_SEV_ERROR, dir, 0, 0, "", NULL, "cannot create the folder (%s)",
                         strerror(errno));
        return DD_EIO;
    }
    /* every file is checked before any is written, so a refused one
     * (an inventory named tasks.csv in DIR) leaves DIR as it was */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < N_CSV; i++) {
            char *path = path_in(dir, csv_files[i].name);
            if (!path)
                return DD_ENOMEM;
            csv_file c = {p, csv_files[i].fn};
            dd_status st = pass == 0 ? dd_output_check(path, inputs, n_inputs, diags)
                                     : dd_write_file(path, inputs, n_inputs, write_csv, &c,
                                                     diags);
            free(path);
            if (st != DD_OK)
                return st;
        }
    }
    return DD_OK;
}

dd_status dd_plan_write_csv(const dd_plan *p, const char *dir)
{
    return dd_plan_write_csv_to(p, dir, NULL, 0, NULL);
}
