/* Serves prepared feed responses, and the small dynamic pages, with libevent's evhttp. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "atom.h"
#include "conf.h"
#include "feed.h"
#include "format.h"
#include "http.h"
#include "httphdr.h"
#include "log.h"
#include "url.h"
#include "xmalloc.h"

#define MAX_HEADERS 8192
#define IO_TIMEOUT 10
#define HEAD_DEADLINE 10 /* seconds a client has for a whole request head, idle time included */

/* A counted connection, from adopt() until evhttp closes it. */
struct conn {
	struct http *h;
	struct evhttp_connection *evcon;
	int fd;
	struct event *deadline; /* pending while a request head is awaited */
	struct conn *prev, *next; /* in the waiting list while awaited */
	int waiting;
};

/* Responses sent, by status, for /metrics. */
enum { RC_200, RC_304, RC_404, RC_405, RC_502, RC_503, RC_OTHER, RC_N };
static const char *const rc_names[RC_N] = {"200", "304", "404", "405", "502", "503", "other"};

struct http {
	uint64_t responses[RC_N];
	struct evhttp *ev;
	const struct http_feeds *feeds;
	struct evconnlistener *listener;
	struct event *resume; /* re-enables accepting after running out of descriptors */
	/* The connection cap.  evhttp 2.1 has no limit of its own, so feedd counts: a connection
	 * is counted when make_bev gives it its bufferevent, and uncounted by evhttp's close
	 * callback, which adopt() sets once evhttp has finished making the connection. */
	long conns, max_conns;
	int full; /* accepting paused because conns reached max_conns */
	struct event *adopt_ev;
	struct bufferevent **fresh; /* made by make_bev, waiting for adopt() */
	size_t n_fresh, cap_fresh;
	/* Connections by descriptor, and those waiting for a request head, oldest first: the
	 * head has a deadline, and at the cap the oldest waiting one makes room for a new one. */
	struct conn **byfd;
	size_t n_byfd;
	struct conn *wait_head, *wait_tail;
	char origin[300];
};

/* ---- prepared responses, sent ---- */

static void
unref_cb(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	response_unref(arg);
}

/* ---- helpers ---- */

static void
send_text(struct evhttp_request *req, int code, const char *reason, const char *ctype,
    const char *body, size_t len)
{
	struct evbuffer *b = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", ctype);
	evbuffer_add(b, body, len);
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
}

static void
send_status(struct evhttp_request *req, int code, const char *reason)
{
	char body[128];
	int n = snprintf(body, sizeof(body), "%d %s\n", code, reason);

	send_text(req, code, reason, "text/plain; charset=utf-8", body, (size_t)n);
}

/* ---- routes ---- */

/* Nothing to serve yet: not fetched (503), fetched and failed (502, saying why), or its state
 * file unreadable (503, saying why), with a Retry-After of the next fetch. */
static void
serve_not_ready(struct evhttp_request *req, const struct feed *f)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	long wait = f->next_fetch ? (long)(f->next_fetch - (int64_t)time(NULL)) : 5;
	struct buf b = BUF_INIT;
	char ra[24];

	snprintf(ra, sizeof(ra), "%ld", wait < 1 ? 1 : wait);
	evhttp_add_header(out, "Retry-After", ra);
	if (f->state_unread && f->store.last_error) { /* feedd's own trouble, not the source's */
		buf_printf(&b, "503 Feed State Unreadable\nfeed %s: %s\n", f->conf->name,
		    f->store.last_error);
		send_text(req, 503, "Feed State Unreadable", "text/plain; charset=utf-8", b.data,
		    b.len);
	} else if (f->store.last_error) {
		/* what a gateway answers when the server behind it failed: feedd is the gateway */
		buf_printf(&b, "502 Source Failed\nfeed %s: %s\n", f->conf->name,
		    f->store.last_error);
		send_text(req, 502, "Source Failed", "text/plain; charset=utf-8", b.data, b.len);
	} else {
		send_status(req, 503, "Feed Not Fetched Yet");
	}
	buf_free(&b);
}

/* ---- a feed's 200 and 304, written by feedd itself ---- */

static void count_response(struct http *, struct evhttp_request *);

/* Room for a reply's head: the status line and at most eight short headers. */
#define HEAD_MAX 640

struct head {
	char b[HEAD_MAX];
	size_t n;
	int over; /* did not fit: the reply goes the evhttp way */
};

static void
head_add(struct head *hd, const char *name, const char *value)
{
	size_t kn = strlen(name), vn = strlen(value);

	if (hd->n + kn + vn + 4 > sizeof(hd->b)) {
		hd->over = 1;
		return;
	}
	memcpy(hd->b + hd->n, name, kn);
	hd->b[hd->n + kn] = ':';
	hd->b[hd->n + kn + 1] = ' ';
	memcpy(hd->b + hd->n + kn + 2, value, vn);
	memcpy(hd->b + hd->n + kn + 2 + vn, "\r\n", 2);
	hd->n += kn + vn + 4;
}

/* The Date header's value, formatted once a second, not at every reply as evhttp does. */
static const char *
date_now(void)
{
	static time_t made = -1;
	static char date[40];
	time_t now = time(NULL);

	if (now != made) {
		hdr_date(now, date);
		made = now;
	}
	return date;
}

/*
 * What evhttp would write for this reply, byte for byte: the status line, the headers
 * serve_feed gives evhttp in its order, then the Date and the Content-Length evhttp adds to
 * an HTTP/1.1 reply (only where the request's head leaves evhttp nothing else to add: see
 * direct_ok).
 */
