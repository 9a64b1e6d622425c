/* Runs the daemon: one event_base for signals, timers, transfers and HTTP. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <libxml/parser.h>

#include "feed.h"
#include "fetch.h"
#include "folder.h"
#include "http.h"
#include "log.h"
#include "notify.h"
#include "offload.h"
#include "plugins.h"
#include "pool.h"
#include "response.h"
#include "server.h"
#include "store.h"
#include "str.h"
#include "wproc.h"
#include "websub.h"
#include "xmalloc.h"

#define SAVE_BACKOFF_CAP 300 /* seconds between retries of a failing save, at most */
/* How long a change may wait for others to share its flush (fdatasync per file, or one syncfs
 * for a batch of more than eight): fetches finish a few at a time, and a flush per few feeds
 * made 10,000 feeds wait on the disk. */
#define COMMIT_DELAY_MS 50
/* At SIGTERM the saves under way and pending get this long, in all; a save still blocked then
 * (a state_dir on a hung disk, a FIFO where its temporary file goes) is abandoned and feedd
 * exits 0 all the same: a save goes through NAME.state.tmp and a rename, so the state file
 * of that feed is the one its last finished save wrote.  Under systemd's TimeoutStopSec
 * (90 s by default), so that the exit is feedd's, logged, not a SIGKILL. */
#define EXIT_SAVE_WAIT_MS 10000

struct feedd {
	struct event_base *base;
	struct config cfg;
	struct pool *pool;                 /* the workers, which run every plugin */
	const struct plugin_set *plugins;  /* as the first worker described them */
	struct fetcher *fetcher;
	struct websub *websub;
	struct http *http;
	struct feed **feeds; /* config order */
	size_t n_feeds;
	struct feed **index; /* open addressing by name */
	size_t index_cap;
	struct feed *dirty;
	struct feed *retry;   /* dirty too, but their last save failed: they wait for retry_ev */
	struct offload *saver; /* the thread that writes and saves a commit's feeds */
	int committing;       /* a commit is on that thread */
	struct batch *inflight; /* that commit's, for the exit's message */
	int abandoned;        /* the exit gave up on the saver thread: it is left running */
	int lock_fd;          /* holds state_dir's lock (folder_lock), or -1 */
	int save_backoff;     /* seconds until the next retry; 0 while saves succeed */
	struct event *commit_ev, *retry_ev, *sig_hup, *sig_term, *sig_int, *watchdog;
	char *base_url;
	struct feed_env env;      /* lent to every feed */
	struct http_feeds hfeeds; /* lent to the HTTP endpoint */
};

static void feedd_mark_dirty(struct feedd *, struct feed *);
static void feedd_exported(struct feedd *, struct feed *);

static void
index_rebuild(struct feedd *d)
{
	size_t i, j;

	free(d->index);
	d->index_cap = 16;
	while (d->index_cap < d->n_feeds * 2)
		d->index_cap *= 2;
	d->index = xcalloc(d->index_cap, sizeof(*d->index));
	for (i = 0; i < d->n_feeds; i++) {
		const char *name = d->feeds[i]->conf->name;

		j = hash_bytes(name, strlen(name)) & (d->index_cap - 1);
		while (d->index[j])
			j = (j + 1) & (d->index_cap - 1);
		d->index[j] = d->feeds[i];
	}
}

static struct feed *
feedd_find(const struct feedd *d, const char *name, size_t len)
{
	size_t j;

	if (d->index_cap == 0)
		return NULL;
	for (j = hash_bytes(name, len) & (d->index_cap - 1); d->index[j];
	     j = (j + 1) & (d->index_cap - 1)) {
		const char *n = d->index[j]->conf->name;

		if (strncmp(n, name, len) == 0 && n[len] == '\0')
			return d->index[j];
	}
	return NULL;
}

/* Queues f for the next commit: its state is saved, then its response rebuilt. */
static void
feedd_mark_dirty(struct feedd *d, struct feed *f)
{
	if (f->dirty || f->state_unread) /* never save over a state file not read yet */
		return;
	f->dirty = 1;
	f->dirty_next = d->dirty;
	d->dirty = f;
	if (!evtimer_pending(d->commit_ev, NULL)) {
		/* group commit: what changes within COMMIT_DELAY_MS shares one flush of the disk */
		struct timeval tv = {0, COMMIT_DELAY_MS * 1000};

		evtimer_add(d->commit_ev, &tv);
	}
}

static void
notify_status(struct feedd *d)
{
	size_t ok, failing, unsaved, entries;
	char msg[160];
	int n;

	feed_status_counts(d->feeds, d->n_feeds, &ok, &failing, &unsaved, &entries);
	n = snprintf(msg, sizeof(msg), "STATUS=%zu feeds, %zu ok, %zu failing, %zu entries",
	    d->n_feeds, ok, failing, entries);
	if (unsaved)
		snprintf(msg + n, sizeof(msg) - (size_t)n, ", %zu cannot save", unsaved);
	notify_send(msg);
}

