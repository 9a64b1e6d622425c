/*
 * jobbench: what a job through a worker costs beside the same conversion in-process, for
 * bench/run.py's roundtrip figure.  Runs PLUGIN over FILE ROUNDS times each way, the plugin
 * loaded once, the workers started once (as the daemon's are), and prints the medians in ms:
 *
 *     jobbench PLUGIN_DIR PLUGIN FILE ROUNDS
 *     -> inprocess MS worker MS pool MS convert MS floor MS entries N
 *
 * inprocess is the bare plugin call (source_run: the plugin and the host's checks of each
 * entry); worker the same job through a worker the blocking way (wproc_run, as `feedd convert
 * -w` does); pool the daemon's own way, on a libevent loop (pool_submit to its callback);
 * convert the whole conversion the daemon makes of the input in-process: the plugin call,
 * the merge into an empty store, the Atom, RSS and JSON Feed documents written; floor the
 * kernel's part alone: a bare round trip between two processes on a socketpair, the input's
 * size each way (an echo), as little as any job through a process can cost.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "buf.h"
#include "format.h"
#include "log.h"
#include "plugins.h"
#include "pool.h"
#include "source.h"
#include "store.h"
#include "worker.h"
#include "wproc.h"

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[n / 2];
}

struct pooled {
	struct event_base *base;
	size_t n;
	int rc;
};

static void
pooled_done(struct harvest *h, int rc, void *arg)
{
	struct pooled *p = arg;

	p->n = h->n;
	p->rc = rc;
	if (rc == -1)
		fprintf(stderr, "jobbench: %s\n", h->error ? h->error : "failed");
	event_base_loopbreak(p->base);
}

/* What the daemon does with a conversion's entries: the merge, then the three feeds. */
static int
publish(struct harvest *h)
{
	static const char *const names[] = {"atom", "rss", "json"};
	struct store s = {0};
	struct atom_feed af = {0};
	struct buf out = BUF_INIT;
	size_t i;
	int rc = 0;

	store_merge(&s, h, 1764633600, 200);
	af.id = "urn:uuid:00000000-0000-5000-8000-000000000000";
	af.title = "bench";
	af.author = "bench";
	af.updated = 1764633600;
	af.feed_base = "http://127.0.0.1/feeds/bench";
	af.entry_page = "http://127.0.0.1/feeds/bench.html";
	for (i = 0; i < 3; i++) {
		af.self_url = "http://127.0.0.1/feeds/bench.x";
		rc |= format_find(names[i])->write(format_to_buf, &out, &af, s.v, s.n);
		buf_reset(&out);
	}
	buf_free(&out);
	store_clear(&s);
	return rc;
}

static int
move(int fd, char *p, size_t n, int out)
{
	ssize_t k;

	for (; n > 0; n -= (size_t)k, p += k)
		if ((k = out ? write(fd, p, n) : read(fd, p, n)) <= 0)
			return -1;
	return 0;
}

/* The median of rounds bare round trips of n bytes each way to an echoing process. */
static double
floor_ms(size_t n, int rounds)
{
	double *v = calloc((size_t)rounds, sizeof(*v)), m;
	char *p = calloc(1, n + 1);
	int sv[2], i;
	pid_t pid;

	if (v == NULL || p == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		close(sv[0]);
		while (move(sv[1], p, n, 0) == 0 && move(sv[1], p, n, 1) == 0)
			;
		_exit(0);
	}
	close(sv[1]);
	for (i = 0; i < rounds; i++) {
		double t = now_ms();

		if (move(sv[0], p, n, 1) == -1 || move(sv[0], p, n, 0) == -1)
			return -1;
		v[i] = now_ms() - t;
	}
	close(sv[0]);
	waitpid(pid, NULL, 0);
	m = median(v, rounds);
	free(v);
	free(p);
	return m;
}

