/* The daemon's workers: a queue of jobs, each written to an idle worker without blocking the
 * loop, answered, timed; a worker that dies fails its job only and is replaced. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "offload.h"
#include "pool.h"
#include "wproc.h"
#include "xmalloc.h"

#define READY_TIMEOUT 10       /* and every later one to say it is ready */
#define EXIT_GRACE_MS 2000     /* a worker whose channel closed has this long to exit */
#define REAP_POLL_MS 20        /* how often a dying one is looked at besides SIGCHLD */
#define BACKOFF_MIN_MS 100     /* a worker that dies young is replaced after this, doubling */
#define BACKOFF_MAX_MS 10000   /* up to this: a crash-looping worker cannot spin the CPU */
#define YOUNG_MS 1000
#define READS_PER_WAKEUP 1     /* of WPROC_READ_MAX: a long answer takes turns with the clients */
#define WRITE_PER_WAKEUP (256 * 1024) /* a job's input, at most, per wakeup: a worker that reads
                                         as fast as it is written kept a 15 MB input's writev
                                         going for 6-7 ms of one loop pass */

/* How a job ended, for /metrics. */
enum cause { C_OK, C_ERROR, C_SIGNAL, C_SYSCALL, C_MEMORY, C_EXIT, C_TIMEOUT, C_MALFORMED, C_N };
static const char *const cause_names[C_N] = {"ok", "error", "signal", "syscall", "memory",
    "exit", "timeout", "malformed"};

struct spool;

struct job {
	uint64_t id;
	struct job *next;       /* in the queue */
	const struct plugin *pl;
	struct buf head, data;  /* the J frame: head, then the input's bytes (freed once sent);
	                           or the F frame's head and the bytes for the memfd */
	int fd;                 /* an F frame's memfd (its own descriptor of its slot's) once
	                           the input is in, until sent; else -1 */
	struct spool *spool;    /* while a thread writes data into the memfd */
	size_t total, sent;
	char *url;              /* what the harvest's links resolve against */
	struct harvest h;
	struct answer a;
	long timeout;           /* the one it was sent with, for the message */
	pool_done_fn done;      /* NULL once cancelled */
	void *arg;
};

enum state {
	DOWN,     /* no process: the timer starts one */
	STARTING, /* spawned, not ready yet */
	IDLE,
	BUSY,     /* s->job is being sent or answered */
	DYING     /* channel closed, process not reaped yet (s->job, if any, waits for why) */
};

struct slot {
	struct pool *pool;
	struct wproc w;
	enum state state;
	struct event *rd, *wr, *timer;
	struct job *job;
	struct plugin_set described; /* what a later worker says of its plugins: not kept */
	int infd;                    /* the memfd its large inputs go in, or -1: one per slot, so
	                                that a 15 MB input reuses the last one's pages (a new
	                                memfd's took 6 ms to fill and 3 to free); it holds the
	                                last large input's bytes until the next */
	struct timespec born, dying;
	long long memory;            /* its limit */
	int backoff_ms;              /* its next restart waits this long, if it dies young */
	int planned;                 /* feedd ended it: neither a death nor a reason to wait */
	int recycle;                 /* to be restarted with new limits once idle */
	int retire;                  /* to end once idle, not replaced */
	int status;                  /* its wait status, once reaped */
};

struct pool {
	struct event_base *base;
	char *dir;
	struct pool_limits lim;
	struct plugin_set plugins;
	struct slot **v;
	size_t n;
	struct job *head, **tail;
	uint64_t next_id;
	struct event *sigchld;
	struct wproc checker;  /* for pool_check_open, or fd -1 */
	struct offload *spooler; /* writes large inputs into memfds, off the loop */
	int closing;
	uint64_t *results; /* jobs by plugin (index in plugins) and cause */
	uint64_t starts, deaths;
};

static void slot_spawn(struct slot *);
static void dispatch(struct pool *);