/* A failed save keeps the feed dirty, on the retry list; its streak is logged once. */
static void
save_failed(struct feedd *d, struct feed *f, const char *why)
{
	f->save_failures++;
	if (f->store_error == NULL)
		log_warnx("feed %s: cannot save its state (%s); retrying, and its new entries are "
		    "served once a save succeeds", f->conf->name, why);
	free(f->store_error);
	f->store_error = xstrdup(why);
	if (f->dirty)
		return; /* changed again while saving: on the list of the next commit already */
	f->dirty = 1;
	f->dirty_next = d->retry;
	d->retry = f;
}

/* Tells the hub that f's feed formats changed, at the URLs base_url gives them. */
static void
ping_hub(struct feedd *d, struct feed *f)
{
	char *topics[FORMAT_N];
	size_t i, n = 0;

	if (d->cfg.websub_hub == NULL) {
		f->store.websub_owed = 0; /* no hub, nothing owed */
		return;
	}
	for (i = 0; i < FORMAT_N; i++)
		if (formats[i].is_feed)
			xasprintf(&topics[n++], "%s/feeds/%s%s", d->base_url, f->conf->name,
			    formats[i].ext);
	websub_publish(d->websub, f->conf->name, (const char *const *)topics, n);
	for (i = 0; i < n; i++)
		free(topics[i]);
}

/* The state is on disk: what it holds is served, and the hub told if the bytes changed. */
static void
saved(struct feedd *d, struct feed *f)
{
	if (f->store_error) {
		log_info("feed %s: state saved again", f->conf->name);
		free(f->store_error);
		f->store_error = NULL;
	}
	feed_publish(f);
	if (f->ping_due) {
		f->ping_due = 0;
		ping_hub(d, f);
	}
}

/* Failed saves are tried again after 1 s, doubling up to SAVE_BACKOFF_CAP while they fail. */
static void
schedule_retry(struct feedd *d)
{
	struct timeval tv = {0, 0};

	if (d->retry == NULL) {
		d->save_backoff = 0;
		return;
	}
	if (evtimer_pending(d->retry_ev, NULL))
		return;
	d->save_backoff = d->save_backoff ? d->save_backoff * 2 : 1;
	if (d->save_backoff > SAVE_BACKOFF_CAP)
		d->save_backoff = SAVE_BACKOFF_CAP;
	tv.tv_sec = d->save_backoff;
	evtimer_add(d->retry_ev, &tv);
}

/* Moves the retry list onto the dirty list, for a commit to try them all again. */
static void
take_retries(struct feedd *d)
{
	struct feed *f;

	while ((f = d->retry) != NULL) {
		d->retry = f->dirty_next;
		f->dirty_next = d->dirty;
		d->dirty = f;
	}
}

static void
unlink_feed(struct feed **list, struct feed *f)
{
	struct feed **pp;

	for (pp = list; *pp; pp = &(*pp)->dirty_next)
		if (*pp == f) {
			*pp = f->dirty_next;
			return;
		}
}

/* A commit's batch, on the saver thread: the feeds' snapshots and their state files. */
struct batch {
	struct feedd *d;
	struct feed_snap **snaps;
	struct store_job *jobs;
	size_t n;
	char *dir;
};


/* On the saver thread: every format asked for, then the states, in one batch (few fsyncs). */
static void
batch_work(void *arg)
{
	struct batch *b = arg;
	size_t i;

	for (i = 0; i < b->n; i++) {
		feed_snap_render(b->snaps[i]);
		b->jobs[i].s = feed_snap_store(b->snaps[i]);
	}
	store_save_batch(b->jobs, b->n, b->dir);
}

/* Back on the loop: what was saved is served, what failed waits for a retry. */
static void
batch_done(void *arg)
{
	struct batch *b = arg;
	struct feedd *d = b->d;
	struct feed *f;
	size_t i;

	d->committing = 0;
	d->inflight = NULL;
	for (i = 0; i < b->n; i++) {
		free((char *)b->jobs[i].path);
		if ((f = feed_snap_give(b->snaps[i], b->jobs[i].ok)) == NULL)
			continue; /* removed by a reload meanwhile */
		if (b->jobs[i].ok)
			saved(d, f);
		else
			save_failed(d, f, b->jobs[i].why); /* served as before until then */
		feed_resume(f); /* what came meanwhile: a change for the next commit */
	}
	schedule_retry(d);
	notify_status(d);
	free(b->snaps);
	free(b->jobs);
	free(b->dir);
	free(b);
	if (d->dirty && !evtimer_pending(d->commit_ev, NULL)) {
		struct timeval now = {0, 0}; /* they waited for this one: no more delay */

		evtimer_add(d->commit_ev, &now);
	}
}

