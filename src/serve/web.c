/* SPDX-License-Identifier: MIT */
/*
 * The dashboard's files (issue 17, docs/dashboard.md), served from the
 * arrays web/embed.cmake made of src/serve/web/ at build time: `/` the
 * page, `/assets/NAME` its script and style. Only the
 * names in the table are answered, so no path reaches the file system.
 * The page's policy lets it load its own script and style and talk to its
 * own server only (the API's answers keep their `default-src 'none'`).
 */
#include <microhttpd.h>
#include <string.h>

#include "serve/serve_int.h"
#include "serve/web.h"

static const char *content_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return "application/octet-stream";
    if (!strcmp(dot, ".html"))
        return "text/html; charset=utf-8";
    if (!strcmp(dot, ".css"))
        return "text/css; charset=utf-8";
    if (!strcmp(dot, ".js"))
        return "text/javascript; charset=utf-8";
    if (!strcmp(dot, ".svg"))
        return "image/svg+xml";
    return "application/octet-stream";
}

static const dd__web_asset *find(const char *url)
{
    static const char assets[] = "/assets/";
    const char *name = NULL;
    if (!strcmp(url, "/"))
        name = "index.html";
    else if (!strncmp(url, assets, sizeof assets - 1))
        name = url + sizeof assets - 1;
    if (!name)
        return NULL;
    for (const dd__web_asset *a = dd__web_assets; a->name; a++)
        if (!strcmp(a->name, name))
            return a;
    return NULL;
}

static enum MHD_Result queue(dd_server *s, struct MHD_Connection *c, unsigned code,
                             const char *type, const void *data, size_t len)
{
    struct MHD_Response *rs =
        MHD_create_response_from_buffer(len, (void *)(uintptr_t)data, MHD_RESPMEM_PERSISTENT);
    if (!rs)
        return MHD_NO;
    dd__security_headers(rs, type,
                         "default-src 'none'; script-src 'self'; style-src 'self'; "
                         "img-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
                         "base-uri 'none'; form-action 'none'",
                         "no-cache");
    if (s->tls)
        MHD_add_response_header(rs, "Strict-Transport-Security", "max-age=31536000");
    if (code == 405)
        MHD_add_response_header(rs, "Allow", "GET, HEAD");
    enum MHD_Result ok = MHD_queue_response(c, code, rs);
    MHD_destroy_response(rs);
    return ok;
}

bool dd__web_serve(dd_server *s, struct MHD_Connection *c, const char *url, const char *method,
                   int *result)
{
    const dd__web_asset *a = find(url);
    if (!a)
        return false;
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        static const char msg[] = "{\"error\":\"the dashboard's pages are only read\"}\n";
        *result = (int)queue(s, c, 405, "application/json", msg, sizeof msg - 1);
        return true;
    }
    *result = (int)queue(s, c, 200, content_type(a->name), a->data, a->len);
    return true;
}