static long
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)((now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000);
}

static void
timer_in(struct slot *s, long ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	evtimer_add(s->timer, &tv);
}

/* The delay before the next start of a worker that died young or could not start. */
static int
backoff_next(int ms)
{
	return ms == 0 ? BACKOFF_MIN_MS : ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : ms * 2;
}

/* A large input on its way into its slot's memfd, on the spooler's thread: it owns the bytes
 * and a descriptor of the memfd there, and outlives its job if the job goes first (a worker
 * that died, pool_free).  The spooler has one thread: a slot's inputs are written in turn, so
 * one whose job went cannot write over the next job's. */
struct spool {
	struct slot *s;  /* NULL once the job is gone */
	struct job *j;
	struct buf data;
	int fd, err;
};

static void
job_free(struct job *j)
{
	if (j->spool)
		j->spool->j = NULL, j->spool->s = NULL;
	if (j->fd != -1)
		close(j->fd);
	buf_free(&j->head);
	buf_free(&j->data);
	harvest_free(&j->h);
	free(j->url);
	free(j);
}

/* Calls the job's owner back (unless it was cancelled) and frees the job. */
static void
complete(struct pool *p, struct job *j, enum cause c)
{
	size_t k = (size_t)(j->pl - p->plugins.v);

	if (k < p->plugins.n)
		p->results[k * C_N + c]++;
	if (c != C_OK && j->h.error == NULL)
		answer_fail(&j->a, "failed");
	answer_free(&j->a);
	if (j->done)
		j->done(&j->h, c == C_OK ? 0 : -1, j->arg);
	job_free(j);
}

/* The events of a live channel, gone with it. */
static void
disarm(struct slot *s)
{
	if (s->rd)
		event_free(s->rd);
	if (s->wr)
		event_free(s->wr);
	s->rd = s->wr = NULL;
	if (s->w.fd != -1)
		close(s->w.fd);
	s->w.fd = -1;
	wire_in_free(&s->w.in);
}

static void
slot_remove(struct slot *s)
{
	struct pool *p = s->pool;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->v[i] == s) {
			p->v[i] = p->v[--p->n];
			break;
		}
	event_free(s->timer);
	plugins_free(&s->described);
	if (s->infd != -1)
		close(s->infd);
	free(s);
}

/* The process is reaped: its job, if one waited, fails with why; a new worker follows. */
static void
reaped(struct slot *s)
{
	struct pool *p = s->pool;
	struct job *j = s->job;
	enum cause c = C_EXIT;

	evtimer_del(s->timer);
	s->state = DOWN;
	if (!s->planned) {
		p->deaths++;
		s->backoff_ms = ms_since(&s->born) >= YOUNG_MS ? 0 : backoff_next(s->backoff_ms);
	}
	if (j) {
		s->job = NULL;
		answer_died(&j->a, s->status);
		c = j->a.nomem ? C_MEMORY : WIFSIGNALED(s->status) && WTERMSIG(s->status) == SIGSYS &&
		    j->a.syscall >= 0 ? C_SYSCALL : WIFSIGNALED(s->status) ? C_SIGNAL : C_EXIT;
		log_debug("pool: worker %ld: %s", (long)s->w.pid, j->h.error);
	}
	s->w.pid = 0;
	if (s->retire) {
		slot_remove(s);
	} else if (s->planned) {
		s->planned = s->recycle = 0;
		slot_spawn(s);
	} else {
		timer_in(s, s->backoff_ms);
	}
	if (j)
		complete(p, j, c);
	dispatch(p);
}

static void
try_reap(struct slot *s)
{
	int st;

	if (s->w.pid > 0 && waitpid(s->w.pid, &st, WNOHANG) == s->w.pid) {
		s->status = st;
		reaped(s);
	}
}

/* The channel is closed (or found closed): the process is reaped when SIGCHLD or the timer
 * finds it gone, never here, so that the caller's slot stays as it is. */
