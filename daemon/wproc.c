/* The daemon's end of one worker: it starts the process and reads what it says as hostile. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "entry.h"
#include "log.h"
#include "sandbox.h"
#include "worker.h"
#include "wproc.h"
#include "xmalloc.h"

/* The program a worker runs: this one, found once (a later upgrade on disk does not matter
 * until the restart it calls for). */
static const char *
self_path(void)
{
	static char self[PATH_MAX];
	ssize_t n;

	if (self[0] == '\0') {
		if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
			return NULL;
		self[n] = '\0';
	}
	return self;
}

/* In the child between fork and exec: the channel on WORKER_CHANNEL_FD, /dev/null below it,
 * nothing above, default signals, and death with the daemon. */
static void
child(int chan, pid_t parent, const char *exe, char *const argv[])
{
	sigset_t all;
	int null, sig;

	setsid();
	/* a conversion waits for the CPU, never a client: the daemon serves at its own priority
	 * (the systemd unit's filter refuses setpriority with EPERM: there workers keep it) */
	setpriority(PRIO_PROCESS, 0, getpriority(PRIO_PROCESS, 0) + WPROC_NICE);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
		_exit(127);
	if (chan == WORKER_CHANNEL_FD) {
		if (fcntl(chan, F_SETFD, 0) == -1)
			_exit(127);
	} else if (dup2(chan, WORKER_CHANNEL_FD) == -1) {
		_exit(127);
	}
	if ((null = open("/dev/null", O_RDWR)) == -1 || dup2(null, 0) == -1 ||
	    dup2(null, 1) == -1 || dup2(null, 2) == -1)
		_exit(127);
	close_range(WORKER_CHANNEL_FD + 1, ~0U, 0);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	execv(exe, argv);
	_exit(127);
}

