/* A feed's cycle: timer, fetch on the loop, plugin in a worker, merge, batched save, publish. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/event.h>

#include "atom.h"
#include "sourceurl.h"
#include "feed.h"
#include "fetch.h"
#include "format.h"
#include "response.h"
#include "str.h"
#include "log.h"
#include "offload.h"
#include "pool.h"
#include "url.h"
#include "xmalloc.h"

#define BACKOFF_CAP 8        /* failures stretch the interval at most this many times */
#define FIRST_SPREAD_MS 3000 /* first fetches are spread over this */
/* per feed, in microseconds: a network source's origin is spared a burst at start (2 ms a
 * feed); a file: source has none, and its reads, jobs and saves go at the daemon's own pace
 * (some 7,000 a second here), which a start of one every 0.1 ms keeps fed */
#define FIRST_SPREAD_NET_US 2000
#define FIRST_SPREAD_FILE_US 100
#define RETRY_AFTER_CAP 86400

/*
 * What a commit's thread reads: copies of every string the documents and the state file take
 * from the feed, and of its entry array.  The entries themselves are lent: while f->saving,
 * nothing changes or frees them (a harvest waits in f->held, a new filter in f->refilter), and
 * a feed freed meanwhile leaves them to the snapshot (owns_entries).
 */
struct feed_snap {
	struct feed *f; /* NULL once the feed is gone */
	char *name, *title, *author, *subtitle, *alt_url, *entry_base, *base, *page, *hub;
	char id[ENTRY_ID_LEN + 1];
	long max_age;
	unsigned mask;
	struct store s;   /* as the state file gets it */
	int owns_entries;
	int64_t updated;
	struct response *out[FORMAT_N];
	int rendered, moved;
	int pinned_before; /* f->pinned when taken */
};

static void feed_fetch(evutil_socket_t, short, void *);
static void snap_free(struct feed_snap *);

static void
schedule_in(struct feed *f, long ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	f->next_fetch = (int64_t)time(NULL) + ms / 1000;
	evtimer_add(f->timer, &tv);
}

/* interval ± 10%, stretched by failures (doubling up to BACKOFF_CAP) and Retry-After. */
static void
schedule_next(struct feed *f, long retry_after)
{
	long base = f->conf->interval * 1000, ms;
	int k;

	for (k = 0; k < f->failures && base < f->conf->interval * 1000 * BACKOFF_CAP; k++)
		base *= 2;
	if (base > f->conf->interval * 1000 * BACKOFF_CAP)
		base = f->conf->interval * 1000 * BACKOFF_CAP;
	ms = base - base / 10 + (long)arc4random_uniform((uint32_t)(base / 5 + 1));
	if (retry_after > 0) {
		if (retry_after > RETRY_AFTER_CAP)
			retry_after = RETRY_AFTER_CAP;
		if (ms < retry_after * 1000)
			ms = retry_after * 1000;
	}
	schedule_in(f, ms);
}

static void
set_error(struct feed *f, const char *msg, long status)
{
	if (f->store.last_error == NULL || strcmp(f->store.last_error, msg) != 0)
		f->pinned = 1;
	free(f->store.last_error);
	f->store.last_error = entry_strdup_clean(msg);
	f->store.http_status = status;
}

static void
fail(struct feed *f, const char *msg, long status, long retry_after)
{
	f->failures++;
	f->fetches_failed++;
	set_error(f, msg ? msg : "unknown error", status);
	log_warnx("feed %s: %s", f->conf->name, f->store.last_error);
	schedule_next(f, retry_after);
}

static int
swap_str(char **dst, char *fresh)
{
	int changed = !streq(*dst, fresh);

	free(*dst);
	*dst = fresh;
	return changed;
}

static int
take_validators(struct feed *f)
{
	int changed = swap_str(&f->store.etag, f->job_etag);

	changed |= swap_str(&f->store.last_modified, f->job_last_modified);
	f->job_etag = f->job_last_modified = NULL;
	return changed;
}

static void
drop_job(struct feed *f)
{
	if (f->job)
		pool_cancel(f->env->pool, f->job);
	f->job = 0;
	if (f->held) {
		harvest_free(f->held);
		free(f->held);
		f->held = NULL;
	}
	free(f->job_etag);
	free(f->job_last_modified);
	f->job_etag = f->job_last_modified = NULL;
}