static void
slot_dying(struct slot *s)
{
	disarm(s);
	s->state = DYING;
	clock_gettime(CLOCK_MONOTONIC, &s->dying);
	timer_in(s, 1);
}

static void
slot_kill(struct slot *s)
{
	if (s->w.pid > 0)
		kill(s->w.pid, SIGKILL);
	slot_dying(s);
}

/* Ends a worker feedd no longer wants as it is: at end of file it exits. */
static void
slot_end(struct slot *s)
{
	if (s->state == DOWN) { /* its timer starts it with the new limits */
		if (s->retire)
			slot_remove(s);
		return;
	}
	s->planned = 1;
	slot_dying(s);
}

/* Writes what the channel takes of the job; the rest when it is writable again. */
static void
send_more(struct slot *s)
{
	struct job *j = s->job;
	size_t budget = WRITE_PER_WAKEUP, left;

	while (j->sent < j->total) {
		struct iovec iov[2];
		int n = 0;
		ssize_t w;

		if (budget == 0) { /* the rest at the next pass: the channel is writable still */
			event_add(s->wr, NULL);
			return;
		}
		left = budget;
		if (j->sent < j->head.len) {
			size_t len = j->head.len - j->sent < left ? j->head.len - j->sent : left;

			iov[n++] = (struct iovec){j->head.data + j->sent, len};
			left -= len;
		}
		if (j->data.len > 0 && left > 0) {
			size_t off = j->sent > j->head.len ? j->sent - j->head.len : 0;
			size_t len = j->data.len - off < left ? j->data.len - off : left;

			iov[n++] = (struct iovec){j->data.data + off, len};
		}
		if (j->fd != -1) /* an F frame, all head: its memfd goes with the first byte */
			w = wproc_send(s->w.fd, iov[0].iov_base, iov[0].iov_len, j->sent ? -1 : j->fd);
		else
			w = writev(s->w.fd, iov, n);
		if (w > 0) {
			j->sent += (size_t)w;
			budget -= (size_t)w;
			continue;
		}
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			event_add(s->wr, NULL);
			return;
		}
		slot_dying(s); /* EPIPE: it is gone, and its status says why */
		return;
	}
	event_del(s->wr);
	buf_free(&j->head);
	buf_free(&j->data);
	if (j->fd != -1) /* the worker has it now, and the last reference to its pages */
		close(j->fd);
	j->fd = -1;
}

static void
on_write(evutil_socket_t fd, short what, void *arg)
{
	struct slot *s = arg;

	(void)fd;
	(void)what;
	if (s->state == BUSY)
		send_more(s);
	else
		event_del(s->wr);
}

/* On the spooler's thread: the bytes into a memfd, and freed there (15 MB given back to the
 * heap took milliseconds on the loop). */
static void
spool_work(void *arg)
{
	struct spool *sp = arg;

	errno = 0;
	if (wproc_input_write(sp->fd, sp->data.data, sp->data.len) == -1)
		sp->err = errno ? errno : EIO;
	else
		buf_free(&sp->data);
}

/* A J frame after all: the input's bytes follow the head on the channel. */
static void
send_inline(struct slot *s, struct job *j, int err)
{
	log_warnx("pool: no memfd for a %zu-byte input (%s): sent through the channel",
	    j->data.len, strerror(err));
	j->head.data[0] = WIRE_JOB;
	wire_end_plus(&j->head, 0, j->data.len);
	j->total = j->head.len + j->data.len;
	send_more(s);
}

