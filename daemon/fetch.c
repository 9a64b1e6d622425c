/* libcurl transfers: one place sets the limits; the multi side follows curl's hiperfifo.c.
 *
 * Transfers beyond the limits wait here, not in libcurl: a waiting transfer is its options
 * only (no easy handle, no buffers), and the multi holds at most max_parallel handles, since
 * curl_multi_remove_handle costs time in proportion to the handles a multi holds (libcurl
 * 7.88 walks them): with 10,000 feeds queued inside curl that walk was a quarter of the
 * daemon's time.  Each host has its own queue; hosts with work and a free slot take turns.
 * An exec: source's command (command.c) is a transfer here too, without an easy handle: it
 * takes a slot of max_parallel, and the commands share one queue with no per-host cap.
 *
 * A file: transfer is not a socket libcurl can wait on: it reads the whole file in one call
 * (a 15 MB source held the loop for 15-40 ms, and a FIFO with no writer for ever), so it runs
 * in one of the fetcher's reader threads, with an easy handle of its own, outside the multi. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "command.h"
#include "fetch.h"
#include "log.h"
#include "offload.h"
#include "xmalloc.h"

struct host;

/* Per-transfer state, found again through CURLOPT_PRIVATE. */
struct xfer {
	struct fetch_opts o; /* a copy, until the transfer starts */
	struct host *host;
	CURL *easy;         /* NULL while waiting, and for a command */
	struct command *cmd; /* an exec: source's, once started */
	struct curl_slist *headers;
	struct fetch_result r;
	size_t max_body;
	int too_big;
	int in_thread;       /* a file: transfer, being read by a reader thread */
	int cancelled;       /* while in_thread: freed once the thread is done with it */
	struct event *deadline; /* while in_thread: its timeout, then its interrupts */
	long timeout;        /* seconds, as set on the handle */
	int timed_out;       /* the read passed its timeout and is being interrupted */
	CURLcode code;       /* what the reader thread's curl_easy_perform said */
	char errbuf[CURL_ERROR_SIZE];
	struct fetcher *f;
	fetch_done_cb cb;
	void *arg;
	uint64_t id;
	int started;         /* in the running list (else in its host's queue) */
	struct xfer *next, *prev; /* the running list, or the host's queue while waiting */
	struct xfer *id_next; /* in the fetcher's index by id, until freed or cancelled */
};

/* Where a URL's connections go: scheme, host and port.  Kept until the fetcher goes. */
struct host {
	char *key;
	long running, cap;          /* cap 0: none (file: makes no connections) */
	struct xfer *head, *tail;   /* waiting, first come first served */
	struct host *ready_next;    /* in the ready ring: waiting work and a free slot */
	int ready;
	struct host *hash_next;
};

#define HOST_BUCKETS 1024

struct fetcher {
	struct event_base *base;
	CURLM *multi;
	struct event *timer;
	struct xfer *xfers; /* running */
	long running, max_parallel, max_per_host;
	struct host *ready_head, *ready_tail;
	struct host *hosts[HOST_BUCKETS];
	uint64_t next_id;
	/* Easy handles of finished transfers, reset, for the next ones (at most max_parallel):
	 * making and freeing one per transfer cost more than the transfer of a 304, mostly in
	 * the kernel as glibc gave the heap's top back and took it again each time. */
	CURL **idle;
	size_t n_idle;
	struct offload *reader; /* the threads that read file: sources */
	/* Their easy handles, kept apart: curl_easy_perform gives each a multi of its own, with a
	 * wakeup socketpair that stays open with the handle (FETCH_FILE_HANDLES of them at most). */
	CURL *file_idle[FETCH_FILE_HANDLES];
	size_t n_file_idle;
	/* Every transfer by id, running or waiting, so that fetch_cancel finds one at once: ids
	 * count up, so id % by_id_cap spreads them evenly; the table doubles past one a slot. */
	struct xfer **by_id;
	size_t by_id_cap, by_id_n;
};

#define READER_THREADS FETCH_FILE_HANDLES
#define KICK_MS 50 /* a file: read past its timeout is interrupted this often until it returns */

int
fetch_is_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0 ||
	       strncasecmp(s, "file://", 7) == 0;
}

