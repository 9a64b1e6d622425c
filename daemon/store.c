/* Entry history per feed, and its state file: a line-oriented, tab-separated text format. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "store.h"
#include "url.h"
#include "xmalloc.h"

#define STATE_MAGIC "feedd-state 1"
/* Files that say this order entries by their sequence; older ones by date, as written. */
#define STATE_ORDER "first-seen"
#define STORE_MAX_SKEW 60 /* seconds a new entry may be dated ahead of now */

/* ---- merging ---- */

/* First seen first: a higher sequence number is a later fetch, or earlier on the same page. */
static int
cmp_entries(const void *a, const void *b)
{
	const struct entry *x = *(struct entry *const *)a, *y = *(struct entry *const *)b;

	if (x->seq != y->seq)
		return x->seq > y->seq ? -1 : 1;
	return strcmp(x->id, y->id); /* only a hand-edited file has equal ones */
}

#define SWAP(a, b)                                                                                 \
	do {                                                                                       \
		__typeof__(a) t_ = (a);                                                            \
		(a) = (b);                                                                         \
		(b) = t_;                                                                          \
	} while (0)

/* Moves the text of fresh into old; fresh keeps old's and is freed by the caller. */
static void
take_text(struct entry *old, struct entry *fresh, int64_t now)
{
	SWAP(old->title, fresh->title);
	SWAP(old->link, fresh->link);
	SWAP(old->author, fresh->author);
	SWAP(old->summary, fresh->summary);
	SWAP(old->content, fresh->content);
	SWAP(old->caption, fresh->caption);
	SWAP(old->categories, fresh->categories);
	SWAP(old->n_categories, fresh->n_categories);
	SWAP(old->enclosures, fresh->enclosures);
	SWAP(old->n_enclosures, fresh->n_enclosures);
	old->truncated = fresh->truncated;
	old->hash = fresh->hash;
	old->src_updated = fresh->src_updated;
	/* an edit moves updated forward even if the clock went back */
	old->updated = fresh->src_updated ? fresh->src_updated
	             : now > old->updated   ? now
	                                    : old->updated + 1;
	if (old->updated < old->published)
		old->updated = old->published;
}

/* Drops the kept entries that are in gone (borrowed from s), keeping the order. */
static void
drop_entries(struct store *s, const struct idset *gone)
{
	size_t i, k = 0;

	for (i = 0; i < s->n; i++) {
		if (idset_find(gone, s->v[i]->id) == s->v[i])
			entry_free(s->v[i]);
		else
			s->v[k++] = s->v[i];
	}
	s->n = k;
}

/* The kept entries whose ids the filter excluded this time: each changed so as to be dropped. */
static size_t
drop_excluded(struct store *s, const struct idset *ix, const struct harvest *h)
{
	struct idset gone = {NULL, 0, 0};
	struct entry *old;
	size_t i, n;

	for (i = 0; i < h->n_excluded; i++)
		if ((old = idset_find(ix, h->excluded[i]->id)) != NULL)
			idset_add(&gone, old);
	n = gone.n;
	if (n)
		drop_entries(s, &gone);
	idset_free(&gone);
	return n;
}

size_t
store_filter(struct store *s, const struct filter *f, int64_t now)
{
	struct idset gone = {NULL, 0, 0};
	size_t i, n;

	if (!filter_is_set(f))
		return 0;
	for (i = 0; i < s->n; i++)
		if (!filter_keeps(f, s->v[i]))
			idset_add(&gone, s->v[i]);
	n = gone.n;
	if (n) {
		drop_entries(s, &gone);
		s->last_change = now;
	}
	idset_free(&gone);
	return n;
}