static void
feed_head(struct head *hd, const struct response *r, int gz, int code, int head_only)
{
	const char *etag = gz ? r->gzetag : r->etag;

	hd->n = 0;
	hd->over = 0;
	if (code == 304) {
		memcpy(hd->b, "HTTP/1.1 304 Not Modified\r\n", 27);
		hd->n = 27;
	} else {
		memcpy(hd->b, "HTTP/1.1 200 OK\r\n", 17);
		hd->n = 17;
	}
	head_add(hd, "ETag", etag);
	head_add(hd, "Last-Modified", r->last_modified);
	head_add(hd, "Cache-Control", r->cache_control);
	head_add(hd, "Vary", "Accept-Encoding");
	if (code == 200) {
		head_add(hd, "Content-Type", r->content_type);
		if (gz)
			head_add(hd, "Content-Encoding", "gzip");
		if (head_only)
			head_add(hd, "Content-Length", gz ? r->gzlen_text : r->len_text);
	}
	head_add(hd, "Date", date_now());
	if (code == 200 && !head_only)
		head_add(hd, "Content-Length", gz ? r->gzlen_text : r->len_text);
	if (hd->n + 2 > sizeof(hd->b)) {
		hd->over = 1;
		return;
	}
	memcpy(hd->b + hd->n, "\r\n", 2);
	hd->n += 2;
}

/*
 * Whether feedd may write this request's reply itself: an HTTP/1.1 request with no
 * Connection header, not a proxy's (an absolute URI evhttp does not take as its own), nothing
 * queued before it.  evhttp would add nothing to such a reply but Date and Content-Length,
 * and keeps the connection open after it.  Anything else goes the evhttp way.
 */
static struct bufferevent *
direct_ok(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;

	if (bev == NULL || bufferevent_getfd(bev) < 0 || req->major != 1 || req->minor != 1 ||
	    (req->flags & EVHTTP_PROXY_REQUEST) ||
	    evhttp_find_header(evhttp_request_get_input_headers(req), "Connection") != NULL ||
	    TAILQ_FIRST(evhttp_request_get_output_headers(req)) != NULL ||
	    evbuffer_get_length(bufferevent_get_output(bev)) != 0)
		return NULL;
	return bev;
}

/* What of the head and then the body the socket took at once (sendmsg, then sendfile for a
 * body in the response file); the head goes with MSG_MORE before a file body, so that the
 * two leave in full segments, as nginx's TCP_CORK has them, not the head in a packet of its
 * own. */
static size_t
write_direct(int fd, const struct head *hd, const struct response *r, int gz, int body,
    size_t *body_done)
{
	size_t len = gz ? r->gzlen : r->len;
	const char *mem = gz ? r->gz : r->body;
	struct iovec iov[2] = {{(void *)hd->b, hd->n}, {(void *)(uintptr_t)mem, len}};
	struct msghdr msg = {0};
	int file_fd;
	int64_t at;
	ssize_t n;

	*body_done = 0;
	msg.msg_iov = iov;
	msg.msg_iovlen = body && mem != NULL ? 2 : 1;
	n = sendmsg(fd, &msg, MSG_NOSIGNAL | (body && mem == NULL ? MSG_MORE : 0));
	if (n <= 0) /* EAGAIN, or an error the bufferevent meets again and reports */
		return 0;
	if ((size_t)n > hd->n) {
		*body_done = (size_t)n - hd->n;
		return hd->n;
	}
	if ((size_t)n < hd->n || !body || mem != NULL ||
	    response_file_at(r, gz, &file_fd, &at) != 0)
		return (size_t)n;
	{
		off_t off = (off_t)at;

		n = sendfile(fd, file_fd, &off, len);
		*body_done = n > 0 ? (size_t)n : 0;
	}
	return hd->n;
}

/*
 * Queues what write_direct left for the bufferevent, then ends the request as evhttp's own
 * writing does: at once if everything went, else once the bufferevent has written the rest
 * (evhttp_send_reply_end sets that callback; the bufferevent's are then set as evhttp sets
 * them for a reply: no read callback until the reply is out).  The request, and the
 * connection if it closes, may be freed on return.
 */
