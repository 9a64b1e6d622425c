/* The HTTP endpoint on evhttp: prepared feed responses, the index, OPML, /healthz. */
#ifndef FEEDD_HTTP_H
#define FEEDD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "response.h"

struct event_base;
struct feed;

/* What the endpoint reads of the daemon's feeds, without changing them; called on the loop. */
struct http_feeds {
	/* The feed called name[0..len), or NULL.  Not const: a format is built when first asked
	 * for (feed_response). */
	struct feed *(*find)(void *arg, const char *name, size_t len);
	/* The feeds in config order; *n is set to their number. */
	const struct feed *const *(*all)(void *arg, size_t *n);
	/* The configured base_url, or NULL: pages then link to the request's Host. */
	const char *(*base_url)(void *arg);
	/* Appends the daemon's other Prometheus lines (the workers', the WebSub pings') to b, or
	 * NULL. */
	void (*metrics)(void *arg, struct buf *b);
	void *arg;
};

struct http;
/* Binds host:port, serving the feeds feeds gives (borrowed: it must outlive the endpoint).
 * Returns NULL with a logged reason. */
struct http *http_new(struct event_base *, const struct http_feeds *feeds, const char *host,
    const char *port);
void http_free(struct http *);
/* At most n clients connected at once; further ones wait in the listen backlog. */
void http_set_max_connections(struct http *, long n);
/* The origin a client would use without base_url, e.g. "http://127.0.0.1:8080". */
const char *http_origin(const struct http *);

#endif