void
fetch_result_free(struct fetch_result *r)
{
	buf_free(&r->body);
	free(r->content_type);
	free(r->charset);
	free(r->etag);
	free(r->last_modified);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

void
fetch_parse_content_type(const char *ct, char **type, char **charset)
{
	const char *semi, *p;
	size_t n, i;

	*type = *charset = NULL;
	if (ct == NULL)
		return;
	while (*ct == ' ')
		ct++;
	semi = strchr(ct, ';');
	n = semi ? (size_t)(semi - ct) : strlen(ct);
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	if (n > 0) {
		*type = xstrndup(ct, n);
		for (i = 0; i < n; i++)
			(*type)[i] = (char)tolower((unsigned char)(*type)[i]);
	}
	for (p = semi; p && (p = strcasestr(p, "charset=")) != NULL;) {
		p += 8;
		if (*p == '"')
			p++;
		n = strcspn(p, "\"; ");
		if (n > 0 && n < 64)
			*charset = xstrndup(p, n);
		break;
	}
}

static size_t
write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;

	if (x->r.body.len + len > x->max_body) {
		x->too_big = 1;
		return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	buf_add(&x->r.body, p, len);
	return len;
}

static char *
header_value(CURL *easy, const char *name)
{
	struct curl_header *h;

	if (curl_easy_header(easy, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
		return NULL;
	return h->value && *h->value ? xstrdup(h->value) : NULL;
}

static void
xfer_setup(struct xfer *x, const struct fetch_opts *o, int file)
{
	struct fetcher *f = x->f;
	CURL *e = f && file && f->n_file_idle ? f->file_idle[--f->n_file_idle] :
	    f && !file && f->n_idle ? f->idle[--f->n_idle] : curl_easy_init();
	long timeout = o->timeout > 0 ? o->timeout : FETCH_TIMEOUT_DEFAULT;
	char *h;

	if (e == NULL)
		fatalx("fetch: curl_easy_init failed");
	x->easy = e;
	x->timeout = timeout;
	x->max_body = o->max_body ? o->max_body : FETCH_MAX_BODY_DEFAULT;
	curl_easy_setopt(e, CURLOPT_URL, o->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, timeout);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "feedd/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_FILETIME, 1L);
	if (o->max_body)
		curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	if (o->form) {
		/* a POST goes where it is sent: libcurl would turn it into a GET on a 302 */
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, o->form);
		x->headers = curl_slist_append(x->headers,
		    "Content-Type: application/x-www-form-urlencoded");
		x->headers = curl_slist_append(x->headers, "Expect:"); /* no 100-continue wait */
	}
	if (o->etag && !o->form) { /* a POST is never conditional (fetch.h) */
		xasprintf(&h, "If-None-Match: %s", o->etag);
		x->headers = curl_slist_append(x->headers, h);
		free(h);
	}
	if (o->last_modified && !o->form) {
		xasprintf(&h, "If-Modified-Since: %s", o->last_modified);
		x->headers = curl_slist_append(x->headers, h);
		free(h);
	}
	if (x->headers)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
}

/* Fills x->r from a finished transfer. */
static void
xfer_finish(struct xfer *x, CURLcode code)
{
	struct fetch_result *r = &x->r;
	curl_off_t ft = -1, ra = 0;
	char *ct = NULL, *scheme = NULL;
	int is_http;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(x->easy, CURLINFO_SCHEME, &scheme);
	is_http = scheme && strncasecmp(scheme, "http", 4) == 0;
	if (is_http) {
		curl_easy_getinfo(x->easy, CURLINFO_RETRY_AFTER, &ra);
		r->retry_after = ra > 0 ? (long)ra : 0;
	}
	if (code != CURLE_OK) {
		if (x->too_big || code == CURLE_FILESIZE_EXCEEDED)
			xasprintf(&r->error, "body larger than %zu bytes", x->max_body);
		else
			xasprintf(&r->error, "%s", x->errbuf[0] ? x->errbuf : curl_easy_strerror(code));
		r->error[strcspn(r->error, "\r\n")] = '\0';
		buf_free(&r->body);
		return;
	}
	if (is_http && r->status == 304) {
		r->ok = r->not_modified = 1;
		return;
	}
	if (is_http && (r->status < 200 || r->status > 299)) {
		xasprintf(&r->error, "HTTP status %ld", r->status);
		buf_free(&r->body);
		return;
	}
	r->ok = 1;
	curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct);
	fetch_parse_content_type(ct, &r->content_type, &r->charset);
	curl_easy_getinfo(x->easy, CURLINFO_FILETIME_T, &ft);
	r->mtime = ft > 0 ? (int64_t)ft : 0;
	if (is_http) {
		r->etag = header_value(x->easy, "ETag");
		r->last_modified = header_value(x->easy, "Last-Modified");
	}
	buf_reserve(&r->body, 0); /* a body is never NULL when ok */
}

static void
opts_copy(struct fetch_opts *dst, const struct fetch_opts *o)
{
	*dst = *o;
	dst->url = xstrdup(o->url);
	dst->etag = o->etag ? xstrdup(o->etag) : NULL;
	dst->last_modified = o->last_modified ? xstrdup(o->last_modified) : NULL;
	dst->name = o->name ? xstrdup(o->name) : NULL;
	dst->home = o->home ? xstrdup(o->home) : NULL;
	dst->dir = o->dir ? xstrdup(o->dir) : NULL;
	dst->form = o->form ? xstrdup(o->form) : NULL;
}

static void
opts_free(struct fetch_opts *o)
{
	free((char *)o->url);
	free((char *)o->etag);
	free((char *)o->last_modified);
	free((char *)o->name);
	free((char *)o->home);
	free((char *)o->dir);
	free((char *)o->form);
	memset(o, 0, sizeof(*o));
}

static struct xfer **
id_slot(struct fetcher *f, uint64_t id)
{
	return &f->by_id[id & (f->by_id_cap - 1)];
}

static void
id_add(struct fetcher *f, struct xfer *x)
{
	struct xfer **slot;

	if (f->by_id_n >= f->by_id_cap) {
		struct xfer **old = f->by_id, *y, *next;
		size_t i, cap = f->by_id_cap;

		f->by_id_cap = cap ? cap * 2 : 64;
		f->by_id = xcalloc(f->by_id_cap, sizeof(*f->by_id));
		for (i = 0; i < cap; i++)
			for (y = old[i]; y; y = next) {
				next = y->id_next;
				slot = id_slot(f, y->id);
				y->id_next = *slot;
				*slot = y;
			}
		free(old);
	}
	slot = id_slot(f, x->id);
	x->id_next = *slot;
	*slot = x;
	f->by_id_n++;
}

static struct xfer *
id_find(struct fetcher *f, uint64_t id)
{
	struct xfer *x;

	if (f->by_id_cap == 0)
		return NULL;
	for (x = *id_slot(f, id); x && x->id != id; x = x->id_next)
		;
	return x;
}

static void
id_del(struct fetcher *f, struct xfer *x)
{
	struct xfer **p;

	if (f->by_id_cap == 0)
		return;
	for (p = id_slot(f, x->id); *p; p = &(*p)->id_next)
		if (*p == x) {
			*p = x->id_next;
			f->by_id_n--;
			return;
		}
}

/* x's easy handle must be out of the multi. */
static void
xfer_free(struct xfer *x)
{
	struct fetcher *f = x->f;

	if (f)
		id_del(f, x);

	if (x->easy && f && f->n_idle < (size_t)f->max_parallel) {
		curl_easy_reset(x->easy);
		f->idle[f->n_idle++] = x->easy;
	} else if (x->easy) {
		curl_easy_cleanup(x->easy);
	}
	if (x->deadline)
		event_free(x->deadline);
	command_free(x->cmd);
	curl_slist_free_all(x->headers);
	fetch_result_free(&x->r);
	opts_free(&x->o);
	free(x);
}

int
fetch_once(const struct fetch_opts *o, struct fetch_result *r)
{
	struct xfer *x;
	CURLcode code;

	if (command_is_source(o->url))
		return command_run(o, r);
	x = xcalloc(1, sizeof(*x));
	xfer_setup(x, o, 0);
	code = curl_easy_perform(x->easy);
	xfer_finish(x, code);
	*r = x->r;
	memset(&x->r, 0, sizeof(x->r));
	xfer_free(x);
	return r->ok ? 0 : -1;
}

/* ---- hosts and their queues ---- */

/* "scheme://host:port" of a URL, lower-case; the whole text if it does not parse. */
static char *
host_key(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *key;
	size_t i;

	if (command_is_source(url)) { /* commands share one queue, with no per-host limit */
		curl_url_cleanup(u);
		return xstrdup("exec:");
	}
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK) {
		curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
		curl_url_get(u, CURLUPART_HOST, &host, 0);
		curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
	}
	xasprintf(&key, "%s://%s:%s", scheme ? scheme : "", host ? host : url, port ? port : "");
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	for (i = 0; key[i]; i++)
		key[i] = (char)tolower((unsigned char)key[i]);
	return key;
}

