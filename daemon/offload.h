/* Threads beside the event loop, for the work that may take longer than a loop pass. */
#ifndef FEEDD_OFFLOAD_H
#define FEEDD_OFFLOAD_H

struct event_base;
struct offload;

/* Runs on a thread of the offload; it must touch only what its argument gives it. */
typedef void offload_work_fn(void *arg);
/* Runs on the loop, once the job's work has returned. */
typedef void offload_done_fn(void *arg);

/*
 * Starts threads (at least one) that take jobs first come, first served; name is for the log
 * and the threads' names ("feedd-NAME").  The loop hears of finished jobs through one eventfd.
 */
struct offload *offload_new(struct event_base *, int threads, const char *name);
/* Queues work(arg) for a thread, then done(arg) on the loop.  Never blocks. */
void offload_submit(struct offload *, offload_work_fn *work, offload_done_fn *done, void *arg);
/* Jobs submitted whose done has not run yet. */
unsigned offload_pending(const struct offload *);
/* Blocks the loop until every job submitted has run its done (for an exit or a final save). */
void offload_wait(struct offload *);
/*
 * As offload_wait, but each job still at work is interrupted: its threads get a signal that
 * ends a blocking system call with EINTR (an open() of a FIFO no one writes), every 50 ms until
 * all done have run.  For work whose result nobody wants any more (the reads at exit), never
 * for a save.
 */
void offload_interrupt(struct offload *);
/*
 * How long the job whose argument is arg has been at work on a thread, in ms, or -1 if no
 * thread runs it now (it is queued, or done).
 */
long offload_running_ms(struct offload *, const void *arg);
/*
 * Interrupts the job whose argument is arg, if a thread runs it now: that thread gets the
 * signal of offload_interrupt, which ends a blocking system call with EINTR.  Returns 1 if it
 * was sent, 0 if no thread runs that job.  The job may enter its blocking call just after:
 * the caller sends it again (every 50 ms, say) until the job's done has run.
 */
int offload_kick(struct offload *, const void *arg);
/*
 * As offload_wait, but for ms at most: returns 0 once every job has run its done, -1 if some
 * are still at work when the time is up (their done has not run).
 */
int offload_wait_for(struct offload *, long ms);
/*
 * Gives up on the jobs still at work (at exit, after offload_wait_for timed out): queued ones
 * are dropped, no done runs again, and the threads are left to the process's exit: the caller
 * must not free what the jobs at work touch, nor the offload (it is leaked, with them).
 */
void offload_abandon(struct offload *);
/* Waits for every job (offload_wait), then ends the threads. */
void offload_free(struct offload *);

#endif
