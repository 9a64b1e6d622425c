/* exec: sources: a command's run on the loop, as a transfer is, through posix_spawn.
 *
 * The command is /bin/sh -c COMMAND, the leader of a process group of its own, so that a
 * timeout, the size cap or its end can kill whatever it started (kill(-pgid)).  Its exit is
 * seen through a pidfd, which is readable once the leader is a zombie: the group is killed
 * then, before the zombie is reaped, while its number cannot be reused.  Nothing blocks:
 * the pipes are non-blocking and read by events, the pidfd is an event too (without pidfds,
 * a short timer asks waitid).  A command freed while it runs is killed and kept as an orphan
 * until its pidfd says it is gone; only command_reap_all, at exit, waits for the killed. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_PIDFD_OPEN
#include <sys/pidfd.h>
#endif

#include <event2/event.h>

#include "buf.h"
#include "command.h"
#include "entry.h"
#include "log.h"
#include "xmalloc.h"

#define READ_CHUNK (64 * 1024)
#define READS_PER_WAKE 16 /* then the loop serves others: a fast writer cannot hold it */
#define REAP_POLL_MS 50   /* how often waitid is asked where there are no pidfds */

struct command {
	struct event_base *base;
	pid_t pid;           /* the leader, and the group's id; 0 once reaped */
	int out, err, pidfd; /* -1 once closed */
	struct event *ev_out, *ev_err, *ev_exit, *timer;
	struct buf line;     /* stderr's line being read, its first COMMAND_STDERR_MAX bytes */
	char *last;          /* stderr's last line that was not blank */
	size_t max_body;
	long timeout;
	int status; /* the leader's wait status */
	int timed_out, too_big, read_errno;
	int lost; /* the leader was reaped by someone else: how it ended is unknown */
	int orphan; /* freed while running: killed, reaped on the loop, then destroyed */
	struct command *next, *prev; /* in orphans */
	struct fetch_result r;
	fetch_done_cb done;
	void *arg;
};

/* Freed while they ran, killed, their leaders not reaped yet. */
static struct command *orphans;

int
command_is_source(const char *s)
{
	return strncasecmp(s, "exec:", 5) == 0;
}

