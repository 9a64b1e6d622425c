/*
 * jobbench: what a job through a worker costs beside the same conversion in-process, for
 * bench/run.py's roundtrip figure.  Runs PLUGIN over FILE ROUNDS times each way, the plugin
 * loaded once, the worker started once (as the daemon's are), and prints the medians in ms:
 *
 *     jobbench PLUGIN_DIR PLUGIN FILE ROUNDS
 *     -> inprocess MS worker MS entries N
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "plugins.h"
#include "source.h"
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

int
main(int argc, char **argv)
{
	struct plugin_set set = {0}, described = {0};
	struct wproc w = {0, -1, {BUF_INIT, 0}, 0};
	struct optlist opts = {0};
	struct buf data = BUF_INIT;
	const struct plugin *pl, *dpl;
	struct source src;
	char err[512];
	double *a, *b;
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
	a = calloc((size_t)rounds, sizeof(*a));
	b = calloc((size_t)rounds, sizeof(*b));
	for (i = 0; i < rounds; i++) {
		struct input in = {data.data, data.len, "file:///bench", "text/plain", NULL};
		struct harvest h = {0}, k = {0};
		double t = now_ms();

		h.max = k.max = 200;
		if (source_run(&src, &in, &h) == -1)
			return 1;
		a[i] = now_ms() - t;
		t = now_ms();
		if (wproc_run(&w, dpl, &opts, &in, 60, WPROC_MEMORY_DEFAULT, &k) == -1) {
			fprintf(stderr, "jobbench: %s\n", k.error ? k.error : "failed");
			return 1;
		}
		b[i] = now_ms() - t;
		entries = k.n;
		harvest_free(&h);
		harvest_free(&k);
	}
	printf("inprocess %.3f worker %.3f entries %zu\n", median(a, rounds), median(b, rounds),
	    entries);
	wproc_close(&w);
	source_close(&src);
	plugins_free(&set);
	plugins_free(&described);
	buf_free(&data);
	free(a);
	free(b);
	return 0;
}