static struct host *
host_get(struct fetcher *f, const char *url)
{
	char *key = host_key(url);
	size_t b = hash_bytes(key, strlen(key)) % HOST_BUCKETS;
	struct host *h;

	for (h = f->hosts[b]; h; h = h->hash_next)
		if (strcmp(h->key, key) == 0) {
			free(key);
			return h;
		}
	h = xcalloc(1, sizeof(*h));
	h->key = key;
	h->cap = strncmp(key, "file:", 5) == 0 || strcmp(key, "exec:") == 0 ? 0 : f->max_per_host;
	h->hash_next = f->hosts[b];
	f->hosts[b] = h;
	return h;
}

static int
host_has_slot(const struct host *h)
{
	return h->cap == 0 || h->running < h->cap;
}

static void
ready_push(struct fetcher *f, struct host *h)
{
	if (h->ready || h->head == NULL || !host_has_slot(h))
		return;
	h->ready = 1;
	h->ready_next = NULL;
	if (f->ready_tail)
		f->ready_tail->ready_next = h;
	else
		f->ready_head = h;
	f->ready_tail = h;
}

static struct host *
ready_pop(struct fetcher *f)
{
	struct host *h = f->ready_head;

	if (h) {
		f->ready_head = h->ready_next;
		if (f->ready_head == NULL)
			f->ready_tail = NULL;
		h->ready = 0;
	}
	return h;
}

