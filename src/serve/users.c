/* SPDX-License-Identifier: MIT */
/*
 * The users file of `drawdown serve`: one SQLite file (0600) with a row
 * per user — name, role, site, argon2id hash (libsodium crypto_pwhash_str)
 * and when the user was made. SQLite is used here and in src/track only
 * (docs/design.md); the server opens the file read-only, once per login,
 * so `drawdown users` changes take effect at the next login.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "serve/serve_int.h"

static const char *const role_names[] = {
#define DD_USER_ROLE_NAME(id, name) name,
    DD_USER_ROLE_MAP(DD_USER_ROLE_NAME)
#undef DD_USER_ROLE_NAME
};

const char *dd_user_role_name(dd_user_role r)
{
    return (unsigned)r < DD_USER_ROLE_COUNT ? role_names[r] : NULL;
}

int dd_user_role_from_name(const char *name)
{
    for (int i = 0; i < DD_USER_ROLE_COUNT; i++)
        if (name && !strcmp(name, role_names[i]))
            return i;
    return -1;
}

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS users(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,"
    " role TEXT NOT NULL, site TEXT NOT NULL, hash TEXT NOT NULL, created TEXT NOT NULL);";

static bool name_ok(const char *n)
{
    size_t len = strlen(n);
    if (len < 1 || len > 63)
        return false;
    for (const char *c = n; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '.' || *c == '_' || *c == '-'))
            return false;
    return true;
}

static dd_status open_db(const char *path, bool create, dd_diags *diags, sqlite3 **out)
{
    *out = NULL;
    if (sodium_init() < 0) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "libsodium cannot start");
        return DD_EIO;
    }
    if (create) {
        /* created 0600 before SQLite opens it, whatever the umask */
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
            dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "cannot create: %s",
                         strerror(errno));
            return DD_EIO;
        }
        (void)fchmod(fd, 0600);
        close(fd);
    }
    sqlite3 *db = NULL;
    int flags = create ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "cannot open the users file: %s",
                     db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return DD_EIO;
    }
    sqlite3_busy_timeout(db, 5000);
    if (create && sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "not a users file: %s",
                     sqlite3_errmsg(db));
        sqlite3_close(db);
        return DD_EINPUT;
    }
    *out = db;
    return DD_OK;
}

static dd_status hash_password(const char *path, const char *password, dd_users_cost cost,
                               char out[crypto_pwhash_STRBYTES], dd_diags *diags)
{
    size_t len = strlen(password);
    if (len < 8 || len > 1024) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     "a password has 8 to 1024 characters");
        return DD_EINPUT;
    }
    unsigned long long ops = cost == DD_USERS_COST_MIN ? crypto_pwhash_OPSLIMIT_MIN
                                                        : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    size_t mem = cost == DD_USERS_COST_MIN ? crypto_pwhash_MEMLIMIT_MIN
                                           : crypto_pwhash_MEMLIMIT_INTERACTIVE;
    if (crypto_pwhash_str(out, password, len, ops, mem) != 0) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "cannot hash the password");
        return DD_ENOMEM;
    }
    return DD_OK;
}

static dd_status exec_bound(sqlite3 *db, const char *sql, const char *const *args, int n,
                            int *changes)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        return DD_EIO;
    for (int i = 0; i < n; i++)
        sqlite3_bind_text(q, i + 1, args[i], -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    if (changes)
        *changes = sqlite3_changes(db);
    return rc == SQLITE_DONE ? DD_OK : rc == SQLITE_CONSTRAINT ? DD_EINPUT : DD_EIO;
}

