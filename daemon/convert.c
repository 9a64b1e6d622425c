/* `feedd convert -p PLUGIN [-s KEY=VALUE]... [-i|-x REGEX]... [SOURCE]`: stateless, for scripts
 * and tests. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "command.h"
#include "conf.h"
#include "convert.h"
#include "fetch.h"
#include "format.h"
#include "log.h"
#include "plugins.h"
#include "sourceurl.h"
#include "wproc.h"
#include "url.h"
#include "xmalloc.h"

void
convert_stamp(struct entry **v, size_t n, int64_t seen)
{
	size_t i;

	for (i = 0; i < n; i++)
		entry_stamp(v[i], seen - (int64_t)i);
}

struct convert_args {
	const char *plugin;
	const struct format *format;
	const char *source;
	struct optlist opts;
	struct filter filter; /* -i and -x, as a feed's include and exclude */
	int worker;        /* -w: through a worker, as the daemon runs plugins */
	int verbose;       /* -v: what the plugin gave and what the host dropped */
	long timeout;      /* -t */
	long long memory;  /* -m */
};

static void
usage(void)
{
	fprintf(stderr, "usage: feedd convert [-v] -p PLUGIN [-s KEY=VALUE]... [-i REGEX]... "
	    "[-x REGEX]... [-f atom|rss|json|html] [-w [-t TIMEOUT] [-m MEMORY]] [SOURCE]\n");
	exit(2);
}

static void
parse_args(int argc, char **argv, struct convert_args *a)
{
	char *eq, why[256];
	int ch;

	optind = 1;
	a->timeout = WPROC_TIMEOUT_DEFAULT;
	a->memory = WPROC_MEMORY_DEFAULT;
	a->format = &formats[FORMAT_ATOM];
	while ((ch = getopt(argc, argv, "f:i:p:s:vwt:m:x:")) != -1) {
		switch (ch) {
		case 'i':
		case 'x':
			if (filter_add(&a->filter, ch == 'x', optarg, why, sizeof(why)) == -1) {
				fprintf(stderr, "feedd convert: -%c '%s': %s\n", ch, optarg, why);
				exit(2);
			}
			break;
		case 'v':
			a->verbose = 1;
			break;
		case 'f':
			if ((a->format = format_find(optarg)) == NULL) {
				fprintf(stderr, "feedd convert: unknown format '%s' (atom, rss, json "
				                "or html)\n", optarg);
				exit(2);
			}
			break;
		case 'p':
			a->plugin = optarg;
			break;
		case 'w':
			a->worker = 1;
			break;
		case 't':
			if ((a->timeout = config_parse_duration(optarg)) < 0) {
				fprintf(stderr, "feedd convert: -t wants a duration (2s, 1m), not "
				    "'%s'\n", optarg);
				exit(2);
			}
			break;
		case 'm':
			if ((a->memory = config_parse_size(optarg)) < 0) {
				fprintf(stderr, "feedd convert: -m wants a size (256M, 1G), not '%s'\n",
				    optarg);
				exit(2);
			}
			break;
		case 's':
			if ((eq = strchr(optarg, '=')) == NULL || eq == optarg) {
				fprintf(stderr, "feedd convert: -s wants KEY=VALUE, not '%s'\n", optarg);
				exit(2);
			}
			*eq = '\0';
			optlist_add(&a->opts, optarg, eq + 1, 0);
			*eq = '=';
			break;
		default:
			usage();
		}
	}
	if (a->plugin == NULL || argc - optind > 1)
		usage();
	a->source = optind < argc ? argv[optind] : "-";
}

