/* SPDX-License-Identifier: MIT */
/*
 * The one output writer of every command (dd_output, base.h). An output
 * never destroys what it does not own:
 *  - "-" is standard output;
 *  - a character device, a FIFO or a socket is opened and written as it
 *    is, never replaced (`-o /dev/null` stays a device);
 *  - anything else is a regular file, followed through symbolic links to
 *    its target: the content goes to a temporary file beside the target
 *    (created with mode 0666 so the umask applies, or given the existing
 *    target's mode), is flushed to disk, renamed over the target, and the
 *    folder is flushed so the rename survives a crash. On any failure the
 *    target is left as it was and the temporary file is removed;
 *  - an output that is one of the command's inputs (same device and
 *    inode) is refused before anything is written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <drawdown/base.h>

#define MAX_LINK_HOPS 40

struct dd_output {
    FILE *f;
    char *path;   /* as given, for messages */
    char *target; /* the file renamed over (atomic mode), after links */
    char *tmp;    /* the temporary file; NULL when written directly */
    bool is_stdout;
};

static dd_status fail(dd_diags *diags, const char *path, dd_status st, const char *what,
                      const char *arg)
{
    if (diags)
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "%s%s%s", what, arg ? arg : "",
                     arg && what[strlen(what) - 1] == '(' ? ")" : "");
    return st;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* The folder part of a path: "." for a bare name. Caller frees. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return dup_n(".", 1);
    if (slash == path)
        return dup_n("/", 1);
    return dup_n(path, (size_t)(slash - path));
}

/*
 * Follow symbolic links from `path` to the final name (which may not exist
 * yet). *exists tells whether it does, with its stat in *sb. NULL with
 * errno on failure (ELOOP after too many links).
 */
static char *resolve(const char *path, bool *exists, struct stat *sb)
{
    char *cur = dup_n(path, strlen(path));
    for (int hop = 0; cur && hop <= MAX_LINK_HOPS; hop++) {
        if (lstat(cur, sb) != 0) {
            if (errno != ENOENT && errno != ENOTDIR) {
                free(cur);
                return NULL;
            }
            *exists = false;
            return cur;
        }
        if (!S_ISLNK(sb->st_mode)) {
            *exists = true;
            return cur;
        }
        size_t cap = (size_t)sb->st_size + 1 > 256 ? (size_t)sb->st_size + 1 : 256;
        char *link = malloc(cap + 1);
        ssize_t n = link ? readlink(cur, link, cap) : -1;
        if (n < 0 || (size_t)n >= cap) {
            int e = link ? (n < 0 ? errno : ENAMETOOLONG) : ENOMEM;
            free(link);
            free(cur);
            errno = e;
            return NULL;
        }
        link[n] = '\0';
        char *next;
        if (link[0] == '/') {
            next = link;
        } else {
            char *dir = folder_of(cur);
            size_t m = dir ? strlen(dir) + (size_t)n + 2 : 0;
            next = dir ? malloc(m) : NULL;
            if (next)
                snprintf(next, m, "%s/%s", dir, link);
            free(dir);
            free(link);
        }
        free(cur);
        cur = next;
    }
    if (cur) {
        free(cur);
        errno = ELOOP;
    } else {
        errno = ENOMEM;
    }
    return NULL;
}

static bool written_directly(mode_t m)
{
    return S_ISCHR(m) || S_ISFIFO(m) || S_ISSOCK(m);
}