int
main(int argc, char **argv)
{
	struct plugin_set set = {0}, described = {0};
	struct wproc w = {0, -1, {BUF_INIT, 0}, 0};
	struct pool_limits lim = {1, 60, WPROC_MEMORY_DEFAULT};
	struct optlist opts = {0};
	struct buf data = BUF_INIT;
	const struct plugin *pl, *dpl, *ppl;
	struct pooled pd = {0};
	struct pool *pool;
	struct source src;
	char err[512];
	double *a, *b, *c, *d;
	size_t entries = 0;
	int rounds, i, fd;

	if (argc > 1 && strcmp(argv[1], "worker") == 0) /* its own workers, as feedd's are */
		return worker_main(argc - 1, argv + 1);
	if (argc != 5 || (rounds = atoi(argv[4])) < 1) {
		fprintf(stderr, "usage: jobbench PLUGIN_DIR PLUGIN FILE ROUNDS\n");
		return 2;
	}
	log_init(0, "jobbench");
	if ((fd = open(argv[3], O_RDONLY)) == -1 || buf_read_fd(&data, fd) == -1)
		return 1;
	close(fd);
	if (plugins_load_dir(&set, argv[1]) < 1 || (pl = plugins_find(&set, argv[2])) == NULL ||
	    source_open(&src, pl, &opts) == -1)
		return 1;
	if (wproc_start(&w, argv[1], WPROC_MEMORY_DEFAULT, 30, &described, err, sizeof(err)) == -1 ||
	    (dpl = plugins_find(&described, argv[2])) == NULL) {
		fprintf(stderr, "jobbench: %s\n", err);
		return 1;
	}
	pd.base = event_base_new();
	if ((pool = pool_new(pd.base, argv[1], &lim, err, sizeof(err))) == NULL ||
	    (ppl = plugins_find(pool_plugins(pool), argv[2])) == NULL) {
		fprintf(stderr, "jobbench: %s\n", err);
		return 1;
	}
	a = calloc((size_t)rounds, sizeof(*a));
	b = calloc((size_t)rounds, sizeof(*b));
	c = calloc((size_t)rounds, sizeof(*c));
	d = calloc((size_t)rounds, sizeof(*d));
	for (i = 0; i < rounds; i++) {
		struct input in = {data.data, data.len, "file:///bench", "text/plain", NULL};
		struct harvest h = {0}, k = {0}, m = {0};
		struct buf copy = BUF_INIT;
		double t = now_ms();

		h.max = k.max = m.max = 200;
		if (source_run(&src, &in, &h) == -1)
			return 1;
		a[i] = now_ms() - t;
		t = now_ms();
		if (wproc_run(&w, dpl, &opts, &in, 60, WPROC_MEMORY_DEFAULT, &k) == -1) {
			fprintf(stderr, "jobbench: %s\n", k.error ? k.error : "failed");
			return 1;
		}
		b[i] = now_ms() - t;
		buf_add(&copy, data.data, data.len); /* the fetched body the pool takes */
		t = now_ms();
		pool_submit(pool, ppl, &opts, NULL, &copy, &in, 200, pooled_done, &pd);
		event_base_dispatch(pd.base);
		c[i] = now_ms() - t;
		if (pd.rc == -1)
			return 1;
		t = now_ms();
		if (source_run(&src, &in, &m) == -1 || publish(&m) != 0)
			return 1;
		d[i] = now_ms() - t;
		entries = k.n;
		buf_free(&copy);
		harvest_free(&h);
		harvest_free(&k);
		harvest_free(&m);
	}
	printf("inprocess %.4f worker %.4f pool %.4f convert %.4f floor %.4f entries %zu\n",
	    median(a, rounds), median(b, rounds), median(c, rounds), median(d, rounds),
	    data.len <= WPROC_INLINE_MAX ? floor_ms(data.len, rounds) : 0.0, entries);
	pool_free(pool);
	event_base_free(pd.base);
	wproc_close(&w);
	source_close(&src);
	plugins_free(&set);
	plugins_free(&described);
	buf_free(&data);
	free(a);
	free(b);
	free(c);
	free(d);
	return 0;
}
