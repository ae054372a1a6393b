/* SPDX-License-Identifier: MIT */
/*
 * The work farm: items 0..n-1 (replications, sweep combinations), each
 * computed into a fixed-size record by a pure function of its index, on
 * threads, optionally over MPI ranks (include/drawdown/cluster.h) and with
 * a checkpoint folder. Because a record depends only on its item, the
 * records — and everything aggregated from them in item order — are the
 * same for any number of threads or ranks and after any resume.
 *
 * Distribution is dynamic: items go out in chunks of consecutive pending
 * items. Rank 0's worker threads take chunks from an atomic counter; its
 * calling thread answers the other ranks' requests from the same counter
 * and gathers their records, so a rank that finishes early asks again.
 * Each other rank keeps one chunk per thread queued ahead so its threads
 * do not wait on the network.
 *
 * Checkpoint: rank 0 (the process alone, or the root) writes each finished
 * chunk atomically as DIR/<fingerprint>-p<phase>-<first item>.ck; a later
 * run with the same fingerprint reads them back and computes only the rest.
 */
#ifndef DD_SIM_FARM_H
#define DD_SIM_FARM_H

#include <drawdown/base.h>
#include <drawdown/cluster.h>
#include <stdbool.h>

typedef struct dd__farm {
    uint64_t n;         /* items 0 .. n-1 */
    size_t rec_size;    /* bytes of one item's record (> 0) */
    int threads;        /* worker threads on this rank (>= 1) */
    dd_cluster *cluster; /* NULL: this process alone */
    const char *ckpt_dir; /* NULL: no checkpoint */
    uint64_t fingerprint; /* what the records belong to (checkpoint files) */
    uint32_t phase;       /* one run's batches, told apart */
    uint64_t chunk;       /* items per chunk; 0: from n */
    /* per worker thread: scratch_new (may be NULL) and its free */
    void *(*scratch_new)(void *user);
    void (*scratch_free)(void *user, void *scratch);
    /* compute item into rec (rec_size bytes, zeroed); thread-safe */
    dd_status (*run)(void *user, void *scratch, uint64_t item, unsigned char *rec);
    void *user;
    /* called from the calling thread about ten times a second; may be NULL */
    void (*progress)(uint64_t done, uint64_t total, void *user);
    void *progress_user;
    uint64_t progress_base, progress_total;
    /* out */
    uint64_t resumed; /* items read back from the checkpoint (rank 0) */
} dd__farm;

/*
 * Compute every item. recs (n × rec_size bytes) is filled on rank 0 (and
 * in a process alone); other ranks may pass NULL and return when rank 0
 * has everything. DD_EIO when the checkpoint folder cannot be made or
 * written, or a message fails; DD_ENOMEM; a run's own status.
 */
dd_status dd__farm_run(dd__farm *f, unsigned char *recs);

/* FNV-1a, for fingerprints. */
uint64_t dd__farm_hash(uint64_t h, const void *data, size_t len);
#define DD__FARM_HASH0 0xcbf29ce484222325ULL

#endif
