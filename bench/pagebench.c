/*
 * pagebench: runs the textdump plugin, loaded once, over many pages, for bench/pages.py: prints
 * each page's entries as one JSON line, or with -t only times the plugin (pages per second).
 *
 *     pagebench [-t ROUNDS] [-c CONTENT_TYPE] PLUGIN_DIR FILE...
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "plugins.h"
#include "source.h"

static int
read_file(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY), rc;

	if (fd == -1)
		return -1;
	rc = buf_read_fd(b, fd);
	close(fd);
	return rc;
}

static void
print_page(const char *path, const struct harvest *hv)
{
	json_t *o = json_object(), *es = json_array();

	json_object_set_new(o, "file", json_string(path));
	for (size_t i = 0; i < hv->n; i++) {
		const struct entry *e = hv->v[i];

		json_array_append_new(es, json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?}", "title",
		                              e->title, "content", e->content, "caption", e->caption,
		                              "summary", e->summary, "link", e->link));
	}
	json_object_set_new(o, "entries", es);
	if (hv->error)
		json_object_set_new(o, "error", json_string(hv->error));
	json_dumpf(o, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(o);
}

int
main(int argc, char **argv)
{
	struct plugin_set set = {0};
	const struct plugin *p;
	struct optlist opts = {0};
	struct source src;
	const char *ctype = NULL;
	struct buf *pages;
	int c, rounds = 0, n;
	double t0, t1;
	struct timespec ts;

	while ((c = getopt(argc, argv, "+t:c:")) != -1) {
		if (c == 't')
			rounds = atoi(optarg);
		else if (c == 'c')
			ctype = optarg;
		else
			return 2;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		fprintf(stderr, "usage: pagebench [-t ROUNDS] [-c TYPE] PLUGIN_DIR FILE...\n");
		return 2;
	}
	plugins_load_dir(&set, argv[0]);
	if ((p = plugins_find(&set, "textdump")) == NULL || source_open(&src, p, &opts) == -1) {
		fprintf(stderr, "pagebench: no textdump plugin in %s\n", argv[0]);
		return 1;
	}
	n = argc - 1;
	if ((pages = calloc((size_t)n + 1, sizeof(*pages))) == NULL)
		return 1;
	for (int i = 0; i < n; i++)
		if (read_file(argv[i + 1], &pages[i]) == -1)
			fprintf(stderr, "pagebench: cannot read %s\n", argv[i + 1]);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	t0 = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	for (int r = 0; r < (rounds ? rounds : 1); r++) {
		for (int i = 0; i < n; i++) {
			struct input in = {pages[i].data ? pages[i].data : "", pages[i].len,
			    "http://example.org/page", ctype, NULL};
			struct harvest hv = {0};

			source_run(&src, &in, &hv);
			if (!rounds)
				print_page(argv[i + 1], &hv);
			harvest_free(&hv);
		}
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	t1 = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (rounds)
		printf("%d pages x %d rounds: %.3f s CPU, %.1f pages/s\n", n, rounds, t1 - t0,
		    (double)n * rounds / (t1 - t0));
	for (int i = 0; i < n; i++)
		buf_free(&pages[i]);
	free(pages);
	source_close(&src);
	plugins_free(&set);
	return 0;
}