static void
queue_unlink(struct xfer *x)
{
	struct host *h = x->host;

	if (x->prev)
		x->prev->next = x->next;
	else
		h->head = x->next;
	if (x->next)
		x->next->prev = x->prev;
	else
		h->tail = x->prev;
	x->next = x->prev = NULL;
}

static void
running_unlink(struct fetcher *f, struct xfer *x)
{
	if (x->prev)
		x->prev->next = x->next;
	else
		f->xfers = x->next;
	if (x->next)
		x->next->prev = x->prev;
	x->next = x->prev = NULL;
	f->running--;
	x->host->running--;
	ready_push(f, x->host);
}

static void admit(struct fetcher *);
static void file_read(void *);
static void file_read_done(void *);

/* A command is over: called back by it, as the last thing it does. */
static void
command_done(struct fetch_result *r, void *arg)
{
	struct xfer *x = arg;
	struct fetcher *f = x->f;

	x->r = *r;
	memset(r, 0, sizeof(*r));
	running_unlink(f, x);
	x->cb(&x->r, x->arg);
	xfer_free(x);
	admit(f);
}

/* On a reader thread: the easy handle and x->r are the thread's until file_read_done. */
static void
file_read(void *arg)
{
	struct xfer *x = arg;

	x->code = curl_easy_perform(x->easy);
}

/* On the loop: as check_multi_info for a transfer of the multi. */
static void
file_read_done(void *arg)
{
	struct xfer *x = arg;
	struct fetcher *f = x->f;

	x->in_thread = 0;
	if (x->deadline)
		evtimer_del(x->deadline);
	if (!x->cancelled)
		xfer_finish(x, x->code);
	if (!x->cancelled && x->timed_out) { /* whatever the interrupted call made of it */
		fetch_result_free(&x->r);
		xasprintf(&x->r.error, "file read timed out after %ld s", x->timeout);
	}
	if (f->n_file_idle < FETCH_FILE_HANDLES) { /* kept apart from the multi's (fetcher) */
		curl_easy_reset(x->easy);
		f->file_idle[f->n_file_idle++] = x->easy;
	} else {
		curl_easy_cleanup(x->easy);
	}
	x->easy = NULL;
	if (x->cancelled) { /* already out of the running list */
		xfer_free(x);
		return;
	}
	running_unlink(f, x);
	x->cb(&x->r, x->arg);
	xfer_free(x);
	admit(f);
}

