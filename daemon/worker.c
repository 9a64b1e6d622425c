/* The worker side of feedd-worker(5): plugins run here, confined, one job at a time. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "entry.h"
#include "log.h"
#include "plugins.h"
#include "sandbox.h"
#include "source.h"
#include "wire.h"
#include "worker.h"
#include "xmalloc.h"

#define FLUSH_AT (256 * 1024) /* answers go out in pieces this large */

static struct buf out = BUF_INIT;
static int input_fd = -1; /* the memfd that came with the next F frame, or -1 */

/* Writes what is pending; the channel is the daemon's, so a failure ends the worker. */
static void
flush(void)
{
	size_t off = 0;
	ssize_t n;

	while (off < out.len) {
		if ((n = write(WORKER_CHANNEL_FD, out.data + off, out.len - off)) == -1) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		off += (size_t)n;
	}
	buf_reset(&out);
}

static void
send_line(int type, const char *line)
{
	size_t at = wire_begin(&out, type);
	char cut[1024];

	snprintf(cut, sizeof(cut), "%s", line); /* a log or error line is short */
	wire_str(&out, cut);
	wire_end(&out, at);
}

static void
log_to_channel(int prio, const char *line)
{
	(void)prio;
	send_line(WIRE_LOG, line);
}

static void
send_plugin(const struct feedd_plugin *p)
{
	size_t at = wire_begin(&out, WIRE_PLUGIN), n = 0, i;

	wire_str(&out, p->name);
	wire_str(&out, p->version);
	wire_str(&out, p->description);
	wire_u32(&out, p->flags);
	while (p->options && p->options[n] && n < 256)
		n++;
	wire_u32(&out, (uint32_t)n);
	for (i = 0; i < n; i++)
		wire_str(&out, p->options[i]);
	wire_end(&out, at);
}

/* What a job's host callbacks need. */
struct job {
	const char *plugin;
	const struct optlist *opts;
	uint32_t max, sent, refused;
	int stopped; /* the daemon said X: it has all it keeps */
	char said[1024]; /* the last host->error line: sent once the run ends */
};

static const char *
job_option(void *ctx, const char *key)
{
	struct job *j = ctx;

	return optlist_get(j->opts, key);
}

/* A string longer than the core keeps goes cleaned and cut as the core would; shorter ones go
 * as they are, for the daemon to clean: either way the daemon makes what convert makes. */
static const char *
capped(const char *s, size_t max, char **tofree)
{
	if (s == NULL || strlen(s) <= max)
		return s;
	*tofree = max == ENTRY_TEXT_MAX ? entry_strdup_text(s) : entry_strdup_clean(s);
	return *tofree;
}

static void
put_entry(const struct feedd_entry *pe)
{
	struct feedd_entry e = *pe;
	char *f[8] = {0};
	const char *cats[WIRE_CATEGORIES_MAX + 1];
	struct feedd_enclosure encs[WIRE_ENCLOSURES_MAX];
	size_t at, i, n;

	e.id_key = capped(pe->id_key, ENTRY_SHORT_MAX, &f[0]);
	e.title = capped(pe->title, ENTRY_SHORT_MAX, &f[1]);
	e.link = capped(pe->link, ENTRY_SHORT_MAX, &f[2]);
	e.author = capped(pe->author, ENTRY_SHORT_MAX, &f[3]);
	e.summary = capped(pe->summary, ENTRY_TEXT_MAX, &f[4]);
	e.content = capped(pe->content, ENTRY_TEXT_MAX, &f[5]);
	e.caption = capped(pe->caption, ENTRY_SHORT_MAX, &f[6]);
	for (n = 0; pe->categories && pe->categories[n] && n < WIRE_CATEGORIES_MAX; n++)
		cats[n] = pe->categories[n] && strlen(pe->categories[n]) > ENTRY_SHORT_MAX
		    ? "" : pe->categories[n];
	cats[n] = NULL;
	e.categories = pe->categories ? cats : NULL;
	n = pe->enclosures ? pe->n_enclosures : 0;
	for (i = 0; i < n && i < WIRE_ENCLOSURES_MAX; i++) {
		encs[i] = pe->enclosures[i];
		if ((encs[i].url && strlen(encs[i].url) > ENTRY_SHORT_MAX) ||
		    (encs[i].type && strlen(encs[i].type) > ENTRY_SHORT_MAX))
			encs[i].url = encs[i].type = NULL; /* the daemon drops an enclosure without url */
	}
	e.enclosures = n ? encs : NULL;
	at = wire_begin(&out, WIRE_ENTRY);
	wire_put_entry(&out, &e);
	wire_end(&out, at);
	for (i = 0; i < 8; i++)
		free(f[i]);
}

static void
send_done(int failed)
{
	size_t at = wire_begin(&out, WIRE_DONE);

	wire_u32(&out, failed ? 1 : 0);
	wire_end(&out, at);
	flush();
}

/* Whether the daemon has said X (nothing else comes during a job): looked for at each flush,
 * without waiting.  A header not all there yet is looked for again at the next. */