static void
finish_direct(struct bufferevent *bev, struct evhttp_request *req, const struct head *hd,
    size_t head_done, struct response *r, int gz, int body, size_t body_done)
{
	struct evbuffer *out = bufferevent_get_output(bev);
	size_t len = gz ? r->gzlen : r->len;
	struct evbuffer_file_segment *seg = gz ? r->gzseg : r->seg;
	const char *mem = gz ? r->gz : r->body;
	bufferevent_data_cb wr = NULL;
	bufferevent_event_cb ev = NULL;
	void *arg = NULL;

	if (head_done < hd->n)
		evbuffer_add(out, hd->b + head_done, hd->n - head_done);
	if (body && body_done < len) {
		struct evbuffer *b = evbuffer_new();

		/* lets the segment stay a sendfile chain instead of being read into memory */
		evbuffer_set_flags(b, EVBUFFER_FLAG_DRAINS_TO_FD);
		if (seg != NULL) {
			evbuffer_add_file_segment(b, seg, (ev_off_t)body_done,
			    (ev_off_t)(len - body_done));
		} else {
			response_ref(r);
			evbuffer_add_reference(b, mem + body_done, len - body_done, unref_cb, r);
		}
		evbuffer_add_buffer(out, b);
		evbuffer_free(b);
	}
	if (evbuffer_get_length(out) == 0) {
		evhttp_send_reply_end(req);
		return;
	}
	bufferevent_getcb(bev, NULL, &wr, &ev, &arg);
	evhttp_send_reply_end(req);
	bufferevent_setcb(bev, NULL, wr, ev, arg);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

/* A feed's 200 or 304 written by feedd: one sendmsg (and a sendfile) in this loop pass, for
 * what evhttp formats with a printf a header, three allocations each, and sends at the next
 * pass.  0 if the reply is not one for this way (nothing done, nothing sent). */
static int
send_direct(struct http *h, struct evhttp_request *req, struct response *r, int gz, int code)
{
	struct bufferevent *bev = direct_ok(req);
	int head_only = evhttp_request_get_command(req) == EVHTTP_REQ_HEAD;
	int body = code == 200 && !head_only;
	struct head hd;
	size_t head_done, body_done;

	if (bev == NULL)
		return 0;
	feed_head(&hd, r, gz, code, head_only);
	if (hd.over)
		return 0;
	head_done = write_direct(bufferevent_getfd(bev), &hd, r, gz, body, &body_done);
	req->response_code = code;
	count_response(h, req);
	finish_direct(bev, req, &hd, head_done, r, gz, body, body_done);
	return 1;
}

/* 1 if the reply was sent by send_direct: counted, and the request perhaps freed. */
static int
serve_feed(struct http *h, struct evhttp_request *req, struct feed *f, int format)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	struct response *r = feed_response(f, format);
	const char *inm, *ims, *ae, *body, *etag;
	struct evbuffer_file_segment *seg;
	struct evbuffer *b;
	size_t len;
	int gz, fresh;

	if (r == NULL && f->resp[FORMAT_ATOM]) {
		/* a format first asked for while a change awaits its save: built with that commit */
		evhttp_add_header(out, "Retry-After", "1");
		send_status(req, 503, "Feed Being Updated");
		return 0;
	}
	if (r == NULL) {
		serve_not_ready(req, f);
		return 0;
	}
	ae = evhttp_find_header(in, "Accept-Encoding");
	gz = r->gzlen > 0 && hdr_accepts_gzip(ae);
	etag = gz ? r->gzetag : r->etag;
	inm = evhttp_find_header(in, "If-None-Match");
	ims = evhttp_find_header(in, "If-Modified-Since");
	fresh = (inm && hdr_etag_match(inm, etag)) ||
	        (!inm && ims && strcmp(ims, r->last_modified) == 0);
	if (send_direct(h, req, r, gz, fresh ? 304 : 200))
		return 1;
	/* everything here was formatted when the response was built, not per request */
	evhttp_add_header(out, "ETag", etag);
	evhttp_add_header(out, "Last-Modified", r->last_modified);
	evhttp_add_header(out, "Cache-Control", r->cache_control);
	evhttp_add_header(out, "Vary", "Accept-Encoding");
	if (fresh) {
		evhttp_send_reply(req, 304, "Not Modified", NULL);
		return 0;
	}
	evhttp_add_header(out, "Content-Type", r->content_type);
	if (gz)
		evhttp_add_header(out, "Content-Encoding", "gzip");
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		evhttp_add_header(out, "Content-Length", gz ? r->gzlen_text : r->len_text);
		evhttp_send_reply(req, 200, "OK", NULL);
		return 0;
	}
	seg = gz ? r->gzseg : r->seg;
	body = gz ? r->gz : r->body;
	len = gz ? r->gzlen : r->len;
	b = evbuffer_new();
	/* lets the segment stay a sendfile chain instead of being read into memory */
	evbuffer_set_flags(b, EVBUFFER_FLAG_DRAINS_TO_FD);
	if (seg != NULL) {
		evbuffer_add_file_segment(b, seg, 0, (ev_off_t)len);
	} else {
		response_ref(r);
		evbuffer_add_reference(b, body, len, unref_cb, r);
	}
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
	return 0;
}

/* The origin for links on dynamic pages: base_url, else the request's Host if it is plain. */
static void
origin_for(const struct http *h, struct evhttp_request *req, char *out, size_t outlen)
{
	const char *host = evhttp_find_header(evhttp_request_get_input_headers(req), "Host");

	const char *base_url = h->feeds->base_url(h->feeds->arg);

	if (base_url == NULL && host && *host && strlen(host) < 256 &&
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") ==
	        strlen(host))
		snprintf(out, outlen, "http://%s", host);
	else
		snprintf(out, outlen, "%s", base_url ? base_url : h->origin);
}

static void
add_time(struct buf *b, int64_t t)
{
	char ts[32];

	if (t)
		buf_adds(b, atom_time(t, ts));
	else
		buf_adds(b, "never");
}

/* Autodiscovery: each feed in each feed format, absolute (readers resolve them badly). */
static void
index_links(struct buf *b, const char *origin, const struct feed *const *v, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < FORMAT_N; k++) {
			if (!formats[k].is_feed)
				continue;
			buf_printf(b, "<link rel=\"alternate\" type=\"%s\" title=\"", formats[k].type);
			buf_add_html(b, feed_title(v[i]), strlen(feed_title(v[i])));
			buf_printf(b, " (%s)\" href=\"", formats[k].label);
			buf_add_html(b, origin, strlen(origin));
			buf_printf(b, "/feeds/%s%s\">\n", v[i]->conf->name, formats[k].ext);
		}
	}
}