size_t
store_merge(struct store *s, struct harvest *h, int64_t now, size_t max_entries)
{
	struct idset ix = {NULL, 0, 0};
	size_t i, changed = 0, k = 0, j = 0;
	int64_t latest = 0, base;

	for (i = 0; i < s->n; i++)
		idset_add(&ix, s->v[i]);
	for (i = 0; i < s->n; i++)
		if (s->v[i]->published > latest)
			latest = s->v[i]->published;
	for (i = 0; i < h->n; i++)
		k += idset_find(&ix, h->v[i]->id) == NULL;
	/* new entries sort above everything seen before, in page order among themselves; the
	 * push past `latest` is capped so that a source changing faster than one entry a second
	 * cannot walk dates into the future */
	base = now > latest + (int64_t)k ? now : latest + (int64_t)k;
	if (base > now + STORE_MAX_SKEW)
		base = now + STORE_MAX_SKEW;
	s->v = xreallocarray(s->v, s->n + h->n, sizeof(*s->v));
	for (i = 0; i < h->n; i++) {
		struct entry *e = h->v[i], *old = idset_find(&ix, e->id);

		if (old != NULL) {
			if (old->hash != e->hash && !(e->truncated && !old->truncated && old->content)) {
				take_text(old, e, now);
				changed++;
			}
			entry_free(e);
			continue;
		}
		entry_stamp(e, base - (int64_t)j);
		e->seq = s->seq + (uint64_t)(k - 1 - j++); /* the page's first gets the highest */
		s->v[s->n++] = e;
		changed++;
	}
	changed += drop_excluded(s, &ix, h); /* last: it frees entries ix points at */
	idset_free(&ix);
	s->seq += k;
	h->n = 0;
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_entries);
	while (s->n > max_entries)
		entry_free(s->v[--s->n]);
	if (changed)
		s->last_change = now;
	return changed;
}

void
store_clear(struct store *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		entry_free(s->v[i]);
	free(s->v);
	free(s->etag);
	free(s->last_modified);
	free(s->feed_title);
	free(s->feed_link);
	free(s->feed_author);
	free(s->feed_subtitle);
	free(s->last_error);
	memset(s, 0, sizeof(*s));
}

/* ---- the state file ---- */

/* Escapes \, tab, LF and CR so a field stays on its line. */
static void
put_field(struct buf *b, const char *s)
{
	buf_addc(b, '\t');
	for (; s && *s; s++) {
		switch (*s) {
		case '\\': buf_add(b, "\\\\", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		default: buf_addc(b, *s);
		}
	}
}

static void
put_meta(struct buf *b, const char *key, const char *value)
{
	if (value == NULL)
		return;
	buf_adds(b, "meta");
	put_field(b, key);
	put_field(b, value);
	buf_addc(b, '\n');
}

static void
put_meta_num(struct buf *b, const char *key, int64_t v)
{
	char n[24];

	snprintf(n, sizeof(n), "%" PRId64, v);
	put_meta(b, key, n);
}

static void
put_entry(struct buf *b, const struct entry *e)
{
	size_t i;

	buf_printf(b, "entry\t%s\t%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t%d\t%016" PRIx64
	    "\t%" PRIu64, e->id, e->published, e->updated, e->src_published, e->src_updated,
	    e->truncated, e->hash, e->seq);
	put_field(b, e->id_key);
	put_field(b, e->title);
	put_field(b, e->link);
	put_field(b, e->author);
	put_field(b, e->summary);
	put_field(b, e->content);
	put_field(b, e->caption);
	buf_addc(b, '\n');
	for (i = 0; i < e->n_categories; i++) {
		buf_adds(b, "cat");
		put_field(b, e->categories[i]);
		buf_addc(b, '\n');
	}
	for (i = 0; i < e->n_enclosures; i++) {
		buf_adds(b, "enc");
		put_field(b, e->enclosures[i].url);
		put_field(b, e->enclosures[i].type);
		buf_printf(b, "\t%" PRId64 "\n", e->enclosures[i].length);
	}
}

static void
serialize(struct buf *b, const struct store *s)
{
	size_t i;

	buf_adds(b, STATE_MAGIC "\n");
	put_meta(b, "etag", s->etag);
	put_meta(b, "last_modified", s->last_modified);
	put_meta(b, "feed_title", s->feed_title);
	put_meta(b, "feed_link", s->feed_link);
	put_meta(b, "feed_author", s->feed_author);
	put_meta(b, "feed_subtitle", s->feed_subtitle);
	put_meta(b, "last_error", s->last_error);
	put_meta_num(b, "last_success", s->last_success);
	put_meta_num(b, "last_change", s->last_change);
	put_meta_num(b, "body_hash", (int64_t)s->body_hash);
	put_meta_num(b, "body_time", s->body_time);
	put_meta_num(b, "http_status", s->http_status);
	if (s->websub_owed) /* else nothing: states without WebSub stay as they were */
		put_meta_num(b, "websub_owed", 1);
	put_meta_num(b, "seq", (int64_t)s->seq);
	put_meta(b, "order", STATE_ORDER);
	for (i = 0; i < s->n; i++)
		put_entry(b, s->v[i]);
	buf_printf(b, "end\t%zu\n", s->n);
}

/* Splits line (modified in place) into at most max tab-separated, unescaped fields. */
static size_t
split_fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *r = line, *w;

	while (n < max) {
		f[n++] = w = r;
		for (; *r && *r != '\t'; r++) {
			if (*r == '\\' && r[1]) {
				r++;
				*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r;
			} else {
				*w++ = *r;
			}
		}
		if (*r == '\0') {
			*w = '\0';
			break;
		}
		*w = '\0';
		r++;
	}
	return n;
}

