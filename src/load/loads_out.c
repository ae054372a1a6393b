/* SPDX-License-Identifier: MIT */
/*
 * Rendering of a load plan: an 80-column table per site, the JSON object
 * of docs/loads-json.md, and one CSV row per load item (manifest lines).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "load/loads_int.h"
#include "model/units.h"

#define LB_KG 0.45359237

static bool imperial(const dd_scenario *s)
{
    return dd_scenario_us(s);
}

static double wt(const dd_scenario *s, double kg)
{
    return imperial(s) ? kg / LB_KG : kg;
}

static double len(const dd_scenario *s, double m)
{
    return dd__out_floor(imperial(s), m);
}

static const char *hub_name(const dd_scenario *s, int32_t site)
{
    double best = INFINITY;
    const char *id = "-";
    for (size_t h = 0; h < s->n_hubs; h++) {
        double d = dd_distance_m(s->sites[site].lat, s->sites[site].lon, s->hubs[h].lat,
                                 s->hubs[h].lon);
        if (d < best) {
            best = d;
            id = s->hubs[h].id;
        }
    }
    return id;
}

/* "18 pallets, 2 M-ATV, 35 pax" within width */
static void contents(const dd_loadplan *p, const dd_load *l, char *buf, size_t size)
{
    const dd_scenario *s = p->scenario;
    size_t pos = 0;
    buf[0] = '\0';
    if (l->pallets)
        pos += (size_t)snprintf(buf + pos, size - pos, "%d pallet%s", l->pallets,
                                l->pallets == 1 ? "" : "s");
    for (size_t i = 0; i < l->n_items && pos < size; i++) {
        const dd_load_item *it = &l->items[i];
        if (it->kind != DD_LI_BULKY)
            continue;
        const char *name = s->cargo[it->ref].description[0] ? s->cargo[it->ref].description
                                                            : s->cargo[it->ref].id;
        /* "6 x 20 ft container": a name that starts with a figure is not
         * read as part of the count */
        bool figure = name[0] >= '0' && name[0] <= '9';
        pos += (size_t)snprintf(buf + pos, size - pos, "%s%d %s%s", pos ? ", " : "", it->count,
                                figure ? "x " : "", name);
    }
    if (l->passengers && pos < size)
        pos += (size_t)snprintf(buf + pos, size - pos, "%s%d pax", pos ? ", " : "",
                                l->passengers);
    (void)pos;
}

dd_status dd_loads_write_text(const dd_loadplan *p, FILE *f)
{
    const dd_scenario *s = p->scenario;
    bool imp = imperial(s);
    bool ft = imp;
    size_t total = 0, total_lb = 0;
    for (size_t g = 0; g < p->n_groups; g++) {
        const dd_site_loads *gr = &p->groups[g];
        const dd_aircraft *t = &s->aircraft[gr->aircraft];
        size_t gap = gr->n_loads - gr->lower_bound;
        total += gr->n_loads;
        total_lb += gr->lower_bound;
        char nm[32];
        dd__out_number(dd__out_nm(gr->leg_m), 0, nm, sizeof nm);
        fprintf(f, "%s -> %s (%s nm) on %s: %zu %s, lower bound %zu", s->sites[gr->site].id,
                hub_name(s, gr->site), nm, t->id, gr->n_loads,
                dd__plural((int64_t)gr->n_loads, "load", "loads"), gr->lower_bound);
        if (gr->lower_bound)
            fprintf(f, " (gap %zu, %.1f%%)\n", gap, 100.0 * (double)gap / (double)gr->lower_bound);
        else
            fputc('\n', f);
        fprintf(f, "  bounds: weight %zu (L2 %zu), floor %zu, 463L positions %zu, seats %zu\n",
                gr->lb_weight, gr->lb_l2_weight, gr->lb_floor, gr->lb_positions, gr->lb_seats);
        fprintf(f, "  %4s %6s %4s %10s %7s %5s %4s  %s\n", "load", "pallet", "pax",
                imp ? "weight lb" : "weight kg", ft ? "floor ft" : "floor m", "seats", "use",
                "contents");
        for (size_t k = gr->first_load; k < gr->first_load + gr->n_loads; k++) {
            const dd_load *l = &p->loads[k];
            char c[128];
            contents(p, l, c, sizeof c);
            /* 50 columns of figures, then the contents: 80 in all, the
             * sensitive marker included */
            size_t room = l->sensitive ? 29 : 30;
            if (strlen(c) > room) {
                c[room - 3] = c[room - 2] = c[room - 1] = '.';
                c[room] = '\0';
            }
            fprintf(f, "  %4zu %6d %4d %10.0f %7.1f %5d %3.0f%%  %s%s\n", k - gr->first_load + 1,
                    l->pallets, l->passengers, wt(s, l->weight_kg), len(s, l->floor_m), l->seats,
                    100 * l->utilisation, l->sensitive ? "*" : "", c);
        }
        fputc('\n', f);
    }
    fprintf(f, "%zu %s built or carried; %zu %s in all, lower bound %zu", p->n_pallets,
            dd__plural((int64_t)p->n_pallets, "pallet", "pallets"), total,
            dd__plural((int64_t)total, "load", "loads"), total_lb);
    if (total_lb)
        fprintf(f, " (gap %.1f%%)", 100.0 * (double)(total - total_lb) / (double)total_lb);
    fprintf(f, "\n* = sensitive cargo aboard, with its escort\n");
    for (size_t i = 0; i < p->n_warnings; i++)
        fprintf(f, "warning: %s\n", p->warnings[i]);
    return ferror(f) ? DD_EIO : DD_OK;
}