static int
take_feed_info(struct feed *f, struct harvest *h)
{
	int changed = swap_str(&f->store.feed_title, h->feed_title);

	changed |= swap_str(&f->store.feed_link, h->feed_link);
	changed |= swap_str(&f->store.feed_author, h->feed_author);
	changed |= swap_str(&f->store.feed_subtitle, h->feed_subtitle);
	h->feed_title = h->feed_link = h->feed_author = h->feed_subtitle = NULL;
	return changed;
}

/* The plugin's warning of this run, or none: logged when it is new, shown on /healthz. */
static void
take_warning(struct feed *f, char **warning)
{
	if (*warning && (f->warning == NULL || strcmp(f->warning, *warning) != 0))
		log_warnx("feed %s: %s", f->conf->name, *warning);
	free(f->warning);
	f->warning = *warning;
	*warning = NULL;
}

/*
 * A merge of this many entries or more (kept and fetched) runs on env->saver, beside the loop:
 * 14,566 kept and 14,566 fetched took the loop 10-28 ms in one pass (the id lookups, the sort,
 * freeing the fetched copies of unchanged entries).  Smaller ones take less than the job's
 * round trip through the thread.
 */
#define MERGE_INLINE_MAX 2000

/* A merge beside the loop: the feed's entries are lent to it (f->saving, as to a commit). */
struct merge {
	struct feed *f;    /* NULL once the feed is gone: the entries are then the merge's */
	struct store s;    /* v, n, seq and last_change: the feed's, merged into */
	struct harvest *h; /* the fetch's entries, taken from its harvest */
	int64_t now;
	size_t max_entries, changed;
	long status;
	int meta;
};

/* What a success does once the entries are merged (changed of them): the feed is saved and
 * published if anything changed, and fetched again on schedule. */
static void
success_tail(struct feed *f, int harvested, size_t changed, int meta, long status, int64_t now)
{
	if (f->store.last_error != NULL)
		f->pinned = 1;
	free(f->store.last_error);
	f->store.last_error = NULL;
	f->store.http_status = status;
	f->store.last_success = now;
	f->failures = 0;
	if (harvested)
		f->fetches_ok++;
	else
		f->fetches_not_modified++;
	if (changed)
		log_info("feed %s: %zu new or changed entries", f->conf->name, changed);
	if (changed || meta || f->pinned || f->resp[FORMAT_ATOM] == NULL)
		f->env->dirty(f->env->arg, f);
	schedule_next(f, 0);
}

/* On the saver thread: nothing but the merge's own (the entries are lent, frozen on the loop). */
static void
merge_work(void *arg)
{
	struct merge *m = arg;

	m->changed = store_merge(&m->s, m->h, m->now, m->max_entries);
	harvest_free(m->h); /* the fetched copies of unchanged entries, freed here too */
	free(m->h);
	m->h = NULL;
}

static void
merge_done(void *arg)
{
	struct merge *m = arg;
	struct feed *f = m->f;

	if (f == NULL) { /* freed meanwhile: the entries were left to the merge */
		store_clear(&m->s);
		free(m);
		return;
	}
	f->saving = 0;
	f->merge = NULL;
	free(f->store.v);
	f->store.v = m->s.v;
	f->store.n = m->s.n;
	f->store.seq = m->s.seq;
	f->store.last_change = m->s.last_change;
	success_tail(f, 1, m->changed, m->meta, m->status, m->now);
	free(m);
	feed_resume(f); /* what came meanwhile: a harvest, a new filter */
}

/* Lends the entries to a merge on env->saver; h's entries are taken. */
static void
merge_later(struct feed *f, struct harvest *h, long status, int64_t now, int meta)
{
	struct merge *m = xcalloc(1, sizeof(*m));

	m->f = f;
	m->s.n = f->store.n;
	m->s.v = f->store.n ? xreallocarray(NULL, f->store.n, sizeof(*f->store.v)) : NULL;
	if (f->store.n)
		memcpy(m->s.v, f->store.v, f->store.n * sizeof(*f->store.v));
	m->s.seq = f->store.seq;
	m->s.last_change = f->store.last_change;
	m->h = xmalloc(sizeof(*m->h));
	*m->h = *h;
	memset(h, 0, sizeof(*h));
	m->h->base = NULL; /* borrowed from the job, which goes */
	m->h->filter = NULL;
	m->now = now;
	m->max_entries = f->conf->max_entries;
	m->status = status;
	m->meta = meta;
	f->saving = 1;
	f->merge = m;
	offload_submit(f->env->saver, merge_work, merge_done, m);
}