/* The feed's title, linking to its page, then a link per feed format. */
static void
index_feed_cell(struct buf *b, const struct feed *f)
{
	size_t k;

	buf_printf(b, "<tr><td><a href=\"/feeds/%s.html\">", f->conf->name);
	buf_add_html(b, feed_title(f), strlen(feed_title(f)));
	buf_adds(b, "</a></td><td>");
	for (k = 0; k < FORMAT_N; k++)
		if (formats[k].is_feed)
			buf_printf(b, "%s<a href=\"/feeds/%s%s\" type=\"%s\">%s</a>",
			    k ? " · " : "", f->conf->name, formats[k].ext, formats[k].type,
			    formats[k].label);
	buf_adds(b, "</td>");
}

static void
serve_index(struct http *h, struct evhttp_request *req)
{
	struct buf b = BUF_INIT;
	char origin[300];
	const struct feed *const *v;
	size_t n, i;

	v = h->feeds->all(h->feeds->arg, &n);
	origin_for(h, req, origin, sizeof(origin));
	/* an icon of its own, empty: else a browser asks for /favicon.ico, a 404 in its console */
	buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	             "<link rel=\"icon\" href=\"data:,\"><title>feedd</title>\n");
	index_links(&b, origin, v, n);
	buf_adds(&b, "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;"
	             "text-align:left}</style></head><body>\n<h1>feedd</h1>\n"
	             "<p><a href=\"/feeds.opml\">All feeds as OPML</a></p>\n<table>\n"
	             "<tr><th>Feed</th><th>Subscribe</th><th>Entries</th><th>Last success</th>"
	             "<th>Last error</th><th>Next fetch</th></tr>\n");
	for (i = 0; i < n; i++) {
		const struct feed *f = v[i];

		index_feed_cell(&b, f);
		buf_printf(&b, "<td>%zu</td><td>", f->served);
		add_time(&b, f->store.last_success);
		buf_adds(&b, "</td><td>");
		if (f->store.last_error)
			buf_add_html(&b, f->store.last_error, strlen(f->store.last_error));
		if (f->store_error) {
			buf_adds(&b, f->store.last_error ? "; cannot save: " : "cannot save: ");
			buf_add_html(&b, f->store_error, strlen(f->store_error));
		}
		buf_adds(&b, "</td><td>");
		add_time(&b, f->next_fetch);
		buf_adds(&b, "</td></tr>\n");
	}
	buf_adds(&b, "</table>\n</body></html>\n");
	send_text(req, 200, "OK", "text/html; charset=utf-8", b.data, b.len);
	buf_free(&b);
}

static void
serve_opml(struct http *h, struct evhttp_request *req)
{
	struct buf b = BUF_INIT;
	char origin[300], date[40];
	const struct feed *const *v;
	size_t n, i;

	v = h->feeds->all(h->feeds->arg, &n);
	origin_for(h, req, origin, sizeof(origin));
	hdr_date(time(NULL), date);
	buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n"
	               "<head><title>feedd</title><dateCreated>%s</dateCreated></head>\n<body>\n",
	    date);
	for (i = 0; i < n; i++) {
		const struct feed *f = v[i];
		const char *html = url_clickable(f->store.feed_link) ? f->store.feed_link : origin;

		buf_adds(&b, "<outline type=\"rss\" text=\"");
		buf_add_html(&b, feed_title(f), strlen(feed_title(f)));
		buf_adds(&b, "\" title=\"");
		buf_add_html(&b, feed_title(f), strlen(feed_title(f)));
		buf_adds(&b, "\" xmlUrl=\"");
		buf_add_html(&b, origin, strlen(origin));
		buf_printf(&b, "/feeds/%s.atom\" htmlUrl=\"", f->conf->name);
		buf_add_html(&b, html, strlen(html));
		buf_adds(&b, "\"/>\n");
	}
	buf_adds(&b, "</body>\n</opml>\n");
	send_text(req, 200, "OK", "text/x-opml; charset=utf-8", b.data, b.len);
	buf_free(&b);
}

static void
json_time(struct buf *b, int64_t t)
{
	char ts[32];

	if (t) {
		buf_addc(b, '"');
		buf_adds(b, atom_time(t, ts));
		buf_addc(b, '"');
	} else {
		buf_adds(b, "null");
	}
}

static void
json_str_or_null(struct buf *b, const char *s)
{
	if (s)
		buf_add_json(b, s);
	else
		buf_adds(b, "null");
}

/* "status" is "ok" unless a feed's state cannot be saved: a failing fetch is the source's
 * trouble, shown per feed; a failing save is this host's. */
static void
serve_healthz(struct http *h, struct evhttp_request *req)
{
	struct buf b = BUF_INIT;
	const struct feed *const *v;
	size_t n, i;
	int unsaved = 0, failing = 0;
	const char *status;

	v = h->feeds->all(h->feeds->arg, &n);
	for (i = 0; i < n; i++) {
		unsaved |= v[i]->store_error != NULL;
		failing |= v[i]->store.last_error != NULL;
	}
	/* the worst first: entries that may be lost, then sources that fail; 503 for either, so
	 * that a monitor that only reads the status code notices */
	status = unsaved ? "store_error" : failing ? "degraded" : "ok";
	buf_printf(&b, "{\"status\": \"%s\", \"feeds\": {", status);
	for (i = 0; i < n; i++) {
		const struct feed *f = v[i];

		buf_adds(&b, i ? ",\n  " : "\n  ");
		buf_add_json(&b, f->conf->name);
		buf_printf(&b, ": {\"entries\": %zu, \"last_success\": ", f->served);
		json_time(&b, f->store.last_success);
		buf_adds(&b, ", \"last_error\": ");
		json_str_or_null(&b, f->store.last_error);
		buf_adds(&b, ", \"store_error\": ");
		json_str_or_null(&b, f->store_error);
		buf_adds(&b, ", \"warning\": ");
		json_str_or_null(&b, f->warning);
		if (f->store.http_status)
			buf_printf(&b, ", \"http_status\": %ld", f->store.http_status);
		else
			buf_adds(&b, ", \"http_status\": null");
		buf_printf(&b, ", \"failures\": %d, \"next_fetch\": ", f->failures);
		json_time(&b, f->next_fetch);
		buf_adds(&b, "}");
	}
	buf_adds(&b, n ? "\n}}\n" : "}}\n");
	if (strcmp(status, "ok") == 0)
		send_text(req, 200, "OK", "application/json", b.data, b.len);
	else
		send_text(req, 503, "Service Degraded", "application/json", b.data, b.len);
	buf_free(&b);
}

