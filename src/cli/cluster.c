/* SPDX-License-Identifier: MIT */
/* --mpi for the commands that spread their work over ranks (simulate,
 * sweep): the cluster started and stopped the one way. */
#include <drawdown/cluster.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"

int dd__cli_cluster_start(const char *cmd, bool mpi, dd_cluster **out, int *threads)
{
    *out = NULL;
    if (!mpi)
        return -1;
    if (!dd_cluster_built()) {
        fprintf(stderr, "drawdown %s: --mpi: this build has no MPI (install libopenmpi-dev "
                        "and build again)\n",
                cmd);
        return DD_EXIT_INPUT;
    }
    if (dd_cluster_start(out) != DD_OK) {
        fprintf(stderr, "drawdown %s: --mpi: MPI did not start\n", cmd);
        return DD_EXIT_FAIL;
    }
    if (*threads <= 0) {
        /* the machine's cores shared among its ranks */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        long t = (cores < 1 ? 1 : cores) / dd_cluster_node_ranks(*out);
        *threads = t < 1 ? 1 : t > 256 ? 256 : (int)t;
    }
    return -1;
}

int dd__cli_cluster_stop(dd_cluster *c, int code)
{
    /* the other ranks may be waiting for this one */
    if (c && code != DD_EXIT_OK && dd_cluster_size(c) > 1)
        dd_cluster_abort(c, code);
    dd_cluster_stop(c);
    return code;
}

int dd__cli_status_error(const char *cmd, dd_status st)
{
    fprintf(stderr, "drawdown %s: %s\n", cmd, dd_status_str(st));
    return DD_EXIT_FAIL;
}
