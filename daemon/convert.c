/* `feedd convert -p PLUGIN [-s KEY=VALUE]... [-i|-x REGEX]... [SOURCE]`: stateless, for scripts
 * and tests.  Entries are written as they come into a spool (a temporary file past the first
 * SPOOL_CHUNK bytes), since the feed's head, which comes first, is known only at the end (its
 * title may come last, its date is the newest entry's); a file is read through a mapping. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
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

#define SPOOL_CHUNK (256 * 1024) /* the entries' bytes kept in memory, and written at once */

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
	size_t budget = FILTER_BUDGET;
	int ch;

	optind = 1;
	a->timeout = WPROC_TIMEOUT_DEFAULT;
	a->memory = WPROC_MEMORY_DEFAULT;
	a->format = &formats[FORMAT_ATOM];
	while ((ch = getopt(argc, argv, "f:i:p:s:vwt:m:x:")) != -1) {
		switch (ch) {
		case 'i':
		case 'x':
			if (filter_add(&a->filter, ch == 'x', optarg, &budget, why, sizeof(why)) == -1) {
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

/* A source file mapped, read-only, with a NUL byte after it as struct input wants: the file's
 * last page ends in zeros, and an anonymous page follows one that it fills.  No copy, and its
 * pages are the page cache's.  (A file cut short while convert reads it ends it with SIGBUS, as
 * any mapping would.)  Returns 0, or -1 (errno set) for the caller to read it. */
static int
map_file(int fd, size_t len, struct fetch_result *r, void **map, size_t *maplen)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), total = (len + 1 + page - 1) / page * page;
	void *p;

	p = mmap(NULL, total, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	if (mmap(p, len, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0) == MAP_FAILED) {
		munmap(p, total);
		return -1;
	}
	*map = p;
	*maplen = total;
	r->body.data = p; /* borrowed: the caller takes it back before fetch_result_free */
	r->body.len = len;
	return 0;
}

/* A file's bytes into r: mapped (*map) if it is a regular one, else read. */
static int
read_path(int fd, const struct stat *st, struct fetch_result *r, void **map, size_t *maplen)
{
	if (S_ISREG(st->st_mode) && st->st_size > 0 &&
	    map_file(fd, (size_t)st->st_size, r, map, maplen) == 0)
		return 0;
	return buf_read_fd(&r->body, fd);
}

/* Reads the source: stdin, a path (mapped, into *map), or a URL.  Returns 0 or -1 with an
 * error printed. */
static int
load_source(const char *source, struct fetch_result *r, char **url, void **map, size_t *maplen)
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
	    S_ISDIR(st.st_mode) || read_path(fd, &st, r, map, maplen) == -1) {
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

/* What the entries need of the feed: where an entry without a link or content links to. */
static void
feed_base(struct atom_feed *f, const char *url)
{
	memset(f, 0, sizeof(*f));
	f->entry_base = url_clickable(url) ? url : NULL;
}

/* The rest, known once the plugin is done: id into id[], label is the source's. */
static void
feed_head(struct atom_feed *f, const struct harvest *h, const char *url, const char *label,
    char id[ENTRY_ID_LEN + 1], int64_t updated)
{
	atom_feed_id(url, id);
	f->id = id;
	f->title = h->feed_title ? h->feed_title : label;
	f->subtitle = h->feed_subtitle;
	f->author = h->feed_author ? h->feed_author : label;
	f->alt_url = h->feed_link ? h->feed_link : f->entry_base;
	f->updated = updated;
}

/* A format with no parts (JSON Feed) is written from every entry held. */
static int
write_feed(const struct format *fmt, const struct harvest *h, const char *url, int64_t seen)
{
	char id[ENTRY_ID_LEN + 1];
	char *label = sourceurl_label(url);
	struct atom_feed f;
	int rc = -1;

	feed_base(&f, url);
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i]->updated > seen)
			seen = h->v[i]->updated;
	feed_head(&f, h, url, label, id, seen);
	if (fmt->write(stdout_write, NULL, &f, h->v, h->n) == -1 || fflush(stdout) != 0)
		fprintf(stderr, "feedd convert: cannot write the feed: %s\n", strerror(errno));
	else
		rc = 0;
	free(label);
	return rc;
}

/* The entries written so far, in the format's entry form, while the plugin runs. */
struct spool {
	const struct format_parts *parts;
	struct atom_feed f;
	struct buf b, scratch; /* b: what is not in file yet */
	FILE *file;            /* a temporary file, once b has grown past SPOOL_CHUNK */
	int64_t seen, newest;
	int error;             /* an errno the spool met, or 0 */
};

static void
spool_init(struct spool *s, const struct format *fmt, const char *url, int64_t seen)
{
	memset(s, 0, sizeof(*s));
	s->parts = fmt->parts;
	feed_base(&s->f, url);
	s->seen = s->newest = seen;
}

/* A file with no name in $TMPDIR (else /tmp), else memory the kernel keeps (memfd), else
 * tmpfile(): page cache either way, not this process's RSS.  On a disk file system the
 * unnamed file costs the least: its pages are large folios where shmem writes 4 KiB pages one
 * by one (10 MiB spooled and sent on: 4 ms of CPU on ext4, 9 ms in a memfd), its blocks are
 * not allocated before write-back, and a conversion done in seconds closes it before any
 * write-back starts, which drops its pages unwritten.  Where /tmp is a tmpfs it is shmem. */
