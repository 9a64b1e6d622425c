/* A worker process: loads the plugins, confines itself, then runs jobs from its channel. */
#ifndef FEEDD_WORKER_H
#define FEEDD_WORKER_H

/* The descriptor a worker finds its channel on (0 to 2 are /dev/null). */
#define WORKER_CHANNEL_FD 3
/* How often a plugin may call emit after the host said no before its job is failed: a plugin
 * must return from segment() once emit returns -1. */
#define WORKER_REFUSED_MAX 1000

/*
 * `feedd worker [-m BYTES] DIR`, started by the daemon (never by hand) with a socketpair on
 * WORKER_CHANNEL_FD: speaks feedd-worker(5) until the channel closes.  Returns the exit code.
 */
int worker_main(int argc, char **argv);

#endif
