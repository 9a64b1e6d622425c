/* Worker threads for the loop: a locked queue of jobs, a done list handed back through an
 * eventfd.  The loop never waits on them but in offload_wait (exit, final save). */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "offload.h"
#include "xmalloc.h"

struct ojob {
	offload_work_fn *work;
	offload_done_fn *done;
	void *arg;
	struct ojob *next;
};

/* A thread, and the job it runs (for offload_kick). */
struct othread {
	struct offload *o;
	pthread_t t;
	void *arg;             /* the running job's, or NULL; under mu */
	struct timespec since; /* when it took that job */
};

struct offload {
	struct event_base *base;
	char *name;
	pthread_mutex_t mu;
	pthread_cond_t more, finished; /* a job queued; a job's work returned */
	struct ojob *head, **tail;     /* waiting for a thread */
	struct ojob *done;             /* work returned, done not run yet (any order) */
	int stop;
	int efd;                       /* readable while done is not empty */
	struct event *ev;
	struct othread *threads;
	int n_threads;
	unsigned pending;              /* submitted, done not run: the loop's count */
};

/* The signal offload_interrupt sends: it only ends a blocking call with EINTR (no SA_RESTART). */
#define INTERRUPT_SIGNAL SIGRTMIN

static void
on_interrupt(int sig)
{
	(void)sig;
}

static void *
thread_main(void *arg)
{
	struct othread *me = arg;
	struct offload *o = me->o;
	struct ojob *j;
	uint64_t one = 1;
	sigset_t only;

	sigemptyset(&only); /* every other signal stays the loop's */
	sigaddset(&only, INTERRUPT_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &only, NULL);
	pthread_mutex_lock(&o->mu);
	for (;;) {
		while (o->head == NULL && !o->stop)
			pthread_cond_wait(&o->more, &o->mu);
		if ((j = o->head) == NULL)
			break; /* stopping, and nothing left */
		if ((o->head = j->next) == NULL)
			o->tail = &o->head;
		me->arg = j->arg;
		clock_gettime(CLOCK_MONOTONIC, &me->since);
		pthread_mutex_unlock(&o->mu);
		j->work(j->arg);
		pthread_mutex_lock(&o->mu);
		me->arg = NULL;
		j->next = o->done;
		o->done = j;
		if (j->next == NULL) /* the loop is told once per batch */
			while (write(o->efd, &one, sizeof(one)) == -1 && errno == EINTR)
				;
		pthread_cond_broadcast(&o->finished);
	}
	pthread_mutex_unlock(&o->mu);
	return NULL;
}

/* Runs the done callbacks of every finished job; they may submit more. */
static void
reap(struct offload *o)
{
	struct ojob *list, *j;
	uint64_t n;

	pthread_mutex_lock(&o->mu);
	list = o->done;
	o->done = NULL;
	if (read(o->efd, &n, sizeof(n)) == -1 && errno != EAGAIN)
		log_warn("offload %s: eventfd", o->name);
	pthread_mutex_unlock(&o->mu);
	while ((j = list) != NULL) {
		list = j->next;
		o->pending--;
		j->done(j->arg);
		free(j);
	}
}

static void
on_done(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	reap(arg);
}