static FILE *
spool_file(void)
{
	const char *dir = getenv("TMPDIR");
	int fd = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	FILE *f;

	if (fd == -1)
		fd = memfd_create("feedd-convert-spool", MFD_CLOEXEC);
	if (fd == -1)
		return tmpfile();
	if ((f = fdopen(fd, "w+")) == NULL)
		close(fd);
	return f;
}

static int
spool_flush(struct spool *s)
{
	if (s->error == 0 && s->file == NULL && (s->file = spool_file()) == NULL)
		s->error = errno ? errno : EIO;
	if (s->error == 0 && fwrite(s->b.data, 1, s->b.len, s->file) != s->b.len)
		s->error = errno ? errno : EIO;
	buf_reset(&s->b);
	return s->error ? -1 : 0;
}

/* harvest.sink: the entry stamped as convert_stamp would, written, and freed. */
static int
spool_entry(void *ctx, struct entry *e)
{
	struct spool *s = ctx;

	entry_stamp(e, s->seen - (int64_t)e->seq);
	if (e->updated > s->newest)
		s->newest = e->updated;
	s->parts->entry(&s->b, &s->scratch, &s->f, e);
	entry_free(e);
	if (s->b.len >= SPOOL_CHUNK)
		return spool_flush(s);
	return s->error ? -1 : 0;
}

/* The spool's file onto stdout (flushed), by sendfile where stdout takes it. */
static int
copy_out(FILE *file)
{
	char chunk[65536];
	off_t off = 0, end;
	ssize_t n;
	int fd = fileno(file);

	if (fflush(file) != 0 || (end = lseek(fd, 0, SEEK_END)) == -1 || fflush(stdout) != 0)
		return -1;
	while (off < end && (n = sendfile(STDOUT_FILENO, fd, &off, (size_t)(end - off))) > 0)
		;
	if (off < end && n == -1 && errno != EINVAL && errno != ENOSYS)
		return -1;
	while (off < end) { /* a stdout sendfile refuses (one opened to append, say) */
		if ((n = pread(fd, chunk, sizeof(chunk), off)) <= 0 ||
		    fwrite(chunk, 1, (size_t)n, stdout) != (size_t)n)
			return -1;
		off += n;
	}
	return 0;
}

/* The head, the spooled entries, the tail. */
static int
spool_finish(struct spool *s, const struct harvest *h, const char *url)
{
	char id[ENTRY_ID_LEN + 1], *label = sourceurl_label(url);
	struct buf head = BUF_INIT;
	int rc = -1;

	if (s->file && s->b.len)
		spool_flush(s);
	if (s->error) {
		fprintf(stderr, "feedd convert: cannot spool the entries: %s\n", strerror(s->error));
		goto done;
	}
	feed_head(&s->f, h, url, label, id, s->newest);
	s->parts->head(&head, &s->f);
	if (fwrite(head.data, 1, head.len, stdout) != head.len ||
	    (s->file ? copy_out(s->file) :
	     s->b.len && fwrite(s->b.data, 1, s->b.len, stdout) != s->b.len))
		goto fail;
	buf_reset(&head);
	s->parts->tail(&head, &s->f, h->n);
	if (fwrite(head.data, 1, head.len, stdout) != head.len || fflush(stdout) != 0)
		goto fail;
	rc = 0;
	goto done;
fail:
	fprintf(stderr, "feedd convert: cannot write the feed: %s\n", strerror(errno));
done:
	buf_free(&head);
	free(label);
	return rc;
}

static void
spool_free(struct spool *s)
{
	if (s->file)
		fclose(s->file);
	buf_free(&s->b);
	buf_free(&s->scratch);
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
		plugins_load_named(set, dir, a->plugin); /* the others' start-up is not needed */
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
	struct spool sp = {0};
	char *url = NULL;
	void *map = NULL;
	size_t maplen = 0;
	int rc = 1;

	parse_args(argc, argv, &a);
	log_init(a.verbose, "feedd convert");
	/* only for a URL: libcurl's TLS and SSH set-up touches some 4 MB of their libraries */
	if (fetch_is_url(a.source))
		curl_global_init(CURL_GLOBAL_DEFAULT);
	if (find_plugin(&a, &set, &w, &pl) == -1)
		goto done;
	source_qualify_bare(&a.opts, pl);
	h.filter = &a.filter;
	if (load_source(a.source, &r, &url, &map, &maplen) == 0) {
		struct input in = {r.body.data ? r.body.data : "", r.body.len, url, r.content_type,
		    r.charset};

		if (a.format->parts) {
			spool_init(&sp, a.format, url, r.mtime);
			h.sink = spool_entry;
			h.sink_ctx = &sp;
		}
		if (run_plugin(&a, pl, &w, &in, &h) == -1) {
			fprintf(stderr, "feedd convert: %s: %s\n", a.source, h.error);
		} else if (a.format->parts) {
			report(&h, pl);
			rc = spool_finish(&sp, &h, url) == 0 ? 0 : 1;
		} else {
			report(&h, pl);
			convert_stamp(h.v, h.n, r.mtime);
			rc = write_feed(a.format, &h, url, r.mtime) == 0 ? 0 : 1;
		}
	}
	if (map) {
		munmap(map, maplen);
		r.body.data = NULL;
		r.body.len = 0;
	}
	fetch_result_free(&r);
	spool_free(&sp);
done:
	wproc_close(&w);
	harvest_free(&h);
	free(url);
	optlist_free(&a.opts);
	filter_free(&a.filter);
	plugins_free(&set);
	if (fetch_is_url(a.source))
		curl_global_cleanup();
	return rc;
}