/* A fetch or a conversion went well: the store takes what changed, and the feed is saved and
 * published if anything did.  h is NULL for a 304, which ran no plugin: the harvest would be
 * empty and say nothing about the feed, so feed info, validators, entries and the served
 * bytes all stay as they are.  A big merge goes beside the loop (MERGE_INLINE_MAX), the
 * rest of the success after it. */
static void
succeeded(struct feed *f, struct harvest *h, long status)
{
	int64_t now = time(NULL);
	size_t changed = 0;
	int meta = 0;

	if (h) {
		take_warning(f, &h->warning);
		meta = take_validators(f) | take_feed_info(f, h);
		if (f->env->saver && f->store.n + h->n >= MERGE_INLINE_MAX) {
			merge_later(f, h, status, now, meta);
			return;
		}
		changed = store_merge(&f->store, h, now, f->conf->max_entries);
	}
	success_tail(f, h != NULL, changed, meta, status, now);
}

/* The plugin's answer, from a worker. */
static void
converted(struct harvest *h, int rc, void *arg)
{
	struct feed *f = arg;

	f->job = 0;
	if (rc == -1) {
		fail(f, h->error, f->job_status, 0);
		drop_job(f);
		return;
	}
	if (f->saving) { /* its entries are lent to a thread: merged once they are back */
		f->held = xmalloc(sizeof(*f->held));
		*f->held = *h;
		memset(h, 0, sizeof(*h));
		f->held->base = NULL; /* borrowed from the job, which goes */
		f->held->filter = NULL;
		return;
	}
	succeeded(f, h, f->job_status);
	drop_job(f);
}

static void
fetched(struct fetch_result *r, void *arg)
{
	struct feed *f = arg;
	struct input in = {NULL, 0, f->conf->url, r->content_type, r->charset};

	f->xfer = 0;
	if (!r->ok) {
		fail(f, r->error, r->status, r->retry_after);
		return;
	}
	if (r->not_modified) {
		succeeded(f, NULL, r->status);
		return;
	}
	/* the validators are the store's once the plugin made something of the bytes */
	drop_job(f);
	f->job_status = r->status;
	f->job_etag = r->etag;
	f->job_last_modified = r->last_modified;
	r->etag = r->last_modified = NULL;
	f->job = pool_submit(f->env->pool, f->plugin, &f->conf->opts, &f->conf->filter, &r->body,
	    &in, f->conf->max_entries, converted, f);
}

/*
 * Drops the stored entries the feed's filter does not keep: they were stored under another
 * filter, or none.  Their removal is saved with the next commit (the served bytes change).
 */
static size_t
apply_filter(struct feed *f)
{
	size_t n = store_filter(&f->store, &f->conf->filter, time(NULL));

	if (n)
		log_info("feed %s: %zu stored entries dropped by its filter", f->conf->name, n);
	return n;
}

/*
 * Loads the feed's state.  A corrupt file is moved aside and the feed rebuilt; one that cannot
 * be read (EACCES, EIO, EMFILE…) may hold entries that were served, so it is kept, the feed is
 * neither fetched, saved nor served, and the load is retried on the fetch schedule.
 * Returns 0 if the feed can go on.
 */
static int
load_state(struct feed *f)
{
	char err[256], msg[300];
	int rc;

	store_clear(&f->store); /* a retry: it holds the last "cannot read" error */
	rc = store_load(&f->store, f->state_path, err, sizeof(err));

	f->state_unread = rc == -2;
	if (rc == -1)
		log_warnx("feed %s: state %s is corrupt (%s), moved aside to %s; rebuilding",
		    f->conf->name, f->state_path, err, store_quarantine(f->state_path));
	if (rc == -2) {
		snprintf(msg, sizeof(msg), "state %s: %s; kept, not served until it loads",
		    f->state_path, err);
		f->failures++;
		set_error(f, msg, 0);
		log_warnx("feed %s: %s", f->conf->name, msg);
		return -1;
	}
	f->owed_saved = f->store.websub_owed;
	if (rc == 0) {
		apply_filter(f); /* the filter may have changed while feedd was stopped */
		feed_publish(f);
	}
	return 0;
}