const char *
command_text(const char *source)
{
	const char *p = source + 5;

	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* /bin/sh -c in its own group, on two pipes, with the small environment. */
static int
spawn(struct command *c, const struct fetch_opts *o, char *err, size_t errlen)
{
	char *argv[] = {"sh", "-c", (char *)command_text(o->url), NULL};
	char *env[5] = {NULL};
	int out[2] = {-1, -1}, er[2] = {-1, -1}, e = 0, i;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;

	if (pipe2(out, O_CLOEXEC) == -1 || pipe2(er, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	xasprintf(&env[0], "PATH=%s", COMMAND_PATH);
	xasprintf(&env[1], "HOME=%s", o->home ? o->home : "/");
	env[2] = xstrdup("LANG=C.UTF-8");
	if (o->name)
		xasprintf(&env[3], "FEEDD_FEED=%s", o->name);
	sigemptyset(&none);
	sigfillset(&all); /* the daemon ignores SIGPIPE: an ignored signal would outlive exec */
	if (posix_spawn_file_actions_init(&fa) != 0 || posix_spawnattr_init(&at) != 0)
		fatalx("command: out of memory");
	e |= posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	e |= posix_spawnattr_setpgroup(&at, 0);
	e |= posix_spawnattr_setsigmask(&at, &none);
	e |= posix_spawnattr_setsigdefault(&at, &all);
	e |= posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	e |= posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	e |= posix_spawn_file_actions_adddup2(&fa, er[1], 2);
	/* feedd's descriptors are close-on-exec, but not every library's (libcurl 7.88's wakeup
	 * socketpair), nor what feedd was started with: none passes this */
	e |= posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	if (o->dir)
		e |= posix_spawn_file_actions_addchdir_np(&fa, o->dir);
	if (e != 0)
		fatalx("command: cannot describe the spawn");
	e = posix_spawn(&c->pid, "/bin/sh", &fa, &at, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (e != 0) {
		c->pid = 0;
		snprintf(err, errlen, "cannot run /bin/sh%s%s: %s", o->dir ? " in " : "",
		    o->dir ? o->dir : "", strerror(e));
		goto fail;
	}
	close(out[1]);
	close(er[1]);
	c->out = out[0];
	c->err = er[0];
	fcntl(c->out, F_SETFL, O_NONBLOCK);
	fcntl(c->err, F_SETFL, O_NONBLOCK);
	for (i = 0; i < 5; i++)
		free(env[i]);
	return 0;
fail:
	for (i = 0; i < 2; i++) {
		if (out[i] != -1)
			close(out[i]);
		if (er[i] != -1)
			close(er[i]);
	}
	for (i = 0; i < 5; i++)
		free(env[i]);
	return -1;
}

static void
close_pipe(int *fd, struct event **ev)
{
	if (*ev)
		event_free(*ev);
	*ev = NULL;
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

/* Kills the group; the leader is unreaped (c->pid set), so the group's id is still its own. */
static void
kill_group(struct command *c)
{
	if (c->pid > 0)
		kill(-c->pid, SIGKILL);
}

static void
size_text(char *s, size_t n, size_t bytes)
{
	if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
		snprintf(s, n, "%zu MiB", bytes / (1024 * 1024));
	else
		snprintf(s, n, "%zu bytes", bytes);
}

/* What the run gave, once the leader is reaped and both pipes are closed. */
static void
finish(struct command *c)
{
	struct fetch_result *r = &c->r;
	const char *sep = c->last ? ": " : "", *last = c->last ? c->last : "";
	char size[64];

	if (r->error != NULL) {
		/* it never started */
	} else if (c->timed_out) {
		xasprintf(&r->error, "exec: killed after %ld s", c->timeout);
	} else if (c->too_big) {
		size_text(size, sizeof(size), c->max_body);
		xasprintf(&r->error, "exec: output over %s", size);
	} else if (c->lost) {
		xasprintf(&r->error, "exec: how the command ended is unknown (reaped elsewhere)");
	} else if (c->read_errno) {
		xasprintf(&r->error, "exec: reading its output: %s", strerror(c->read_errno));
	} else if (WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0) {
		r->ok = 1;
		r->mtime = (int64_t)time(NULL);
		buf_reserve(&r->body, 0); /* a body is never NULL when ok */
	} else if (WIFEXITED(c->status)) {
		xasprintf(&r->error, "exec: exit status %d%s%s", WEXITSTATUS(c->status), sep, last);
	} else {
		xasprintf(&r->error, "exec: killed by signal %d (%s)%s%s", WTERMSIG(c->status),
		    strsignal(WTERMSIG(c->status)), sep, last);
	}
	if (!r->ok)
		buf_free(&r->body);
}

/* Calls back once everything is over; the last thing done with c. */
static void destroy(struct command *);

static void
check_done(struct command *c)
{
	if (c->pid != 0 || c->out != -1 || c->err != -1)
		return;
	if (c->orphan) {
		if (c->prev)
			c->prev->next = c->next;
		else
			orphans = c->next;
		if (c->next)
			c->next->prev = c->prev;
		destroy(c);
		return;
	}
	if (c->timer)
		evtimer_del(c->timer);
	finish(c);
	c->done(&c->r, c->arg);
}

/* A timeout or the size cap: the group is killed, its output no longer read. */
static void
stop(struct command *c)
{
	kill_group(c);
	close_pipe(&c->out, &c->ev_out);
	close_pipe(&c->err, &c->ev_err);
}

static void
out_cb(evutil_socket_t fd, short what, void *arg)
{
	struct command *c = arg;
	struct buf *b = &c->r.body;
	int i;

	(void)what;
	for (i = 0; i < READS_PER_WAKE; i++) {
		size_t room = c->max_body + 1 - b->len; /* one byte more tells it is over */
		ssize_t n;

		if (room > READ_CHUNK)
			room = READ_CHUNK;
		buf_reserve(b, room);
		n = read(fd, b->data + b->len, room);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			if (n == -1)
				c->read_errno = errno;
			close_pipe(&c->out, &c->ev_out);
			break;
		}
		b->len += (size_t)n;
		b->data[b->len] = '\0';
		if (b->len > c->max_body) {
			c->too_big = 1;
			stop(c);
			break;
		}
	}
	check_done(c);
}

static void
take_line(struct command *c)
{
	size_t n = c->line.len;

	while (n > 0 && strchr(" \t\r", c->line.data[n - 1]))
		n--;
	if (n > 0) {
		c->line.data[n] = '\0';
		free(c->last);
		c->last = entry_strdup_clean(c->line.data); /* valid UTF-8, no controls */
	}
	buf_reset(&c->line);
}

static void
err_cb(evutil_socket_t fd, short what, void *arg)
{
	struct command *c = arg;
	char chunk[4096];
	ssize_t n, k;
	int i;

	(void)what;
	for (i = 0; i < READS_PER_WAKE; i++) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			take_line(c);
			close_pipe(&c->err, &c->ev_err);
			check_done(c);
			return;
		}
		for (k = 0; k < n; k++) {
			if (chunk[k] == '\n')
				take_line(c);
			else if (c->line.len < COMMAND_STDERR_MAX)
				buf_addc(&c->line, chunk[k]);
		}
	}
}

/* The pidfd is readable (or the poll timer fired): if the leader has exited, what is left of
 * its group is killed and the leader reaped. */
static void
exit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct command *c = arg;
	siginfo_t si;
	int st;

	(void)fd;
	(void)what;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOHANG | WNOWAIT) == -1 &&
	    errno == ECHILD) {
		c->lost = 1; /* reaped already (SIGCHLD ignored): its number may be another's now */
		goto reaped;
	}
	if (si.si_pid != c->pid)
		return; /* not yet */
	kill_group(c);
	while (waitpid(c->pid, &st, 0) == -1 && errno == EINTR)
		; /* a zombie: at once */
	c->status = st;
