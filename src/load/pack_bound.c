/* SPDX-License-Identifier: MIT */
/*
 * Lower bounds on the number of bins (docs/pack.md, "Lower bounds").
 * A vector packing relaxes to a 1-D packing in each dimension, so every
 * 1-D bound applies per dimension:
 *   L1 = ceil(sum / C);
 *   L2 (Martello & Toth 1990, "Knapsack Problems", ch. 8): for a threshold
 *   K <= C/2, items larger than C-K each need their own bin, items in
 *   (C/2, C-K] need distinct bins whose free space may take items in
 *   [K, C/2], and the rest of those need ceil(excess / C) bins more.
 * And a clique bound: a set of items no two of which fit together (in some
 * dimension their sizes add past the capacity, or their classes conflict)
 * needs one bin each; found greedily from the largest items.
 */
#include <stdlib.h>
#include <string.h>

#include "load/pack_int.h"

/* The greedy clique costs O(n * clique); only below this many items. */
#define CLIQUE_MAX_ITEMS 20000

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Number of a[0..n) (ascending) that are <= v. */
static size_t upper(const int64_t *a, size_t n, int64_t v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t ceil_div(__int128 num, int64_t c)
{
    if (num <= 0)
        return 0;
    return (size_t)((num + c - 1) / c);
}

/* L1 and L2 of the ascending sizes a[0..n) against capacity c. */
static void bound_1d(const int64_t *a, const __int128 *pre, size_t n, int64_t c,
                     size_t *l1, size_t *l2)
{
    *l1 = ceil_div(pre[n], c);
    int64_t half = c / 2; /* s > c/2  <=>  s > half */
    size_t i_half = upper(a, n, half);
    size_t best = *l1;
    size_t i = 0;
    int64_t k = 0;
    for (;;) {
        size_t i_ck = upper(a, n, c - k); /* s > c - k from here */
        size_t i_k = k == 0 ? 0 : upper(a, n, k - 1); /* s >= k from here */
        size_t n1 = n - i_ck;
        size_t n2 = i_ck - i_half;
        __int128 sum2 = pre[i_ck] - pre[i_half];
        __int128 sum3 = i_half > i_k ? pre[i_half] - pre[i_k] : 0;
        __int128 free2 = (__int128)n2 * c - sum2;
        size_t l = n1 + n2 + ceil_div(sum3 - free2, c);
        if (l > best)
            best = l;
        /* next distinct positive size <= c/2 */
        while (i < n && a[i] <= k)
            i++;
        if (i >= n || a[i] > half)
            break;
        k = a[i];
    }
    *l2 = best;
}

static int incompatible(const dd__pack_inst *in, size_t i, size_t j)
{
    const int64_t *si = in->size + i * in->nd, *sj = in->size + j * in->nd;
    for (unsigned d = 0; d < in->nd; d++)
        if (si[d] + sj[d] > in->cap[d])
            return 1;
    return in->klass && (in->conf[i] & in->klass[j]) != 0;
}

static size_t clique_bound(const dd__pack_inst *in, uint32_t *members)
{
    size_t k = 0;
    for (size_t i = 0; i < in->n; i++) {
        size_t j = 0;
        while (j < k && incompatible(in, i, members[j]))
            j++;
        if (j == k)
            members[k++] = (uint32_t)i;
    }
    return k;
}

dd_status dd__pack_bounds(const dd__pack_inst *in, dd_pack_bounds *out)
{
    size_t n = in->n, nn = n ? n : 1;
    memset(out, 0, sizeof *out);
    int64_t *a = malloc(nn * sizeof *a);
    __int128 *pre = malloc((n + 1) * sizeof *pre);
    if (!a || !pre) {
        free(a);
        free(pre);
        return DD_ENOMEM;
    }
    for (unsigned d = 0; d < in->nd; d++) {
        for (size_t i = 0; i < n; i++)
            a[i] = in->size[i * in->nd + d];
        qsort(a, n, sizeof *a, cmp_i64);
        pre[0] = 0;
        for (size_t i = 0; i < n; i++)
            pre[i + 1] = pre[i] + a[i];
        bound_1d(a, pre, n, in->cap[d], &out->l1[d], &out->l2[d]);
        if (out->l1[d] > out->lower_bound)
            out->lower_bound = out->l1[d];
        if (out->l2[d] > out->lower_bound)
            out->lower_bound = out->l2[d];
    }
    free(pre);
    if (n <= CLIQUE_MAX_ITEMS) {
        uint32_t *members = malloc(nn * sizeof *members);
        if (!members) {
            free(a);
            return DD_ENOMEM;
        }
        out->clique = clique_bound(in, members);
        free(members);
        if (out->clique > out->lower_bound)
            out->lower_bound = out->clique;
    }
    free(a);
    return DD_OK;
}
