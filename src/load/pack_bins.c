/* SPDX-License-Identifier: MIT */
/*
 * Items in bins, the state both local searches move items in (the
 * consistent neighbourhood search, pack_cns.c, and the overload tabu
 * search, pack_ls.c): each item's bin, each bin's items as a doubly linked
 * list, and each bin's count, load per dimension and scalar weight, kept
 * up to date by one put and one take. See pack_int.h.
 */
#include <string.h>

#include "load/pack_int.h"

bool dd__pack_bins_init(dd__pack_bins *b, const dd__pack_inst *in, size_t n_bins, dd_arena *a)
{
    size_t n = in->n ? in->n : 1, nb = n_bins ? n_bins : 1;
    b->in = in;
    b->bin = dd__arena_array(a, n, sizeof *b->bin);
    b->head = dd__arena_array(a, nb, sizeof *b->head);
    b->next = dd__arena_array(a, n, sizeof *b->next);
    b->prev = dd__arena_array(a, n, sizeof *b->prev);
    b->cnt = dd__arena_array(a, nb, sizeof *b->cnt);
    b->load = dd__arena_array(a, nb * in->nd, sizeof *b->load);
    b->wload = dd__arena_array(a, nb, sizeof *b->wload);
    if (!b->bin || !b->head || !b->next || !b->prev || !b->cnt || !b->load || !b->wload)
        return false;
    for (size_t i = 0; i < n; i++)
        b->bin[i] = DD__PACK_NONE;
    dd__pack_bins_clear(b, nb);
    return true;
}

void dd__pack_bins_clear(dd__pack_bins *b, size_t n_bins)
{
    for (size_t k = 0; k < n_bins; k++) {
        b->head[k] = DD__PACK_NONE;
        b->cnt[k] = 0;
        b->wload[k] = 0;
    }
    memset(b->load, 0, n_bins * b->in->nd * sizeof *b->load);
}

void dd__pack_bins_put(dd__pack_bins *b, uint32_t bin, uint32_t i)
{
    const dd__pack_inst *in = b->in;
    unsigned nd = in->nd;
    b->bin[i] = bin;
    b->prev[i] = DD__PACK_NONE;
    b->next[i] = b->head[bin];
    if (b->head[bin] != DD__PACK_NONE)
        b->prev[b->head[bin]] = i;
    b->head[bin] = i;
    b->cnt[bin]++;
    for (unsigned d = 0; d < nd; d++)
        b->load[(size_t)bin * nd + d] += in->size[(size_t)i * nd + d];
    b->wload[bin] += in->w[i];
}

uint32_t dd__pack_bins_take(dd__pack_bins *b, uint32_t i)
{
    const dd__pack_inst *in = b->in;
    unsigned nd = in->nd;
    uint32_t bin = b->bin[i];
    if (b->prev[i] != DD__PACK_NONE)
        b->next[b->prev[i]] = b->next[i];
    else
        b->head[bin] = b->next[i];
    if (b->next[i] != DD__PACK_NONE)
        b->prev[b->next[i]] = b->prev[i];
    b->cnt[bin]--;
    for (unsigned d = 0; d < nd; d++)
        b->load[(size_t)bin * nd + d] -= in->size[(size_t)i * nd + d];
    b->wload[bin] -= in->w[i];
    b->bin[i] = DD__PACK_NONE;
    return bin;
}