static void serve_metrics(struct http *, struct evhttp_request *);

static void
count_response(struct http *h, struct evhttp_request *req)
{
	int code = evhttp_request_get_response_code(req);

	h->responses[code == 200 ? RC_200 : code == 304 ? RC_304 : code == 404 ? RC_404
	           : code == 405 ? RC_405 : code == 502 ? RC_502 : code == 503 ? RC_503
	           : RC_OTHER]++;
}

/* What evhttp lets through but feedd refuses: an HTTP/1.x it does not know (evhttp would
 * answer in it) and the header smuggling hdr_refusal names.  The connection is closed after
 * the answer, so that nothing after the head is read as another request. */
static void head_complete(struct http *, struct evhttp_request *);

static int
refused(struct evhttp_request *req)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	const char *why;

	if (req->major != 1 || req->minor > 1) {
		req->major = 1;
		req->minor = 1;
		evhttp_add_header(out, "Connection", "close");
		send_status(req, 505, "HTTP Version Not Supported");
		return 1;
	}
	if ((why = hdr_refusal(evhttp_request_get_input_headers(req))) == NULL)
		return 0;
	log_debug("http: refused: %s", why);
	evhttp_add_header(out, "Connection", "close");
	send_status(req, 400, "Bad Request");
	return 1;
}

/* 1 if the reply was sent and counted by send_direct (the request perhaps freed). */
static int
answer(struct http *h, struct evhttp_request *req)
{
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	size_t n;
	int k;

	if (refused(req))
		return 0;
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
		if (cmd == EVHTTP_REQ_CONNECT) {
			/* evhttp never closes after a CONNECT (it expects a tunnel), so the refusal
			 * is sent as for any method, and Connection: close then holds */
			req->type = EVHTTP_REQ_GET;
			evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
		}
		send_status(req, 405, "Method Not Allowed");
		return 0;
	}
	if (path == NULL) {
		send_status(req, 400, "Bad Request");
	} else if (strcmp(path, "/") == 0) {
		serve_index(h, req);
	} else if (strcmp(path, "/feeds.opml") == 0) {
		serve_opml(h, req);
	} else if (strcmp(path, "/healthz") == 0) {
		serve_healthz(h, req);
	} else if (strcmp(path, "/metrics") == 0) {
		serve_metrics(h, req);
	} else if (strncmp(path, "/feeds/", 7) == 0 &&
	           (k = format_by_path(path + 7, strlen(path + 7), &n)) >= 0) {
		struct feed *f = h->feeds->find(h->feeds->arg, path + 7, n);

		if (f)
			return serve_feed(h, req, f, k);
		else
			send_status(req, 404, "Not Found");
	} else {
		send_status(req, 404, "Not Found");
	}
	return 0;
}

/* At most this much of a reply is written by write_now, as by the bufferevent's write cap. */
#define WRITE_NOW_MAX (1 << 20)

/*
 * The reply evhttp has queued, written at once instead of at the loop's next pass: evhttp
 * enables the write event, and the reply left when epoll said the socket was writable, two
 * epoll_ctl and a pass per request (strace of bench/run.py serve).  Once everything is
 * written, evhttp is told through its write callback, as the bufferevent would tell it; it
 * then disables the write event it had enabled, which in the epoll change list cancels out,
 * and awaits the next request.  What does not fit is left to the write event.  The
 * connection may be freed by then (a reply that closes it): nothing is used after.
 */
static void
write_now(struct evhttp_connection *evcon)
{
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
	evutil_socket_t fd = bev ? bufferevent_getfd(bev) : -1;
	struct evbuffer *out;
	ev_ssize_t left = WRITE_NOW_MAX, n;

	if (fd < 0 || !(bufferevent_get_enabled(bev) & EV_WRITE))
		return;
	out = bufferevent_get_output(bev);
	evbuffer_unfreeze(out, 1); /* a socket bufferevent's output is drained by it alone */
	while (left > 0 && evbuffer_get_length(out) > 0 &&
	       (n = evbuffer_write_atmost(out, fd, left)) > 0)
		left -= n;
	evbuffer_freeze(out, 1);
	if (evbuffer_get_length(out) == 0)
		bufferevent_trigger(bev, EV_WRITE, 0);
}

static void
route(struct evhttp_request *req, void *arg)
{
	struct http *h = arg;
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);

	head_complete(h, req);
	if (answer(h, req))
		return; /* sent, counted, and req perhaps freed */
	count_response(h, req);
	write_now(evcon); /* req may be freed from here on */
}

