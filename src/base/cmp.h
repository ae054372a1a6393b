/* SPDX-License-Identifier: MIT */
/*
 * Three-way comparison for qsort comparators, written once: a comparator
 * over several keys is a list of DD__CMP_BY lines, most significant first,
 * ending in the comparison that breaks the last tie.
 */
#ifndef DD_BASE_CMP_H
#define DD_BASE_CMP_H

/* -1, 0 or 1 as a is below, equal to or above b (numbers of one type). */
#define DD__CMP(a, b) (((a) > (b)) - ((a) < (b)))

/*
 * In a comparator: return the order of a and b when they differ, and go on
 * to the next key when they are equal. Swap the two for a descending key.
 */
#define DD__CMP_BY(a, b)                                                     \
    do {                                                                     \
        if ((a) != (b))                                                      \
            return (a) < (b) ? -1 : 1;                                       \
    } while (0)

#endif