struct offload *
offload_new(struct event_base *base, int threads, const char *name)
{
	struct offload *o = xcalloc(1, sizeof(*o));
	struct sigaction sa;
	sigset_t all, old;
	char tname[16];
	int i;

	o->base = base;
	o->name = xstrdup(name);
	o->tail = &o->head;
	pthread_mutex_init(&o->mu, NULL);
	pthread_cond_init(&o->more, NULL);
	pthread_cond_init(&o->finished, NULL);
	if ((o->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1)
		fatal("offload %s: eventfd", name);
	o->ev = event_new(base, o->efd, EV_READ | EV_PERSIST, on_done, o);
	event_add(o->ev, NULL);
	o->n_threads = threads > 0 ? threads : 1;
	o->threads = xcalloc((size_t)o->n_threads, sizeof(*o->threads));
	/* signals are the loop's (libevent's handlers, SIGCHLD for the workers), but the one
	 * offload_interrupt sends, which each thread unblocks for itself */
	if (sigaction(INTERRUPT_SIGNAL, NULL, &sa) == 0 && sa.sa_handler != on_interrupt) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_interrupt;
		sigemptyset(&sa.sa_mask);
		sigaction(INTERRUPT_SIGNAL, &sa, NULL);
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	snprintf(tname, sizeof(tname), "feedd-%s", name);
	for (i = 0; i < o->n_threads; i++) {
		int rc;

		o->threads[i].o = o;
		if ((rc = pthread_create(&o->threads[i].t, NULL, thread_main, &o->threads[i])) != 0) {
			errno = rc;
			fatal("offload %s: pthread_create", name);
		}
		pthread_setname_np(o->threads[i].t, tname);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return o;
}

void
offload_submit(struct offload *o, offload_work_fn *work, offload_done_fn *done, void *arg)
{
	struct ojob *j = xcalloc(1, sizeof(*j));

	j->work = work;
	j->done = done;
	j->arg = arg;
	o->pending++;
	pthread_mutex_lock(&o->mu);
	*o->tail = j;
	o->tail = &j->next;
	pthread_cond_signal(&o->more);
	pthread_mutex_unlock(&o->mu);
}

unsigned
offload_pending(const struct offload *o)
{
	return o->pending;
}

void
offload_wait(struct offload *o)
{
	while (o->pending > 0) {
		pthread_mutex_lock(&o->mu);
		while (o->done == NULL)
			pthread_cond_wait(&o->finished, &o->mu);
		pthread_mutex_unlock(&o->mu);
		reap(o);
	}
}

void
offload_interrupt(struct offload *o)
{
	struct timespec until;
	int i;

	while (o->pending > 0) {
		pthread_mutex_lock(&o->mu);
		if (o->done == NULL) {
			/* a job may enter its blocking call just after a signal: so again every 50 ms */
			for (i = 0; i < o->n_threads; i++)
				pthread_kill(o->threads[i].t, INTERRUPT_SIGNAL);
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += 50 * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&o->finished, &o->mu, &until);
		}
		pthread_mutex_unlock(&o->mu);
		reap(o);
	}
}

long
offload_running_ms(struct offload *o, const void *arg)
{
	struct timespec now;
	long ms = -1;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&o->mu);
	for (i = 0; i < o->n_threads; i++)
		if (o->threads[i].arg == arg)
			ms = (long)((now.tv_sec - o->threads[i].since.tv_sec) * 1000 +
			    (now.tv_nsec - o->threads[i].since.tv_nsec) / 1000000);
	pthread_mutex_unlock(&o->mu);
	return ms;
}

int
offload_kick(struct offload *o, const void *arg)
{
	int i, n = 0;

	pthread_mutex_lock(&o->mu); /* held: the thread cannot take another job meanwhile */
	for (i = 0; i < o->n_threads; i++)
		if (o->threads[i].arg == arg) {
			pthread_kill(o->threads[i].t, INTERRUPT_SIGNAL);
			n++;
		}
	pthread_mutex_unlock(&o->mu);
	return n;
}

int
offload_wait_for(struct offload *o, long ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (o->pending > 0) {
		int rc = 0;

		pthread_mutex_lock(&o->mu);
		while (o->done == NULL && rc == 0)
			rc = pthread_cond_timedwait(&o->finished, &o->mu, &until);
		pthread_mutex_unlock(&o->mu);
		reap(o);
		if (rc != 0 && o->pending > 0)
			return -1;
	}
	return 0;
}

void
offload_abandon(struct offload *o)
{
	if (o == NULL)
		return;
	pthread_mutex_lock(&o->mu);
	o->stop = 1; /* a thread that comes back ends; the rest of the queue is dropped */
	while (o->head) {
		struct ojob *j = o->head;

		o->head = j->next;
		free(j);
	}
	o->tail = &o->head;
	pthread_cond_broadcast(&o->more);
	pthread_mutex_unlock(&o->mu);
	event_free(o->ev);
	o->ev = NULL;
}

void
offload_free(struct offload *o)
{
	int i;

	if (o == NULL)
		return;
	offload_wait(o);
	pthread_mutex_lock(&o->mu);
	o->stop = 1;
	pthread_cond_broadcast(&o->more);
	pthread_mutex_unlock(&o->mu);
	for (i = 0; i < o->n_threads; i++)
		pthread_join(o->threads[i].t, NULL);
	event_free(o->ev);
	close(o->efd);
	pthread_cond_destroy(&o->more);
	pthread_cond_destroy(&o->finished);
	pthread_mutex_destroy(&o->mu);
	free(o->threads);
	free(o->name);
	free(o);
}