dd_status dd_users_add(const char *path, const char *name, dd_user_role role,
                       const char *site, const char *password, dd_users_cost cost,
                       dd_diags *diags)
{
    if (!name_ok(name)) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     "a user name has 1 to 63 letters, digits, '.', '_' or '-'");
        return DD_EINPUT;
    }
    if (!dd_user_role_name(role)) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "unknown role");
        return DD_EINPUT;
    }
    if (!site)
        site = "";
    if (*site && role != DD_USER_MOVEMENT) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     "only a movement user is bound to a site");
        return DD_EINPUT;
    }
    if (*site && !name_ok(site)) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                     "a site id has 1 to 63 letters, digits, '.', '_' or '-'");
        return DD_EINPUT;
    }
    char hash[crypto_pwhash_STRBYTES];
    sqlite3 *db = NULL;
    dd_status st = open_db(path, true, diags, &db);
    if (st == DD_OK)
        st = hash_password(path, password, cost, hash, diags);
    if (st == DD_OK) {
        char created[32];
        dd__utc_now(created, sizeof created, 1);
        const char *args[5] = {name, dd_user_role_name(role), site, hash, created};
        st = exec_bound(db,
                        "INSERT INTO users(name, role, site, hash, created) VALUES(?,?,?,?,?)",
                        args, 5, NULL);
        if (st == DD_EINPUT)
            dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL,
                         "user '%s' exists already (drawdown users passwd to change the "
                         "password)",
                         name);
        else if (st != DD_OK)
            dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "cannot write: %s",
                         sqlite3_errmsg(db));
    }
    sodium_memzero(hash, sizeof hash);
    sqlite3_close(db);
    return st;
}

static dd_status change(const char *path, const char *sql, const char *const *args, int n,
                        const char *name, dd_diags *diags)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "no users file");
        return DD_EIO;
    }
    sqlite3 *db = NULL;
    dd_status st = open_db(path, true, diags, &db);
    int changes = 0;
    if (st == DD_OK) {
        st = exec_bound(db, sql, args, n, &changes);
        if (st != DD_OK)
            dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "cannot write: %s",
                         sqlite3_errmsg(db));
        else if (changes == 0) {
            dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "no user '%s'", name);
            st = DD_EINPUT;
        }
    }
    sqlite3_close(db);
    return st;
}

dd_status dd_users_remove(const char *path, const char *name, dd_diags *diags)
{
    const char *args[1] = {name};
    return change(path, "DELETE FROM users WHERE name = ?", args, 1, name, diags);
}

dd_status dd_users_passwd(const char *path, const char *name, const char *password,
                          dd_users_cost cost, dd_diags *diags)
{
    char hash[crypto_pwhash_STRBYTES];
    if (sodium_init() < 0)
        return DD_EIO;
    dd_status st = hash_password(path, password, cost, hash, diags);
    if (st == DD_OK) {
        const char *args[2] = {hash, name};
        st = change(path, "UPDATE users SET hash = ? WHERE name = ?", args, 2, name, diags);
    }
    sodium_memzero(hash, sizeof hash);
    return st;
}

static void fill_user(sqlite3_stmt *q, dd_user *u)
{
    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(q, 0);
    const unsigned char *t = sqlite3_column_text(q, 1);
    snprintf(u->name, sizeof u->name, "%s", t ? (const char *)t : "");
    t = sqlite3_column_text(q, 2);
    int r = dd_user_role_from_name(t ? (const char *)t : "");
    u->role = r < 0 ? DD_USER_VIEWER : (dd_user_role)r;
    t = sqlite3_column_text(q, 3);
    snprintf(u->site, sizeof u->site, "%s", t ? (const char *)t : "");
    t = sqlite3_column_text(q, 4);
    snprintf(u->created, sizeof u->created, "%s", t ? (const char *)t : "");
}

