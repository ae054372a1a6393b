/* SPDX-License-Identifier: MIT */
/*
 * Processes working together on one job (`mpirun -np N drawdown simulate
 * --mpi`, `drawdown sweep --mpi`): a thin message layer over Open MPI,
 * which lives in src/mpi/ only. The simulation's work farm (src/sim/farm.c)
 * is its one user: rank 0 hands out chunks of replications or sweep
 * combinations and gathers what each rank computed (docs/scale.md).
 *
 * Open MPI is an optional part of the build: without it every function
 * below exists, dd_cluster_built() is false and dd_cluster_start returns
 * DD_EARG.
 *
 * Threads: MPI is started with MPI_THREAD_FUNNELED; only the thread that
 * called dd_cluster_start may call the other functions (the farm's worker
 * threads never do). Ownership: dd_cluster_start allocates *out, freed by
 * dd_cluster_stop (which finalises MPI; NULL is a no-op).
 */
#ifndef DRAWDOWN_CLUSTER_H
#define DRAWDOWN_CLUSTER_H

#include <drawdown/base.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dd_cluster dd_cluster;

/* True when this build has Open MPI. */
bool dd_cluster_built(void);

/* Start MPI (once per process). DD_EARG without MPI in the build; DD_EIO
 * when MPI cannot start. */
dd_status dd_cluster_start(dd_cluster **out);
/* Finalise MPI and free the handle. */
void dd_cluster_stop(dd_cluster *c);
/* End every rank of the job at once (after an error on one rank that the
 * others cannot see): MPI_Abort. Does not return. */
_Noreturn void dd_cluster_abort(dd_cluster *c, int code);

int dd_cluster_rank(const dd_cluster *c);
int dd_cluster_size(const dd_cluster *c);
/* Ranks of the job on this rank's machine (1 without MPI): a rank's
 * default thread count is its machine's cores shared among them. */
int dd_cluster_node_ranks(const dd_cluster *c);

/* Blocking send of len bytes to rank `to` with a tag (>= 0). */
dd_status dd_cluster_send(dd_cluster *c, int to, int tag, const void *buf, size_t len);
/* Is a message with this tag waiting (from any rank)? Never blocks; fills
 * *from and *len (bytes) when it returns true. */
bool dd_cluster_probe(dd_cluster *c, int tag, int *from, size_t *len);
/* Receive the message that dd_cluster_probe announced (or wait for one
 * from `from` with `tag`) into buf of len bytes. */
dd_status dd_cluster_recv(dd_cluster *c, int from, int tag, void *buf, size_t len);
/* Rank 0's len bytes copied to every rank. */
dd_status dd_cluster_bcast(dd_cluster *c, void *buf, size_t len);
/* Wait until every rank gets here. */
dd_status dd_cluster_barrier(dd_cluster *c);

#ifdef __cplusplus
}
#endif
#endif