dd_status dd_output_check(const char *path, const char *const *inputs, size_t n_inputs,
                          dd_diags *diags)
{
    if (!strcmp(path, "-"))
        return DD_OK;
    bool exists = false;
    struct stat sb;
    char *target = resolve(path, &exists, &sb);
    if (!target)
        return errno == ENOMEM ? DD_ENOMEM
                               : fail(diags, path, DD_EIO, "cannot write here (",
                                      strerror(errno));
    dd_status st = DD_OK;
    if (exists && S_ISDIR(sb.st_mode)) {
        st = fail(diags, path, DD_EARG, "is a folder, not a file", NULL);
    } else if (exists && !S_ISREG(sb.st_mode) && !written_directly(sb.st_mode)) {
        st = fail(diags, path, DD_EARG, "is neither a regular file nor a character device, "
                                        "FIFO or socket",
                      NULL);
    } else if (!exists) {
        char *dir = folder_of(target);
        struct stat db;
        if (!dir)
            st = DD_ENOMEM;
        else if (stat(dir, &db) != 0 || !S_ISDIR(db.st_mode))
            st = fail(diags, path, DD_EIO, "no such folder: ", dir);
        free(dir);
    } else if (S_ISREG(sb.st_mode)) {
        for (size_t i = 0; i < n_inputs; i++) {
            struct stat ib;
            if (inputs[i] && stat(inputs[i], &ib) == 0 && ib.st_dev == sb.st_dev &&
                ib.st_ino == sb.st_ino) {
                st = fail(diags, path, DD_EARG,
                          "refusing to write over an input of this command: ",
                          inputs[i]);
                break;
            }
        }
    }
    free(target);
    return st;
}

/* A fresh name beside `target`, opened exclusively with mode 0666 (the
 * umask applies). -1 with errno on failure. */
static int open_temp(const char *target, char **tmp_out)
{
    size_t n = strlen(target) + 32;
    char *tmp = malloc(n);
    if (!tmp) {
        errno = ENOMEM;
        return -1;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)tmp;
    for (int attempt = 0; attempt < 100; attempt++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        snprintf(tmp, n, "%s.tmp%06llx", target, (unsigned long long)(x >> 40));
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            *tmp_out = tmp;
            return fd;
        }
        if (errno != EEXIST)
            break;
    }
    int e = errno;
    free(tmp);
    errno = e;
    return -1;
}

static void output_free(dd_output *o)
{
    if (!o)
        return;
    free(o->path);
    free(o->target);
    free(o->tmp);
    free(o);
}

dd_status dd_output_open(const char *path, const char *const *inputs, size_t n_inputs,
                         dd_diags *diags, dd_output **out)
{
    *out = NULL;
    dd_status st = dd_output_check(path, inputs, n_inputs, diags);
    if (st != DD_OK)
        return st;
    dd_output *o = calloc(1, sizeof *o);
    if (!o || !(o->path = dup_n(path, strlen(path)))) {
        free(o);
        return DD_ENOMEM;
    }
    if (!strcmp(path, "-")) {
        o->is_stdout = true;
        o->f = stdout;
        *out = o;
        return DD_OK;
    }
    bool exists = false;
    struct stat sb;
    o->target = resolve(path, &exists, &sb);
    if (!o->target) {
        int e = errno;
        output_free(o);
        return e == ENOMEM ? DD_ENOMEM
                           : fail(diags, path, DD_EIO, "cannot write here (", strerror(e));
    }
    int fd;
    if (exists && written_directly(sb.st_mode)) {
        fd = open(o->target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    } else {
        fd = open_temp(o->target, &o->tmp);
        /* the target's owner too, where allowed (root writing a user's
         * file); its mode always */
        if (fd >= 0 && exists && (sb.st_uid != geteuid() || sb.st_gid != getegid()) &&
            fchown(fd, sb.st_uid, sb.st_gid) != 0) {
            /* not allowed: the file becomes the writer's, as any new one */
        }
        if (fd >= 0 && exists && fchmod(fd, sb.st_mode & 07777) != 0) {
            int e = errno;
            close(fd);
            unlink(o->tmp);
            errno = e;
            fd = -1;
        }
    }
    if (fd < 0) {
        int e = errno;
        output_free(o);
        return e == ENOMEM ? DD_ENOMEM
                           : fail(diags, path, DD_EIO, "cannot write (", strerror(e));
    }
    o->f = fdopen(fd, "w");
    if (!o->f) {
        close(fd);
        if (o->tmp)
            unlink(o->tmp);
        output_free(o);
        return DD_ENOMEM;
    }
    *out = o;
    return DD_OK;
}

FILE *dd_output_stream(const dd_output *o)
{
    return o->f;
}

static void sync_folder(const char *target)
{
    char *dir = folder_of(target);
    int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        fsync(fd); /* best effort: some file systems refuse a folder's fsync */
        close(fd);
    }
    free(dir);
}