static void
feed_fetch(evutil_socket_t fd, short what, void *arg)
{
	struct feed *f = arg;
	struct fetch_opts o = {f->conf->url, f->store.etag, f->store.last_modified,
	    f->conf->timeout, FETCH_MAX_BODY_DEFAULT, f->conf->name, f->env->state_dir,
	    f->conf->dir, NULL};

	(void)fd;
	(void)what;
	if (f->xfer || f->job || f->held)
		return; /* still running (or its harvest waits for a commit): that schedules the next */
	if (f->state_unread) {
		if (load_state(f) == -1) {
			schedule_next(f, 0);
			return;
		}
		log_info("feed %s: state loaded", f->conf->name);
		f->failures = 0;
		o.etag = f->store.etag;
		o.last_modified = f->store.last_modified;
	}
	f->next_fetch = 0;
	f->xfer = fetch_start(f->env->fetcher, &o, fetched, f);
}

static void
open_source(struct feed *f, const struct plugin *pl)
{
	source_close(&f->src);
	f->plugin = pl;
	if (source_open(&f->src, pl, &f->conf->opts) == -1) {
		/* the config check opened it already; this only happens if the plugin changed */
		set_error(f, f->src.error, 0);
		log_warnx("feed %s: %s", f->conf->name, f->src.error);
	} else if (f->src.warning) {
		log_warnx("feed %s: %s", f->conf->name, f->src.warning);
	}
}

struct feed *
feed_new(const struct feed_env *env, const struct feed_conf *conf, const struct plugin *pl)
{
	struct feed *f = xcalloc(1, sizeof(*f));

	f->env = env;
	f->conf = conf;
	f->label = sourceurl_label(conf->url);
	xasprintf(&f->state_path, "%s/%s.state", env->state_dir, conf->name);
	load_state(f);
	open_source(f, pl);
	f->timer = evtimer_new(env->base, feed_fetch, f);
	schedule_in(f, (long)arc4random_uniform((uint32_t)feed_first_spread_ms(env->n_feeds,
	    conf->interval, conf->url) + 1));
	return f;
}

long
feed_first_spread_ms(size_t n_feeds, long interval, const char *url)
{
	int file = url != NULL && strncasecmp(url, "file:", 5) == 0;
	uint64_t spread = (uint64_t)n_feeds * (file ? FIRST_SPREAD_FILE_US : FIRST_SPREAD_NET_US)
	    / 1000;

	if (spread > FIRST_SPREAD_MS)
		spread = FIRST_SPREAD_MS;
	if (interval >= 0 && spread > (uint64_t)interval * 1000)
		spread = (uint64_t)interval * 1000;
	return (long)spread;
}

void
feed_set_conf(struct feed *f, const struct feed_conf *conf, const struct plugin *pl)
{
	int same = feed_conf_equal(f->conf, conf) && pl == f->plugin;
	int refilter = !filter_equal(&f->conf->filter, &conf->filter);

	f->conf = conf;
	f->src.opts = &conf->opts; /* the old config, and its options, are about to go */
	if (same) {
		if (f->job) /* an equal filter, but the old one is about to go too */
			pool_set_filter(f->env->pool, f->job, &conf->filter);
		return;
	}
	log_info("feed %s: configuration changed", conf->name);
	free(f->label);
	f->label = sourceurl_label(conf->url);
	open_source(f, pl);
	if (refilter) {
		/* the next fetch runs the plugin even if the source has not changed, so that what
		 * the old filter dropped and the new one keeps comes back */
		swap_str(&f->store.etag, NULL);
		swap_str(&f->store.last_modified, NULL);
		if (f->saving)
			f->refilter = 1; /* the entries are lent to a commit: feed_resume filters */
		else
			apply_filter(f);
	}
	if (f->xfer) {
		fetch_cancel(f->env->fetcher, f->xfer);
		f->xfer = 0;
	}
	drop_job(f);
	f->failures = 0;
	evtimer_del(f->timer);
	schedule_in(f, (long)arc4random_uniform(FIRST_SPREAD_MS));
	if (f->resp[FORMAT_ATOM]) /* the title, author or entries may have changed; saved first */
		f->env->dirty(f->env->arg, f);
}

