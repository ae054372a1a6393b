/* SPDX-License-Identifier: MIT */
/*
 * Acknowledged warnings: a warning that describes the intended setting
 * (a C-130-only site has no C-17 MOG) is said until the scenario lists it
 * under `acknowledge:`, then no more, on any command. Each acknowledgeable
 * warning has a key, its code and its subjects ("no-mog AB201 C17"), that
 * the warning itself shows; an acknowledgement that matches no warning is
 * a warning of its own, so a stale one cannot hide a new problem.
 */
#include <stdio.h>
#include <string.h>

#include "model/loader.h"

#define MAX_ACKS 256

void dd__load_acks(dd_loader *L, dd_ynode *root)
{
    dd_ynode *n = dd__yget(root, "acknowledge");
    if (!n)
        return;
    if (n->kind == DD_Y_SCALAR) {
        dd__lerr(L, n, "acknowledge",
                 "expected a list of warnings, e.g. [no-mog AB201 C17], got a single value");
        return;
    }
    if (!dd__yexpect(L, n, DD_Y_SEQ, "acknowledge"))
        return;
    size_t k = n->n < MAX_ACKS ? n->n : MAX_ACKS;
    if (n->n > MAX_ACKS)
        dd__lerr(L, n, "acknowledge", "more than %d acknowledged warnings", MAX_ACKS);
    L->acks = dd__arena_array(L->arena, k ? k : 1, sizeof *L->acks);
    if (!L->acks) {
        L->oom = true;
        return;
    }
    for (size_t i = 0; i < k; i++) {
        char p[48];
        snprintf(p, sizeof p, "acknowledge[%zu]", i);
        const char *s;
        if (!dd__ystr(L, n->items[i], p, &s))
            continue;
        /* words separated by any blanks: "no-mog  AB201 C17" */
        char *norm = dd__arena_alloc(L->arena, strlen(s) + 1);
        if (!norm) {
            L->oom = true;
            return;
        }
        size_t w = 0;
        for (const char *c = s; *c; c++) {
            if (*c == ' ' || *c == '\t') {
                if (w && norm[w - 1] != ' ')
                    norm[w++] = ' ';
            } else {
                norm[w++] = *c;
            }
        }
        while (w && norm[w - 1] == ' ')
            w--;
        norm[w] = '\0';
        L->acks[L->n_acks].key = norm;
        L->acks[L->n_acks].node = n->items[i];
        L->acks[L->n_acks].index = i;
        L->acks[L->n_acks].used = false;
        L->n_acks++;
    }
}

bool dd__acked(dd_loader *L, const char *key)
{
    bool found = false;
    for (size_t i = 0; i < L->n_acks; i++)
        if (strcmp(L->acks[i].key, key) == 0) {
            L->acks[i].used = true;
            found = true;
        }
    return found;
}

void dd__acks_unused(dd_loader *L)
{
    for (size_t i = 0; i < L->n_acks; i++) {
        if (L->acks[i].used)
            continue;
        char p[48];
        snprintf(p, sizeof p, "acknowledge[%zu]", L->acks[i].index);
        dd__lwarn(L, L->acks[i].node, p,
                  "'%s' matches no warning of this scenario (warnings: no-mog SITE CLASS, "
                  "late-close SITE); remove it",
                  L->acks[i].key);
    }
}