int
wproc_spawn(struct wproc *w, const char *plugin_dir, long long memory, char *err, size_t errlen)
{
	const char *exe = self_path();
	char mem[32];
	char *argv[] = {"feedd", "worker", "-m", mem, (char *)plugin_dir, NULL};
	pid_t parent = getpid();
	int sv[2];

	int quiet = w->quiet;

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	w->quiet = quiet;
	snprintf(mem, sizeof(mem), "%lld", memory);
	if (exe == NULL || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		snprintf(err, errlen, "cannot start a worker: %s", strerror(errno));
		return -1;
	}
	if ((w->pid = fork()) == -1) {
		snprintf(err, errlen, "cannot start a worker: fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		w->pid = 0;
		return -1;
	}
	if (w->pid == 0)
		child(sv[1], parent, exe, argv);
	close(sv[1]);
	w->fd = sv[0];
	fcntl(w->fd, F_SETFL, O_NONBLOCK);
	return 0;
}

int
wproc_read(struct wproc *w)
{
	ssize_t n;

	for (;;) {
		n = read(w->fd, wire_in_space(&w->in, WPROC_READ_MAX), WPROC_READ_MAX);
		if (n > 0) {
			w->in.b.len += (size_t)n;
			return 1;
		}
		if (n == 0)
			return -1;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	}
}

/* A plugin description: name, version, description, flags, options. */
static int
take_plugin(struct wire_rd *r, struct plugin_set *set)
{
	char *name = wire_get_str(r, 256), *version = wire_get_str(r, 256);
	char *desc = wire_get_str(r, 1024), *opts[256];
	uint32_t flags = wire_get_u32(r), n = wire_get_u32(r), i;

	if (n > 256)
		return -1;
	for (i = 0; i < n; i++)
		opts[i] = wire_get_str(r, 256);
	if (!wire_rd_done(r))
		return -1;
	if (plugins_add_described(set, name, version, desc, flags, opts, n) == -1)
		log_warnx("worker: plugin '%s' refused: no valid name, or a second of that name",
		    name ? name : "");
	return 0;
}

int
wproc_hello(struct wproc *w, struct plugin_set *set, char *err, size_t errlen)
{
	struct wire_rd r;
	int type, rc;
	char *line;

	while ((rc = wire_next(&w->in, WIRE_SMALL_MAX, &type, &r)) == 1) {
		switch (type) {
		case WIRE_PLUGIN:
			if (set->n >= 1024 || take_plugin(&r, set) == -1)
				goto bad;
			break;
		case WIRE_LOG:
			if ((line = wire_get_str(&r, 1024)) == NULL || !wire_rd_done(&r))
				goto bad;
			line = entry_strdup_clean(line);
			if (w->quiet)
				log_debug("%s", line ? line : "");
			else
				log_warnx("%s", line ? line : "");
			free(line);
			break;
		case WIRE_READY:
			return 1;
		default:
			goto bad;
		}
	}
	if (rc == 0)
		return 0;
bad:
	snprintf(err, errlen, "worker %ld: malformed start (frame '%c')", (long)w->pid,
	    type > ' ' && type < 127 ? type : '?');
	return -1;
}

void
wproc_kill(struct wproc *w, int *status)
{
	int st = 0;

	if (w->pid > 0) {
		kill(w->pid, SIGKILL);
		while (waitpid(w->pid, &st, 0) == -1 && errno == EINTR)
			;
		w->pid = 0;
	}
	if (status)
		*status = st;
	if (w->fd != -1)
		close(w->fd);
	w->fd = -1;
	wire_in_free(&w->in);
}

void
wproc_close(struct wproc *w)
{
	int i, st;

	if (w->fd != -1)
		close(w->fd);
	w->fd = -1;
	for (i = 0; w->pid > 0 && i < 100; i++) { /* a worker exits at once on end of file */
		if (waitpid(w->pid, &st, WNOHANG) == w->pid) {
			w->pid = 0;
			break;
		}
		usleep(1000);
	}
	wproc_kill(w, NULL);
}

void
job_encode_head(struct buf *b, const char *plugin, size_t max, const struct optlist *opts,
    const struct input *in)
{
	size_t at = wire_begin(b, WIRE_JOB), i, n = opts ? opts->n : 0;

	wire_str(b, plugin);
	wire_u32(b, (uint32_t)(max && max < WPROC_ENTRIES_MAX ? max : WPROC_ENTRIES_MAX));
	wire_u32(b, (uint32_t)n);
	for (i = 0; i < n; i++) {
		wire_str(b, opts->v[i].key);
		wire_str(b, opts->v[i].value);
	}
	wire_str(b, in->url);
	wire_str(b, in->content_type);
	wire_str(b, in->charset);
	wire_u32(b, (uint32_t)in->len);
	wire_end_plus(b, at, in->len);
}

int
wproc_input_write(int fd, const char *data, size_t len)
{
	size_t off = 0;
	ssize_t n;

	/* data[len] is the NUL after the bytes that a plugin's input has: written with them */
	while (off < len + 1) {
		if ((n = pwrite(fd, data + off, len + 1 - off, (off_t)off)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return errno ? -1 : (errno = EIO, -1);
		off += (size_t)n;
	}
	return ftruncate(fd, (off_t)len + 1); /* what a longer input before left goes */
}

int
wproc_input_memfd(const char *data, size_t len)
{
	int fd, e;

	if ((fd = memfd_create("feedd-input", MFD_CLOEXEC | MFD_ALLOW_SEALING)) == -1)
		return -1;
	if (wproc_input_write(fd, data, len) == -1 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) == -1) {
		e = errno ? errno : EIO;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

void
job_head_to_fd(struct buf *b)
{
	b->data[0] = WIRE_JOB_FD;
	wire_end(b, 0);
}

ssize_t
wproc_send(int sock, const void *p, size_t n, int fd)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = {(void *)p, n};
	struct msghdr m = {0};
	struct cmsghdr *c;

	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	if (fd != -1) {
		memset(&u, 0, sizeof(u));
		m.msg_control = u.space;
		m.msg_controllen = sizeof(u.space);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
}

void
job_encode(struct buf *b, const char *plugin, size_t max, const struct optlist *opts,
    const struct input *in)
{
	job_encode_head(b, plugin, max, opts, in);
	buf_add(b, in->data, in->len);
}

void
answer_init(struct answer *a, const struct plugin *pl, struct harvest *h, long long memory)
{
	memset(a, 0, sizeof(*a));
	a->plugin = pl->p->name;
	a->safe_html = (pl->p->flags & FEEDD_PLUGIN_SAFE_HTML) != 0;
	a->h = h;
	a->syscall = -1;
	a->memory = memory;
	if (h->max == 0 || h->max > WPROC_ENTRIES_MAX)
		h->max = WPROC_ENTRIES_MAX;
	/* entries the filter drops take no room, so the worker cannot know when to stop */
	a->asked = filter_is_set(h->filter) ? WPROC_ENTRIES_MAX : h->max;
}

void
answer_fail(struct answer *a, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	free(a->h->error);
	xasprintf(&a->h->error, "plugin %s: %s", a->plugin, why);
	a->failed = 1;
}

static int
take_entry(struct answer *a, struct wire_rd *r)
{
	const char *cats[WIRE_CATEGORIES_MAX + 1];
	struct feedd_enclosure encs[WIRE_ENCLOSURES_MAX];
	struct feedd_entry e;

	if (wire_get_entry(r, &e, cats, encs) == -1) {
		answer_fail(a, "malformed entry");
		return -1;
	}
	if (++a->entries > a->asked) {
		answer_fail(a, "more entries than the %zu asked for", a->asked);
		return -1;
	}
	/* the promise of safe HTML is the plugin's, as the worker described it at start, and is
	 * checked entry by entry (entry_from_plugin): a worker may have turned hostile since */
	if (harvest_emit(a->h, &a->ids, &e, a->safe_html) == -1 ||
	    (a->h->max && a->h->n >= a->h->max))
		a->full = 1;
	return 0;
}

/* One frame of an answer: 1 at the end, 0 for more, -1 broken. */
static int
take_frame(struct answer *a, int type, struct wire_rd *r)
{
	struct feedd_feed_info fi;
	char *line;

	if (type != WIRE_ENTRY && r->end - r->p > (long)WIRE_SMALL_MAX)
		type = 0;
	switch (type) {
	case WIRE_ENTRY:
		return take_entry(a, r);
	case WIRE_INFO:
		if (wire_get_info(r, &fi) == -1)
			break;
		harvest_feed_info(a->h, &fi);
		return 0;
	case WIRE_ERROR:
		if ((line = wire_get_str(r, 1024)) == NULL || !wire_rd_done(r))
			break;
		free(a->h->warning); /* the last one: the error if the run fails */
		a->h->warning = entry_strdup_clean(line);
		return 0;
	case WIRE_DONE:
		a->failed = wire_get_u32(r) != 0;
		if (!wire_rd_done(r))
			break;
		a->done = 1;
		return 1;
	case WIRE_SYSCALL:
		a->syscall = wire_get_u32(r);
		return 0;
	case WIRE_NOMEM:
		a->nomem = 1;
		return 0;
	}
	answer_fail(a, "malformed answer (a frame of type 0x%02x)", (unsigned)type & 0xff);
	return -1;
}

int
answer_take(struct answer *a, struct wproc *w)
{
	struct wire_rd r;
	size_t before = w->in.off;
	int type, rc;

	while ((rc = wire_next(&w->in, WIRE_ENTRY_MAX, &type, &r)) == 1) {
		a->bytes += w->in.off - before;
		before = w->in.off;
		if (a->bytes > WPROC_ANSWER_MAX) {
			answer_fail(a, "an answer larger than %u MiB", WPROC_ANSWER_MAX >> 20);
			return -1;
		}
		if ((rc = take_frame(a, type, &r)) != 0)
			break;
	}
	if (rc == -1 && !a->failed)
		answer_fail(a, "malformed answer (a frame too large)");
	if (rc == 1 && a->failed && a->h->error == NULL) {
		a->h->error = a->h->warning;
		a->h->warning = NULL;
	}
	if (rc == 1 && a->failed && a->h->error == NULL)
		answer_fail(a, "failed");
	return rc;
}

void
answer_died(struct answer *a, int status)
{
	char name[64];

	if (a->nomem)
		answer_fail(a, "out of memory (plugin_memory %lld MiB)", a->memory >> 20);
	else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS && a->syscall >= 0)
		answer_fail(a, "killed for a forbidden system call (%s)",
		    sandbox_syscall_name((uint32_t)a->syscall, name, sizeof(name)));
	else if (WIFSIGNALED(status))
		answer_fail(a, "killed by SIG%s", sigabbrev_np(WTERMSIG(status)) ?
		    sigabbrev_np(WTERMSIG(status)) : "?");
	else if (WIFEXITED(status))
		answer_fail(a, "exited with status %d", WEXITSTATUS(status));
	else
		answer_fail(a, "its worker ended");
}

void
answer_stop(struct answer *a, struct wproc *w)
{
	static const char stop[WIRE_HEADER] = {WIRE_STOP, 0, 0, 0, 0};

	if (!a->full || a->stop_sent || a->done || w->fd == -1)
		return;
	/* the channel is empty this way (the job was read whole before any entry came): a
	 * full buffer would mean a worker that reads nothing, which the timeout ends */
	(void)!send(w->fd, stop, sizeof(stop), MSG_DONTWAIT | MSG_NOSIGNAL);
	a->stop_sent = 1;
}

void
answer_free(struct answer *a)
{
	idset_free(&a->ids);
}

static long
ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)((deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000);
}

/* Sends job and reads until the answer is complete (1), broken (-1), the worker is gone
 * (-2) or time is up (-3). */
static int
exchange(struct wproc *w, struct answer *a, const struct buf *job, int fd, long timeout)
{
	struct timespec deadline;
	size_t sent = 0;
	ssize_t n;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout;
	/* the channel is empty at a job's start: the first piece goes before any poll */
	if ((n = wproc_send(w->fd, job->data, job->len, fd)) > 0)
		sent = (size_t)n;
	for (;;) {
		struct pollfd p = {w->fd, POLLIN | (sent < job->len ? POLLOUT : 0), 0};
		long left = ms_left(&deadline);

		if (left <= 0)
			return -3;
		if (poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left) == -1 && errno != EINTR)
			return -2;
		if ((p.revents & POLLOUT) && (n = wproc_send(w->fd, job->data + sent,
		                                  job->len - sent, sent ? -1 : fd)) > 0)
			sent += (size_t)n;
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			int got = wproc_read(w);

			if ((rc = answer_take(a, w)) != 0)
				return rc;
			if (got == -1)
				return -2;
			if (sent == job->len)
				answer_stop(a, w);
		}
	}
}