static void
deadline_in(struct xfer *x, long ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	evtimer_add(x->deadline, &tv);
}

/*
 * A file: read's timeout, counted from when its thread took it: libcurl's own does not cut a
 * read() or open() that blocks (a FIFO).  Past it, the thread is interrupted every
 * KICK_MS until its read returns, and the transfer fails as timed out.
 */
static void
file_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct xfer *x = arg;
	long ms = offload_running_ms(x->f->reader, x);

	(void)fd;
	(void)what;
	if (!x->in_thread)
		return;
	if (!x->timed_out && ms < x->timeout * 1000) { /* queued (-1), or not that long yet */
		deadline_in(x, ms < 0 ? x->timeout * 1000 : x->timeout * 1000 - ms);
		return;
	}
	x->timed_out = 1;
	offload_kick(x->f->reader, x);
	deadline_in(x, KICK_MS);
}

/* Starts waiting transfers while there are free slots, one host after another. */
static void
admit(struct fetcher *f)
{
	struct host *h;

	while (f->running < f->max_parallel && (h = ready_pop(f)) != NULL) {
		struct xfer *x = h->head;

		if (x == NULL)
			continue; /* its waiting transfer was cancelled */
		queue_unlink(x);
		x->started = 1;
		x->next = f->xfers;
		if (f->xfers)
			f->xfers->prev = x;
		f->xfers = x;
		f->running++;
		h->running++;
		if (command_is_source(x->o.url)) {
			x->cmd = command_start(f->base, &x->o, command_done, x);
		} else if (strncmp(h->key, "file:", 5) == 0) {
			xfer_setup(x, &x->o, 1);
			x->in_thread = 1;
			x->deadline = evtimer_new(f->base, file_deadline, x);
			deadline_in(x, x->timeout * 1000);
			offload_submit(f->reader, file_read, file_read_done, x);
		} else {
			xfer_setup(x, &x->o, 0);
			if (curl_multi_add_handle(f->multi, x->easy) != CURLM_OK)
				fatalx("fetch: curl_multi_add_handle failed");
		}
		ready_push(f, h);
	}
}

/* ---- the multi interface on libevent ---- */

static void
check_multi_info(struct fetcher *f)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
		struct xfer *x;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		curl_multi_remove_handle(f->multi, x->easy);
		xfer_finish(x, msg->data.result);
		running_unlink(f, x);
		x->cb(&x->r, x->arg);
		xfer_free(x);
	}
	admit(f);
}

static void
event_cb(evutil_socket_t fd, short kind, void *arg)
{
	struct fetcher *f = arg;
	int action = ((kind & EV_READ) ? CURL_CSELECT_IN : 0) |
	             ((kind & EV_WRITE) ? CURL_CSELECT_OUT : 0);
	int running;

	curl_multi_socket_action(f->multi, fd, action, &running);
	check_multi_info(f);
}

static void
timer_cb(evutil_socket_t fd, short kind, void *arg)
{
	struct fetcher *f = arg;
	int running;

	(void)fd;
	(void)kind;
	curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_multi_info(f);
}

/* CURLMOPT_TIMERFUNCTION: only arms our timer; never calls libcurl from here (curl#3537). */
static int
multi_timer_cb(CURLM *multi, long timeout_ms, void *arg)
{
	struct fetcher *f = arg;
	struct timeval tv;

	(void)multi;
	if (timeout_ms < 0) {
		evtimer_del(f->timer);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(f->timer, &tv);
	return 0;
}

/* CURLMOPT_SOCKETFUNCTION: one persistent event per socket, kept with curl_multi_assign. */
static int
multi_sock_cb(CURL *e, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct fetcher *f = arg;
	struct event *ev = sockp;
	short kind;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (ev) {
			event_free(ev);
			curl_multi_assign(f->multi, s, NULL);
		}
		return 0;
	}
	kind = (short)(((what & CURL_POLL_IN) ? EV_READ : 0) |
	               ((what & CURL_POLL_OUT) ? EV_WRITE : 0) | EV_PERSIST);
	if (ev) {
		event_del(ev);
		event_assign(ev, f->base, s, kind, event_cb, f);
	} else {
		ev = event_new(f->base, s, kind, event_cb, f);
		if (ev == NULL)
			fatalx("fetch: event_new failed");
		curl_multi_assign(f->multi, s, ev);
	}
	event_add(ev, NULL);
	return 0;
}

