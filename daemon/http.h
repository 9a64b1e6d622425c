/* The HTTP endpoint on evhttp: prepared feed responses, the index, OPML, /healthz. */
#ifndef FEEDD_HTTP_H
#define FEEDD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "response.h"

struct feedd;
struct event_base;

struct http;
/* Binds host:port.  Returns NULL with a logged reason. */
struct http *http_new(struct event_base *, struct feedd *, const char *host, const char *port);
void http_free(struct http *);
/* At most n clients connected at once; further ones wait in the listen backlog. */
void http_set_max_connections(struct http *, long n);
/* The origin a client would use without base_url, e.g. "http://127.0.0.1:8080". */
const char *http_origin(const struct http *);

#endif