void
feed_free(struct feed *f)
{
	size_t i;

	if (f == NULL)
		return;
	if (f->xfer)
		fetch_cancel(f->env->fetcher, f->xfer);
	drop_job(f);
	if (f->timer)
		event_free(f->timer);
	source_close(&f->src);
	if (f->snap) { /* a commit still writes them: its snapshot frees the entries */
		f->snap->f = NULL;
		f->snap->owns_entries = 1;
		f->store.n = 0;
	}
	if (f->merge) { /* a merge still works on them: they are its */
		f->merge->f = NULL;
		f->store.n = 0;
	}
	store_clear(&f->store);
	for (i = 0; i < FORMAT_N; i++)
		if (f->resp[i])
			response_unref(f->resp[i]);
	for (i = 0; i < FORMAT_N; i++)
		if (f->pending[i])
			response_unref(f->pending[i]);
	free(f->state_path);
	free(f->label);
	free(f->store_error);
	free(f->warning);
	free(f);
}

const char *
feed_title(const struct feed *f)
{
	return f->conf->title ? f->conf->title : f->store.feed_title ? f->store.feed_title : f->label;
}

static void
drop_pending(struct feed *f)
{
	size_t i;

	for (i = 0; i < FORMAT_N; i++)
		if (f->pending[i]) {
			response_unref(f->pending[i]);
			f->pending[i] = NULL;
		}
}

/* The newest date among the feed and its entries: the feed's <updated>. */
static int64_t
store_updated(const struct store *s)
{
	int64_t t = s->last_change;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i]->updated > t)
			t = s->v[i]->updated;
	if (t == 0)
		t = s->last_success ? s->last_success : (int64_t)time(NULL);
	return t;
}

/* What the feed's documents say of the feed itself; the strings are f's (base and page are
 * made here, for the caller to free). */
static void
feed_describe(const struct feed *f, struct atom_feed *af, char id[ENTRY_ID_LEN + 1], char **base,
    char **page)
{
	const struct store *s = &f->store;
	int web = url_clickable(f->conf->url);

	memset(af, 0, sizeof(*af));
	atom_feed_id(f->conf->name, id);
	xasprintf(base, "%s/feeds/%s", f->env->base_url, f->conf->name);
	xasprintf(page, "%s.html", *base);
	af->id = id;
	af->title = feed_title(f);
	af->author = f->conf->author ? f->conf->author : s->feed_author ? s->feed_author : f->label;
	af->subtitle = s->feed_subtitle;
	af->alt_url = s->feed_link ? s->feed_link : web ? f->conf->url : NULL;
	af->entry_base = web ? f->conf->url : NULL; /* a file:// link leads nowhere, leaks a path */
	af->feed_base = *base;
	af->entry_page = *page; /* an entry without a link of its own links to its place there */
	af->hub_url = f->env->websub_hub;
}

/* Builds one format's response; NULL (logged) if its writer failed.  Touches nothing but its
 * arguments: a commit runs it on a thread. */
static struct response *
build(const char *name, long max_age, size_t k, struct atom_feed *af, struct entry *const *v,
    size_t n)
{
	const struct format *fmt = &formats[k];
	struct buf out = BUF_INIT;
	struct response *r;
	char *self;

	xasprintf(&self, "%s%s", af->feed_base, fmt->ext);
	af->self_url = self;
	if (fmt->write(format_to_buf, &out, af, v, n) == -1) {
		log_warnx("feed %s: cannot write %s", name, fmt->label);
		buf_free(&out);
		free(self);
		return NULL;
	}
	free(self);
	af->self_url = NULL;
	r = response_new(&out, af->updated, max_age);
	r->content_type = fmt->ctype;
	return r;
}

