/* One worker process seen from the daemon: starting it, its plugins, a job and its answer. */
#ifndef FEEDD_WPROC_H
#define FEEDD_WPROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "plugins.h"
#include "source.h"
#include "wire.h"

#define WPROC_TIMEOUT_DEFAULT 30                    /* plugin_timeout, seconds */
#define WPROC_MEMORY_DEFAULT (1024LL * 1024 * 1024) /* plugin_memory, bytes */
#define WPROC_ENTRIES_MAX 100000   /* a job's entries at most (max_entries' own limit) */
#define WPROC_NICE 10 /* a worker's niceness above the daemon's */
#define WPROC_START_TIMEOUT 30 /* seconds a worker has to describe its plugins */
#define WPROC_ANSWER_MAX (256u * 1024 * 1024) /* a job's answer at most, in bytes */

struct wproc {
	pid_t pid;   /* 0 once reaped */
	int fd;      /* the daemon's end of the channel, non-blocking; -1 once closed */
	struct wire_in in;
	int quiet;   /* its start lines (plugin files refused) go to the debug log: another
	                worker said them already */
};

/* Forks and execs `feedd worker` on a new channel.  w->quiet, set by the caller, is kept;
 * the rest of *w is reset.  Returns 0, or -1 with err. */
int wproc_spawn(struct wproc *, const char *plugin_dir, long long memory, char *err,
    size_t errlen);
/*
 * Takes the worker's start frames from w->in: its plugins go into set as described ones, its
 * log lines to the log.  Returns 1 once it is ready, 0 if more bytes are needed, -1 if what it
 * sent is malformed (err says why).
 */
int wproc_hello(struct wproc *, struct plugin_set *set, char *err, size_t errlen);
/*
 * Reads what the channel has into w->in, WPROC_READ_MAX bytes at most: 1 read something, 0
 * nothing yet, -1 closed.  The daemon checks what it read on the loop, entry by entry (about
 * 1 ms per 100 KiB of news articles on a slow VM): a long answer takes turns with the clients
 * in slices this large.
 */
#define WPROC_READ_MAX (64u * 1024)
int wproc_read(struct wproc *);
/* Kills (SIGKILL) and reaps the worker, closing the channel; *status is its wait status. */
void wproc_kill(struct wproc *, int *status);
/* Closes the channel (a worker exits then) and reaps it, killing it if it lingers. */
void wproc_close(struct wproc *);

/*
 * An input larger than this goes to the worker in a memfd (an F frame) rather than in the J
 * frame: no loop pass copies megabytes into the channel, and the worker maps the bytes where
 * they are.  A small one is cheaper inline (a memfd costs 6 system calls more a job).
 */
#define WPROC_INLINE_MAX (64u * 1024)
/*
 * Makes the memfd fd hold data[0..len] (the bytes and the NUL after them, len + 1 bytes),
 * writing over what it held.  Returns 0, or -1 with errno.  Touches only its arguments: the
 * pool calls it on a thread, on a memfd it keeps for each worker, whose pages are reused.
 */
int wproc_input_write(int fd, const char *data, size_t len);
/* A new memfd holding data[0..len] as wproc_input_write makes it, then sealed against every
 * change (for one job: `feedd convert -w`).  Returns it, or -1 with errno. */
int wproc_input_memfd(const char *data, size_t len);
/* Turns the J frame head (job_encode_head) at the start of b into an F frame: the same
 * fields, the input's bytes to come in a memfd. */
void job_head_to_fd(struct buf *b);
/* As write() on the channel sock, non-blocking, but with fd (if not -1) passed along with the
 * first byte (SCM_RIGHTS). */
ssize_t wproc_send(int sock, const void *p, size_t n, int fd);

/* A job for plugin, in the format of feedd-worker(5). */
void job_encode(struct buf *, const char *plugin, size_t max, const struct optlist *,
    const struct input *);
/* The same frame without the input's in->len bytes, which are to follow it on the channel. */
void job_encode_head(struct buf *, const char *plugin, size_t max, const struct optlist *,
    const struct input *);

/* A job's answer being read: entries are checked and cleaned into h as they arrive. */
struct answer {
	const char *plugin; /* borrowed */
	int safe_html;      /* FEEDD_PLUGIN_SAFE_HTML in its description */
	struct harvest *h;  /* borrowed */
	struct idset ids;
	size_t asked;       /* the job's entries at most: h->max, or all if h->filter may drop */
	size_t bytes, entries;
	int done, failed;
	int full;           /* h took its last entry: the worker is to stop (answer_stop) */
	int stop_sent;
	int nomem;          /* the worker said it crashed out of memory */
	int64_t syscall;    /* the forbidden call it was killed for, or -1 */
	long long memory;   /* the limit, for the message */
};
/* pl is the plugin as a worker described it when it started, before any job. */
void answer_init(struct answer *, const struct plugin *pl, struct harvest *h, long long memory);
/*
 * Takes every whole frame w->in holds.  Returns 1 once the answer is complete, 0 while more
 * is due, -1 if the worker broke the protocol or a bound (h->error says how).
 */
int answer_take(struct answer *, struct wproc *);
/* After the worker died before finishing: sets h->error to why ("plugin P: killed by
 * SIGSEGV"), from its wait status and what it said last. */
void answer_died(struct answer *, int status);
/* A one-line failure of the job, "plugin P: " and the reason (printf-like). */
void answer_fail(struct answer *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void answer_free(struct answer *);
/* Once a->full, and the job is all sent: tells the worker its plugin is to stop (an X frame,
 * once), for the entries past h->max would be read for nothing: with a filter the worker is
 * asked for more than max, as it cannot know which the filter keeps. */
void answer_stop(struct answer *, struct wproc *);

/*
 * Runs one job to its end, blocking (for `feedd convert -w` and the configuration check):
 * sends it, reads the answer into h, kills the worker after timeout seconds.  Returns 0 when
 * the plugin succeeded, -1 with h->error set.  The worker is gone after a failure other than
 * the plugin's own (w->fd is -1 then).
 */
int wproc_run(struct wproc *, const struct plugin *pl, const struct optlist *,
    const struct input *, long timeout, long long memory, struct harvest *h);
/*
 * Has the worker open and close pl with opts, blocking (the configuration check: a plugin's
 * open() judges its options' values).  Returns 0 if the plugin accepts them, -1 with *why
 * its one-line reason (the caller frees it), -2 with *why if the worker failed (it is gone).
 */
int wproc_check_open(struct wproc *, const struct plugin *pl, const struct optlist *,
    long timeout, char **why);
/* Starts a worker and waits (at most timeout seconds) until it is ready, its plugins in set. */
int wproc_start(struct wproc *, const char *plugin_dir, long long memory, long timeout,
    struct plugin_set *set, char *err, size_t errlen);

#endif