/* One per-feed sample: FAMILY{feed="NAME"EXTRA} VALUE.  /metrics has 8 of them a feed, and
 * written through printf they were a quarter of the daemon's CPU while a bench polled it
 * during 10,000 feeds' fetches. */
static void
metric(struct buf *b, const char *family, const char *feed, const char *extra, uint64_t v)
{
	buf_adds(b, family);
	buf_add(b, "{feed=\"", 7);
	buf_adds(b, feed);
	buf_addc(b, '"');
	if (extra)
		buf_adds(b, extra);
	buf_add(b, "} ", 2);
	buf_add_u64(b, v);
	buf_addc(b, '\n');
}

/* /metrics is handed to the reply in pieces of about this size as it is written: at 10,000
 * feeds its 4.3 MB were a doubling buffer (8 MiB at the end, 12 while it last grew) and then a
 * copy in one evbuffer chain of 8 MiB, the daemon's peak heap. */
#define METRICS_PIECE 16384

/* Moves what b holds to out once it has a piece's worth (or always, if all). */
static void
metrics_flush(struct evbuffer *out, struct buf *b, int all)
{
	if (b->len == 0 || (!all && b->len < METRICS_PIECE))
		return;
	evbuffer_add(out, b->data, b->len);
	buf_reset(b);
}

/* Prometheus text format; feed names need no escaping ([A-Za-z0-9._-]). */
static void
serve_metrics(struct http *h, struct evhttp_request *req)
{
	struct buf b = BUF_INIT;
	struct evbuffer *out = evbuffer_new();
	const struct feed *const *v;
	size_t n, i, k;

	v = h->feeds->all(h->feeds->arg, &n);
	buf_printf(&b, "# HELP feedd_feeds Configured feeds.\n# TYPE feedd_feeds gauge\n"
	               "feedd_feeds %zu\n", n);
	buf_printf(&b, "# HELP feedd_http_connections Clients connected now.\n"
	               "# TYPE feedd_http_connections gauge\n"
	               "feedd_http_connections %ld\n"
	               "# HELP feedd_http_connections_max The connection cap.\n"
	               "# TYPE feedd_http_connections_max gauge\n"
	               "feedd_http_connections_max %ld\n",
	    h->conns, h->max_conns);
	buf_adds(&b, "# HELP feedd_http_responses_total Responses sent, by status.\n"
	             "# TYPE feedd_http_responses_total counter\n");
	for (k = 0; k < RC_N; k++)
		buf_printf(&b, "feedd_http_responses_total{code=\"%s\"} %llu\n", rc_names[k],
		    (unsigned long long)h->responses[k]);
	buf_adds(&b, "# HELP feedd_feed_entries Entries served.\n"
	             "# TYPE feedd_feed_entries gauge\n");
	for (i = 0; i < n; i++) {
		metric(&b, "feedd_feed_entries", v[i]->conf->name, NULL, v[i]->served);
		metrics_flush(out, &b, 0);
	}
	buf_adds(&b, "# HELP feedd_feed_response_bytes Memory its prepared responses hold: each "
	             "format asked for so far, plain and gzip.\n"
	             "# TYPE feedd_feed_response_bytes gauge\n");
	for (i = 0; i < n; i++) {
		size_t bytes = 0;

		for (k = 0; k < FORMAT_N; k++)
			if (v[i]->resp[k])
				bytes += v[i]->resp[k]->len + v[i]->resp[k]->gzlen;
		metric(&b, "feedd_feed_response_bytes", v[i]->conf->name, NULL, bytes);
		metrics_flush(out, &b, 0);
	}
	buf_adds(&b, "# HELP feedd_feed_store_error 1 while the feed's state cannot be saved.\n"
	             "# TYPE feedd_feed_store_error gauge\n");
	for (i = 0; i < n; i++) {
		metric(&b, "feedd_feed_store_error", v[i]->conf->name, NULL, v[i]->store_error != NULL);
		metrics_flush(out, &b, 0);
	}
	buf_adds(&b, "# HELP feedd_feed_save_failures_total Failed saves of the state since start.\n"
	             "# TYPE feedd_feed_save_failures_total counter\n");
	for (i = 0; i < n; i++) {
		metric(&b, "feedd_feed_save_failures_total", v[i]->conf->name, NULL,
		    v[i]->save_failures);
		metrics_flush(out, &b, 0);
	}
	buf_adds(&b, "# HELP feedd_feed_fetches_total Fetches since start, by result.\n"
	             "# TYPE feedd_feed_fetches_total counter\n");
	for (i = 0; i < n; i++) {
		metric(&b, "feedd_feed_fetches_total", v[i]->conf->name, ",result=\"ok\"",
		    v[i]->fetches_ok);
		metric(&b, "feedd_feed_fetches_total", v[i]->conf->name, ",result=\"not_modified\"",
		    v[i]->fetches_not_modified);
		metric(&b, "feedd_feed_fetches_total", v[i]->conf->name, ",result=\"error\"",
		    v[i]->fetches_failed);
		metrics_flush(out, &b, 0);
	}
	buf_adds(&b, "# HELP feedd_feed_failures Consecutive failed fetches.\n"
	             "# TYPE feedd_feed_failures gauge\n");
	for (i = 0; i < n; i++) {
		metric(&b, "feedd_feed_failures", v[i]->conf->name, NULL, (uint64_t)v[i]->failures);
		metrics_flush(out, &b, 0);
	}
	buf_adds(&b, "# HELP feedd_feed_last_success_seconds Time of the last good fetch.\n"
	             "# TYPE feedd_feed_last_success_seconds gauge\n");
	for (i = 0; i < n; i++) {
		metric(&b, "feedd_feed_last_success_seconds", v[i]->conf->name, NULL,
		    (uint64_t)v[i]->store.last_success);
		metrics_flush(out, &b, 0);
	}
	if (h->feeds->metrics)
		h->feeds->metrics(h->feeds->arg, &b);
	metrics_flush(out, &b, 1);
	buf_free(&b);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	    "text/plain; version=0.0.4; charset=utf-8");
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}