static int
parse_i64(const char *s, int64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' ? 0 : -1;
}

static struct entry *
parse_entry(char **f, size_t n)
{
	struct entry *e;
	int64_t trunc, seq;

	if (n != 16 || strlen(f[1]) != ENTRY_ID_LEN)
		return NULL;
	e = entry_new();
	memcpy(e->id, f[1], ENTRY_ID_LEN + 1);
	if (parse_i64(f[2], &e->published) || parse_i64(f[3], &e->updated) ||
	    parse_i64(f[4], &e->src_published) || parse_i64(f[5], &e->src_updated) ||
	    parse_i64(f[6], &trunc) || parse_i64(f[8], &seq) || f[9][0] == '\0' ||
	    strlen(f[9]) > ENTRY_SHORT_MAX) {
		entry_free(e);
		return NULL;
	}
	e->truncated = trunc != 0;
	e->hash = strtoull(f[7], NULL, 16);
	e->seq = (uint64_t)seq;
	/* exactly what was written (cleaned, in case the file was edited by hand, but never cut:
	 * cutting again would serve other text under a hash that says nothing changed) */
	e->id_key = entry_strdup_whole(f[9]);
	e->title = f[10][0] ? entry_strdup_whole(f[10]) : NULL;
	if (e->title == NULL)
		e->title = xstrdup("(untitled)");
	e->link = entry_strdup_whole(f[11]);
	e->author = entry_strdup_whole(f[12]);
	e->summary = entry_strdup_whole(f[13]);
	e->content = entry_strdup_whole(f[14]);
	e->caption = entry_strdup_whole(f[15]);
	return e;
}

static int
parse_meta(struct store *s, char **f, size_t n)
{
	int64_t v;
	char **dst = NULL;

	if (n != 3)
		return -1;
	if (strcmp(f[1], "etag") == 0) dst = &s->etag;
	else if (strcmp(f[1], "last_modified") == 0) dst = &s->last_modified;
	else if (strcmp(f[1], "feed_title") == 0) dst = &s->feed_title;
	else if (strcmp(f[1], "feed_link") == 0) dst = &s->feed_link;
	else if (strcmp(f[1], "feed_author") == 0) dst = &s->feed_author;
	else if (strcmp(f[1], "feed_subtitle") == 0) dst = &s->feed_subtitle;
	else if (strcmp(f[1], "last_error") == 0) dst = &s->last_error;
	if (dst) {
		free(*dst);
		*dst = entry_strdup_whole(f[2]);
		return 0;
	}
	if (parse_i64(f[2], &v) == -1)
		return -1;
	if (strcmp(f[1], "last_success") == 0) s->last_success = v;
	else if (strcmp(f[1], "last_change") == 0) s->last_change = v;
	else if (strcmp(f[1], "body_hash") == 0) s->body_hash = (uint64_t)v;
	else if (strcmp(f[1], "body_time") == 0) s->body_time = v;
	else if (strcmp(f[1], "http_status") == 0) s->http_status = (long)v;
	else if (strcmp(f[1], "websub_owed") == 0) s->websub_owed = v != 0;
	else if (strcmp(f[1], "seq") == 0) s->seq = (uint64_t)v;
	return 0; /* unknown keys are kept for newer versions' sake: ignored */
}

