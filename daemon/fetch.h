/* The fetcher: libcurl transfers with feedd's limits, blocking (convert) or on the loop. */
#ifndef FEEDD_FETCH_H
#define FEEDD_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define FETCH_MAX_BODY_DEFAULT (16u * 1024 * 1024)
#define FETCH_TIMEOUT_DEFAULT 30
/* file: sources are read by this many threads, each easy handle of theirs holding a socketpair
 * (two descriptors) while the fetcher keeps it */
#define FETCH_FILE_HANDLES 2

struct fetch_opts {
	const char *url;
	const char *etag;          /* sent as If-None-Match, or NULL */
	const char *last_modified; /* sent as If-Modified-Since, or NULL */
	long timeout;              /* seconds, connect and total */
	size_t max_body;           /* bytes; a larger body fails the transfer */
	/* exec: sources only (command.h) */
	const char *name;          /* FEEDD_FEED in the command's environment, or NULL */
	const char *home;          /* HOME there, or NULL for / */
	const char *dir;           /* the folder it runs in, or NULL for feedd's own */
	/* http and https only */
	const char *form;          /* if set, the transfer POSTs this urlencoded form (no
	                              redirects; etag and last_modified unused) */
};

/* What a transfer gave.  Every string is owned by the result and freed by fetch_result_free. */
struct fetch_result {
	int ok;            /* 1: body (or 304) usable */
	int not_modified;  /* 1: 304 */
	long status;       /* HTTP status, or 0 for file: and failures before a response */
	struct buf body;
	char *content_type; /* without parameters, lower-case, or NULL */
	char *charset;      /* from Content-Type, or NULL */
	char *etag, *last_modified;
	int64_t mtime;       /* Last-Modified or file time, 0 if unknown */
	long retry_after;    /* seconds from Retry-After, 0 if none */
	char *error;         /* one line, when !ok */
};

void fetch_result_free(struct fetch_result *);
/* Splits "type/sub; charset=x" into a lower-case type and a charset (either may be NULL). */
void fetch_parse_content_type(const char *ct, char **type, char **charset);
/* One blocking transfer (for `feedd convert`), or an exec: command's run.  Returns 0 if r->ok,
 * else -1. */
int fetch_once(const struct fetch_opts *, struct fetch_result *r);
/* Non-zero for a URL feedd fetches with libcurl (http, https, file). */
int fetch_is_url(const char *s);

struct event_base;
struct fetcher;
/* Called once per transfer on the loop; r is freed by the fetcher after the call returns. */
typedef void (*fetch_done_cb)(struct fetch_result *r, void *arg);

/* A curl multi handle driven by the event_base (hiperfifo's shape). */
struct fetcher *fetcher_new(struct event_base *, long max_parallel, long max_per_host);
/* New limits (a reload): running transfers go on, waiting ones start under the new limits. */
void fetcher_set_limits(struct fetcher *, long max_parallel, long max_per_host);
void fetcher_free(struct fetcher *); /* aborts running and waiting transfers without calling back */
/* Starts a transfer (a GET, or a POST of o->form), or queues it while max_parallel transfers
 * run or max_per_host run to its scheme, host and port (file: URLs have no per-host limit);
 * queued ones start first come first served, hosts taking turns.  An exec: source's command is a transfer here: it counts
 * against max_parallel, has no per-host limit, and its output is the body (command.h).  The
 * options are copied.  Returns an id for fetch_cancel. */
uint64_t fetch_start(struct fetcher *, const struct fetch_opts *, fetch_done_cb, void *arg);
/* Aborts transfer id without calling back (no-op if it has finished); a command's process
 * group is killed. */
void fetch_cancel(struct fetcher *, uint64_t id);

#endif
