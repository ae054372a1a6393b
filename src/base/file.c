/* SPDX-License-Identifier: MIT */
/*
 * Writing a file so that no reader ever sees half of it: the content goes
 * to a temporary file beside the target (mkstemp), is flushed to disk
 * (fsync), then renamed over the target. On any failure the target is
 * left as it was and the temporary file is removed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drawdown/base.h>

dd_status dd_write_atomic(const char *path, dd_status (*write)(FILE *f, const void *ctx),
                          const void *ctx)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return DD_ENOMEM;
    snprintf(tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return DD_EIO;
    }
    dd_status st = write(f, ctx);
    if (st == DD_OK && ferror(f))
        st = DD_EIO;
    if (fflush(f) != 0 || fsync(fileno(f)) != 0)
        st = st == DD_OK ? DD_EIO : st;
    if (fclose(f) != 0 && st == DD_OK)
        st = DD_EIO;
    if (st == DD_OK && rename(tmp, path) != 0)
        st = DD_EIO;
    if (st != DD_OK)
        unlink(tmp);
    free(tmp);
    return st;
}