static int
add_extra(struct entry *e, char **f, size_t n)
{
	if (e == NULL)
		return -1;
	if (strcmp(f[0], "cat") == 0 && n == 2) {
		e->categories = xreallocarray(e->categories, e->n_categories + 1, sizeof(char *));
		e->categories[e->n_categories++] = entry_strdup_whole(f[1]);
		return 0;
	}
	if (strcmp(f[0], "enc") == 0 && n == 4 && f[1][0]) {
		struct enclosure *en;

		e->enclosures = xreallocarray(e->enclosures, e->n_enclosures + 1, sizeof(*en));
		en = &e->enclosures[e->n_enclosures++];
		en->url = entry_strdup_whole(f[1]);
		en->type = entry_strdup_whole(f[2]);
		if (parse_i64(f[3], &en->length) == -1)
			en->length = -1;
		return 0;
	}
	return -1;
}

static int
parse_state(struct store *s, char *data, size_t len, char *err, size_t errlen)
{
	char *line = data, *nl, *f[17];
	size_t n, lineno = 0, want = 0;
	int ended = 0, ordered = 0;

	if (len < sizeof(STATE_MAGIC) || memcmp(data, STATE_MAGIC "\n", sizeof(STATE_MAGIC)) != 0) {
		snprintf(err, errlen, "not a feedd state file");
		return -1;
	}
	for (; line < data + len; line = nl + 1) {
		lineno++;
		if ((nl = memchr(line, '\n', (size_t)(data + len - line))) == NULL)
			break; /* a line without its newline: truncated */
		*nl = '\0';
		if (lineno == 1)
			continue;
		if (ended)
			goto bad;
		n = split_fields(line, f, 17);
		if (strcmp(f[0], "meta") == 0) {
			if (n == 3 && strcmp(f[1], "order") == 0)
				ordered = strcmp(f[2], STATE_ORDER) == 0;
			else if (parse_meta(s, f, n) == -1)
				goto bad;
		} else if (strcmp(f[0], "entry") == 0) {
			struct entry *e = parse_entry(f, n);

			if (e == NULL)
				goto bad;
			s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
			s->v[s->n++] = e;
		} else if (strcmp(f[0], "end") == 0 && n == 2) {
			want = (size_t)strtoull(f[1], NULL, 10);
			ended = 1;
		} else if (add_extra(s->n ? s->v[s->n - 1] : NULL, f, n) == -1) {
			goto bad;
		}
	}
	if (!ended || want != s->n) {
		snprintf(err, errlen, "truncated (no end line, or %zu entries where it says %zu)",
		    s->n, want);
		return -1;
	}
	if (s->feed_link) { /* screened as it came in (harvest_feed_info); a state from before */
		char *u = url_link(s->feed_link, NULL);

		free(s->feed_link);
		s->feed_link = u;
	}
	if (!ordered) /* older files: the order they were written in, newest first */
		for (n = 0; n < s->n; n++)
			s->v[n]->seq = s->n - 1 - n;
	for (n = 0; n < s->n; n++) {
		if (s->v[n]->seq >= s->seq)
			s->seq = s->v[n]->seq + 1;
		/* links are screened here once, for states from before they were screened as
		 * they came in (and hand-edited ones), so that no writer checks them again; the
		 * hash is the text's own (a version that cut text at load kept the hash of the
		 * uncut text): the next fetch notices the difference and restores it */
		entry_screen_links(s->v[n], NULL);
	}
	if (s->n > 1) /* qsort's base must not be NULL, even for no elements (found by fuzz_state) */
		qsort(s->v, s->n, sizeof(*s->v), cmp_entries);
	return 0;
bad:
	snprintf(err, errlen, "bad line %zu", lineno);
	return -1;
}

