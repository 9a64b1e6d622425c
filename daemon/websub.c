/* WebSub publishing: one ping per changed feed, POSTed through the fetcher, retried with backoff.
 *
 * The POST is PubSubHubbub 0.4's publish notification (which WebSub leaves to hubs): a form of
 * hub.mode=publish and hub.url repeated for each topic, so a feed's formats cost one request. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "fetch.h"
#include "log.h"
#include "str.h"
#include "websub.h"
#include "xmalloc.h"

#define PING_BUCKETS 1024
#define WEBSUB_TIMEOUT 30            /* seconds for one POST */
#define WEBSUB_MAX_BODY (64u * 1024) /* a hub's answer is a status; its body is not read */

/* A feed's ping until the hub takes it or it is given up. */
struct ping {
	struct websub *w;
	char *key;
	char *form;          /* what the next POST sends */
	struct event *timer; /* a retry, or a follow-up ping */
	uint64_t xfer;       /* the POST under way, or 0 */
	int failures;        /* POSTs of this ping that failed */
	int again;           /* the feed changed while the POST was under way */
	struct ping *next;   /* in its bucket */
};

struct websub {
	struct event_base *base;
	struct fetcher *fetcher;
	char *hub;
	struct ping *pings[PING_BUCKETS];
	uint64_t ok, error, dropped;
	websub_delivered_cb *delivered;
	void *arg;
};

static void ping_send(evutil_socket_t, short, void *);

static struct ping **
ping_slot(struct websub *w, const char *key)
{
	struct ping **pp = &w->pings[hash_bytes(key, strlen(key)) % PING_BUCKETS];

	while (*pp && strcmp((*pp)->key, key) != 0)
		pp = &(*pp)->next;
	return pp;
}

/* Unlinks p, cancels what it waits for and frees it. */
static void
ping_free(struct ping *p)
{
	struct ping **pp = ping_slot(p->w, p->key);

	*pp = p->next;
	if (p->xfer)
		fetch_cancel(p->w->fetcher, p->xfer);
	event_free(p->timer);
	free(p->key);
	free(p->form);
	free(p);
}

static void
drop_all(struct websub *w)
{
	size_t b;

	for (b = 0; b < PING_BUCKETS; b++)
		while (w->pings[b])
			ping_free(w->pings[b]);
}

/* hub.mode=publish&hub.url=T1&hub.url=T2…, each topic percent-encoded by libcurl. */
static char *
make_form(const char *const *topics, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	buf_adds(&b, "hub.mode=publish");
	for (i = 0; i < n; i++) {
		char *enc = curl_easy_escape(NULL, topics[i], 0);

		if (enc == NULL)
			fatalx("websub: curl_easy_escape failed");
		buf_adds(&b, "&hub.url=");
		buf_adds(&b, enc);
		curl_free(enc);
	}
	return buf_steal(&b, NULL);
}

static void
retry_later(struct ping *p, const struct fetch_result *r)
{
	struct websub *w = p->w;
	const char *why = r->error ? r->error : "the hub answered 304";
	struct timeval tv = {1, 0};
	int k;

	if (++p->failures >= WEBSUB_ATTEMPTS) {
		w->dropped++;
		log_warnx("websub: feed %s: hub %s: %s; given up after %d attempts", p->key, w->hub,
		    why, p->failures);
		ping_free(p);
		return;
	}
	for (k = 1; k < p->failures && tv.tv_sec < WEBSUB_BACKOFF_CAP; k++)
		tv.tv_sec *= 2;
	if (r->retry_after > tv.tv_sec)
		tv.tv_sec = r->retry_after;
	if (tv.tv_sec > WEBSUB_BACKOFF_CAP)
		tv.tv_sec = WEBSUB_BACKOFF_CAP;
	log_warnx("websub: feed %s: hub %s: %s; retrying in %lds", p->key, w->hub, why,
	    (long)tv.tv_sec);
	evtimer_add(p->timer, &tv);
}

static void
posted(struct fetch_result *r, void *arg)
{
	struct ping *p = arg;
	struct websub *w = p->w;

	p->xfer = 0;
	if (!r->ok || r->not_modified) { /* a form sent again says the latest topics anyway */
		w->error++;
		p->again = 0;
		retry_later(p, r);
		return;
	}
	w->ok++;
	log_debug("websub: feed %s: hub %s answered %ld", p->key, w->hub, r->status);
	if (p->again) {
		struct timeval now = {0, 0}; /* from the loop, not from inside the fetcher's callback */

		p->again = 0;
		p->failures = 0;
		evtimer_add(p->timer, &now);
		return;
	}
	w->delivered(w->arg, p->key);
	ping_free(p);
}

static void
ping_send(evutil_socket_t fd, short what, void *arg)
{
	struct ping *p = arg;
	struct fetch_opts o = {0};

	(void)fd;
	(void)what;
	o.url = p->w->hub;
	o.form = p->form;
	o.timeout = WEBSUB_TIMEOUT;
	o.max_body = WEBSUB_MAX_BODY;
	p->xfer = fetch_start(p->w->fetcher, &o, posted, p);
}

void
websub_publish(struct websub *w, const char *key, const char *const *topics, size_t n)
{
	struct ping **pp, *p;

	if (w->hub == NULL || n == 0)
		return;
	pp = ping_slot(w, key);
	if ((p = *pp) != NULL) {
		free(p->form);
		p->form = make_form(topics, n);
		if (p->xfer)
			p->again = 1;
		return; /* else its retry is pending and takes the new form */
	}
	p = xcalloc(1, sizeof(*p));
	p->w = w;
	p->key = xstrdup(key);
	p->form = make_form(topics, n);
	p->timer = evtimer_new(w->base, ping_send, p);
	if (p->timer == NULL)
		fatalx("websub: evtimer_new failed");
	*pp = p;
	ping_send(-1, 0, p);
}

struct websub *
websub_new(struct event_base *base, struct fetcher *fetcher, const char *hub,
    websub_delivered_cb *delivered, void *arg)
{
	struct websub *w = xcalloc(1, sizeof(*w));

	w->delivered = delivered;
	w->arg = arg;
	w->base = base;
	w->fetcher = fetcher;
	w->hub = hub ? xstrdup(hub) : NULL;
	return w;
}

int
websub_set_hub(struct websub *w, const char *hub)
{
	if (streq(hub, w->hub))
		return 0;
	drop_all(w);
	free(w->hub);
	w->hub = hub ? xstrdup(hub) : NULL;
	return 1;
}

void
websub_free(struct websub *w)
{
	if (w == NULL)
		return;
	drop_all(w);
	free(w->hub);
	free(w);
}

void
websub_metrics(const struct websub *w, struct buf *b)
{
	buf_printf(b, "# HELP feedd_websub_pings_total POSTs to the WebSub hub, by result.\n"
	              "# TYPE feedd_websub_pings_total counter\n"
	              "feedd_websub_pings_total{result=\"ok\"} %llu\n"
	              "feedd_websub_pings_total{result=\"error\"} %llu\n"
	              "# HELP feedd_websub_pings_dropped_total Pings given up after %d attempts.\n"
	              "# TYPE feedd_websub_pings_dropped_total counter\n"
	              "feedd_websub_pings_dropped_total %llu\n",
	    (unsigned long long)w->ok, (unsigned long long)w->error, WEBSUB_ATTEMPTS,
	    (unsigned long long)w->dropped);
}
