/* SPDX-License-Identifier: MIT */
/*
 * The work farm (farm.h): threads on one rank, chunks handed out by rank 0
 * to the others over include/drawdown/cluster.h, records gathered on rank 0
 * and checkpointed there as each chunk completes.
 *
 * Messages (bytes, native order: every rank runs the same binary):
 *   REQ     rank -> 0   "one more chunk, please" (8 bytes, ignored)
 *   GRANT   0 -> rank   chunk id, count, the count items; id ~0: no more
 *   RESULT  rank -> 0   chunk id, then the count records in item order
 * Only the calling thread of each rank talks to MPI (MPI_THREAD_FUNNELED).
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/clock.h"
#include "sim/farm.h"

/* A phase's own tags, so that a rank already in the next phase (the
 * sensitivity's batches, the sweep's) is not answered from this one. */
enum { TAG_REQ = 0, TAG_GRANT = 1, TAG_RESULT = 2 };
static int tag_of(const dd__farm *f, int kind)
{
    return 100 + 3 * (int)(f->phase % 10000) + kind;
}
#define NO_CHUNK UINT64_MAX
#define MAX_THREADS 256
static const char ckpt_magic[8] = {'D', 'D', 'C', 'K', 'P', 'T', '0', '1'};

uint64_t dd__farm_hash(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* A chunk granted to a rank other than 0: its items and their records. */
typedef struct job {
    struct job *next;
    uint64_t id, n;
    uint64_t *items;
    unsigned char *recs;
} job;

typedef struct farm_run {
    dd__farm *f;
    unsigned char *recs; /* rank 0: every item's record */
    bool remote;         /* a rank other than 0 */
    uint64_t *pending;   /* rank 0: items still to compute, ascending */
    uint64_t n_pending, chunk, n_chunks;
    atomic_uint_fast64_t next_chunk, done_items;
    atomic_int failed; /* a dd_status, 0 while all is well */
    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* remote: a job queued, or closing */
    pthread_cond_t fin_cv;  /* the calling thread: something finished */
    job *q_head, *q_tail;   /* remote: granted, not yet taken */
    size_t queued;
    job *fin;               /* remote: computed, not yet sent */
    uint64_t *fin_ids;      /* rank 0: chunks its threads finished */
    size_t n_fin;
    bool closing;
} farm_run;

static void fail(farm_run *r, dd_status st)
{
    int zero = 0;
    atomic_compare_exchange_strong(&r->failed, &zero, (int)st);
    pthread_mutex_lock(&r->mu);
    pthread_cond_broadcast(&r->work_cv);
    pthread_cond_broadcast(&r->fin_cv);
    pthread_mutex_unlock(&r->mu);
}

static dd_status run_items(farm_run *r, void *scratch, const uint64_t *items, uint64_t n,
                           unsigned char *dst, bool by_item)
{
    dd__farm *f = r->f;
    for (uint64_t k = 0; k < n; k++) {
        if (atomic_load(&r->failed))
            return DD_OK;
        unsigned char *rec = dst + (by_item ? items[k] : k) * f->rec_size;
        memset(rec, 0, f->rec_size);
        dd_status st = f->run(f->user, scratch, items[k], rec);
        if (st != DD_OK)
            return st;
    }
    return DD_OK;
}

static void *worker(void *arg)
{
    farm_run *r = arg;
    dd__farm *f = r->f;
    void *scratch = f->scratch_new ? f->scratch_new(f->user) : NULL;
    if (f->scratch_new && !scratch) {
        fail(r, DD_ENOMEM);
        return NULL;
    }
    for (;;) {
        if (atomic_load(&r->failed))
            break;
        if (r->remote) {
            pthread_mutex_lock(&r->mu);
            while (!r->q_head && !r->closing && !atomic_load(&r->failed))
                pthread_cond_wait(&r->work_cv, &r->mu);
            job *j = r->q_head;
            if (j) {
                r->q_head = j->next;
                if (!r->q_head)
                    r->q_tail = NULL;
                r->queued--;
            }
            pthread_mutex_unlock(&r->mu);
            if (!j)
                break;
            dd_status st = run_items(r, scratch, j->items, j->n, j->recs, false);
            if (st != DD_OK) {
                fail(r, st);
                break;
            }
            atomic_fetch_add(&r->done_items, j->n);
            pthread_mutex_lock(&r->mu);
            j->next = r->fin;
            r->fin = j;
            pthread_cond_signal(&r->fin_cv);
            pthread_mutex_unlock(&r->mu);
        } else {
            uint64_t c = atomic_fetch_add(&r->next_chunk, 1);
            if (c >= r->n_chunks)
                break;
            uint64_t lo = c * r->chunk, hi = lo + r->chunk;
            if (hi > r->n_pending)
                hi = r->n_pending;
            dd_status st = run_items(r, scratch, r->pending + lo, hi - lo, r->recs, true);
            if (st != DD_OK) {
                fail(r, st);
                break;
            }
            atomic_fetch_add(&r->done_items, hi - lo);
            pthread_mutex_lock(&r->mu);
            r->fin_ids[r->n_fin++] = c;
            pthread_cond_signal(&r->fin_cv);
            pthread_mutex_unlock(&r->mu);
        }
    }
    if (f->scratch_free)
        f->scratch_free(f->user, scratch);
    return NULL;
}

/* ---- checkpoint ---------------------------------------------------------- */

static void ckpt_prefix(const dd__farm *f, char *buf, size_t size)
{
    snprintf(buf, size, "%016llx-p%u-", (unsigned long long)f->fingerprint, (unsigned)f->phase);
}

typedef struct ckpt_chunk {
    const farm_run *r;
    uint64_t lo, hi; /* into pending */
} ckpt_chunk;

static dd_status ckpt_write_chunk(FILE *fp, const void *ctx)
{
    const ckpt_chunk *c = ctx;
    const dd__farm *f = c->r->f;
    uint64_t h = DD__FARM_HASH0;
    uint32_t phase = f->phase, rs = (uint32_t)f->rec_size;
    uint64_t count = c->hi - c->lo;
#define PUT(p, len)                                                                            \
    do {                                                                                       \
        fwrite((p), 1, (len), fp);                                                             \
        h = dd__farm_hash(h, (p), (len));                                                      \
    } while (0)
    PUT(ckpt_magic, sizeof ckpt_magic);
    PUT(&f->fingerprint, 8);
    PUT(&phase, 4);
    PUT(&rs, 4);
    PUT(&count, 8);
    PUT(c->r->pending + c->lo, count * 8);
    for (uint64_t i = c->lo; i < c->hi; i++)
        PUT(c->r->recs + c->r->pending[i] * f->rec_size, f->rec_size);
#undef PUT
    fwrite(&h, 1, 8, fp);
    return ferror(fp) ? DD_EIO : DD_OK;
}

static dd_status ckpt_save(const farm_run *r, uint64_t k)
{
    const dd__farm *f = r->f;
    if (!f->ckpt_dir)
        return DD_OK;
    ckpt_chunk c = {r, k * r->chunk, k * r->chunk + r->chunk};
    if (c.hi > r->n_pending)
        c.hi = r->n_pending;
    char prefix[64], *path;
    ckpt_prefix(f, prefix, sizeof prefix);
    size_t len = strlen(f->ckpt_dir) + strlen(prefix) + 32;
    path = malloc(len);
    if (!path)
        return DD_ENOMEM;
    snprintf(path, len, "%s/%s%llu.ck", f->ckpt_dir, prefix,
             (unsigned long long)r->pending[c.lo]);
    dd_status st = dd_write_atomic(path, ckpt_write_chunk, &c);
    free(path);
    return st;
}

/* Read one checkpoint file; records of items not yet known go to recs. */
static void ckpt_read_file(farm_run *r, const char *path, unsigned char *known)
{
    dd__farm *f = r->f;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return;
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            size_t nc = cap ? 2 * cap : 65536;
            unsigned char *nb = realloc(buf, nc);
            if (!nb)
                break;
            buf = nb;
            cap = nc;
        }
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0)
            break;
    }
    fclose(fp);
    const size_t head = 8 + 8 + 4 + 4 + 8;
    uint64_t fpr, count, sum;
    uint32_t phase, rs;
    if (!buf || len < head + 8 || memcmp(buf, ckpt_magic, 8) != 0)
        goto done;
    memcpy(&fpr, buf + 8, 8);
    memcpy(&phase, buf + 16, 4);
    memcpy(&rs, buf + 20, 4);
    memcpy(&count, buf + 24, 8);
    if (fpr != f->fingerprint || phase != f->phase || rs != f->rec_size ||
        count > (len - head - 8) / (8 + rs) || len != head + count * (8 + rs) + 8)
        goto done;
    memcpy(&sum, buf + len - 8, 8);
    if (sum != dd__farm_hash(DD__FARM_HASH0, buf, len - 8))
        goto done; /* torn or altered: computed again */
    for (uint64_t i = 0; i < count; i++) {
        uint64_t item;
        memcpy(&item, buf + head + i * 8, 8);
        if (item >= f->n || known[item])
            continue;
        known[item] = 1;
        memcpy(r->recs + item * rs, buf + head + count * 8 + i * rs, rs);
        f->resumed++;
    }