reaped:
	c->pid = 0;
	event_free(c->ev_exit);
	c->ev_exit = NULL;
	if (c->pidfd != -1)
		close(c->pidfd);
	c->pidfd = -1;
	check_done(c);
}

static void
timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct command *c = arg;

	(void)fd;
	(void)what;
	c->timed_out = 1;
	stop(c);
	check_done(c);
}

/* A command that never started fails from the loop, as one that ran would. */
static void
failed_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	check_done(arg);
}

struct command *
command_start(struct event_base *base, const struct fetch_opts *o, fetch_done_cb done,
    void *arg)
{
	struct command *c = xcalloc(1, sizeof(*c));
	struct timeval now = {0, 0}, poll = {0, REAP_POLL_MS * 1000}, tv;
	char err[512];

	c->base = base;
	c->out = c->err = c->pidfd = -1;
	c->max_body = o->max_body ? o->max_body : FETCH_MAX_BODY_DEFAULT;
	c->timeout = o->timeout > 0 ? o->timeout : FETCH_TIMEOUT_DEFAULT;
	c->done = done;
	c->arg = arg;
	if (spawn(c, o, err, sizeof(err)) == -1) {
		xasprintf(&c->r.error, "exec: %s", err);
		c->timer = evtimer_new(base, failed_cb, c);
		evtimer_add(c->timer, &now);
		return c;
	}
	c->ev_out = event_new(base, c->out, EV_READ | EV_PERSIST, out_cb, c);
	c->ev_err = event_new(base, c->err, EV_READ | EV_PERSIST, err_cb, c);
#ifdef HAVE_PIDFD_OPEN
	c->pidfd = pidfd_open(c->pid, 0); /* close-on-exec, always */
#endif
	if (c->pidfd != -1)
		c->ev_exit = event_new(base, c->pidfd, EV_READ | EV_PERSIST, exit_cb, c);
	else
		c->ev_exit = event_new(base, -1, EV_PERSIST, exit_cb, c);
	c->timer = evtimer_new(base, timeout_cb, c);
	if (!c->ev_out || !c->ev_err || !c->ev_exit || !c->timer)
		fatalx("command: event_new failed");
	event_add(c->ev_out, NULL);
	event_add(c->ev_err, NULL);
	event_add(c->ev_exit, c->pidfd != -1 ? NULL : &poll);
	tv.tv_sec = c->timeout;
	tv.tv_usec = 0;
	evtimer_add(c->timer, &tv);
	return c;
}

static void
destroy(struct command *c)
{
	close_pipe(&c->out, &c->ev_out);
	close_pipe(&c->err, &c->ev_err);
	close_pipe(&c->pidfd, &c->ev_exit);
	if (c->timer)
		event_free(c->timer);
	buf_free(&c->line);
	free(c->last);
	fetch_result_free(&c->r);
	free(c);
}

/* A running command is killed, and reaped when its pidfd (or the poll) says it has exited:
 * never waited for here, since a process the kernel holds (a hung NFS read) could take long. */
void
command_free(struct command *c)
{
	if (c == NULL)
		return;
	if (c->pid == 0) {
		destroy(c);
		return;
	}
	stop(c);
	if (c->timer)
		evtimer_del(c->timer);
	c->orphan = 1;
	c->prev = NULL;
	c->next = orphans;
	if (orphans)
		orphans->prev = c;
	orphans = c;
}

void
command_reap_all(void)
{
	int st;

	while (orphans) {
		struct command *c = orphans;

		orphans = c->next;
		while (waitpid(c->pid, &st, 0) == -1 && errno == EINTR)
			; /* killed: it goes at once, unless the kernel holds it */
		c->pid = 0;
		destroy(c);
	}
}

struct run {
	struct fetch_result *r;
	struct event_base *base;
};

static void
run_done(struct fetch_result *r, void *arg)
{
	struct run *x = arg;

	*x->r = *r;
	memset(r, 0, sizeof(*r));
	event_base_loopbreak(x->base);
}

int
command_run(const struct fetch_opts *o, struct fetch_result *r)
{
	struct run x = {r, event_base_new()};
	struct command *c;

	memset(r, 0, sizeof(*r));
	if (x.base == NULL)
		fatalx("command: event_base_new failed");
	c = command_start(x.base, o, run_done, &x);
	event_base_dispatch(x.base);
	command_free(c);
	event_base_free(x.base);
	return r->ok ? 0 : -1;
}