/*
 * Saves every dirty feed in one batch (few fsyncs) on the saver thread, then publishes those
 * saved: a response is never served before the state that holds its entries is on disk.  One
 * commit at a time: feeds that change meanwhile wait for the next.
 */
static void
commit(evutil_socket_t fd, short what, void *arg)
{
	struct feedd *d = arg;
	struct batch *b;
	struct feed *f, **pp, *wait = NULL;
	size_t n = 0, i = 0;

	(void)fd;
	(void)what;
	if (d->committing)
		return; /* batch_done commits again */
	for (f = d->dirty; f; f = f->dirty_next)
		n += !f->saving;
	if (n == 0)
		goto requeue;
	b = xcalloc(1, sizeof(*b));
	b->d = d;
	b->n = n;
	b->snaps = xcalloc(n, sizeof(*b->snaps));
	b->jobs = xcalloc(n, sizeof(*b->jobs));
	b->dir = xstrdup(d->cfg.state_dir);
	for (pp = &d->dirty; (f = *pp) != NULL;) {
		*pp = f->dirty_next;
		if (f->saving) { /* a format or a merge has its entries: the next commit takes it */
			f->dirty_next = wait;
			wait = f;
			continue;
		}
		f->dirty = 0;
		b->snaps[i] = feed_snap_take(f);
		if (d->cfg.export_dir) /* each is exported: written here, not on the loop */
			feed_snap_all_formats(b->snaps[i]);
		b->jobs[i++].path = xstrdup(f->state_path); /* the feed may go before the thread */
	}
	d->dirty = wait;
	d->committing = 1;
	d->inflight = b;
	offload_submit(d->saver, batch_work, batch_done, b);
	return;
requeue:
	if (d->dirty && !evtimer_pending(d->commit_ev, NULL)) {
		struct timeval tv = {0, COMMIT_DELAY_MS * 1000};

		evtimer_add(d->commit_ev, &tv);
	}
}

static void
retry_saves(evutil_socket_t fd, short what, void *arg)
{
	struct feedd *d = arg;

	take_retries(d);
	commit(fd, what, d);
}