done:
    free(buf);
}

static dd_status ckpt_load(farm_run *r, unsigned char *known)
{
    dd__farm *f = r->f;
    if (!f->ckpt_dir)
        return DD_OK;
    if (mkdir(f->ckpt_dir, 0777) != 0 && errno != EEXIST)
        return DD_EIO;
    DIR *d = opendir(f->ckpt_dir);
    if (!d)
        return DD_EIO;
    char prefix[64];
    ckpt_prefix(f, prefix, sizeof prefix);
    size_t pl = strlen(prefix), dl = strlen(f->ckpt_dir);
    dd_status st = DD_OK;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t nl = strlen(e->d_name);
        if (nl < pl + 4 || strncmp(e->d_name, prefix, pl) != 0 ||
            strcmp(e->d_name + nl - 3, ".ck") != 0)
            continue;
        char *path = malloc(dl + nl + 2);
        if (!path) {
            st = DD_ENOMEM;
            break;
        }
        snprintf(path, dl + nl + 2, "%s/%s", f->ckpt_dir, e->d_name);
        ckpt_read_file(r, path, known);
        free(path);
    }
    closedir(d);
    return st;
}

/* ---- the calling thread: rank 0 ------------------------------------------- */

/* How long the calling thread waits for another rank's message when it
 * has nothing to do: from POLL_MIN, doubled at each idle turn up to
 * POLL_MAX, back to POLL_MIN on any message. Its own threads wake it at
 * once (fin_cv); a rank asks for its next chunk while it works on one, so
 * the wait hides behind a chunk that takes longer. A rank bound to one
 * core (Open MPI's default for two ranks) shares it between its worker
 * and this thread: waking every millisecond took that core from the
 * worker a thousand times a second. (On the theater the binding itself
 * costs more: docs/scale.md.) */