/* On the loop: the memfd made, the job is sent with it; without one, inline as a J frame. */
static void
spool_done(void *arg)
{
	struct spool *sp = arg;
	struct job *j = sp->j;

	if (j == NULL || sp->s == NULL || sp->s->pool->closing || sp->s->job != j ||
	    sp->s->state != BUSY) { /* the job is gone, or fails once its worker is reaped */
		if (j)
			j->spool = NULL;
		if (sp->fd != -1)
			close(sp->fd);
		buf_free(&sp->data);
		free(sp);
		return;
	}
	j->spool = NULL;
	timer_in(sp->s, j->timeout * 1000); /* the plugin's time starts with its input sent */
	if (sp->err) {
		close(sp->fd);
		j->data = sp->data;
		send_inline(sp->s, j, sp->err);
	} else {
		j->fd = sp->fd;
		send_more(sp->s);
	}
	free(sp);
}

static void
start_job(struct slot *s, struct job *j)
{
	struct pool *p = s->pool;
	struct spool *sp;
	int fd;

	s->job = j;
	s->state = BUSY;
	answer_init(&j->a, j->pl, &j->h, s->memory);
	harvest_set_base(&j->h, j->url);
	j->timeout = p->lim.timeout;
	if (j->head.data[0] != WIRE_JOB_FD || j->fd != -1) {
		timer_in(s, j->timeout * 1000);
		send_more(s);
		return;
	}
	if (s->infd == -1)
		s->infd = memfd_create("feedd-input", MFD_CLOEXEC);
	if (s->infd == -1 || (fd = fcntl(s->infd, F_DUPFD_CLOEXEC, 0)) == -1) {
		timer_in(s, j->timeout * 1000);
		send_inline(s, j, errno);
		return;
	}
	/* no clock while the input waits for the spooler, behind other slots' inputs: that
	 * time is not the plugin's (spool_done starts it) */
	sp = xcalloc(1, sizeof(*sp));
	sp->s = s;
	sp->j = j;
	sp->data = j->data;
	sp->fd = fd;
	j->data = (struct buf)BUF_INIT;
	j->spool = sp;
	if (p->spooler == NULL)
		p->spooler = offload_new(p->base, 1, "input");
	offload_submit(p->spooler, spool_work, spool_done, sp);
}

static void
dispatch(struct pool *p)
{
	size_t i;

	for (i = 0; i < p->n && p->head; i++) {
		struct slot *s = p->v[i];
		struct job *j;

		if (s->state != IDLE)
			continue;
		j = p->head;
		if ((p->head = j->next) == NULL)
			p->tail = &p->head;
		j->next = NULL;
		start_job(s, j);
	}
}

/* The start frames of a worker spawned on the loop. */
static void
started(struct slot *s, int eof)
{
	char err[256];
	int rc = wproc_hello(&s->w, &s->described, err, sizeof(err));

	if (rc == 1) {
		plugins_free(&s->described);
		evtimer_del(s->timer);
		s->state = IDLE;
		if (s->recycle || s->retire)
			slot_end(s);
		else
			dispatch(s->pool);
		return;
	}
	if (rc == -1) {
		log_warnx("pool: %s", err);
		slot_kill(s);
	} else if (eof) {
		log_warnx("pool: worker %ld ended before it was ready", (long)s->w.pid);
		slot_dying(s);
	}
}