static void
check_stop(struct job *j)
{
	unsigned char h[WIRE_HEADER];

	if (recv(WORKER_CHANNEL_FD, h, sizeof(h), MSG_DONTWAIT | MSG_PEEK) != WIRE_HEADER ||
	    h[0] != WIRE_STOP || h[1] || h[2] || h[3] || h[4])
		return;
	(void)!recv(WORKER_CHANNEL_FD, h, sizeof(h), MSG_DONTWAIT);
	j->stopped = 1;
}

static int
job_emit(void *ctx, const struct feedd_entry *pe)
{
	struct job *j = ctx;

	if (pe == NULL)
		return 0;
	if (j->sent >= j->max || j->stopped) {
		if (++j->refused > WORKER_REFUSED_MAX) {
			char line[512];

			snprintf(line, sizeof(line), "plugin %s: went on emitting entries after the "
			    "host asked it to stop", j->plugin);
			send_line(WIRE_ERROR, line);
			send_done(1);
			_exit(0); /* the plugin will not stop: neither will it get another job */
		}
		return -1;
	}
	j->sent++;
	put_entry(pe);
	if (out.len >= FLUSH_AT) {
		flush();
		check_stop(j);
	}
	return 0;
}

static void
job_feed_info(void *ctx, const struct feedd_feed_info *fi)
{
	size_t at;

	(void)ctx;
	if (fi == NULL)
		return;
	at = wire_begin(&out, WIRE_INFO);
	wire_put_info(&out, fi);
	wire_end(&out, at);
}

static void job_error(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
job_error(void *ctx, const char *fmt, ...)
{
	struct job *j = ctx;
	char *nl;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->said, sizeof(j->said), fmt, ap);
	va_end(ap);
	for (nl = j->said; (nl = strpbrk(nl, "\r\n")) != NULL;)
		*nl = ' '; /* one line, as the host in-process makes it (source.c) */
	for (nl = j->said + strlen(j->said); nl > j->said && nl[-1] == ' '; nl--)
		nl[-1] = '\0';
	if (j->said[0] == '\0')
		snprintf(j->said, sizeof(j->said), "unknown error");
}

static int
read_options(struct wire_rd *r, struct optlist *opts)
{
	uint32_t n, i;

	if ((n = wire_get_u32(r)) > 4096)
		return -1;
	for (i = 0; i < n && !r->bad; i++) {
		char *k = wire_get_str(r, 64 * 1024), *v = wire_get_str(r, 64 * 1024);

		optlist_add(opts, k ? k : "", v ? v : "", 0);
	}
	return 0;
}

/* The input of an F frame, len bytes: the memfd that came with it, mapped with the NUL the
 * daemon put after the bytes.  NULL if there is none, or it is not that long. */
static char *
map_input(size_t len)
{
	struct stat st;
	char *p;
	int fd = input_fd;

	input_fd = -1;
	if (fd == -1 || fstat(fd, &st) == -1 || st.st_size < 0 ||
	    (unsigned long long)st.st_size < (unsigned long long)len + 1) {
		if (fd != -1)
			close(fd);
		return NULL;
	}
	p = mmap(NULL, len + 1, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd); /* its pages go with the mapping: the daemon closed its own */
	if (p == MAP_FAILED)
		return NULL;
	if (p[len] != '\0') {
		munmap(p, len + 1);
		return NULL;
	}
	return p;
}

/* Reads a job's fields into opts and in; -1 if malformed.  The input of an F frame is mapped
 * (*mapped set), a J frame's is its last field. */
static int
read_job(struct wire_rd *r, int type, char **plugin, uint32_t *max, struct optlist *opts,
    struct input *in, int *mapped)
{
	size_t len = 0;

	*plugin = wire_get_str(r, 256);
	*max = wire_get_u32(r);
	if (read_options(r, opts) == -1)
		return -1;
	in->url = wire_get_str(r, 64 * 1024);
	in->content_type = wire_get_str(r, 1024);
	in->charset = wire_get_str(r, 1024);
	if (type == WIRE_JOB_FD) {
		len = wire_get_u32(r);
		in->data = NULL;
		if (wire_rd_done(r) && (in->data = map_input(len)) == NULL)
			return -1;
	} else {
		in->data = wire_get_bytes(r, &len);
	}
	*mapped = type == WIRE_JOB_FD && in->data != NULL;
	in->len = len;
	if (in->url == NULL)
		in->url = "";
	return wire_rd_done(r) && *plugin != NULL ? 0 : -1;
}

/* Opens the plugin a J or O frame names, with opts: 0, or -1 once the answer (its reason and
 * a failed D frame) is sent. */
static int
open_named(const struct plugin_set *set, const char *plugin, const struct optlist *opts,
    struct source *src)
{
	const struct plugin *pl = plugins_find(set, plugin);
	char line[512];

	if (pl == NULL) {
		snprintf(line, sizeof(line), "plugin %s: not in this worker", plugin);
		send_line(WIRE_ERROR, line);
		send_done(1);
		return -1;
	}
	if (source_open(src, pl, opts) == -1) {
		send_line(WIRE_ERROR, src->error);
		source_close(src);
		send_done(1);
		return -1;
	}
	return 0;
}

