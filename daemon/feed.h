/* One feed's life in the daemon: its schedule, fetch, merge, save and publish. */
#ifndef FEEDD_FEED_H
#define FEEDD_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "format.h"
#include "source.h"
#include "store.h"

struct event_base;
struct feed;
struct fetcher;
struct merge;
struct pool;
struct response;

/*
 * What a feed needs from the daemon, lent by it for the feed's life; the daemon updates
 * base_url, websub_hub and n_feeds in place on a reload.
 */
struct feed_env {
	struct event_base *base;
	struct fetcher *fetcher;
	struct pool *pool;    /* runs the plugins */
	struct offload *saver; /* the thread that writes a big feed's formats, or NULL */
	const char *state_dir;
	const char *base_url; /* of self links: base_url, else the listener's origin */
	size_t n_feeds;       /* configured: spreads the first fetches */
	/* Queues f for a save, after which it is published (never before: see commit). */
	void (*dirty)(void *arg, struct feed *f);
	/* f's response was rebuilt (export_dir), or NULL. */
	void (*published)(void *arg, struct feed *f);
	void *arg;
	const char *websub_hub; /* the hub the feed formats name, or NULL */
};

struct feed {
	const struct feed_env *env;
	const struct feed_conf *conf; /* borrowed from the running config; swapped on reload */
	const struct plugin *plugin;
	struct source src;
	struct store store;
	char *state_path;
	char *label;          /* host or file name, when the source names nothing better */
	struct event *timer;
	uint64_t xfer;        /* running transfer, or 0 */
	uint64_t job;         /* its bytes with the plugin, in a worker or queued, or 0 */
	long job_status;      /* the job's fetch: HTTP status and validators, taken once it */
	char *job_etag, *job_last_modified; /* succeeds */
	int64_t next_fetch;   /* seconds since the epoch */
	int failures;         /* consecutive */
	struct response *resp[FORMAT_N]; /* what is served, by format; NULL until there is
	                                    something, or until the format is first asked for */
	struct response *pending[FORMAT_N]; /* built for the commit under way, or NULL */
	int64_t pending_updated, resp_updated; /* the <updated> each was written with */
	unsigned formats_wanted; /* bit k: formats[k] was asked for, so every change builds it */
	int dirty;            /* waiting for the next commit, on its list */
	int saving;           /* its entries are lent to a thread: to the commit under way
	                         (feed_snap), a format being written, or a big merge */
	struct feed_snap *snap; /* that commit's copy, while saving */
	struct merge *merge;  /* the merge they are lent to, or NULL */
	struct harvest *held; /* a harvest that came while saving, merged after (feed_resume) */
	int refilter;         /* a new filter that came while saving, applied after */
	struct feed *dirty_next;
	int pinned;           /* state changed in a way only a save makes durable */
	int ping_due;         /* the served bytes changed: the hub is told once they are saved */
	int owed_saved;       /* store.websub_owed as the state file has it */
	int state_unread;     /* the state file exists but could not be read: never saved over */
	int kept;             /* scratch mark while a reload sorts feeds */
	char *store_error;    /* why the last save failed, while it has not succeeded since */
	char *warning;        /* the plugin's last warning in its last run, or NULL */
	size_t served;        /* entries in resp */
	uint64_t fetches_ok, fetches_not_modified, fetches_failed; /* for /metrics */
	uint64_t save_failures;
};

/* Creates a feed: loads its state (moving a corrupt one aside, keeping an unreadable one and
 * retrying it), opens its plugin, publishes what the state holds and schedules the first
 * fetch a little later. */
struct feed *feed_new(const struct feed_env *, const struct feed_conf *, const struct plugin *);
/* The first fetch of each of n_feeds feeds starts at random within this many ms of the start:
 * 2 ms a feed for a network source, 0.1 ms for a file: one (url), at most 3 s and one
 * interval (seconds).  A few feeds start at once, thousands are spread. */
long feed_first_spread_ms(size_t n_feeds, long interval, const char *url);
void feed_free(struct feed *);
/* Swaps in a new config for the same feed name; a changed one reopens the plugin and
 * reschedules, an equal one only repoints. */
void feed_set_conf(struct feed *, const struct feed_conf *, const struct plugin *);
/*
 * A commit off the loop, in three steps.  feed_snap_take (on the loop) copies what the feed's
 * documents and state file say, lends its entries (frozen while f->saving) and clears pinned.
 * feed_snap_render (on a thread) builds the formats asked for so far, Atom always, and the
 * time their bytes last changed (Last-Modified), saved with them; feed_snap_store is then the
 * state to save.  feed_snap_give (on the loop, after the save; saved says if it succeeded)
 * hands the formats to f->pending for feed_publish, sets ping_due if the bytes differ from
 * those the state last held (or the feed served nothing before), frees the snapshot and
 * returns f, or NULL if the feed was freed meanwhile.  feed_resume then merges what came
 * while it was saving.
 */
struct feed_snap;
struct feed_snap *feed_snap_take(struct feed *);
void feed_snap_render(struct feed_snap *);
const struct store *feed_snap_store(const struct feed_snap *);
/* export_dir: every format is written, not only those asked for so far (on the loop, before
 * the thread takes it). */
void feed_snap_all_formats(struct feed_snap *);
/* The feed's name, as taken (for a log line while the snapshot is on a thread). */
const char *feed_snap_name(const struct feed_snap *);
struct feed *feed_snap_give(struct feed_snap *, int saved);
void feed_resume(struct feed *);
/* Serves what feed_prepare built, one response per format (after the store is saved), else
 * builds them. */
void feed_publish(struct feed *);
/*
 * The feed's response in format, or NULL if it has none yet.  Atom is built with every change;
 * another format only once asked for here (most readers only ever take one), then with every
 * change too: it is built now from the store, unless the store holds a change awaiting its
 * save, when it is NULL until that commit (which builds it) and the caller answers "retry".
 */
struct response *feed_response(struct feed *, int format);
/* An Atom document of this many bytes or more is a big feed: another format of it, first asked
 * for, is written on env->saver, and feed_response is NULL ("retry") until it is done. */
#define FEED_RENDER_INLINE_MAX (128 * 1024)
/* As feed_response, but a format not built yet is built now, on the loop, whatever its size
 * (export_dir writes every format at each change). */
struct response *feed_response_now(struct feed *, int format);
/* The title shown for the feed: the config's, else the source's, else its host or file. */
const char *feed_title(const struct feed *);
/* Counts for STATUS=: feeds fetched fine, failing to fetch or to save, entries served. */
void feed_status_counts(struct feed **v, size_t n, size_t *ok, size_t *failing, size_t *unsaved,
    size_t *entries);

#endif