/* What a worker sent of its job's answer. */
static void
answered(struct slot *s, int eof)
{
	struct job *j = s->job;
	int rc = answer_take(&j->a, &s->w);

	if (rc == 1 && j->sent < j->total) { /* it cannot have read its job: out of step */
		answer_fail(&j->a, "malformed answer (before its job was read)");
		rc = -1;
	}
	if (rc == 0) {
		if (eof)
			slot_dying(s); /* the job fails once the process is reaped, with why */
		else if (j->sent == j->total)
			answer_stop(&j->a, &s->w);
		return;
	}
	s->job = NULL;
	evtimer_del(s->timer);
	event_del(s->wr);
	s->state = IDLE;
	if (rc == -1)
		slot_kill(s);
	else if (eof || s->w.in.off < s->w.in.b.len)
		slot_kill(s); /* ended after its answer (the flood case), or sent more than it */
	else if (s->recycle || s->retire)
		slot_end(s);
	complete(s->pool, j, rc == -1 ? C_MALFORMED : j->a.failed ? C_ERROR : C_OK);
	dispatch(s->pool);
}

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	struct slot *s = arg;
	int i, rc = 0;

	(void)fd;
	(void)what;
	for (i = 0; i < READS_PER_WAKEUP; i++)
		if ((rc = wproc_read(&s->w)) != 1)
			break;
	if (s->state == STARTING) {
		started(s, rc == -1);
	} else if (s->state == BUSY) {
		answered(s, rc == -1);
	} else if (s->state == IDLE && rc != 0) { /* 0: a wakeup with nothing to read */
		if (rc == 1)
			log_warnx("pool: worker %ld spoke out of turn; killed", (long)s->w.pid);
		slot_kill(s);
	}
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct slot *s = arg;
	struct job *j = s->job;

	(void)fd;
	(void)what;
	switch (s->state) {
	case DOWN:
		slot_spawn(s);
		break;
	case STARTING:
		log_warnx("pool: worker %ld not ready in %d s; killed", (long)s->w.pid, READY_TIMEOUT);
		slot_kill(s);
		break;
	case BUSY:
		s->job = NULL;
		answer_fail(&j->a, "no answer in %ld s", j->timeout);
		slot_kill(s);
		complete(s->pool, j, C_TIMEOUT);
		dispatch(s->pool);
		break;
	case DYING: /* one that goes on after its channel closed is killed */
		if (s->w.pid > 0 && ms_since(&s->dying) >= EXIT_GRACE_MS)
			kill(s->w.pid, SIGKILL);
		timer_in(s, REAP_POLL_MS);
		try_reap(s);
		break;
	case IDLE:
		break;
	}
}

static void
on_sigchld(evutil_socket_t fd, short what, void *arg)
{
	struct pool *p = arg;
	size_t i;

	(void)fd;
	(void)what;
	for (i = p->n; i-- > 0;) /* reaped() may remove a slot: its place takes the last one */
		if (i < p->n && p->v[i]->state == DYING)
			try_reap(p->v[i]);
}

static void
arm(struct slot *s)
{
	struct event_base *base = s->pool->base;

	s->rd = event_new(base, s->w.fd, EV_READ | EV_PERSIST, on_read, s);
	s->wr = event_new(base, s->w.fd, EV_WRITE | EV_PERSIST, on_write, s);
	event_add(s->rd, NULL);
}

static void
slot_spawn(struct slot *s)
{
	struct pool *p = s->pool;
	char err[512];

	s->w.quiet = 1; /* the first worker logged what the plugin files are */
	clock_gettime(CLOCK_MONOTONIC, &s->born);
	if (wproc_spawn(&s->w, p->dir, p->lim.memory, err, sizeof(err)) == -1) {
		log_warnx("pool: %s", err);
		s->state = DOWN;
		s->backoff_ms = backoff_next(s->backoff_ms);
		timer_in(s, s->backoff_ms);
		return;
	}
	p->starts++;
	s->memory = p->lim.memory;
	s->state = STARTING;
	arm(s);
	timer_in(s, READY_TIMEOUT * 1000);
}

static struct slot *
slot_new(struct pool *p)
{
	struct slot *s = xcalloc(1, sizeof(*s));

	s->pool = p;
	s->w.fd = -1;
	s->infd = -1;
	s->timer = evtimer_new(p->base, on_timer, s);
	p->v = xreallocarray(p->v, p->n + 1, sizeof(*p->v));
	p->v[p->n++] = s;
	return s;
}