int
store_load(struct store *s, const char *path, char *err, size_t errlen)
{
	struct buf b = BUF_INIT;
	int fd, rc;

	memset(s, 0, sizeof(*s));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return -2;
	}
	rc = buf_read_fd(&b, fd);
	if (rc == -1)
		snprintf(err, errlen, "cannot read: %s", strerror(errno));
	close(fd);
	if (rc == -1) {
		buf_free(&b);
		return -2;
	}
	rc = parse_state(s, b.data, b.len, err, errlen);
	buf_free(&b);
	if (rc == -1)
		store_clear(s);
	return rc;
}

const char *
store_quarantine(const char *path)
{
	static char aside[4096];

	snprintf(aside, sizeof(aside), "%s.corrupt-%lld", path, (long long)time(NULL));
	if (rename(path, aside) == -1) {
		log_warn("store: cannot move %s aside", path);
		unlink(path);
	}
	return aside;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The reason a job failed, for the caller to log once per failure streak. */
static void
job_failed(struct store_job *job, const char *what, const char *path)
{
	const char *base = strrchr(path, '/');

	/* the folder is the state_dir, known to whoever reads this */
	snprintf(job->why, sizeof(job->why), "%s %s: %s", what, base ? base + 1 : path,
	    strerror(errno));
	job->ok = 0;
}

/* Writes s to path, flushing it with fdatasync unless sync is 0.  Holds one descriptor. */
static int
write_state(struct store_job *job, const char *path, struct buf *b, int sync)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	buf_reset(b);
	serialize(b, job->s);
	if (fd == -1 || write_all(fd, b->data, b->len) == -1 || (sync && fdatasync(fd) == -1)) {
		job_failed(job, "write", path);
		if (fd != -1)
			close(fd);
		unlink(path);
		return -1;
	}
	if (close(fd) == -1) {
		job_failed(job, "close", path);
		unlink(path);
		return -1;
	}
	return 0;
}

static int
flush_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd == -1)
		return -1;
	rc = fdatasync(fd);
	close(fd);
	return rc;
}

/* The flushes are what make this durable; a batch shares them (see store.h).  At most two
 * descriptors are open at any time, whatever the batch size. */
size_t
store_save_batch(struct store_job *jobs, size_t n, const char *dir)
{
	struct buf b = BUF_INIT;
	char tmp[4096];
	int dfd, use_syncfs = n > 8;
	size_t i, failed = 0;

	for (i = 0; i < n; i++) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", jobs[i].path);
		jobs[i].ok = 1;
		jobs[i].why[0] = '\0';
		write_state(&jobs[i], tmp, &b, !use_syncfs);
	}
	buf_free(&b);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (use_syncfs && (dfd == -1 || syncfs(dfd) == -1)) {
		log_warn("store: syncfs %s, flushing each file instead", dir);
		for (i = 0; i < n; i++) {
			snprintf(tmp, sizeof(tmp), "%s.tmp", jobs[i].path);
			if (jobs[i].ok && flush_file(tmp) == -1) {
				job_failed(&jobs[i], "fdatasync", tmp);
				unlink(tmp);
			}
		}
	}
	for (i = 0; i < n; i++) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", jobs[i].path);
		if (jobs[i].ok && rename(tmp, jobs[i].path) == -1) {
			job_failed(&jobs[i], "rename", tmp);
			unlink(tmp);
		}
		failed += !jobs[i].ok;
	}
	if (dfd != -1) {
		if (fsync(dfd) == -1)
			log_warn("store: fsync %s", dir);
		close(dfd);
	}
	return failed;
}
