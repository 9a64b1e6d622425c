/* The daemon's worker processes: every plugin call runs in one of them, a job at a time. */
#ifndef FEEDD_POOL_H
#define FEEDD_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "plugins.h"
#include "source.h"

struct event_base;
struct pool;

/* How many workers, and what each may spend on a job. */
struct pool_limits {
	long workers;
	long timeout;     /* seconds a job may take before its worker is killed */
	long long memory; /* RLIMIT_AS of a worker, bytes */
};

/*
 * Called once per job on the loop, unless the job was cancelled: rc 0 with the entries in h,
 * or -1 with h->error a line naming the plugin and the cause ("plugin evil: killed by
 * SIGSEGV").  h is freed after the call returns; the callee may take what it holds.
 */
typedef void (*pool_done_fn)(struct harvest *h, int rc, void *arg);

/*
 * Starts the workers: the first one blocking (at most WPROC_START_TIMEOUT seconds) until it has
 * described its plugins, which become the daemon's list (pool_plugins), the others in the
 * background.  Returns NULL with the reason in err if the first cannot start.
 */
struct pool *pool_new(struct event_base *, const char *plugin_dir, const struct pool_limits *,
    char *err, size_t errlen);
/* The plugins as the first worker described them, before any job ran (no code loaded). */
const struct plugin_set *pool_plugins(const struct pool *);
/*
 * New limits (a reload): the timeout holds for jobs sent from now on; a new memory limit
 * restarts each worker once it is idle; more workers are started, surplus ones end once idle.
 */
void pool_set_limits(struct pool *, const struct pool_limits *);
/*
 * Queues a job for pl (one of pool_plugins) on the input in, whose bytes are taken from data
 * (left empty; in->data and in->len are not read); the rest of in and opts are copied, filter
 * (or NULL) is borrowed until the callback or pool_cancel.  Jobs go to idle workers first
 * come, first served.  Returns an id for pool_cancel.
 */
uint64_t pool_submit(struct pool *, const struct plugin *pl, const struct optlist *opts,
    const struct filter *filter, struct buf *data, const struct input *in, size_t max_entries,
    pool_done_fn, void *arg);
/* Lends job id another filter (an equal one from a reloaded configuration). */
void pool_set_filter(struct pool *, uint64_t id, const struct filter *);
/* Forgets job id without calling back (its worker, if it runs, finishes it unheard). */
void pool_cancel(struct pool *, uint64_t id);
/*
 * The configuration check's question to a worker, blocking: does pl's open() accept opts?
 * Asked of a worker of its own, started on the first question (blocking, as the first
 * worker's start is) and ended by pool_check_done.  Returns 0, or -1 with *why.
 */
int pool_check_open(struct pool *, const struct plugin *pl, const struct optlist *opts,
    char **why);
void pool_check_done(struct pool *);
/* Appends the pool's Prometheus lines (workers, jobs and failures by plugin and cause). */
void pool_metrics(const struct pool *, struct buf *);
/* Ends every worker; queued jobs are dropped without calling back. */
void pool_free(struct pool *);

#endif