struct pool *
pool_new(struct event_base *base, const char *plugin_dir, const struct pool_limits *lim,
    char *err, size_t errlen)
{
	struct pool *p = xcalloc(1, sizeof(*p));
	struct slot *s;
	long i;

	p->base = base;
	p->dir = xstrdup(plugin_dir);
	p->lim = *lim;
	p->tail = &p->head;
	p->next_id = 1;
	p->checker.fd = -1;
	s = slot_new(p);
	clock_gettime(CLOCK_MONOTONIC, &s->born);
	if (wproc_start(&s->w, plugin_dir, lim->memory, WPROC_START_TIMEOUT, &p->plugins, err,
	        errlen) == -1) {
		pool_free(p);
		return NULL;
	}
	p->starts++;
	s->memory = lim->memory;
	s->state = IDLE;
	arm(s);
	p->results = xcalloc((p->plugins.n + 1) * C_N, sizeof(*p->results));
	p->sigchld = evsignal_new(base, SIGCHLD, on_sigchld, p);
	event_add(p->sigchld, NULL);
	for (i = 1; i < lim->workers; i++)
		slot_spawn(slot_new(p));
	return p;
}

const struct plugin_set *
pool_plugins(const struct pool *p)
{
	return &p->plugins;
}

/* Workers not retiring. */
static size_t
active(const struct pool *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++)
		n += !p->v[i]->retire;
	return n;
}

void
pool_set_limits(struct pool *p, const struct pool_limits *lim)
{
	size_t i, want = (size_t)lim->workers;
	int memory = lim->memory != p->lim.memory;

	p->lim = *lim;
	for (i = p->n; i-- > 0 && active(p) > want;)
		p->v[i]->retire = 1;
	while (active(p) < want)
		slot_spawn(slot_new(p));
	for (i = p->n; i-- > 0;) {
		struct slot *s = p->v[i];

		s->recycle |= memory && s->memory != lim->memory;
		if ((s->retire || s->recycle) && (s->state == IDLE || s->state == DOWN ||
		                                  s->state == STARTING))
			slot_end(s); /* a busy one ends after its job; a dying one is replaced anyway */
	}
}

uint64_t
pool_submit(struct pool *p, const struct plugin *pl, const struct optlist *opts,
    const struct filter *filter, struct buf *data, const struct input *in, size_t max_entries,
    pool_done_fn done, void *arg)
{
	struct job *j = xcalloc(1, sizeof(*j));
	struct input meta = *in;

	j->id = p->next_id++;
	j->pl = pl;
	j->data = *data;
	*data = (struct buf)BUF_INIT;
	meta.data = j->data.data;
	meta.len = j->data.len;
	j->h.max = max_entries;
	j->h.filter = filter;
	/* entries the filter drops take no room, so the worker cannot know when to stop */
	job_encode_head(&j->head, pl->p->name, filter_is_set(filter) ? WPROC_ENTRIES_MAX :
	    max_entries, opts, &meta);
	j->fd = -1;
	if (j->data.len > WPROC_INLINE_MAX) /* the bytes go in a memfd, made when it is sent */
		job_head_to_fd(&j->head);
	j->total = j->head.len + (j->data.len > WPROC_INLINE_MAX ? 0 : j->data.len);
	j->url = xstrdup(in->url ? in->url : "");
	j->done = done;
	j->arg = arg;
	*p->tail = j;
	p->tail = &j->next;
	dispatch(p);
	return j->id;
}

static struct job *
find_job(struct pool *p, uint64_t id)
{
	struct job *j;
	size_t i;

	for (j = p->head; j; j = j->next)
		if (j->id == id)
			return j;
	for (i = 0; i < p->n; i++)
		if (p->v[i]->job && p->v[i]->job->id == id)
			return p->v[i]->job;
	return NULL;
}

void
pool_set_filter(struct pool *p, uint64_t id, const struct filter *filter)
{
	struct job *j = find_job(p, id);

	if (j)
		j->h.filter = filter;
}

