/* SPDX-License-Identifier: MIT */
/*
 * drawdown users add|remove|list|passwd USERS.db [NAME]: the users file of
 * drawdown serve (docs/serve.md). Passwords are read from a prompt
 * without echo, or from the first line of standard input when it is not
 * a terminal (scripts); they never appear on the command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opt.h"
#include <drawdown/serve.h>

static const char users_usage[] =
    "usage: drawdown users add USERS.db NAME --role ROLE [--site SITE]\n"
    "       drawdown users passwd USERS.db NAME\n"
    "       drawdown users remove USERS.db NAME\n"
    "       drawdown users list USERS.db\n"
    "\n"
    "Roles: planner, commander, movement (--site: one site, default all),\n"
    "host-liaison, ramp, viewer (docs/serve.md). The password is asked for\n"
    "without echo, or read from standard input's first line when it is not\n"
    "a terminal. The file is created readable by its owner only.\n";

/* A line without its newline, into buf; false at end of input. */
static bool read_line(FILE *f, char *buf, size_t size)
{
    if (!fgets(buf, (int)size, f))
        return false;
    buf[strcspn(buf, "\r\n")] = 0;
    return true;
}

static bool prompt(const char *what, char *buf, size_t size)
{
    struct termios old, quiet;
    fputs(what, stderr);
    fflush(stderr);
    bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    bool ok = read_line(stdin, buf, size);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    return ok;
}

static int get_password(char *buf, size_t size)
{
    if (!isatty(STDIN_FILENO)) {
        if (!read_line(stdin, buf, size)) {
            fprintf(stderr, "drawdown users: no password on standard input\n");
            return DD_EXIT_INPUT;
        }
        return DD_EXIT_OK;
    }
    char again[1100];
    if (!prompt("Password: ", buf, size) || !prompt("Again: ", again, sizeof again)) {
        fprintf(stderr, "drawdown users: no password\n");
        return DD_EXIT_INPUT;
    }
    bool same = !strcmp(buf, again);
    memset(again, 0, sizeof again);
    if (!same) {
        fprintf(stderr, "drawdown users: the passwords differ\n");
        return DD_EXIT_INPUT;
    }
    return DD_EXIT_OK;
}

typedef struct users_args {
    const char *role, *site;
} users_args;

static const dd_opt users_add_opts[] = {
    DD_STR(users_args, "--role", role),
    DD_STR(users_args, "--site", site),
};

/* Each subcommand's arguments: add takes options, the others none. */
static const dd_cli_spec users_specs[] = {
    {"users add", users_usage, users_add_opts, sizeof users_add_opts / sizeof users_add_opts[0],
     2, 2, "needs the users file and a NAME", "one user at a time"},
    {"users passwd", users_usage, NULL, 0, 2, 2, "needs the users file and a NAME",
     "one user at a time"},
    {"users remove", users_usage, NULL, 0, 2, 2, "needs the users file and a NAME",
     "one user at a time"},
    {"users list", users_usage, NULL, 0, 1, 1, "which users file?", "one users file"},
};

int dd__cmd_users(int argc, char **argv)
{
    users_args v = {NULL, NULL};
    dd_cli_args a;
    int code;
    const dd_cli_spec *spec =
        dd__cli_parse_sub(users_specs, sizeof users_specs / sizeof users_specs[0],
                          "add, passwd, remove, list", argc, argv, &v, &a, &code);
    if (!spec)
        return code;
    const char *sub = argv[1];
    const char *file = a.v[0], *name = a.n > 1 ? a.v[1] : NULL, *role = v.role,
               *site = v.site;
    bool list = !strcmp(sub, "list");
    int r = role ? dd_user_role_from_name(role) : -1;
    if (!strcmp(sub, "add") && r < 0) {
        if (role)
            fprintf(stderr,
                    "drawdown users add: --role wants planner, commander, movement, "
                    "host-liaison, ramp or viewer, got '%s'\n",
                    role);
        else
            fprintf(stderr, "drawdown users add: needs --role ROLE (planner, commander, "
                            "movement, host-liaison, ramp or viewer)\n");
        return DD_EXIT_INPUT;
    }
    dd_diags d;
    dd_diags_init(&d, DD_DIAGS_DEFAULT_MAX);
    dd_status st = DD_OK;
    char pw[1100] = "";
    code = DD_EXIT_OK;
    if (!strcmp(sub, "add")) {
        code = get_password(pw, sizeof pw);
        if (!code)
            st = dd_users_add(file, name, (dd_user_role)r, site, pw, DD_USERS_COST_INTERACTIVE,
                              &d);
        if (!code && st == DD_OK)
            printf("Added %s (%s%s%s) to %s\n", name, role, site ? ", site " : "",
                   site ? site : "", file);
    } else if (!strcmp(sub, "passwd")) {
        code = get_password(pw, sizeof pw);
        if (!code)
            st = dd_users_passwd(file, name, pw, DD_USERS_COST_INTERACTIVE, &d);
        if (!code && st == DD_OK)
            printf("Changed the password of %s\n", name);
    } else if (!strcmp(sub, "remove")) {
        st = dd_users_remove(file, name, &d);
        if (st == DD_OK)
            printf("Removed %s from %s\n", name, file);
    } else if (list) {
        dd_user_list l;
        st = dd_users_list(file, &l, &d);
        if (st == DD_OK) {
            printf("%-24s %-13s %-10s %s\n", "Name", "Role", "Site", "Created");
            for (size_t i = 0; i < l.n; i++)
                printf("%-24s %-13s %-10s %s\n", l.v[i].name, dd_user_role_name(l.v[i].role),
                       l.v[i].site[0] ? l.v[i].site : "-", l.v[i].created);
            dd_users_list_fini(&l);
        }
    }
    memset(pw, 0, sizeof pw);
    dd__cli_print_diags(stderr, &d);
    dd_diags_fini(&d);
    return code ? code : dd__cli_exit_for(st);
}
