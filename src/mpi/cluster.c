/* SPDX-License-Identifier: MIT */
/*
 * The only file that includes <mpi.h>: include/drawdown/cluster.h over
 * Open MPI when the build found it (DD_HAVE_MPI, CMakeLists.txt), else the
 * same functions saying that this build has no MPI. Messages are plain
 * bytes (MPI_BYTE); the farm (src/sim/farm.c) encodes what they carry.
 */
#include <drawdown/cluster.h>
#include <limits.h>
#include <stdlib.h>

#ifdef DD_HAVE_MPI
#include <mpi.h>

struct dd_cluster {
    int rank, size, node_ranks;
};

bool dd_cluster_built(void)
{
    return true;
}

dd_status dd_cluster_start(dd_cluster **out)
{
    *out = NULL;
    dd_cluster *c = calloc(1, sizeof *c);
    if (!c)
        return DD_ENOMEM;
    int provided = 0, inited = 0;
    MPI_Initialized(&inited);
    if (!inited && MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        free(c);
        return DD_EIO;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &c->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &c->size);
    MPI_Comm node;
    c->node_ranks = 1;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) ==
        MPI_SUCCESS) {
        MPI_Comm_size(node, &c->node_ranks);
        MPI_Comm_free(&node);
    }
    *out = c;
    return DD_OK;
}

void dd_cluster_stop(dd_cluster *c)
{
    if (!c)
        return;
    MPI_Finalize();
    free(c);
}

_Noreturn void dd_cluster_abort(dd_cluster *c, int code)
{
    (void)c;
    MPI_Abort(MPI_COMM_WORLD, code);
    exit(code);
}

int dd_cluster_rank(const dd_cluster *c)
{
    return c ? c->rank : 0;
}

int dd_cluster_size(const dd_cluster *c)
{
    return c ? c->size : 1;
}

int dd_cluster_node_ranks(const dd_cluster *c)
{
    return c && c->node_ranks > 0 ? c->node_ranks : 1;
}

dd_status dd_cluster_send(dd_cluster *c, int to, int tag, const void *buf, size_t len)
{
    (void)c;
    if (len > INT_MAX)
        return DD_EARG;
    return MPI_Send(buf, (int)len, MPI_BYTE, to, tag, MPI_COMM_WORLD) == MPI_SUCCESS ? DD_OK
                                                                                    : DD_EIO;
}

bool dd_cluster_probe(dd_cluster *c, int tag, int *from, size_t *len)
{
    (void)c;
    int flag = 0, count = 0;
    MPI_Status st;
    if (MPI_Iprobe(MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, &flag, &st) != MPI_SUCCESS || !flag)
        return false;
    MPI_Get_count(&st, MPI_BYTE, &count);
    *from = st.MPI_SOURCE;
    *len = count > 0 ? (size_t)count : 0;
    return true;
}

dd_status dd_cluster_recv(dd_cluster *c, int from, int tag, void *buf, size_t len)
{
    (void)c;
    if (len > INT_MAX)
        return DD_EARG;
    return MPI_Recv(buf, (int)len, MPI_BYTE, from < 0 ? MPI_ANY_SOURCE : from,
                    tag < 0 ? MPI_ANY_TAG : tag, MPI_COMM_WORLD,
                    MPI_STATUS_IGNORE) == MPI_SUCCESS
               ? DD_OK
               : DD_EIO;
}

dd_status dd_cluster_bcast(dd_cluster *c, void *buf, size_t len)
{
    (void)c;
    if (len > INT_MAX)
        return DD_EARG;
    return MPI_Bcast(buf, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD) == MPI_SUCCESS ? DD_OK : DD_EIO;
}

dd_status dd_cluster_barrier(dd_cluster *c)
{
    (void)c;
    return MPI_Barrier(MPI_COMM_WORLD) == MPI_SUCCESS ? DD_OK : DD_EIO;
}

#else /* no MPI in this build */

bool dd_cluster_built(void)
{
    return false;
}

dd_status dd_cluster_start(dd_cluster **out)
{
    *out = NULL;
    return DD_EARG;
}

void dd_cluster_stop(dd_cluster *c)
{
    (void)c;
}

_Noreturn void dd_cluster_abort(dd_cluster *c, int code)
{
    (void)c;
    exit(code);
}

int dd_cluster_rank(const dd_cluster *c)
{
    (void)c;
    return 0;
}

int dd_cluster_size(const dd_cluster *c)
{
    (void)c;
    return 1;
}

int dd_cluster_node_ranks(const dd_cluster *c)
{
    (void)c;
    return 1;
}

dd_status dd_cluster_send(dd_cluster *c, int to, int tag, const void *buf, size_t len)
{
    (void)c, (void)to, (void)tag, (void)buf, (void)len;
    return DD_EARG;
}

bool dd_cluster_probe(dd_cluster *c, int tag, int *from, size_t *len)
{
    (void)c, (void)tag, (void)from, (void)len;
    return false;
}

dd_status dd_cluster_recv(dd_cluster *c, int from, int tag, void *buf, size_t len)
{
    (void)c, (void)from, (void)tag, (void)buf, (void)len;
    return DD_EARG;
}

dd_status dd_cluster_bcast(dd_cluster *c, void *buf, size_t len)
{
    (void)c, (void)buf, (void)len;
    return DD_OK;
}

dd_status dd_cluster_barrier(dd_cluster *c)
{
    (void)c;
    return DD_OK;
}

#endif