void
pool_cancel(struct pool *p, uint64_t id)
{
	struct job **jp, *j;
	size_t i;

	for (jp = &p->head; (j = *jp) != NULL; jp = &j->next)
		if (j->id == id) {
			if ((*jp = j->next) == NULL)
				p->tail = jp;
			job_free(j); /* a queued job's answer was never begun (start_job does that) */
			return;
		}
	for (i = 0; i < p->n; i++)
		if ((j = p->v[i]->job) != NULL && j->id == id) {
			/* its worker's answer is still read, for nobody: not through the filter,
			 * which was lent until now (the caller may free it, as a reload does) */
			j->done = NULL;
			j->h.filter = NULL;
		}
}

int
pool_check_open(struct pool *p, const struct plugin *pl, const struct optlist *opts, char **why)
{
	char err[512];

	*why = NULL;
	if (p->checker.fd == -1) {
		struct plugin_set described = {0};

		p->checker.quiet = 1;
		if (wproc_start(&p->checker, p->dir, p->lim.memory, READY_TIMEOUT, &described, err,
		        sizeof(err)) == -1) {
			xasprintf(why, "%s", err);
			return -1;
		}
		plugins_free(&described);
	}
	return wproc_check_open(&p->checker, pl, opts, p->lim.timeout, why) == 0 ? 0 : -1;
}

void
pool_check_done(struct pool *p)
{
	wproc_close(&p->checker);
}

void
pool_metrics(const struct pool *p, struct buf *b)
{
	size_t i, k, ready = 0, queued = 0;
	const struct job *j;

	for (i = 0; i < p->n; i++)
		ready += p->v[i]->state == IDLE || p->v[i]->state == BUSY;
	for (j = p->head; j; j = j->next)
		queued++;
	buf_printf(b, "# HELP feedd_workers Worker processes ready or running a job.\n"
	              "# TYPE feedd_workers gauge\nfeedd_workers %zu\n"
	              "# HELP feedd_worker_starts_total Worker processes started.\n"
	              "# TYPE feedd_worker_starts_total counter\nfeedd_worker_starts_total %llu\n"
	              "# HELP feedd_worker_deaths_total Workers that crashed, exited or were killed.\n"
	              "# TYPE feedd_worker_deaths_total counter\nfeedd_worker_deaths_total %llu\n"
	              "# HELP feedd_jobs_queued Plugin jobs waiting for a worker.\n"
	              "# TYPE feedd_jobs_queued gauge\nfeedd_jobs_queued %zu\n",
	    ready, (unsigned long long)p->starts, (unsigned long long)p->deaths, queued);
	buf_adds(b, "# HELP feedd_plugin_jobs_total Plugin runs, by plugin and how they ended.\n"
	            "# TYPE feedd_plugin_jobs_total counter\n");
	for (i = 0; i < p->plugins.n; i++)
		for (k = 0; k < C_N; k++)
			buf_printf(b, "feedd_plugin_jobs_total{plugin=\"%s\",result=\"%s\"} %llu\n",
			    p->plugins.v[i].p->name, cause_names[k],
			    (unsigned long long)p->results[i * C_N + k]);
}

void
pool_free(struct pool *p)
{
	struct job *j;
	size_t i;

	if (p == NULL)
		return;
	p->closing = 1;
	if (p->spooler) /* its jobs' done callbacks see closing and drop what they made */
		offload_free(p->spooler);
	p->spooler = NULL;
	for (i = 0; i < p->n; i++) /* every worker sees end of file at once */
		disarm(p->v[i]);
	for (i = 0; i < p->n; i++) {
		struct slot *s = p->v[i];

		wproc_close(&s->w);
		if (s->job) {
			answer_free(&s->job->a);
			job_free(s->job);
		}
		event_free(s->timer);
		plugins_free(&s->described);
		if (s->infd != -1)
			close(s->infd);
		free(s);
	}
	while ((j = p->head) != NULL) {
		p->head = j->next;
		job_free(j);
	}
	if (p->sigchld)
		event_free(p->sigchld);
	wproc_close(&p->checker);
	plugins_free(&p->plugins);
	free(p->results);
	free(p->v);
	free(p->dir);
	free(p);
}