#define POLL_MIN 1000000L
#define POLL_MAX 32000000L

static long poll_next(long ns, bool busy)
{
    return busy ? POLL_MIN : ns >= POLL_MAX / 2 ? POLL_MAX : 2 * ns;
}

static void timed_wait(farm_run *r, long ns)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += ns;
    while (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&r->fin_cv, &r->mu, &ts);
}


static void report(farm_run *r, double *last, bool force)
{
    dd__farm *f = r->f;
    if (!f->progress)
        return;
    double t = dd__mono_s();
    if (!force && t - *last < 0.1)
        return;
    *last = t;
    f->progress(f->progress_base + f->resumed + atomic_load(&r->done_items), f->progress_total,
                f->progress_user);
}

static dd_status grow(unsigned char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return DD_OK;
    unsigned char *nb = realloc(*buf, need);
    if (!nb)
        return DD_ENOMEM;
    *buf = nb;
    *cap = need;
    return DD_OK;
}

/* Answer one message from another rank. */
static dd_status root_message(farm_run *r, int from, int tag, size_t len, unsigned char **msg,
                              size_t *cap, uint64_t *chunks_done, int *closed)
{
    dd__farm *f = r->f;
    dd_status st = grow(msg, cap, len > 8 ? len : 8);
    if (st == DD_OK)
        st = dd_cluster_recv(f->cluster, from, tag_of(f, tag), *msg, len);
    if (st != DD_OK)
        return st;
    if (tag == TAG_REQ) {
        uint64_t k = atomic_fetch_add(&r->next_chunk, 1);
        uint64_t head[2] = {NO_CHUNK, 0};
        if (k >= r->n_chunks) {
            (*closed)++;
            return dd_cluster_send(f->cluster, from, tag_of(f, TAG_GRANT), head, sizeof head);
        }
        uint64_t lo = k * r->chunk, hi = lo + r->chunk > r->n_pending ? r->n_pending
                                                                       : lo + r->chunk;
        size_t n = (size_t)(hi - lo);
        uint64_t *g = malloc((2 + n) * 8);
        if (!g)
            return DD_ENOMEM;
        g[0] = k;
        g[1] = n;
        memcpy(g + 2, r->pending + lo, n * 8);
        st = dd_cluster_send(f->cluster, from, tag_of(f, TAG_GRANT), g, (2 + n) * 8);
        free(g);
        return st;
    }
    if (len < 8)
        return DD_EIO;
    uint64_t k;
    memcpy(&k, *msg, 8);
    if (k >= r->n_chunks)
        return DD_EIO;
    uint64_t lo = k * r->chunk, hi = lo + r->chunk > r->n_pending ? r->n_pending : lo + r->chunk;
    if (len != 8 + (hi - lo) * f->rec_size)
        return DD_EIO;
    for (uint64_t i = lo; i < hi; i++)
        memcpy(r->recs + r->pending[i] * f->rec_size, *msg + 8 + (i - lo) * f->rec_size,
               f->rec_size);
    atomic_fetch_add(&r->done_items, hi - lo);
    (*chunks_done)++;
    return ckpt_save(r, k);
}