/* Pauses accepting at the cap and resumes below it. */
static void
check_cap(struct http *h)
{
	if (h->listener == NULL)
		return; /* being freed */
	/* at the cap, accepting goes on while some connection has sent no complete head: a new
	 * client then takes the place of the oldest of them (make_bev) */
	if (h->full && (h->conns < h->max_conns || h->wait_head != NULL)) {
		h->full = 0;
		if (!evtimer_pending(h->resume, NULL)) /* else out of descriptors: it resumes */
			evconnlistener_enable(h->listener);
	} else if (!h->full && h->conns >= h->max_conns && h->wait_head == NULL) {
		h->full = 1;
		evconnlistener_disable(h->listener);
		log_warnx("http: %ld connections, the most allowed; pausing accept", h->conns);
	}
}

static void
conn_gone(struct http *h)
{
	h->conns--;
	check_cap(h);
}

static void
unwait(struct conn *c)
{
	struct http *h = c->h;

	if (!c->waiting)
		return;
	evtimer_del(c->deadline);
	*(c->prev ? &c->prev->next : &h->wait_head) = c->next;
	*(c->next ? &c->next->prev : &h->wait_tail) = c->prev;
	c->prev = c->next = NULL;
	c->waiting = 0;
}

static void
await_head(struct conn *c)
{
	struct http *h = c->h;
	struct timeval tv = {HEAD_DEADLINE, 0};

	if (c->waiting)
		return;
	evtimer_add(c->deadline, &tv);
	c->prev = h->wait_tail;
	*(h->wait_tail ? &h->wait_tail->next : &h->wait_head) = c;
	h->wait_tail = c;
	c->waiting = 1;
}

/* The connection a request came on, or NULL if it is not counted. */
static struct conn *
conn_of(struct http *h, struct evhttp_connection *evcon)
{
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
	evutil_socket_t fd = bev ? bufferevent_getfd(bev) : -1;

	if (fd < 0 || (size_t)fd >= h->n_byfd || h->byfd[fd] == NULL ||
	    h->byfd[fd]->evcon != evcon)
		return NULL;
	return h->byfd[fd];
}

static void
conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct conn *c = arg;
	struct http *h = c->h;

	(void)evcon;
	unwait(c);
	if ((size_t)c->fd < h->n_byfd && h->byfd[c->fd] == c)
		h->byfd[c->fd] = NULL;
	event_free(c->deadline);
	free(c);
	conn_gone(h);
}

/* A head not complete in time, or a place wanted at the cap: closed (closecb frees c). */
static void
head_late(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	evhttp_connection_free(c->evcon);
}

/* A response went out: the connection awaits its next head. */
static void
request_done(struct evhttp_request *req, void *arg)
{
	struct conn *c = conn_of(arg, evhttp_request_get_connection(req));

	if (c)
		await_head(c);
	check_cap(arg);
}

/* The head is complete: no deadline while the request is answered, a new one after. */
static void
head_complete(struct http *h, struct evhttp_request *req)
{
	struct conn *c = conn_of(h, evhttp_request_get_connection(req));

	if (c == NULL)
		return;
	unwait(c);
	check_cap(h);
	evhttp_request_set_on_complete_cb(req, request_done, h);
}

static void
track(struct http *h, struct bufferevent *bev, struct evhttp_connection *evcon)
{
	struct conn *c = xcalloc(1, sizeof(*c));
	evutil_socket_t fd = bufferevent_getfd(bev);

	c->h = h;
	c->evcon = evcon;
	c->fd = fd;
	c->deadline = evtimer_new(evhttp_connection_get_base(evcon), head_late, c);
	if (fd >= 0 && (size_t)fd >= h->n_byfd) {
		size_t n = h->n_byfd ? h->n_byfd : 64;

		while (n <= (size_t)fd)
			n *= 2;
		h->byfd = xreallocarray(h->byfd, n, sizeof(*h->byfd));
		memset(h->byfd + h->n_byfd, 0, (n - h->n_byfd) * sizeof(*h->byfd));
		h->n_byfd = n;
	}
	if (fd >= 0)
		h->byfd[fd] = c;
	evhttp_connection_set_closecb(evcon, conn_closed, c);
	await_head(c);
}

/* Runs right after the accepts that made the fresh bufferevents, in the same loop pass.  evhttp
 * made each one's connection and set it as the callback argument, which is how the connection
 * is found without a hook libevent 2.1 does not have.  The reference make_bev took keeps the
 * bufferevent alive even if evhttp gave up on it; its callbacks are then cleared. */
static void
adopt(evutil_socket_t fd, short what, void *arg)
{
	struct http *h = arg;
	size_t i;

	(void)fd;
	(void)what;
	for (i = 0; i < h->n_fresh; i++) {
		struct bufferevent *bev = h->fresh[i];
		bufferevent_data_cb rd = NULL;
		void *evcon = NULL;

		bufferevent_getcb(bev, &rd, NULL, NULL, &evcon);
		if (rd != NULL && evcon != NULL)
			track(h, bev, evcon);
		else
			conn_gone(h);
		bufferevent_decref(bev);
	}
	h->n_fresh = 0;
	/* make_bev may have paused at the cap before any of these waited for a head */
	check_cap(h);
}

