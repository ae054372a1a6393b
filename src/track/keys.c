/* SPDX-License-Identifier: MIT */
/*
 * The recorders' signing keys (track.h, docs/track.md): Ed25519 key pairs
 * (libsodium) in one text file readable by its owner only, one line per
 * key:
 *
 *   key NAME CREATED PUBLIC-HEX SECRET-HEX
 *
 * The file is written whole, atomically (a temporary file in the same
 * folder, created 0600, synced, renamed), and refused when anyone but its
 * owner may read it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "track/track_int.h"

dd_status dd_keys_path(char *buf, size_t size)
{
    const char *env = getenv("DRAWDOWN_KEYS");
    int n;
    if (env && *env) {
        n = snprintf(buf, size, "%s", env);
    } else {
        const char *xdg = getenv("XDG_CONFIG_HOME");
        const char *home = getenv("HOME");
        if (xdg && *xdg == '/')
            n = snprintf(buf, size, "%s/drawdown/keys", xdg);
        else if (home && *home)
            n = snprintf(buf, size, "%s/.config/drawdown/keys", home);
        else
            return DD_EARG;
    }
    return n > 0 && (size_t)n < size ? DD_OK : DD_EARG;
}

void dd_keys_free(dd_keyring *k)
{
    if (!k)
        return;
    if (k->keys)
        sodium_memzero(k->keys, k->n * sizeof *k->keys);
    free(k->keys);
    free(k);
}

static bool name_ok(const char *s)
{
    if (!*s || strlen(s) >= sizeof ((dd_key *)0)->name)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || strchr("._@-+", *s)))
            return false;
    return true;
}

dd_status dd_keys_load(const char *path, dd_diags *diags, dd_keyring **out)
{
    *out = NULL;
    if (sodium_init() < 0)
        return DD_ENOMEM;
    dd_keyring *k = calloc(1, sizeof *k);
    if (!k)
        return DD_ENOMEM;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) { /* no keys yet */
            *out = k;
            return DD_OK;
        }
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "cannot read the keys: %s",
                     strerror(errno));
        free(k);
        return DD_EIO;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || (sb.st_mode & 077)) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     "the keys file may be read by others (mode %03o): chmod 600 it",
                     (unsigned)(sb.st_mode & 0777));
        close(fd);
        free(k);
        return DD_EIO;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        free(k);
        return DD_ENOMEM;
    }
    char line[512];
    uint32_t ln = 0;
    dd_status st = DD_OK;
    while (st == DD_OK && fgets(line, sizeof line, f)) {
        ln++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *w[6];
        int nw = 0;
        for (char *q = line; *q && nw < 6;) {
            while (*q && strchr(" \t\r\n", *q))
                *q++ = 0;
            if (!*q)
                break;
            w[nw++] = q;
            while (*q && !strchr(" \t\r\n", *q))
                q++;
        }
        dd_key key;
        memset(&key, 0, sizeof key);
        if (nw != 5 || strcmp(w[0], "key") || !name_ok(w[1]) ||
            strlen(w[2]) >= sizeof key.created ||
            !dd__unhex(w[3], key.public_key, sizeof key.public_key) ||
            !dd__unhex(w[4], key.secret_key, sizeof key.secret_key) ||
            memcmp(key.secret_key + 32, key.public_key, 32)) {
            dd_diags_add(diags, DD_SEV_ERROR, path, ln, 1, "", NULL,
                         "not a key line (key NAME CREATED PUBLIC SECRET)");
            st = DD_EINPUT;
            break;
        }
        snprintf(key.name, sizeof key.name, "%s", w[1]);
        snprintf(key.created, sizeof key.created, "%s", w[2]);
        dd_key *v = realloc(k->keys, (k->n + 1) * sizeof *v);
        if (!v) {
            st = DD_ENOMEM;
            break;
        }
        k->keys = v;
        k->keys[k->n++] = key;
        sodium_memzero(&key, sizeof key);
    }
    sodium_memzero(line, sizeof line);
    fclose(f);
    if (st != DD_OK) {
        dd_keys_free(k);
        return st;
    }
    *out = k;
    return DD_OK;
}

const dd_key *dd_keys_find(const dd_keyring *k, const char *name)
{
    if (!k || !k->n)
        return NULL;
    if (!name)
        return &k->keys[0];
    for (size_t i = 0; i < k->n; i++)
        if (!strcmp(k->keys[i].name, name))
            return &k->keys[i];
    return NULL;
}

/* mkdir -p of the folder of `path`, 0700 for what it creates */
static void make_parent(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return;
    *slash = 0;
    for (char *q = dir + 1; *q; q++) {
        if (*q != '/')
            continue;
        *q = 0;
        mkdir(dir, 0700);
        *q = '/';
    }
    mkdir(dir, 0700);
}

static dd_status write_ring(const char *path, const dd_keyring *k, dd_diags *diags)
{
    make_parent(path);
    dd_output *o = NULL;
    dd_status st = dd_output_open(path, NULL, 0, diags, &o);
    if (st != DD_OK)
        return st;
    FILE *f = dd_output_stream(o);
    /* private before a secret is in it (the temporary file, then the file) */
    if (fchmod(fileno(f), 0600) != 0) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "cannot write the keys: %s",
                     strerror(errno));
        return dd_output_close(o, DD_EIO, NULL);
    }
    fputs("# drawdown signing keys (docs/track.md): keep this file private\n", f);
    for (size_t i = 0; i < k->n; i++) {
        char pub[65], sec[129];
        dd__hex(k->keys[i].public_key, 32, pub);
        dd__hex(k->keys[i].secret_key, 64, sec);
        fprintf(f, "key %s %s %s %s\n", k->keys[i].name, k->keys[i].created, pub, sec);
        sodium_memzero(sec, sizeof sec);
    }
    return dd_output_close(o, DD_OK, diags);
}

dd_status dd_keys_new(const char *path, const char *name, dd_diags *diags, dd_key *out)
{
    if (!name_ok(name)) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     "a key's name is letters, digits and . _ @ - + (up to 63), got '%s'",
                     name);
        return DD_EINPUT;
    }
    dd_keyring *k = NULL;
    dd_status st = dd_keys_load(path, diags, &k);
    if (st != DD_OK)
        return st;
    if (dd_keys_find(k, name)) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "there is a key named '%s'",
                     name);
        dd_keys_free(k);
        return DD_EINPUT;
    }
    dd_key *v = realloc(k->keys, (k->n + 1) * sizeof *v);
    if (!v) {
        dd_keys_free(k);
        return DD_ENOMEM;
    }
    k->keys = v;
    dd_key *key = &k->keys[k->n++];
    memset(key, 0, sizeof *key);
    snprintf(key->name, sizeof key->name, "%s", name);
    dd__utc_now(key->created, sizeof key->created, 1);
    crypto_sign_keypair(key->public_key, key->secret_key);
    st = write_ring(path, k, diags);
    if (st == DD_OK && out)
        *out = *key;
    dd_keys_free(k);
    return st;
}

void dd_key_id(const unsigned char public_key[32], char hex[65])
{
    dd__hex(public_key, 32, hex);
}