/*
 * Builds the formats in mask (bit k for formats[k]) of entries v[0..n) into out[], all or none
 * (they carry the same entries); af->updated is the feed's <updated>.  Returns 0, or -1.
 */
static int
render(const char *name, long max_age, unsigned mask, struct atom_feed *af,
    struct entry *const *v, size_t n, struct response **out)
{
	size_t i;
	int ok = 1;

	for (i = 0; i < FORMAT_N && ok; i++)
		if (mask & (1u << i))
			ok = (out[i] = build(name, max_age, i, af, v, n)) != NULL;
	if (!ok)
		for (i = 0; i < FORMAT_N; i++)
			if (out[i]) {
				response_unref(out[i]);
				out[i] = NULL;
			}
	return ok ? 0 : -1;
}

/* render() for f as it is now, on the loop. */
static int
render_now(struct feed *f, unsigned mask, int64_t updated, struct response **out)
{
	struct atom_feed af;
	char id[ENTRY_ID_LEN + 1], *base, *page;
	int rc;

	feed_describe(f, &af, id, &base, &page);
	af.updated = updated;
	rc = render(f->conf->name, f->conf->interval, mask, &af, f->store.v, f->store.n, out);
	free(base);
	free(page);
	return rc;
}

/*
 * The time the bytes of atom (just written from s) last changed: Last-Modified is that time,
 * kept in the state with the bytes' hash, so it moves exactly when a body does (an entry, the
 * channel's title, a config title) and a restart that serves the same bytes keeps it.  The
 * hash is the Atom document's: every format is written from the same fields, and Atom carries
 * them all.  It only moves forward, a second at least, so If-Modified-Since never matches a
 * changed body.  Returns 1 if it moved (s updated), else 0.
 */
static int
body_moved(struct store *s, const struct response *atom, int64_t updated, int64_t now)
{
	uint64_t h = atom->hash;

	if (s->body_time != 0 && h == s->body_hash)
		return 0;
	if (s->body_time == 0) /* a state from before this was kept: the date served then */
		s->body_time = updated < now ? updated : now;
	else
		s->body_time = now > s->body_time ? now : s->body_time + 1;
	s->body_hash = h;
	return 1;
}

/*
 * Writes the formats asked for so far into f->pending (Atom always; see feed_response) and
 * notes when their bytes last changed (body_moved).  Returns 1 if that time moved, 0 if not,
 * -1 if the feed cannot be written; *known says whether the state knew the bytes before (a
 * state from before the hash was kept does not).
 */
static int
feed_render(struct feed *f, int *known)
{
	struct store *s = &f->store;
	size_t i;
	int moved;

	*known = s->body_time != 0;
	drop_pending(f);
	f->pending_updated = store_updated(s);
	if (render_now(f, f->formats_wanted | 1u << FORMAT_ATOM, f->pending_updated,
	        f->pending) == -1)
		return -1;
	moved = body_moved(s, f->pending[FORMAT_ATOM], f->pending_updated, time(NULL));
	for (i = 0; i < FORMAT_N; i++)
		if (f->pending[i])
			response_set_mtime(f->pending[i], s->body_time);
	return moved;
}

/* The hub is to be told once the state is saved, and the state says so, for a restart to tell
 * it if this run cannot. */
static void
owe_ping(struct feed *f)
{
	f->ping_due = 1;
	f->store.websub_owed = f->env->websub_hub != NULL;
}

void
feed_publish(struct feed *f)
{
	size_t i;
	int known;

	/* outside a commit (a start, a reload): a new time is saved, then published again; the
	 * bytes changed if the state knew others (a config title changed while feedd was down) */
	if (f->pending[FORMAT_ATOM] == NULL && feed_render(f, &known) == 1) {
		if (known)
			owe_ping(f);
		f->env->dirty(f->env->arg, f);
	}
	if (f->pending[FORMAT_ATOM] == NULL)
		return;
	for (i = 0; i < FORMAT_N; i++) {
		if (f->resp[i])
			response_unref(f->resp[i]);
		f->resp[i] = f->pending[i]; /* NULL for a format not asked for yet */
		f->pending[i] = NULL;
	}
	f->resp_updated = f->pending_updated;
	f->served = f->store.n;
	if (f->env->published)
		f->env->published(f->env->arg, f);
}