static dd_status root_loop(farm_run *r)
{
    dd__farm *f = r->f;
    int others = dd_cluster_size(f->cluster) - 1, closed = 0;
    uint64_t chunks_done = 0;
    size_t consumed = 0, cap = 0;
    unsigned char *msg = NULL;
    double last = 0;
    long poll = POLL_MIN;
    dd_status st = DD_OK;
    while (!atomic_load(&r->failed)) {
        bool busy = false;
        int from;
        size_t len;
        for (int kind = TAG_REQ; others > 0 && st == DD_OK && kind <= TAG_RESULT;
             kind += TAG_RESULT - TAG_REQ)
            while (dd_cluster_probe(f->cluster, tag_of(f, kind), &from, &len)) {
                busy = true;
                st = root_message(r, from, kind, len, &msg, &cap, &chunks_done, &closed);
                if (st != DD_OK)
                    break;
            }
        if (st != DD_OK)
            break;
        pthread_mutex_lock(&r->mu);
        size_t n_fin = r->n_fin;
        pthread_mutex_unlock(&r->mu);
        while (consumed < n_fin && st == DD_OK) {
            st = ckpt_save(r, r->fin_ids[consumed++]);
            chunks_done++;
            busy = true;
        }
        if (st != DD_OK)
            break;
        if (chunks_done == r->n_chunks && closed == others)
            break;
        report(r, &last, false);
        poll = poll_next(poll, busy);
        if (!busy) {
            pthread_mutex_lock(&r->mu);
            if (r->n_fin == consumed && !atomic_load(&r->failed))
                timed_wait(r, others > 0 ? poll : 100000000L);
            pthread_mutex_unlock(&r->mu);
        }
    }
    free(msg);
    if (st != DD_OK)
        fail(r, st);
    report(r, &last, true);
    return st;
}

