/* Command sources: `exec:COMMAND` run by /bin/sh -c, its standard output taken as fetched. */
#ifndef FEEDD_COMMAND_H
#define FEEDD_COMMAND_H

#include <stddef.h>

#include "fetch.h"

#define COMMAND_PATH "/usr/local/bin:/usr/bin:/bin" /* PATH in a command's environment */
#define COMMAND_STDERR_MAX 512 /* bytes of stderr's last line kept for the error */

/* Non-zero if s is an exec: source (the scheme in any case). */
int command_is_source(const char *s);
/* The command of an exec: source, white space at its start skipped ("" if none). */
const char *command_text(const char *source);

struct event_base;
struct command;

/*
 * Starts o->url's command on the loop: /bin/sh -c COMMAND in its own process group, stdin
 * /dev/null, stdout and stderr on pipes, nothing else open, the environment PATH=COMMAND_PATH,
 * HOME=o->home (or /), LANG=C.UTF-8 and FEEDD_FEED=o->name (when given), in o->dir (or the
 * daemon's folder).  Past o->timeout or o->max_body the group is killed and the run fails;
 * once sh exits, what is left of its group is killed too.  done is called once, from the
 * loop and never from inside this call, as the last thing the command does: it may
 * command_free it then.  r is the command's, freed by command_free.  Never NULL.
 */
struct command *command_start(struct event_base *, const struct fetch_opts *o,
    fetch_done_cb done, void *arg);
/* Frees the command without calling back.  A running one is killed (SIGKILL to its group) and
 * reaped later on the loop, as its exit is seen; the loop must then go on, or
 * command_reap_all be called before the event_base is freed. */
void command_free(struct command *);
/* Waits for every killed command not reaped yet and frees it (at exit, before event_base_free;
 * a killed process goes at once unless the kernel holds it). */
void command_reap_all(void);
/* A blocking run (for `feedd convert`) on a loop of its own.  Returns 0 if r->ok, else -1. */
int command_run(const struct fetch_opts *o, struct fetch_result *r);

#endif