/* On the saver thread: one format of the bytes served now (feed_response_later). */
static void
later_work(void *arg)
{
	struct feed_snap *sn = arg;
	struct atom_feed af = {sn->id, sn->title, sn->subtitle, sn->author, NULL, sn->alt_url,
	    sn->entry_base, sn->updated, sn->base, sn->page, sn->hub};
	size_t i;

	if (render(sn->name, sn->max_age, sn->mask, &af, sn->s.v, sn->s.n, sn->out) == -1)
		return;
	for (i = 0; i < FORMAT_N; i++)
		if (sn->out[i])
			response_set_mtime(sn->out[i], sn->s.body_time);
}

/* Back on the loop: the format is served from now on (nothing was published meanwhile: no
 * commit takes a feed that is saving). */
static void
later_done(void *arg)
{
	struct feed_snap *sn = arg;
	struct feed *f = sn->f;
	size_t i;

	if (f != NULL) {
		f->saving = 0;
		f->snap = NULL;
		for (i = 0; i < FORMAT_N; i++)
			if (sn->out[i] && f->resp[i] == NULL && f->resp[FORMAT_ATOM]) {
				f->resp[i] = sn->out[i];
				sn->out[i] = NULL;
			}
	}
	snap_free(sn);
	if (f != NULL)
		feed_resume(f);
}

/* A format of a big feed is written on the saver thread, as a commit's are: the request that
 * asked for it answers "retry" meanwhile. */
static void
feed_response_later(struct feed *f, int format)
{
	struct feed_snap *sn = feed_snap_take(f);

	sn->mask = 1u << format;
	sn->updated = f->resp_updated;
	f->pinned = sn->pinned_before; /* nothing is saved by this one */
	offload_submit(f->env->saver, later_work, later_done, sn);
}

static struct response *
response_of(struct feed *f, int format, int now)
{
	struct response *one[FORMAT_N] = {0};

	if (f->resp[format] || f->resp[FORMAT_ATOM] == NULL)
		return f->resp[format];
	f->formats_wanted |= 1u << format;
	/* the store holds what is served unless a change awaits its save: the commit builds
	 * this format then, and until it does there is nothing of it that may be served */
	if (f->dirty || f->saving || f->pending[FORMAT_ATOM])
		return NULL;
	if (!now && f->env->saver && f->resp[FORMAT_ATOM]->len >= FEED_RENDER_INLINE_MAX) {
		feed_response_later(f, format);
		return NULL;
	}
	if (render_now(f, 1u << format, f->resp_updated, one) == -1)
		return NULL;
	response_set_mtime(one[format], f->store.body_time);
	f->resp[format] = one[format];
	return f->resp[format];
}

struct response *
feed_response(struct feed *f, int format)
{
	return response_of(f, format, 0);
}

struct response *
feed_response_now(struct feed *f, int format)
{
	return response_of(f, format, 1);
}

/* ---- a commit's copy of the feed, written and saved on a thread ---- */

static char *
dup_or_null(const char *p)
{
	return p ? xstrdup(p) : NULL;
}

struct feed_snap *
feed_snap_take(struct feed *f)
{
	struct feed_snap *sn = xcalloc(1, sizeof(*sn));
	const struct store *s = &f->store;
	struct atom_feed af;
	char *base, *page;

	feed_describe(f, &af, sn->id, &base, &page);
	sn->f = f;
	sn->name = xstrdup(f->conf->name);
	sn->title = xstrdup(af.title);
	sn->author = dup_or_null(af.author);
	sn->subtitle = dup_or_null(af.subtitle);
	sn->alt_url = dup_or_null(af.alt_url);
	sn->entry_base = dup_or_null(af.entry_base);
	sn->base = base;
	sn->page = page;
	sn->hub = dup_or_null(af.hub_url);
	sn->max_age = f->conf->interval;
	sn->mask = f->formats_wanted | 1u << FORMAT_ATOM;
	sn->updated = store_updated(s);
	sn->s = *s;
	sn->s.v = s->n ? xreallocarray(NULL, s->n, sizeof(*s->v)) : NULL;
	if (s->n)
		memcpy(sn->s.v, s->v, s->n * sizeof(*s->v));
	sn->s.etag = dup_or_null(s->etag);
	sn->s.last_modified = dup_or_null(s->last_modified);
	sn->s.feed_title = dup_or_null(s->feed_title);
	sn->s.feed_link = dup_or_null(s->feed_link);
	sn->s.feed_author = dup_or_null(s->feed_author);
	sn->s.feed_subtitle = dup_or_null(s->feed_subtitle);
	sn->s.last_error = dup_or_null(s->last_error);
	f->saving = 1;
	f->snap = sn;
	sn->pinned_before = f->pinned;
	f->pinned = 0; /* what it pinned is in this state */
	return sn;
}