/* ---- the calling thread: another rank -------------------------------------- */

static dd_status remote_loop(farm_run *r)
{
    dd__farm *f = r->f;
    bool outstanding = false, exhausted = false;
    uint64_t granted = 0, sent = 0;
    unsigned char *msg = NULL;
    size_t cap = 0;
    long poll = POLL_MIN;
    dd_status st = DD_OK;
    while (!atomic_load(&r->failed) && st == DD_OK) {
        bool busy = false;
        pthread_mutex_lock(&r->mu);
        job *fin = r->fin;
        r->fin = NULL;
        size_t queued = r->queued;
        pthread_mutex_unlock(&r->mu);
        while (fin) {
            job *j = fin;
            fin = j->next;
            if (st == DD_OK)
                st = grow(&msg, &cap, 8 + j->n * f->rec_size);
            if (st == DD_OK) {
                memcpy(msg, &j->id, 8);
                memcpy(msg + 8, j->recs, j->n * f->rec_size);
                st = dd_cluster_send(f->cluster, 0, tag_of(f, TAG_RESULT), msg,
                                     8 + j->n * f->rec_size);
            }
            sent++;
            free(j->items);
            free(j->recs);
            free(j);
            busy = true;
        }
        if (st != DD_OK)
            break;
        if (!exhausted && !outstanding && queued < (size_t)f->threads) {
            uint64_t ask = 0;
            st = dd_cluster_send(f->cluster, 0, tag_of(f, TAG_REQ), &ask, sizeof ask);
            outstanding = true;
        }
        int from;
        size_t len;
        if (st == DD_OK && outstanding &&
            dd_cluster_probe(f->cluster, tag_of(f, TAG_GRANT), &from, &len)) {
            busy = true;
            outstanding = false;
            st = grow(&msg, &cap, len > 16 ? len : 16);
            if (st == DD_OK)
                st = dd_cluster_recv(f->cluster, from, tag_of(f, TAG_GRANT), msg, len);
            uint64_t id = NO_CHUNK, n = 0;
            if (st == DD_OK && len < 16)
                st = DD_EIO;
            if (st == DD_OK) {
                memcpy(&id, msg, 8);
                memcpy(&n, msg + 8, 8);
                if (id != NO_CHUNK && len != 16 + n * 8)
                    st = DD_EIO;
            }
            if (st == DD_OK && id == NO_CHUNK)
                exhausted = true;
            else if (st == DD_OK) {
                job *j = calloc(1, sizeof *j);
                if (j) {
                    j->items = malloc(n * 8 + 1);
                    j->recs = malloc(n * f->rec_size + 1);
                }
                if (!j || !j->items || !j->recs) {
                    if (j) {
                        free(j->items);
                        free(j->recs);
                    }
                    free(j);
                    st = DD_ENOMEM;
                } else {
                    j->id = id;
                    j->n = n;
                    memcpy(j->items, msg + 16, n * 8);
                    pthread_mutex_lock(&r->mu);
                    if (r->q_tail)
                        r->q_tail->next = j;
                    else
                        r->q_head = j;
                    r->q_tail = j;
                    r->queued++;
                    pthread_cond_signal(&r->work_cv);
                    pthread_mutex_unlock(&r->mu);
                    granted++;
                }
            }
        }
        if (st != DD_OK)
            break;
        if (exhausted && sent == granted)
            break;
        /* (a worker without work waits for the grant: no back-off) */
        poll = poll_next(poll, busy || (outstanding && queued == 0));
        if (!busy) {
            pthread_mutex_lock(&r->mu);
            if (!r->fin && !atomic_load(&r->failed))
                timed_wait(r, poll);
            pthread_mutex_unlock(&r->mu);
        }
    }
    free(msg);
    if (st != DD_OK)
        fail(r, st);
    return st;
}