struct fetcher *
fetcher_new(struct event_base *base, long max_parallel, long max_per_host)
{
	struct fetcher *f = xcalloc(1, sizeof(*f));

	f->base = base;
	if ((f->multi = curl_multi_init()) == NULL)
		fatalx("fetch: curl_multi_init failed");
	f->timer = evtimer_new(base, timer_cb, f);
	f->reader = offload_new(base, READER_THREADS, "read");
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, multi_sock_cb);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, multi_timer_cb);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	fetcher_set_limits(f, max_parallel, max_per_host);
	return f;
}

/* The queues enforce the limits; libcurl is told them too, for the hosts a redirect reaches. */
void
fetcher_set_limits(struct fetcher *f, long max_parallel, long max_per_host)
{
	size_t b;
	struct host *h;

	f->max_parallel = max_parallel > 0 ? max_parallel : 1;
	f->max_per_host = max_per_host > 0 ? max_per_host : 0;
	while (f->n_idle > (size_t)f->max_parallel)
		curl_easy_cleanup(f->idle[--f->n_idle]);
	f->idle = xreallocarray(f->idle, (size_t)f->max_parallel, sizeof(*f->idle));
	curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max_parallel);
	curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, max_per_host);
	for (b = 0; b < HOST_BUCKETS; b++)
		for (h = f->hosts[b]; h; h = h->hash_next) {
			if (h->cap)
				h->cap = f->max_per_host;
			ready_push(f, h); /* a raised cap frees slots */
		}
	admit(f);
}

void
fetcher_free(struct fetcher *f)
{
	struct xfer *x, *next;
	size_t b;

	if (f == NULL)
		return;

	for (x = f->xfers; x; x = next) {
		next = x->next;
		if (x->in_thread) {
			x->cancelled = 1; /* freed by file_read_done, below */
			continue;
		}
		if (x->easy)
			curl_multi_remove_handle(f->multi, x->easy);
		xfer_free(x);
	}
	f->xfers = NULL;
	offload_interrupt(f->reader); /* the reads still at work are cancelled: cut them short */
	offload_free(f->reader);
	for (b = 0; b < HOST_BUCKETS; b++) {
		struct host *h, *hn;

		for (h = f->hosts[b]; h; h = hn) {
			hn = h->hash_next;
			for (x = h->head; x; x = next) {
				next = x->next;
				xfer_free(x);
			}
			free(h->key);
			free(h);
		}
	}
	while (f->n_idle > 0)
		curl_easy_cleanup(f->idle[--f->n_idle]);
	while (f->n_file_idle > 0)
		curl_easy_cleanup(f->file_idle[--f->n_file_idle]);
	free(f->idle);
	free(f->by_id);
	command_reap_all(); /* the commands just killed, before the event_base goes */
	curl_multi_cleanup(f->multi);
	event_free(f->timer);
	free(f);
}

uint64_t
fetch_start(struct fetcher *f, const struct fetch_opts *o, fetch_done_cb cb, void *arg)
{
	struct xfer *x = xcalloc(1, sizeof(*x));
	struct host *h = host_get(f, o->url);

	opts_copy(&x->o, o);
	x->f = f;
	x->cb = cb;
	x->arg = arg;
	x->id = ++f->next_id;
	id_add(f, x);
	x->host = h;
	x->prev = h->tail;
	if (h->tail)
		h->tail->next = x;
	else
		h->head = x;
	h->tail = x;
	ready_push(f, h);
	admit(f);
	return x->id;
}

void
fetch_cancel(struct fetcher *f, uint64_t id)
{
	struct xfer *x = id_find(f, id);

	if (x == NULL)
		return;
	if (!x->started) {
		queue_unlink(x);
		xfer_free(x);
		return;
	}
	running_unlink(f, x);
	if (x->in_thread) {
		id_del(f, x); /* cancelled once; its thread still reads: file_read_done frees it */
		x->cancelled = 1;
	} else {
		if (x->easy)
			curl_multi_remove_handle(f->multi, x->easy);
		xfer_free(x);
	}
	admit(f);
}