dd_status dd_users_list(const char *path, dd_user_list *out, dd_diags *diags)
{
    memset(out, 0, sizeof *out);
    sqlite3 *db = NULL;
    dd_status st = open_db(path, false, diags, &db);
    sqlite3_stmt *q = NULL;
    if (st == DD_OK && sqlite3_prepare_v2(db,
                                          "SELECT id, name, role, site, created FROM users "
                                          "ORDER BY name",
                                          -1, &q, NULL) != SQLITE_OK) {
        dd_diags_add(diags, DD_SEV_ERROR, path, 0, 0, "", NULL, "not a users file: %s",
                     sqlite3_errmsg(db));
        st = DD_EINPUT;
    }
    size_t cap = 0;
    while (st == DD_OK && sqlite3_step(q) == SQLITE_ROW) {
        if (out->n == cap) {
            cap = cap ? 2 * cap : 16;
            dd_user *v = realloc(out->v, cap * sizeof *v);
            if (!v) {
                st = DD_ENOMEM;
                break;
            }
            out->v = v;
        }
        fill_user(q, &out->v[out->n++]);
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    if (st != DD_OK)
        dd_users_list_fini(out);
    return st;
}

void dd_users_list_fini(dd_user_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void fingerprint(const char *hash, unsigned char fp[16])
{
    crypto_generichash(fp, 16, (const unsigned char *)hash, strlen(hash), NULL, 0);
}

dd_status dd__users_login(const char *path, const char *name, const char *password,
                          dd_user *out, unsigned char fp[16])
{
    /* a hash to check against when the user does not exist, so that an
     * unknown name takes as long as a wrong password */
    static const char dummy[] =
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
        "4/zEkcvB4fyNi1a3GOoHFsSwEqeH1qOnk0K1vVq4Ruo";
    if (!path)
        return DD_EINPUT;
    dd_diags d;
    dd_diags_init(&d, 1);
    sqlite3 *db = NULL;
    dd_status st = open_db(path, false, &d, &db);
    dd_diags_fini(&d);
    if (st != DD_OK)
        return DD_EIO;
    sqlite3_stmt *q = NULL;
    char hash[crypto_pwhash_STRBYTES] = "";
    bool found = false;
    if (sqlite3_prepare_v2(db, "SELECT id, name, role, site, created, hash FROM users "
                               "WHERE name = ?",
                           -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step(q) == SQLITE_ROW) {
            fill_user(q, out);
            const unsigned char *h = sqlite3_column_text(q, 5);
            snprintf(hash, sizeof hash, "%s", h ? (const char *)h : "");
            found = true;
        }
    } else {
        st = DD_EIO;
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    if (st != DD_OK)
        return st;
    bool ok = crypto_pwhash_str_verify(found ? hash : dummy, password, strlen(password)) == 0;
    fingerprint(hash, fp);
    sodium_memzero(hash, sizeof hash);
    return ok && found ? DD_OK : DD_EINPUT;
}

dd_status dd__users_keys(const char *path, dd__user_key **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    dd_diags d;
    dd_diags_init(&d, 1);
    sqlite3 *db = NULL;
    dd_status st = open_db(path, false, &d, &db);
    dd_diags_fini(&d);
    sqlite3_stmt *q = NULL;
    if (st == DD_OK &&
        sqlite3_prepare_v2(db, "SELECT id, name, role, site, created, hash FROM users", -1, &q,
                           NULL) != SQLITE_OK)
        st = DD_EIO;
    size_t cap = 0;
    while (st == DD_OK && sqlite3_step(q) == SQLITE_ROW) {
        if (*n_out == cap) {
            cap = cap ? 2 * cap : 16;
            dd__user_key *v = realloc(*out, cap * sizeof *v);
            if (!v) {
                st = DD_ENOMEM;
                break;
            }
            *out = v;
        }
        dd_user u;
        fill_user(q, &u);
        dd__user_key *k = &(*out)[(*n_out)++];
        k->id = u.id;
        k->role = u.role;
        snprintf(k->site, sizeof k->site, "%s", u.site);
        const unsigned char *h = sqlite3_column_text(q, 5);
        fingerprint(h ? (const char *)h : "", k->fp);
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    if (st != DD_OK) {
        free(*out);
        *out = NULL;
        *n_out = 0;
    }
    return st;
}