/* ---- entry --------------------------------------------------------------- */

dd_status dd__farm_run(dd__farm *f, unsigned char *recs)
{
    f->resumed = 0;
    farm_run r;
    memset(&r, 0, sizeof r);
    r.f = f;
    r.recs = recs;
    r.remote = dd_cluster_rank(f->cluster) != 0;
    atomic_init(&r.next_chunk, 0);
    atomic_init(&r.done_items, 0);
    atomic_init(&r.failed, 0);
    if (!r.remote && !recs)
        return DD_EARG;
    int threads = f->threads < 1 ? 1 : f->threads > MAX_THREADS ? MAX_THREADS : f->threads;
    dd_status st = DD_OK;
    unsigned char *known = NULL;
    if (!r.remote) {
        known = calloc(f->n ? f->n : 1, 1);
        if (!known)
            return DD_ENOMEM;
        st = ckpt_load(&r, known);
        if (st == DD_OK) {
            r.pending = malloc((f->n - f->resumed + 1) * sizeof *r.pending);
            if (!r.pending)
                st = DD_ENOMEM;
        }
        if (st == DD_OK) {
            for (uint64_t i = 0; i < f->n; i++)
                if (!known[i])
                    r.pending[r.n_pending++] = i;
            r.chunk = f->chunk ? f->chunk : r.n_pending / 128;
            if (r.chunk < 1)
                r.chunk = 1;
            if (!f->chunk && r.chunk > 64)
                r.chunk = 64;
            /* a checkpoint file per chunk, flushed to disk: at most about
             * 64 per phase */
            if (!f->chunk && f->ckpt_dir && r.chunk < (r.n_pending + 63) / 64)
                r.chunk = (r.n_pending + 63) / 64;
            /* but at least four chunks per worker of the job (every rank
             * taken to run as many threads as this one), so that the
             * last chunks do not leave most workers idle */
            uint64_t workers = (uint64_t)threads * (uint64_t)dd_cluster_size(f->cluster);
            if (!f->chunk && r.chunk > r.n_pending / (4 * workers))
                r.chunk = r.n_pending / (4 * workers) > 0 ? r.n_pending / (4 * workers) : 1;
            r.n_chunks = (r.n_pending + r.chunk - 1) / r.chunk;
            r.fin_ids = malloc((r.n_chunks + 1) * sizeof *r.fin_ids);
            if (!r.fin_ids)
                st = DD_ENOMEM;
        }
        free(known);
        if (st != DD_OK) {
            free(r.pending);
            return st;
        }
    }
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.work_cv, NULL);
    pthread_cond_init(&r.fin_cv, NULL);
    pthread_t tid[MAX_THREADS];
    int started = 0;
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&tid[i], NULL, worker, &r) != 0)
            break;
        started++;
    }
    if (started == 0)
        st = DD_ENOMEM;
    else
        st = r.remote ? remote_loop(&r) : root_loop(&r);
    pthread_mutex_lock(&r.mu);
    r.closing = true;
    pthread_cond_broadcast(&r.work_cv);
    pthread_mutex_unlock(&r.mu);
    for (int i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    if (st == DD_OK && atomic_load(&r.failed))
        st = (dd_status)atomic_load(&r.failed);
    for (job *j = r.q_head, *nx; j; j = nx) {
        nx = j->next;
        free(j->items);
        free(j->recs);
        free(j);
    }
    for (job *j = r.fin, *nx; j; j = nx) {
        nx = j->next;
        free(j->items);
        free(j->recs);
        free(j);
    }
    pthread_cond_destroy(&r.fin_cv);
    pthread_cond_destroy(&r.work_cv);
    pthread_mutex_destroy(&r.mu);
    free(r.pending);
    free(r.fin_ids);
    return st;
}