static void
run_job(const struct plugin_set *set, int type, struct wire_rd *r)
{
	struct optlist opts = {0};
	struct job j = {NULL, &opts, 0, 0, 0, 0, ""};
	struct feedd_host host = {&j, job_option, job_emit, job_feed_info, job_error};
	struct source src;
	struct input in;
	char *plugin, saved = '\0';
	int mapped;

	if (read_job(r, type, &plugin, &j.max, &opts, &in, &mapped) == -1)
		_exit(1); /* the daemon speaks another protocol */
	j.plugin = plugin;
	/* a J frame's input is the payload's last field: what follows it is borrowed for the NUL
	 * (a mapped one has its own) */
	if (!mapped) {
		saved = ((char *)in.data)[in.len];
		((char *)in.data)[in.len] = '\0';
	}
	if (open_named(set, plugin, &opts, &src) == 0) {
		int rc = source_segment(&src, &in, &host);

		if (j.said[0]) /* the error if rc says it failed, else a warning */
			send_line(WIRE_ERROR, j.said);
		else if (src.warning) /* what open() said, as the daemon logged it in-process */
			send_line(WIRE_ERROR, src.warning);
		source_close(&src);
		send_done(rc != 0);
	}
	if (mapped)
		munmap((void *)in.data, in.len + 1);
	else
		((char *)in.data)[in.len] = saved;
	optlist_free(&opts);
}

/* An O frame: the plugin's open() judges the options (the configuration check), no input. */
static void
run_open(const struct plugin_set *set, struct wire_rd *r)
{
	struct optlist opts = {0};
	struct source src;
	char *plugin = wire_get_str(r, 256);

	if (read_options(r, &opts) == -1 || !wire_rd_done(r) || plugin == NULL)
		_exit(1);
	if (open_named(set, plugin, &opts, &src) == 0) {
		if (src.warning)
			send_line(WIRE_ERROR, src.warning);
		source_close(&src);
		send_done(0);
	}
	optlist_free(&opts);
}

/*
 * As read() on the channel, keeping a descriptor that comes with the bytes (the kernel hands
 * it over with the first byte it came with, and stops reading there) for the F frame it goes
 * with.  A second one before that frame, or more than one at once, is a daemon out of step.
 */
static ssize_t
channel_read(char *p, size_t len)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(2 * sizeof(int))];
	} u;
	struct iovec iov = {p, len};
	struct msghdr m = {0};
	struct cmsghdr *c;
	ssize_t n;
	int fds[2], k;

	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = u.space;
	m.msg_controllen = sizeof(u.space);
	if ((n = recvmsg(WORKER_CHANNEL_FD, &m, MSG_CMSG_CLOEXEC)) == -1)
		return -1;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(fds, CMSG_DATA(c), (size_t)(k > 2 ? 2 : k) * sizeof(int));
		if (k != 1 || input_fd != -1)
			_exit(1);
		input_fd = fds[0];
	}
	if (m.msg_flags & MSG_CTRUNC)
		_exit(1);
	return n;
}

/* Reads frames until the channel closes. */
static void
serve(const struct plugin_set *set)
{
	struct wire_in in = {BUF_INIT, 0};
	struct wire_rd r;
	int type, rc;
	ssize_t n;

	for (;;) {
		while ((rc = wire_next(&in, UINT32_MAX, &type, &r)) == 1) {
			if (type == WIRE_JOB || type == WIRE_JOB_FD)
				run_job(set, type, &r);
			else if (type == WIRE_OPEN)
				run_open(set, &r);
			else if (type != WIRE_STOP) /* an X that came as the job ended: nothing to do */
				_exit(1);
		}
		n = channel_read(wire_in_space(&in, 256 * 1024), 256 * 1024);
		if (n == 0)
			_exit(0); /* without atexit handlers: the sanitizers' would need clone */
		if (n == -1 && errno != EINTR)
			_exit(1);
		if (n > 0)
			in.b.len += (size_t)n;
	}
}

int
worker_main(int argc, char **argv)
{
	struct plugin_set set = {0};
	unsigned long long memory = 0;
	char err[512], *end;
	size_t i;
	int ch;

	log_init(0, "feedd worker");
	log_set_sink(log_to_channel);
	optind = 1;
	while ((ch = getopt(argc, argv, "m:")) != -1) {
		if (ch != 'm')
			return 2;
		errno = 0;
		memory = strtoull(optarg, &end, 10);
		if (errno || *end)
			return 2;
	}
	if (argc - optind != 1)
		return 2;
	if (plugins_load_dir(&set, argv[optind]) == -1) { /* the daemon would have none */
		log_warnx("cannot read plugin_dir %s", argv[optind]);
		flush();
		return 1;
	}
	if (sandbox_enter(WORKER_CHANNEL_FD, memory, err, sizeof(err)) == -1) {
		log_warnx("worker: cannot confine itself: %s", err);
		flush();
		return 1;
	}
	for (i = 0; i < set.n; i++)
		send_plugin(set.v[i].p);
	wire_end(&out, wire_begin(&out, WIRE_READY));
	flush();
	serve(&set);
	return 0;
}
