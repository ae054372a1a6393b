/* SPDX-License-Identifier: MIT */
/*
 * The dashboard (issue 17, docs/dashboard.md): the pages of src/serve/web/
 * embedded at build time (web/embed.cmake writes dd__web_assets) and
 * served outside /api/v1 by web.c, with a Content-Security-Policy that
 * lets the page run only its own script and style and talk only to its
 * own server.
 */
#ifndef DD_SERVE_WEB_H
#define DD_SERVE_WEB_H

#include <stdbool.h>
#include <stddef.h>

typedef struct dd__web_asset {
    const char *name; /* file name in src/serve/web/ */
    const unsigned char *data;
    size_t len;
} dd__web_asset;

/* The embedded files, ended by an entry with name NULL (generated). */
extern const dd__web_asset dd__web_assets[];

struct MHD_Connection;
struct dd_server;

/* Answer a request outside /api/v1 when it names a page of the dashboard
 * (`/`, `/assets/NAME`): true and *result set (the reply
 * queued); false when the path is not one, for the caller's 404. */
bool dd__web_serve(struct dd_server *s, struct MHD_Connection *c, const char *url,
                   const char *method, int *result);

#endif