static int
write_file_atomic(const char *dir, const char *name, const char *ext, const char *p, size_t n)
{
	char tmp[4096], path[4096];
	FILE *fp;
	int ok;

	snprintf(path, sizeof(path), "%s/%s%s", dir, name, ext);
	snprintf(tmp, sizeof(tmp), "%s/.%s%s.tmp", dir, name, ext);
	if ((fp = fopen(tmp, "we")) == NULL)
		return -1;
	/* for another program to read, whatever the umask (the unit's is 0077) */
	ok = fchmod(fileno(fp), 0644) == 0;
	ok = fwrite(p, 1, n, fp) == n && ok;
	ok = (fclose(fp) == 0) && ok;
	if (!ok || rename(tmp, path) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* One format of a feed into export_dir, NAME.EXT and NAME.EXT.gz; b and z are scratch. */
static void
export_response(const char *dir, const char *name, int format, const struct response *r,
    struct buf *b, struct buf *z)
{
	const char *ext = formats[format].ext;
	char gzext[16];

	buf_reset(b);
	buf_reset(z);
	snprintf(gzext, sizeof(gzext), "%s.gz", ext);
	if (response_bytes(r, 0, b) == -1 || write_file_atomic(dir, name, ext, b->data, b->len) == -1 ||
	    (r->gzlen && (response_bytes(r, 1, z) == -1 ||
	                  write_file_atomic(dir, name, gzext, z->data, z->len) == -1)))
		log_warn("feed %s: export to %s", name, dir);
}

/* A feed's formats to write into export_dir, on the saver thread; each response is held by a
 * reference the loop took and gives back (response_unref is the loop's). */
struct export {
	char *dir, *name;
	struct response *r[FORMAT_N];
};

static void
export_work(void *arg)
{
	struct export *x = arg;
	struct buf b = BUF_INIT, z = BUF_INIT;
	int i;

	for (i = 0; i < FORMAT_N; i++)
		if (x->r[i])
			export_response(x->dir, x->name, i, x->r[i], &b, &z);
	buf_free(&b);
	buf_free(&z);
}

static void
export_done(void *arg)
{
	struct export *x = arg;
	int i;

	for (i = 0; i < FORMAT_N; i++)
		if (x->r[i])
			response_unref(x->r[i]);
	free(x->dir);
	free(x->name);
	free(x);
}

/* export_dir: each feed also in every format, NAME.EXT and NAME.EXT.gz, replaced atomically,
 * for a static server or a sync job, once published (after its state is saved).  No fsync:
 * the copy can always be made again from the state.  The files are written on the saver
 * thread, after what it was given before; a commit writes every format there too
 * (feed_snap_all_formats), so only a publish outside a commit (the start, a reload that
 * changes export_dir) builds the missing ones here, on the loop. */
static void
feedd_exported(struct feedd *d, struct feed *f)
{
	struct export *x;
	size_t i;

	if (d->cfg.export_dir == NULL)
		return;
	x = xcalloc(1, sizeof(*x));
	x->dir = xstrdup(d->cfg.export_dir);
	x->name = xstrdup(f->conf->name);
	for (i = 0; i < FORMAT_N; i++)
		if ((x->r[i] = feed_response_now(f, (int)i)) != NULL) /* each, built now if need be */
			response_ref(x->r[i]);
	offload_submit(d->saver, export_work, export_done, x);
}

/* state_dir private to feedd; export_dir readable by the web server that serves it. */
static int
prepare_folders(const struct config *c)
{
	char err[PATH_MAX + 256];

	if (folder_make("state_dir", c->state_dir, 0700, err, sizeof(err)) == -1 ||
	    (c->export_dir && folder_make("export_dir", c->export_dir, 0755, err, sizeof(err)) == -1)) {
		log_warnx("%s", err);
		return -1;
	}
	return 0;
}

/* ---- what feeds and the HTTP endpoint are lent ---- */

static void
env_dirty(void *arg, struct feed *f)
{
	feedd_mark_dirty(arg, f);
}

static void
env_published(void *arg, struct feed *f)
{
	feedd_exported(arg, f);
}

static struct feed *
http_find(void *arg, const char *name, size_t len)
{
	return feedd_find(arg, name, len);
}

static const struct feed *const *
http_all(void *arg, size_t *n)
{
	const struct feedd *d = arg;

	*n = d->n_feeds;
	return (const struct feed *const *)d->feeds;
}

static const char *
http_base_url(void *arg)
{
	const struct feedd *d = arg;

	return d->cfg.base_url;
}

/* The hub took f's ping: the state need not say it is owed (written at exit, or with the next
 * change), unless a newer change waits for its save and its own ping. */
static void
websub_delivered(void *arg, const char *name)
{
	struct feed *f = feedd_find(arg, name, strlen(name));

	if (f && !f->ping_due)
		f->store.websub_owed = 0;
}

static void
http_metrics(void *arg, struct buf *b)
{
	const struct feedd *d = arg;

	pool_metrics(d->pool, b);
	websub_metrics(d->websub, b);
}

static void
pool_limits_of(const struct config *cfg, struct pool_limits *lim)
{
	lim->workers = cfg->workers;
	lim->timeout = cfg->plugin_timeout;
	lim->memory = cfg->plugin_memory;
}

static int
pool_opener(void *arg, const struct plugin *pl, const struct optlist *opts, char **why)
{
	return pool_check_open(arg, pl, opts, why);
}

/* Starts the workers; the first one's description of its plugins is the daemon's list (no
 * plugin code is loaded in this process).  Returns 0 or -1 (logged). */
static int
start_pool(struct feedd *d, const struct config *cfg)
{
	struct pool_limits lim;
	char err[512];

	pool_limits_of(cfg, &lim);
	if ((d->pool = pool_new(d->base, plugins_default_dir(cfg->plugin_dir), &lim, err,
	         sizeof(err))) == NULL) {
		log_warnx("%s", err);
		return -1;
	}
	d->plugins = pool_plugins(d->pool);
	return 0;
}

/* Loads and checks a config with the daemon's plugins.  Returns 0 or -1 (logged). */
static int
load_config(struct feedd *d, const char *path, struct config *cfg, int first)
{
	char err[2048];
	size_t i;
	int rc;

	if (config_load(path, cfg, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		return -1;
	}
	for (i = 0; i < cfg->n_feeds; i++)
		if (cfg->feeds[i].warning)
			log_warnx("%s", cfg->feeds[i].warning);
	if (first && start_pool(d, cfg) == -1) {
		config_free(cfg);
		return -1;
	}
	rc = config_check_plugins(cfg, d->plugins, pool_opener, d->pool, err, sizeof(err));
	pool_check_done(d->pool);
	if (rc == -1) {
		log_warnx("%s", err);
		config_free(cfg);
		return -1;
	}
	return 0;
}

/* Makes the running feeds match cfg, which replaces d->cfg. */
static void
apply_config(struct feedd *d, struct config *cfg)
{
	struct feed **nv = xcalloc(cfg->n_feeds ? cfg->n_feeds : 1, sizeof(*nv));
	struct config old = d->cfg;
	size_t i;

	for (i = 0; i < cfg->n_feeds; i++) {
		const struct feed_conf *fc = &cfg->feeds[i];
		const struct plugin *pl = plugins_find(d->plugins, fc->plugin);
		struct feed *f = feedd_find(d, fc->name, strlen(fc->name));

		if (f != NULL) {
			feed_set_conf(f, fc, pl);
			f->conf = fc;
			nv[i] = f;
			f->kept = 1;
		} else {
			nv[i] = NULL; /* created below, once d->cfg is the new one */
		}
	}
	for (i = 0; i < d->n_feeds; i++) {
		struct feed *f = d->feeds[i];

		if (f->kept) {
			f->kept = 0;
			continue;
		}
		log_info("feed %s: removed", f->conf->name);
		if (f->dirty) { /* drop it from the commit or retry list */
			unlink_feed(&d->dirty, f);
			unlink_feed(&d->retry, f);
		}
		feed_free(f);
	}
	free(d->feeds);
	d->cfg = *cfg;
	d->feeds = nv;
	d->n_feeds = cfg->n_feeds;
	d->env.state_dir = d->cfg.state_dir; /* the running one: a reload keeps its value */
	d->env.websub_hub = d->cfg.websub_hub;
	d->env.n_feeds = d->n_feeds;
	for (i = 0; i < d->n_feeds; i++) {
		if (nv[i] == NULL) {
			const struct feed_conf *fc = &d->cfg.feeds[i];

			nv[i] = feed_new(&d->env, fc, plugins_find(d->plugins, fc->plugin));
			log_info("feed %s: added (%s, every %lds)", fc->name, fc->url, fc->interval);
			/* the last run saved a change the hub never took (a changed one pings
			 * after its save) */
			if (nv[i]->store.websub_owed && !nv[i]->ping_due)
				ping_hub(d, nv[i]);
		}
	}
	index_rebuild(d);
	if (old.path)
		config_free(&old);
}

/* max_connections, less what the descriptor limit cannot give: the rest is kept for transfers,
 * state saves, the response files, the workers' channels and input memfds (a slot's own, its
 * copy while the spooler writes it, the spooler's eventfd), logs, and ACCEPT_BURST for the
 * clients accepted past the cap in one pass before the oldest idle ones give way (the 256
 * response memfds of before left that slack; tests/conncap.py runs out of descriptors with
 * 400 open files without it). */
#define ACCEPT_BURST (256 - RESPONSE_FILES_MAX)
static long
connection_cap(const struct config *c)
{
	struct rlimit rl;
	long n = c->max_connections, reserve = 2 * c->max_parallel + RESPONSE_FILES_MAX +
	    ACCEPT_BURST + 64 + 3 * c->workers + 2 + 2 * FETCH_FILE_HANDLES;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (long)rl.rlim_cur - reserve < n) {
		n = (long)rl.rlim_cur - reserve;
		if (n < 16)
			n = 16;
		if (c->max_connections != CONFIG_MAX_CONNECTIONS_DEFAULT) /* else quietly */
			log_warnx("max_connections %ld is more than %llu open files allow: using %ld",
			    c->max_connections, (unsigned long long)rl.rlim_cur, n);
	}
	return n;
}

/* A [server] key SIGHUP cannot apply: one line says so, and the running value stays. */
static void
keep_running(const char *key, char **fresh, const char *running)
{
	if (streq(*fresh, running))
		return;
	log_warnx("reload: %s %s takes a restart; %s stays until then", key,
	    *fresh ? *fresh : "(default)", running ? running : "(default)");
	free(*fresh);
	*fresh = running ? xstrdup(running) : NULL;
}

static void
keep_listen(struct config *cfg, const struct config *run)
{
	if (strcmp(cfg->listen_host, run->listen_host) == 0 &&
	    strcmp(cfg->listen_port, run->listen_port) == 0)
		return;
	log_warnx("reload: listen %s:%s takes a restart; %s:%s stays until then", cfg->listen_host,
	    cfg->listen_port, run->listen_host, run->listen_port);
	free(cfg->listen_host);
	free(cfg->listen_port);
	cfg->listen_host = xstrdup(run->listen_host);
	cfg->listen_port = xstrdup(run->listen_port);
}

/* Returns 1 if export_dir changed to a usable folder (or to none), 0 if it stays. */
static int
reload_export_dir(struct config *cfg, const struct config *run)
{
	char err[PATH_MAX + 256];

	if (streq(cfg->export_dir, run->export_dir))
		return 0;
	if (cfg->export_dir && folder_make("export_dir", cfg->export_dir, 0755, err,
	                                   sizeof(err)) == -1) {
		log_warnx("reload: %s; %s stays", err, run->export_dir ? run->export_dir : "(none)");
		free(cfg->export_dir);
		cfg->export_dir = run->export_dir ? xstrdup(run->export_dir) : NULL;
		return 0;
	}
	log_info("reload: export_dir is now %s", cfg->export_dir ? cfg->export_dir : "(none)");
	return cfg->export_dir != NULL;
}

static void
reload_limits(struct feedd *d, const struct config *cfg)
{
	const struct config *run = &d->cfg;

	if (cfg->max_parallel != run->max_parallel)
		log_info("reload: max_parallel is now %ld", cfg->max_parallel);
	if (cfg->max_per_host != run->max_per_host)
		log_info("reload: max_per_host is now %ld", cfg->max_per_host);
	if (cfg->max_connections != run->max_connections)
		log_info("reload: max_connections is now %ld", cfg->max_connections);
	fetcher_set_limits(d->fetcher, cfg->max_parallel, cfg->max_per_host);
	http_set_max_connections(d->http, connection_cap(cfg));
	if (cfg->workers != run->workers)
		log_info("reload: workers is now %ld", cfg->workers);
	if (cfg->plugin_timeout != run->plugin_timeout)
		log_info("reload: plugin_timeout is now %lds (for jobs sent from now on)",
		    cfg->plugin_timeout);
	if (cfg->plugin_memory != run->plugin_memory)
		log_info("reload: plugin_memory is now %lldM (each worker restarts with it once "
		    "idle)", cfg->plugin_memory >> 20);
	{
		struct pool_limits lim;

		pool_limits_of(cfg, &lim);
		pool_set_limits(d->pool, &lim);
	}
}

/* Returns 1 if the base URL feeds are published under changed. */
static int
reload_base_url(struct feedd *d, const struct config *cfg)
{
	const char *url = cfg->base_url ? cfg->base_url : http_origin(d->http);

	if (strcmp(url, d->base_url) == 0)
		return 0;
	log_info("reload: base_url is now %s", url);
	free(d->base_url);
	d->base_url = xstrdup(url);
	d->env.base_url = d->base_url;
	return 1;
}

/* Returns 1 if the hub the feeds name changed (pings owed to the old one are dropped: the
 * feeds, published again, tell the new one). */
static int
reload_websub_hub(struct feedd *d, const struct config *cfg)
{
	if (!websub_set_hub(d->websub, cfg->websub_hub))
		return 0;
	log_info("reload: websub_hub is now %s", cfg->websub_hub ? cfg->websub_hub : "(none)");
	return 1;
}

/*
 * The [server] half of a reload, before the feeds are matched to cfg: listen, state_dir and
 * plugin_dir take a restart (a new socket, every feed's state, every plugin), so cfg gets the
 * running values back; the rest is applied.  *republish says the feeds need publishing again,
 * *export that they need exporting again.
 */
static void
reload_server(struct feedd *d, struct config *cfg, int *republish, int *export)
{
	keep_listen(cfg, &d->cfg);
	keep_running("state_dir", &cfg->state_dir, d->cfg.state_dir);
	keep_running("plugin_dir", &cfg->plugin_dir, d->cfg.plugin_dir);
	*export = reload_export_dir(cfg, &d->cfg);
	*republish = reload_base_url(d, cfg);
	*republish |= reload_websub_hub(d, cfg);
	reload_limits(d, cfg);
}

/*
 * A reload looks at plugin_dir again: a worker describes what it holds now (blocking, as the
 * configuration check's worker does), and if that differs from the running plugins (one added,
 * removed, or of another version, flags or options) a new pool of workers takes over: d->pool
 * and d->plugins are the new ones, the old pool is returned, to be freed once the feeds have
 * left it (or put back if the reload is refused).  NULL when nothing changed.
 */
static struct pool *
rescan_plugins(struct feedd *d)
{
	const char *dir = plugins_default_dir(d->cfg.plugin_dir);
	struct plugin_set set = {0};
	struct pool_limits lim;
	struct pool *np, *old;
	struct wproc w;
	char err[512], names[512];
	int same;

	if (wproc_start(&w, dir, d->cfg.plugin_memory, WPROC_TIMEOUT_DEFAULT, &set, err,
	        sizeof(err)) == -1) {
		log_warnx("reload: cannot read plugin_dir %s again (%s); the running plugins stay",
		    dir, err);
		return NULL;
	}
	wproc_close(&w);
	same = plugins_equal(&set, d->plugins);
	plugins_free(&set);
	if (same)
		return NULL;
	pool_limits_of(&d->cfg, &lim);
	if ((np = pool_new(d->base, dir, &lim, err, sizeof(err))) == NULL) {
		log_warnx("reload: %s; the running plugins stay", err);
		return NULL;
	}
	old = d->pool;
	d->pool = np;
	d->plugins = pool_plugins(np);
	log_info("reload: plugin_dir %s changed; plugins now %s", dir,
	    plugins_names(d->plugins, names, sizeof(names)));
	return old;
}

static void
on_hup(evutil_socket_t fd, short what, void *arg)
{
	struct feedd *d = arg;
	struct pool *old_pool;
	struct config cfg;
	char *path = xstrdup(d->cfg.path);

	(void)fd;
	(void)what;
	notify_send("RELOADING=1");
	log_info("reloading %s", path);
	old_pool = rescan_plugins(d);
	if (load_config(d, path, &cfg, 0) == -1) {
		log_warnx("reload refused; the running configuration stays");
		if (old_pool) { /* and the running plugins */
			pool_free(d->pool);
			d->pool = old_pool;
			d->plugins = pool_plugins(d->pool);
		}
	} else {
		int republish, export;
		size_t i;

		reload_server(d, &cfg, &republish, &export);
		/* with new plugins every feed is reopened, its job cancelled in the old pool */
		apply_config(d, &cfg);
		if (old_pool) {
			d->env.pool = d->pool;
			pool_free(old_pool);
		}
		for (i = 0; i < d->n_feeds; i++) {
			struct feed *f = d->feeds[i];

			if (republish && f->resp[FORMAT_ATOM])
				feedd_mark_dirty(d, f); /* saved first: the store may hold unsaved entries */
			else if (export)
				feedd_exported(d, f);
		}
	}
	free(path);
	notify_send("READY=1");
	notify_status(d);
}

/* The exit's wait is over and a save is still at work: named in the log, left to the exit. */
static void
abandon_saves(struct feedd *d)
{
	struct buf names = BUF_INIT;
	size_t i;

	for (i = 0; d->inflight && i < d->inflight->n && i < 10; i++)
		buf_printf(&names, "%s%s", i ? ", " : "", feed_snap_name(d->inflight->snaps[i]));
	if (d->inflight && d->inflight->n > 10)
		buf_printf(&names, " and %zu more", d->inflight->n - 10);
	if (d->inflight && d->inflight->n == 1)
		log_warnx("exiting: the save of feed %s abandoned after %d s; its state file is the "
		    "one its last finished save wrote", names.data, EXIT_SAVE_WAIT_MS / 1000);
	else if (d->inflight)
		log_warnx("exiting: the save of feeds %s abandoned after %d s; their state files are "
		    "those their last finished saves wrote", names.data, EXIT_SAVE_WAIT_MS / 1000);
	else
		log_warnx("exiting: a feed format still being written abandoned after %d s",
		    EXIT_SAVE_WAIT_MS / 1000);
	buf_free(&names);
	d->abandoned = 1;
	offload_abandon(d->saver);
}

static void
on_term(evutil_socket_t fd, short what, void *arg)
{
	struct feedd *d = arg;
	struct timespec t0, now;
	long left;
	size_t i;

	(void)fd;
	(void)what;
	log_info("exiting on signal");
	notify_send("STOPPING=1");
	take_retries(d);
	for (i = 0; i < d->n_feeds; i++) /* pings the hub took since the states were saved */
		if (d->feeds[i]->store.websub_owed != d->feeds[i]->owed_saved)
			feedd_mark_dirty(d, d->feeds[i]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do { /* pending states reach the disk first, and what they held back after them */
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = EXIT_SAVE_WAIT_MS - ((now.tv_sec - t0.tv_sec) * 1000 +
		    (now.tv_nsec - t0.tv_nsec) / 1000000);
		commit(-1, 0, d);
		if (left <= 0 || offload_wait_for(d->saver, left) == -1) {
			abandon_saves(d);
			break;
		}
	} while (d->dirty);
	event_base_loopbreak(d->base);
}

static void
on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	notify_send("WATCHDOG=1");
}

static void
start_watchdog(struct feedd *d)
{
	long long usec = notify_watchdog_usec();
	struct timeval tv;

	if (usec <= 0)
		return;
	usec /= 2;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	d->watchdog = event_new(d->base, -1, EV_PERSIST, on_watchdog, d);
	event_add(d->watchdog, &tv);
}

static void
teardown(struct feedd *d)
{
	size_t i;

	http_free(d->http);
	if (d->abandoned) {
		/* the saver thread still works on feeds' entries and the libraries: only what
		 * outlives the process is ended (workers, commands), the rest goes with the exit */
		pool_free(d->pool);
		fetcher_free(d->fetcher);
		log_info("exited");
		_exit(0);
	}
	offload_free(d->saver); /* a commit under way ends first: it holds the feeds' entries */
	response_files_closing(); /* 10,000 holes punched at exit were 3% of a 304 round's CPU */
	for (i = 0; i < d->n_feeds; i++)
		feed_free(d->feeds[i]);
	free(d->feeds);
	free(d->index);
	websub_free(d->websub);
	fetcher_free(d->fetcher);
	if (d->watchdog)
		event_free(d->watchdog);
	event_free(d->commit_ev);
	event_free(d->retry_ev);
	event_free(d->sig_hup);
	event_free(d->sig_term);
	event_free(d->sig_int);
	config_free(&d->cfg);
	pool_free(d->pool);
	if (d->lock_fd >= 0)
		close(d->lock_fd); /* the state_dir is free for another daemon */
	free(d->base_url);
	event_base_free(d->base);
}

static int
start(struct feedd *d, const char *conf_path)
{
	struct config cfg;

	if (load_config(d, conf_path, &cfg, 1) == -1)
		return -1;
	if (prepare_folders(&cfg) == -1) {
		config_free(&cfg);
		return -1;
	}
	{
		char err[PATH_MAX + 128];

		if ((d->lock_fd = folder_lock(cfg.state_dir, err, sizeof(err))) == -1) {
			log_warnx("%s", err);
			config_free(&cfg);
			return -1;
		}
	}
	response_set_dir(cfg.state_dir); /* bodies in its page cache, not the heap */
	d->hfeeds = (struct http_feeds){http_find, http_all, http_base_url, http_metrics, d};
	d->http = http_new(d->base, &d->hfeeds, cfg.listen_host, cfg.listen_port);
	if (d->http == NULL) {
		config_free(&cfg);
		return -1;
	}
	http_set_max_connections(d->http, connection_cap(&cfg));
	d->base_url = xstrdup(cfg.base_url ? cfg.base_url : http_origin(d->http));
	d->fetcher = fetcher_new(d->base, cfg.max_parallel, cfg.max_per_host);
	d->websub = websub_new(d->base, d->fetcher, cfg.websub_hub, websub_delivered, d);
	d->env = (struct feed_env){d->base, d->fetcher, d->pool, d->saver, NULL, d->base_url, 0,
	    env_dirty, env_published, d, NULL};
	apply_config(d, &cfg);
	return 0;
}

int
server_main(const char *conf_path, int verbose)
{
	struct feedd d;
	int rc = 1;

	memset(&d, 0, sizeof(d));
	d.lock_fd = -1;
	log_init(verbose, "feedd");
	signal(SIGPIPE, SIG_IGN);
	/* One malloc arena for the loop and the threads beside it: the saver thread's own arena
	 * kept the responses it built among its freed scratch (10,000 file feeds: daemon peak RSS
	 * 74-75 -> 65-67 MiB).  Large blocks come from the heap and its top is kept up to 64 MiB
	 * instead of being mapped, given back and faulted in again at every turn (page faults
	 * halved: 10,000 http feeds' 304 round 41k -> 22.5k).  The peak is what it was; memory
	 * freed after it stays with the daemon, up to the 64 MiB. */
	mallopt(M_ARENA_MAX, 1);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	{
		struct rlimit rl; /* connections and transfers both need descriptors */

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	{
		struct event_config *ec = event_config_new();

		/* epoll changes are applied once per loop pass, so the write event a response
		 * enables and the drained buffer disables cost one epoll_ctl, not four (feedd
		 * never dup()s a descriptor it watches, the one caveat of the change list) */
		if (ec)
			event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
		d.base = ec ? event_base_new_with_config(ec) : NULL;
		if (ec)
			event_config_free(ec);
		if (d.base == NULL && (d.base = event_base_new()) == NULL)
			fatalx("event_base_new failed");
	}
	d.commit_ev = event_new(d.base, -1, 0, commit, &d);
	d.saver = offload_new(d.base, 1, "save");
	d.retry_ev = evtimer_new(d.base, retry_saves, &d);
	d.sig_hup = evsignal_new(d.base, SIGHUP, on_hup, &d);
	d.sig_term = evsignal_new(d.base, SIGTERM, on_term, &d);
	d.sig_int = evsignal_new(d.base, SIGINT, on_term, &d);
	event_add(d.sig_hup, NULL);
	event_add(d.sig_term, NULL);
	event_add(d.sig_int, NULL);
	if (start(&d, conf_path) == 0) {
		log_info("listening on %s, %zu feeds", http_origin(d.http), d.n_feeds);
		notify_send("READY=1");
		notify_status(&d);
		start_watchdog(&d);
		event_base_dispatch(d.base);
		rc = 0;
	}
	teardown(&d);
	curl_global_cleanup();
	xmlCleanupParser();
	return rc;
}

static int
check_opener(void *arg, const struct plugin *pl, const struct optlist *opts, char **why)
{
	return wproc_check_open(arg, pl, opts, WPROC_START_TIMEOUT, why) == 0 ? 0 : -1;
}

int
server_check(const char *conf_path)
{
	struct plugin_set set = {0};
	struct wproc w = {0, -1, {BUF_INIT, 0}, 0};
	struct config cfg;
	char err[2048];
	int rc = 1;

	log_init(0, "feedd");
	if (config_load(conf_path, &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	/* the plugins as a worker describes them, as the daemon knows them: none is loaded here */
	if (wproc_start(&w, plugins_default_dir(cfg.plugin_dir), cfg.plugin_memory,
	        WPROC_START_TIMEOUT, &set, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", conf_path, err);
	} else if (config_check_plugins(&cfg, &set, check_opener, &w, err, sizeof(err)) == -1 ||
	           config_check_folders(&cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
	} else {
		size_t i;

		for (i = 0; i < cfg.n_feeds; i++)
			if (cfg.feeds[i].warning)
				fprintf(stderr, "%s\n", cfg.feeds[i].warning);
		printf("configuration OK\n");
		rc = 0;
	}
	wproc_close(&w);
	config_free(&cfg);
	plugins_free(&set);
	return rc;
}