/* Reads the source: stdin, a path, or a URL.  Returns 0 or -1 with an error printed. */
static int
load_source(const char *source, struct fetch_result *r, char **url)
{
	struct stat st;
	int fd;

	memset(r, 0, sizeof(*r));
	if (strcmp(source, "-") == 0) {
		*url = xstrdup("stdin:");
		r->mtime = time(NULL);
		if (buf_read_fd(&r->body, STDIN_FILENO) == -1) {
			fprintf(stderr, "feedd convert: stdin: %s\n", strerror(errno));
			return -1;
		}
		return 0;
	}
	*url = sourceurl_resolve(source, NULL);
	if (fetch_is_url(source) || command_is_source(source)) {
		const char *home = getenv("HOME");
		struct fetch_opts o = {source, NULL, NULL, FETCH_TIMEOUT_DEFAULT, (size_t)1 << 31,
		    NULL, home && *home ? home : NULL, NULL, NULL};

		if (fetch_once(&o, r) == -1) {
			/* a command's error says exec: already, not the whole command again */
			fprintf(stderr, "feedd convert: %s%s%s\n", command_is_source(source) ? "" :
			    source, command_is_source(source) ? "" : ": ", r->error);
			return -1;
		}
		if (r->mtime == 0)
			r->mtime = time(NULL);
		return 0;
	}
	if ((fd = open(source, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &st) == -1 ||
	    S_ISDIR(st.st_mode) || buf_read_fd(&r->body, fd) == -1) {
		fprintf(stderr, "feedd convert: %s: %s\n", source,
		    fd != -1 && S_ISDIR(st.st_mode) ? "is a directory" : strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	r->mtime = st.st_mtime;
	return 0;
}

static int
stdout_write(void *ctx, const char *p, int n)
{
	(void)ctx;
	return fwrite(p, 1, (size_t)n, stdout) == (size_t)n ? n : -1;
}

static int
write_feed(const struct format *fmt, const struct harvest *h, const char *url, int64_t seen)
{
	char id[ENTRY_ID_LEN + 1];
	char *label = sourceurl_label(url);
	struct atom_feed f = {0};
	int rc = -1, web = url_clickable(url);

	atom_feed_id(url, id);
	f.id = id;
	f.title = h->feed_title ? h->feed_title : label;
	f.subtitle = h->feed_subtitle;
	f.author = h->feed_author ? h->feed_author : label;
	f.alt_url = h->feed_link ? h->feed_link : web ? url : NULL;
	f.entry_base = web ? url : NULL;
	f.updated = seen;
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i]->updated > f.updated)
			f.updated = h->v[i]->updated;
	/* streamed: a large feed is never held twice in memory */
	if (fmt->write(stdout_write, NULL, &f, h->v, h->n) == -1 || fflush(stdout) != 0)
		fprintf(stderr, "feedd convert: cannot write the feed: %s\n", strerror(errno));
	else
		rc = 0;
	free(label);
	return rc;
}

/* Loads the plugins here, or starts a worker that loads them (-w).  Returns 0 or -1. */
static int
find_plugin(const struct convert_args *a, struct plugin_set *set, struct wproc *w,
    const struct plugin **pl)
{
	const char *dir = plugins_default_dir(NULL);
	char err[512];

	if (a->worker) {
		if (wproc_start(w, dir, a->memory, a->timeout, set, err, sizeof(err)) == -1) {
			fprintf(stderr, "feedd convert: %s\n", err);
			return -1;
		}
	} else {
		plugins_load_dir(set, dir);
	}
	if ((*pl = plugins_find(set, a->plugin)) == NULL) {
		fprintf(stderr, "feedd convert: no plugin named '%s' in %s (there are: %s)\n",
		    a->plugin, dir, plugins_names(set, err, sizeof(err)));
		return -1;
	}
	return 0;
}

/* Runs the plugin on the input, here or in the worker.  Returns 0 or -1 with h->error. */
static int
run_plugin(const struct convert_args *a, const struct plugin *pl, struct wproc *w,
    const struct input *in, struct harvest *h)
{
	struct source src;
	int rc;

	if (a->worker)
		return wproc_run(w, pl, &a->opts, in, a->timeout, a->memory, h);
	if (source_open(&src, pl, &a->opts) == -1) {
		h->error = src.error;
		src.error = NULL;
		source_close(&src);
		return -1;
	}
	rc = source_run(&src, in, h);
	source_close(&src);
	return rc;
}

/* What a run that worked still has to say: the plugin's warning (the last thing it reported
 * through host->error before it returned 0), always; with -v, how many entries came and went
 * (each message and each entry dropped was logged as it came). */
static void
report(const struct harvest *h, const struct plugin *pl)
{
	if (h->warning)
		fprintf(stderr, "feedd convert: warning: %s\n", h->warning);
	log_debug("%s gave %zu entries, %zu dropped (no id key, or an id key repeated), %zu "
	    "excluded by -i or -x", pl->p->name, h->n + h->n_excluded + h->dropped, h->dropped,
	    h->n_excluded);
}

int
convert_main(int argc, char **argv)
{
	struct convert_args a = {0};
	struct plugin_set set = {0};
	struct wproc w = {0, -1, {BUF_INIT, 0}, 0};
	const struct plugin *pl;
	struct fetch_result r;
	struct harvest h = {0};
	char *url = NULL;
	int rc = 1;

	parse_args(argc, argv, &a);
	log_init(a.verbose, "feedd convert");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (find_plugin(&a, &set, &w, &pl) == -1)
		goto done;
	source_qualify_bare(&a.opts, pl);
	h.filter = &a.filter;
	if (load_source(a.source, &r, &url) == 0) {
		struct input in = {r.body.data ? r.body.data : "", r.body.len, url, r.content_type,
		    r.charset};

		if (run_plugin(&a, pl, &w, &in, &h) == -1) {
			fprintf(stderr, "feedd convert: %s: %s\n", a.source, h.error);
		} else {
			report(&h, pl);
			convert_stamp(h.v, h.n, r.mtime);
			rc = write_feed(a.format, &h, url, r.mtime) == 0 ? 0 : 1;
		}
	}
	fetch_result_free(&r);
done:
	wproc_close(&w);
	harvest_free(&h);
	free(url);
	optlist_free(&a.opts);
	filter_free(&a.filter);
	plugins_free(&set);
	curl_global_cleanup();
	return rc;
}