int
wproc_run(struct wproc *w, const struct plugin *pl, const struct optlist *opts,
    const struct input *in, long timeout, long long memory, struct harvest *h)
{
	struct buf job = BUF_INIT;
	struct answer a;
	int rc, status, fd = -1;

	answer_init(&a, pl, h, memory);
	harvest_set_base(h, in->url);
	/* a large input in a memfd, as the pool sends it; inline if none can be made */
	if (in->len > WPROC_INLINE_MAX && (fd = wproc_input_memfd(in->data, in->len)) != -1) {
		job_encode_head(&job, pl->p->name, a.asked, opts, in);
		job_head_to_fd(&job);
	} else {
		job_encode(&job, pl->p->name, a.asked, opts, in);
	}
	rc = exchange(w, &a, &job, fd, timeout);
	buf_free(&job);
	if (fd != -1)
		close(fd);
	if (rc == -3) {
		wproc_kill(w, NULL);
		answer_fail(&a, "no answer in %ld s", timeout);
	} else if (rc == -2) {
		wproc_kill(w, &status); /* it is gone or going: what it said last is all there is */
		answer_died(&a, status);
	} else if (rc == -1) {
		wproc_kill(w, NULL);
	}
	answer_free(&a);
	return rc == 1 && !a.failed ? 0 : -1;
}

