/* SPDX-License-Identifier: MIT */
/*
 * drawdown serve (docs/serve.md): an HTTP server over one withdrawal's
 * event log, shared by the staff and the host nation, each user seeing
 * and doing what their role allows. The log stays the one source of
 * truth: every change is an event added through the same checks as
 * `track add`, one transaction per request; the status is computed once
 * per change of the log and served from memory.
 *
 * Users live in a users file (SQLite, 0600): name, role, site, argon2id
 * hash (libsodium). Sessions are in memory: a restart logs everyone out.
 *
 * Ownership: dd_server_start allocates *out, dd_server_stop stops it and
 * frees it. dd_users_list allocates out->v (dd_users_list_fini). The
 * server's functions are thread-safe; a dd_server is used by one owner.
 */
#ifndef DRAWDOWN_SERVE_H
#define DRAWDOWN_SERVE_H

#include <drawdown/base.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X(id, name): the roles, docs/serve.md has what each may see and do. */
#define DD_USER_ROLE_MAP(X)                                                  \
    X(PLANNER, "planner")                                                    \
    X(COMMANDER, "commander")                                                \
    X(MOVEMENT, "movement")                                                  \
    X(HOST, "host-liaison")                                                  \
    X(RAMP, "ramp")                                                          \
    X(VIEWER, "viewer")

typedef enum dd_user_role {
#define DD_USER_ROLE_ENUM(id, name) DD_USER_##id,
    DD_USER_ROLE_MAP(DD_USER_ROLE_ENUM)
#undef DD_USER_ROLE_ENUM
        DD_USER_ROLE_COUNT
} dd_user_role;

/* "planner", ...; NULL when out of range. */
const char *dd_user_role_name(dd_user_role r);
/* The role named `name`, or -1. */
int dd_user_role_from_name(const char *name);

/* How costly a password hash is: the interactive argon2id limits of
 * libsodium (64 MiB), or the least it allows (tests only). */
typedef enum dd_users_cost { DD_USERS_COST_INTERACTIVE, DD_USERS_COST_MIN } dd_users_cost;

typedef struct dd_user {
    int64_t id;
    char name[64];
    dd_user_role role;
    char site[64]; /* movement: the site id, "" for all */
    char created[32];
} dd_user;

typedef struct dd_user_list {
    size_t n;
    dd_user *v;
} dd_user_list;

/*
 * The users file. add creates the file (0600) when it does not exist and
 * refuses a name already there; names are 1-63 characters of letters,
 * digits, '.', '_' and '-'; passwords 8-1024 bytes. site only for the
 * movement role (NULL or "": every site). Messages in diags: DD_EINPUT
 * (bad name, password, duplicate, unknown user), DD_EIO.
 */
dd_status dd_users_add(const char *path, const char *name, dd_user_role role,
                       const char *site, const char *password, dd_users_cost cost,
                       dd_diags *diags);
dd_status dd_users_remove(const char *path, const char *name, dd_diags *diags);
dd_status dd_users_passwd(const char *path, const char *name, const char *password,
                          dd_users_cost cost, dd_diags *diags);
dd_status dd_users_list(const char *path, dd_user_list *out, dd_diags *diags);
void dd_users_list_fini(dd_user_list *l);

typedef struct dd_serve_options {
    const char *log_path;   /* the event log (track start) */
    const char *users_path; /* the users file; NULL: nobody can log in */
    const char *key_name;   /* the key signing the events added (track.h keys
                             * file); NULL: its first key */
    const char *address;    /* numeric IPv4 or IPv6; default "127.0.0.1" */
    uint16_t port;          /* 0: any free port (dd_server_port) */
    const char *tls_cert;   /* PEM files; both or neither */
    const char *tls_key;
    bool insecure;          /* allow a non-loopback address without TLS */
    unsigned threads;       /* threads serving connections (at least 2); 0: one a core */
    unsigned timeout_s;     /* idle connection timeout; 0: 10 s */
    size_t max_body;        /* bytes; 0: 1 MiB */
    size_t max_header;      /* bytes of request head per connection; 0: 16 KiB */
    unsigned session_idle_s;     /* 0: 30 min */
    unsigned session_absolute_s; /* 0: 12 h */
    unsigned watch_ms;      /* how often the log is checked for outside changes; 0: 250 */
    unsigned login_fail_user;  /* failed logins per user per window; 0: 5 */
    unsigned login_fail_addr;  /* per client address; 0: 20 */
    unsigned login_window_s;   /* 0: 15 min */
    bool group_writes;      /* the POST /events requests waiting together are each
                             * checked alone, then added in one transaction
                             * (default: true) */
    const char *sim_path;   /* a simulation result (drawdown simulate -o): its
                             * P(deadline) and P(every term) are served, and read
                             * again when the file changes; NULL: none */
    FILE *log;              /* the server's own log (changes, refusals); NULL: none */
} dd_serve_options;

void dd_serve_options_init(dd_serve_options *o);

/* "ADDR:PORT", "[v6]:PORT" or "PORT" into addr (numeric) and port. */
dd_status dd_serve_parse_listen(const char *text, char *addr, size_t addr_size,
                                uint16_t *port);

typedef struct dd_server dd_server;

/*
 * Open the log (its scenario and plan built again and compared with the
 * log, as every command does), compute the status, and listen. Refuses a
 * non-loopback address without TLS unless o->insecure (DD_EARG).
 * DD_EIO: cannot listen; DD_EINPUT: a bad log, users file or key.
 */
dd_status dd_server_start(const dd_serve_options *o, dd_diags *diags, dd_server **out);
/* The port it listens on. */
uint16_t dd_server_port(const dd_server *s);
/* Stop listening, end every stream and session, free. NULL: no-op. */
void dd_server_stop(dd_server *s);

#ifdef __cplusplus
}
#endif
#endif