/* Each connection's bufferevent, made here so that a response leaves in one write: libevent's
 * default of 16 KB per write costs an epoll round trip per 16 KB.  Also where connections are
 * counted: at the cap the listener stops accepting (the accept loop checks right after this
 * call), and waiting clients stay in the kernel's backlog until a connection closes. */
static struct bufferevent *
make_bev(struct event_base *base, void *arg)
{
	struct http *h = arg;
	struct bufferevent *bev;

	if (h->n_fresh == h->cap_fresh) {
		size_t n = h->cap_fresh ? 2 * h->cap_fresh : 16;
		struct bufferevent **v = realloc(h->fresh, n * sizeof(*v));

		if (v == NULL)
			return NULL; /* evhttp makes its own: served, but not counted */
		h->fresh = v;
		h->cap_fresh = n;
	}
	if ((bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE)) == NULL)
		return NULL;
	bufferevent_set_max_single_write(bev, 1 << 20);
	bufferevent_set_max_single_read(bev, 16384);
	bufferevent_incref(bev);
	h->fresh[h->n_fresh++] = bev;
	event_active(h->adopt_ev, EV_READ, 1);
	h->conns++;
	if (h->conns > h->max_conns && h->wait_head != NULL)
		head_late(-1, 0, h->wait_head); /* the cap is not held by heads never finished */
	check_cap(h);
	return bev;
}

void
http_set_max_connections(struct http *h, long n)
{
	h->max_conns = n > 0 ? n : 1;
	check_cap(h);
}

static void
resume_accept(evutil_socket_t fd, short what, void *arg)
{
	struct http *h = arg;

	(void)fd;
	(void)what;
	if (!h->full)
		evconnlistener_enable(h->listener);
}

/* Out of file descriptors: stop accepting for a moment instead of spinning on a listener that
 * stays readable; the kernel's backlog holds the waiting clients meanwhile. */
/* The listener's error callback gets evhttp's argument, not ours: the one endpoint is here. */
static struct http *the_http;

static void
accept_error(struct evconnlistener *lev, void *arg)
{
	struct http *h = the_http;
	struct timeval tv = {0, 200000};
	int err = EVUTIL_SOCKET_ERROR();

	(void)arg;
	if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
		log_warnx("http: out of descriptors (%s), pausing accept", strerror(err));
		evconnlistener_disable(lev);
		evtimer_add(h->resume, &tv);
	}
}

struct http *
http_new(struct event_base *base, const struct http_feeds *feeds, const char *host,
    const char *port)
{
	struct http *h = xcalloc(1, sizeof(*h));
	struct evhttp_bound_socket *s;

	h->feeds = feeds;
	h->max_conns = CONFIG_MAX_CONNECTIONS_DEFAULT;
	if ((h->ev = evhttp_new(base)) == NULL)
		fatalx("evhttp_new failed");
	evhttp_set_allowed_methods(h->ev, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
	                                      EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	                                      EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH |
	                                      EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT);
	evhttp_set_max_headers_size(h->ev, MAX_HEADERS);
	evhttp_set_max_body_size(h->ev, 0);
	evhttp_set_timeout(h->ev, IO_TIMEOUT);
	evhttp_set_gencb(h->ev, route, h);
	evhttp_set_bevcb(h->ev, make_bev, h);
	if ((s = evhttp_bind_socket_with_handle(h->ev, host, (ev_uint16_t)atoi(port))) == NULL) {
		log_warn("http: cannot listen on %s port %s", host, port);
		evhttp_free(h->ev);
		free(h);
		return NULL;
	}
	h->listener = evhttp_bound_socket_get_listener(s);
	h->resume = evtimer_new(base, resume_accept, h);
	h->adopt_ev = event_new(base, -1, 0, adopt, h);
	the_http = h;
	evconnlistener_set_error_cb(h->listener, accept_error);
	{
		int one = 1;

		/* evhttp never sets TCP_NODELAY, and without it a response over 16 KB stalls ~40 ms
		 * (Nagle against delayed ACK); Linux hands the listener's setting to accepted
		 * sockets, so one call here covers every connection */
		setsockopt(evhttp_bound_socket_get_fd(s), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	{
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		char addr[INET6_ADDRSTRLEN];
		int bound = atoi(port);

		if (getsockname(evhttp_bound_socket_get_fd(s), (struct sockaddr *)&ss, &len) == 0)
			bound = ntohs(ss.ss_family == AF_INET6
			                  ? ((struct sockaddr_in6 *)&ss)->sin6_port
			                  : ((struct sockaddr_in *)&ss)->sin_port);
		snprintf(addr, sizeof(addr), "%s", host);
		snprintf(h->origin, sizeof(h->origin), strchr(host, ':') ? "http://[%s]:%d"
		                                                         : "http://%s:%d",
		    addr, bound);
	}
	return h;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	h->listener = NULL; /* evhttp_free frees it, then closes the connections */
	evhttp_free(h->ev);
	if (the_http == h)
		the_http = NULL;
	if (h->resume)
		event_free(h->resume);
	if (h->adopt_ev) {
		adopt(-1, 0, h); /* drops the references of connections evhttp_free closed */
		event_free(h->adopt_ev);
	}
	free(h->fresh);
	free(h->byfd);
	free(h);
}

const char *
http_origin(const struct http *h)
{
	return h->origin;
}