static void json_pieces(dd_jw *w, const dd_scenario *s, const dd_piece *pc, size_t n)
{
    dd__jw_arr(w);
    for (size_t i = 0; i < n; i++) {
        dd__jw_obj(w);
        dd__jw_kstr(w, "cargo", s->cargo[pc[i].cargo].id);
        dd__jw_kint(w, "count", pc[i].count);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
}

/* The members of group g, pallet i, load k of the plan p (dd__jw_kobjs). */
static void json_group(dd_jw *w, size_t g, const void *ctx)
{
    const dd_loadplan *p = ctx;
    const dd_scenario *s = p->scenario;
    const dd_site_loads *gr = &p->groups[g];
    dd__jw_kstr(w, "site", s->sites[gr->site].id);
    dd__jw_kstr(w, "aircraft", s->aircraft[gr->aircraft].id);
    dd__jw_knum(w, "leg_km", round(gr->leg_m / 100) / 10);
    dd__jw_kint(w, "loads", (int64_t)gr->n_loads);
    dd__jw_kint(w, "initial_loads", (int64_t)gr->initial_loads);
    dd__jw_kint(w, "lower_bound", (int64_t)gr->lower_bound);
    dd__jw_key(w, "bounds");
    dd__jw_obj(w);
    dd__jw_kint(w, "weight", (int64_t)gr->lb_weight);
    dd__jw_kint(w, "weight_l2", (int64_t)gr->lb_l2_weight);
    dd__jw_kint(w, "floor", (int64_t)gr->lb_floor);
    dd__jw_kint(w, "positions", (int64_t)gr->lb_positions);
    dd__jw_kint(w, "seats", (int64_t)gr->lb_seats);
    dd__jw_obj_end(w);
    dd__jw_kint(w, "gap", (int64_t)(gr->n_loads - gr->lower_bound));
}

/* A pallet's or load's number (from 1) and site. */
static void json_id_site(dd_jw *w, size_t i, const dd_loadplan *p, int32_t site)
{
    dd__jw_kint(w, "id", (int64_t)i + 1);
    dd__jw_kstr(w, "site", p->scenario->sites[site].id);
}

static void json_pallet(dd_jw *w, size_t i, const void *ctx)
{
    const dd_loadplan *p = ctx;
    const dd_pallet *pl = &p->pallets[i];
    json_id_site(w, i, p, pl->site);
    dd__jw_kbool(w, "prebuilt", pl->prebuilt);
    dd__jw_knum(w, "gross_kg", round(pl->gross_kg * 10) / 10);
    dd__jw_knum(w, "height_m", round(pl->height_m * 1000) / 1000);
    dd__jw_knum(w, "footprint_used", round(pl->area_used * 1000) / 1000);
    dd__jw_key(w, "pieces");
    json_pieces(w, p->scenario, pl->pieces, pl->n_pieces);
}

static void json_item(dd_jw *w, const dd_scenario *s, const dd_load_item *it)
{
    if (it->kind == DD_LI_PALLET) {
        dd__jw_kint(w, "pallet", it->ref + 1);
    } else if (it->kind == DD_LI_BULKY) {
        dd__jw_kstr(w, "cargo", s->cargo[it->ref].id);
        dd__jw_kint(w, "count", it->count);
    } else {
        dd__jw_kstr(w, "people", s->people[it->ref].id);
        dd__jw_kint(w, "count", it->count);
        if (it->escort)
            dd__jw_kbool(w, "escort", true);
    }
}

static void json_load(dd_jw *w, size_t k, const void *ctx)
{
    const dd_loadplan *p = ctx;
    const dd_scenario *s = p->scenario;
    const dd_load *l = &p->loads[k];
    json_id_site(w, k, p, l->site);
    dd__jw_kstr(w, "aircraft", s->aircraft[l->aircraft].id);
    dd__jw_knum(w, "weight_kg", round(l->weight_kg * 10) / 10);
    dd__jw_knum(w, "acl_kg", l->acl_kg);
    dd__jw_kint(w, "pallets", l->pallets);
    dd__jw_kint(w, "passengers", l->passengers);
    dd__jw_kint(w, "seats_available", l->seats);
    dd__jw_knum(w, "floor_m", round(l->floor_m * 1000) / 1000);
    dd__jw_knum(w, "utilisation", round(l->utilisation * 1000) / 1000);
    dd__jw_kbool(w, "sensitive", l->sensitive);
    dd__jw_key(w, "items");
    dd__jw_arr(w);
    for (size_t i = 0; i < l->n_items; i++) {
        dd__jw_obj(w);
        json_item(w, s, &l->items[i]);
        dd__jw_obj_end(w);
    }
    dd__jw_arr_end(w);
}

dd_status dd_loads_write_json(const dd_loadplan *p, FILE *f)
{
    dd_jw w;
    dd__jw_init(&w, f, true);
    dd__jw_obj(&w);
    dd__jw_kint(&w, "version", 1);
    dd__jw_kobjs(&w, "sites", p->n_groups, json_group, p);
    dd__jw_kobjs(&w, "pallets", p->n_pallets, json_pallet, p);
    dd__jw_kobjs(&w, "loads", p->n_loads, json_load, p);
    dd__jw_key(&w, "warnings");
    dd__jw_arr(&w);
    for (size_t i = 0; i < p->n_warnings; i++)
        dd__jw_str(&w, p->warnings[i]);
    dd__jw_arr_end(&w);
    dd__jw_obj_end(&w);
    return dd__jw_end(&w);
}

dd_status dd_loads_write_csv(const dd_loadplan *p, FILE *f)
{
    const dd_scenario *s = p->scenario;
    fputs("load,site,aircraft,item,pallet,cargo,people,count,weight_kg,description\n", f);
    for (size_t k = 0; k < p->n_loads; k++) {
        const dd_load *l = &p->loads[k];
        for (size_t i = 0; i < l->n_items; i++) {
            const dd_load_item *it = &l->items[i];
            if (it->kind == DD_LI_PALLET) {
                const dd_pallet *pl = &p->pallets[it->ref];
                for (size_t q = 0; q < pl->n_pieces; q++) {
                    const dd_cargo *c = &s->cargo[pl->pieces[q].cargo];
                    fprintf(f, "%zu,%s,%s,pallet,%d,", k + 1, s->sites[l->site].id,
                            s->aircraft[l->aircraft].id, it->ref + 1);
                    dd__csv_field(f, c->id);
                    fprintf(f, ",,%d,%.1f,", pl->pieces[q].count,
                            c->weight_kg * pl->pieces[q].count);
                    dd__csv_field(f, c->description);
                    fputc('\n', f);
                }
            } else if (it->kind == DD_LI_BULKY) {
                const dd_cargo *c = &s->cargo[it->ref];
                fprintf(f, "%zu,%s,%s,bulky,,", k + 1, s->sites[l->site].id,
                        s->aircraft[l->aircraft].id);
                dd__csv_field(f, c->id);
                fprintf(f, ",,%d,%.1f,", it->count, c->weight_kg * it->count);
                dd__csv_field(f, c->description);
                fputc('\n', f);
            } else {
                const dd_people *g = &s->people[it->ref];
                fprintf(f, "%zu,%s,%s,%s,,,", k + 1, s->sites[l->site].id,
                        s->aircraft[l->aircraft].id, it->escort ? "escort" : "passengers");
                dd__csv_field(f, g->id);
                fprintf(f, ",%d,%.1f,%s\n", it->count, s->passenger_kg * it->count,
                        dd_role_name(g->role));
            }
        }
    }
    return ferror(f) ? DD_EIO : DD_OK;
}