int
wproc_check_open(struct wproc *w, const struct plugin *pl, const struct optlist *opts,
    long timeout, char **why)
{
	struct buf frame = BUF_INIT;
	struct harvest h = {0};
	struct answer a;
	size_t at, i;
	int rc;

	if (w->fd == -1) {
		xasprintf(why, "plugin %s: no worker to check its options", pl->p->name);
		return -2;
	}
	at = wire_begin(&frame, WIRE_OPEN);
	wire_str(&frame, pl->p->name);
	wire_u32(&frame, (uint32_t)opts->n);
	for (i = 0; i < opts->n; i++) {
		wire_str(&frame, opts->v[i].key);
		wire_str(&frame, opts->v[i].value);
	}
	wire_end(&frame, at);
	answer_init(&a, pl, &h, 0);
	rc = exchange(w, &a, &frame, -1, timeout);
	buf_free(&frame);
	if (rc == 1 && !a.failed) {
		rc = 0;
	} else if (rc == 1) {
		rc = -1;
	} else {
		if (rc == -3)
			answer_fail(&a, "no answer in %ld s", timeout);
		else if (rc == -2)
			answer_fail(&a, "its worker ended");
		wproc_kill(w, NULL);
		rc = -2;
	}
	*why = h.error;
	h.error = NULL;
	answer_free(&a);
	harvest_free(&h);
	return rc;
}

int
wproc_start(struct wproc *w, const char *plugin_dir, long long memory, long timeout,
    struct plugin_set *set, char *err, size_t errlen)
{
	struct timespec deadline;
	int rc;

	if (wproc_spawn(w, plugin_dir, memory, err, errlen) == -1)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout;
	for (;;) {
		struct pollfd p = {w->fd, POLLIN, 0};
		long left = ms_left(&deadline);

		if ((rc = wproc_hello(w, set, err, errlen)) == 1)
			return 0;
		if (rc == -1)
			break;
		if (left <= 0) {
			snprintf(err, errlen, "worker: not ready in %ld s", timeout);
			break;
		}
		poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (wproc_read(w) == -1 && (rc = wproc_hello(w, set, err, errlen)) != 1) {
			if (rc == 0)
				snprintf(err, errlen, "worker: ended before it was ready");
			break;
		}
		if (rc == 1)
			return 0;
	}
	wproc_kill(w, NULL);
	return -1;
}