void
feed_snap_render(struct feed_snap *sn)
{
	struct atom_feed af = {sn->id, sn->title, sn->subtitle, sn->author, NULL, sn->alt_url,
	    sn->entry_base, sn->updated, sn->base, sn->page, sn->hub};
	size_t i;

	if (render(sn->name, sn->max_age, sn->mask, &af, sn->s.v, sn->s.n, sn->out) == -1)
		return;
	sn->rendered = 1;
	sn->moved = body_moved(&sn->s, sn->out[FORMAT_ATOM], sn->updated, time(NULL));
	if (sn->moved) /* the state says the hub is owed, for a restart to tell it */
		sn->s.websub_owed = sn->hub != NULL;
	for (i = 0; i < FORMAT_N; i++)
		if (sn->out[i])
			response_set_mtime(sn->out[i], sn->s.body_time);
}

void
feed_snap_all_formats(struct feed_snap *sn)
{
	sn->mask = (1u << FORMAT_N) - 1;
}

const char *
feed_snap_name(const struct feed_snap *sn)
{
	return sn->name;
}

const struct store *
feed_snap_store(const struct feed_snap *sn)
{
	return &sn->s;
}

static void
snap_free(struct feed_snap *sn)
{
	size_t i;

	for (i = 0; i < FORMAT_N; i++)
		if (sn->out[i])
			response_unref(sn->out[i]);
	if (!sn->owns_entries)
		sn->s.n = 0; /* lent: store_clear frees only the array and the strings */
	store_clear(&sn->s);
	free(sn->name);
	free(sn->title);
	free(sn->author);
	free(sn->subtitle);
	free(sn->alt_url);
	free(sn->entry_base);
	free(sn->base);
	free(sn->page);
	free(sn->hub);
	free(sn);
}

struct feed *
feed_snap_give(struct feed_snap *sn, int saved)
{
	struct feed *f = sn->f;
	size_t i;

	if (f == NULL) {
		snap_free(sn);
		return NULL;
	}
	f->saving = 0;
	f->snap = NULL;
	if (sn->rendered) {
		drop_pending(f);
		for (i = 0; i < FORMAT_N; i++) {
			f->pending[i] = sn->out[i];
			sn->out[i] = NULL;
		}
		f->pending_updated = sn->updated;
		f->store.body_hash = sn->s.body_hash;
		f->store.body_time = sn->s.body_time;
		if (sn->moved) {
			f->ping_due = 1;
			f->store.websub_owed = sn->s.websub_owed;
		}
	}
	if (saved)
		f->owed_saved = sn->s.websub_owed;
	snap_free(sn);
	return f;
}

void
feed_resume(struct feed *f)
{
	struct harvest *h = f->held;

	if (f->refilter) {
		f->refilter = 0;
		apply_filter(f);
		if (f->resp[FORMAT_ATOM])
			f->env->dirty(f->env->arg, f);
	}
	if (h == NULL)
		return;
	f->held = NULL;
	succeeded(f, h, f->job_status);
	harvest_free(h);
	free(h);
	drop_job(f);
}

void
feed_status_counts(struct feed **v, size_t n, size_t *ok, size_t *failing, size_t *unsaved,
    size_t *entries)
{
	size_t i;

	*ok = *failing = *unsaved = *entries = 0;
	for (i = 0; i < n; i++) {
		if (v[i]->store.last_error)
			(*failing)++;
		else if (v[i]->store.last_success)
			(*ok)++;
		*unsaved += v[i]->store_error != NULL;
		*entries += v[i]->served;
	}
}