dd_status dd_output_close(dd_output *o, dd_status st, dd_diags *diags)
{
    if (!o)
        return st;
    int e = 0;
    if (o->is_stdout) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
            e = errno;
            st = st == DD_OK ? DD_EIO : st;
        }
        if (st == DD_EIO && e)
            fail(diags, "-", DD_EIO, "cannot write to standard output (", strerror(e));
        output_free(o);
        return st;
    }
    if (ferror(o->f)) {
        /* the failed write's errno (EFBIG, ENOSPC) is still the last one set */
        st = st == DD_OK || st == DD_EIO ? DD_EIO : st;
        e = errno ? errno : EIO;
    }
    if (fflush(o->f) != 0 || (o->tmp && fsync(fileno(o->f)) != 0)) {
        if (st == DD_OK) {
            st = DD_EIO;
            e = errno;
        }
    }
    if (fclose(o->f) != 0 && st == DD_OK) {
        st = DD_EIO;
        e = errno;
    }
    if (o->tmp) {
        if (st == DD_OK && rename(o->tmp, o->target) != 0) {
            st = DD_EIO;
            e = errno;
        }
        if (st != DD_OK)
            unlink(o->tmp);
        else
            sync_folder(o->target);
    }
    if (st == DD_EIO)
        fail(diags, o->path, DD_EIO, "cannot write (", strerror(e ? e : EIO));
    output_free(o);
    return st;
}

dd_status dd_write_file(const char *path, const char *const *inputs, size_t n_inputs,
                        dd_status (*write)(FILE *f, const void *ctx), const void *ctx,
                        dd_diags *diags)
{
    dd_output *o;
    dd_status st = dd_output_open(path, inputs, n_inputs, diags, &o);
    if (st != DD_OK)
        return st;
    st = write(dd_output_stream(o), ctx);
    return dd_output_close(o, st, diags);
}

dd_status dd_write_atomic(const char *path, dd_status (*write)(FILE *f, const void *ctx),
                          const void *ctx)
{
    return dd_write_file(path, NULL, 0, write, ctx, NULL);
}

/* ---- reading ------------------------------------------------------------ */

/* What a file that is not a regular one is, for messages. */
static const char *kind_of(mode_t m)
{
    return S_ISDIR(m)    ? "a folder, not a file"
           : S_ISFIFO(m) ? "a FIFO, not a regular file"
           : S_ISCHR(m)  ? "a character device, not a regular file"
           : S_ISBLK(m)  ? "a block device, not a regular file"
           : S_ISSOCK(m) ? "a socket, not a regular file"
                         : "not a regular file";
}

dd_status dd_read_file(const char *path, size_t max_bytes,
                       void *(*alloc)(void *user, size_t size), void *user, char **text_out,
                       size_t *len_out, const char **why_out)
{
    *text_out = NULL;
    *len_out = 0;
    *why_out = NULL;
    /* O_NONBLOCK: opening a FIFO for reading must not wait for a writer */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *why_out = strerror(errno);
        return DD_EIO;
    }
    dd_status st = DD_OK;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        *why_out = strerror(errno);
        st = DD_EIO;
        goto fail_fd;
    }
    if (!S_ISREG(sb.st_mode)) {
        *why_out = kind_of(sb.st_mode);
        st = DD_EIO;
        goto fail_fd;
    }
    if ((uint64_t)sb.st_size > (uint64_t)max_bytes) {
        *why_out = "too large to read";
        st = DD_EIO;
        goto fail_fd;
    }
    size_t cap = (size_t)sb.st_size;
    char *buf = alloc(user, cap + 1);
    if (!buf) {
        st = DD_ENOMEM;
        goto fail_fd;
    }
    size_t n = 0;
    /* the size read may shrink while reading; growth past it is not read */
    while (n < cap) {
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            *why_out = strerror(errno);
            st = DD_EIO;
            goto fail_fd;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    buf[n] = '\0';
    *text_out = buf;
    *len_out = n;
fail_fd:
    close(fd);
    return st;
}

static void *plain_alloc(void *user, size_t size)
{
    (void)user;
    return malloc(size);
}

dd_status dd_read_file_malloc(const char *path, size_t max_bytes, char **text_out,
                              size_t *len_out, const char **why_out)
{
    return dd_read_file(path, max_bytes, plain_alloc, NULL, text_out, len_out, why_out);
}
