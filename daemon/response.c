/* A feed's prepared response: its bytes, their gzip, validators, the file they are sent from. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <zlib.h>

#include "httphdr.h"
#include "response.h"
#include "xmalloc.h"

/*
 * One deflate state, reset for each body: making one takes some 256 KiB, and making and
 * freeing one per response (10,000 feeds at start-up) had glibc hand the heap's top back to
 * the kernel and fault it in again each time.  Kept for the life of the thread (the loop's,
 * or the saver's, whose stream ends with it).
 */
static _Thread_local z_stream zs;
static _Thread_local int gz_ready;
static pthread_key_t gz_key; /* its destructor ends a thread's stream as the thread ends */
static pthread_once_t gz_once = PTHREAD_ONCE_INIT;

static void
gz_end(void *unused)
{
	(void)unused;
	if (gz_ready)
		deflateEnd(&zs);
	gz_ready = 0;
}

static void
gz_key_make(void)
{
	pthread_key_create(&gz_key, gz_end);
}

static char *
gzip_bytes(const char *p, size_t n, size_t *outlen)
{
	size_t cap = compressBound((uLong)n) + 32;
	char *out;

	if (gz_ready && deflateReset(&zs) != Z_OK) {
		deflateEnd(&zs);
		gz_ready = 0;
	}
	if (!gz_ready) {
		memset(&zs, 0, sizeof(zs));
		if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return NULL;
		gz_ready = 1;
		pthread_once(&gz_once, gz_key_make);
		pthread_setspecific(gz_key, &zs); /* any value but NULL has gz_end run */
	}
	out = xmalloc(cap);
	zs.next_in = (Bytef *)(uintptr_t)p;
	zs.avail_in = (uInt)n;
	zs.next_out = (Bytef *)out;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
		free(out);
		return NULL; /* reset before the next use */
	}
	*outlen = zs.total_out;
	return out;
}


/*
 * The response file: bodies of RESPONSE_FILE_MIN bytes or more, each at a page boundary, so
 * that the heap holds none of them (10,000 feeds' Atom bodies were 40 MB of it) and a freed
 * body's pages go back whole: a hole is punched where it was once the last request sending it
 * is done (the segment's cleanup).  A file empties when its last body goes; one past
 * FILE_END_MAX (or FILE_END_NOPUNCH where holes cannot be punched) takes no more bodies and
 * is closed with its last one.  Locked: bodies may be built off the event loop.
 */
#define FILE_END_MAX ((int64_t)1 << 30)
#define FILE_END_NOPUNCH ((int64_t)64 << 20)
#define PAGE 4096

struct rfile {
	int fd;
	int64_t end;  /* the next body goes here */
	size_t live;  /* bodies in it not given back yet */
	int punch;    /* holes can be punched here */
	int retired;  /* takes no more bodies: closed with its last one */
};

struct span {
	struct rfile *f;
	int64_t off;
	size_t size; /* page-rounded */
};

static pthread_mutex_t files_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rfile *current;
static int n_files;
static size_t live_bytes;
static char *file_dir;
static int closing; /* response_files_closing */

void
response_set_dir(const char *dir)
{
	pthread_mutex_lock(&files_lock);
	free(file_dir);
	file_dir = dir ? xstrdup(dir) : NULL;
	pthread_mutex_unlock(&files_lock);
}

/* A file without a name: in the state folder, where its pages are page cache, else a memfd. */
static int
open_file(void)
{
	int fd = -1;

	if (file_dir)
		fd = open(file_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd == -1)
		fd = memfd_create("feedd-responses", MFD_CLOEXEC);
	return fd;
}

static void
retire(struct rfile *f)
{
	f->retired = 1;
	if (f == current)
		current = NULL;
	if (f->live == 0) {
		close(f->fd);
		free(f);
		n_files--;
	}
}

/* Room for size bytes: the file and offset, or NULL (then the body stays in the heap). */
static struct span *
span_take(size_t size)
{
	struct span *s;
	int fd;

	if (current && current->end + (int64_t)size >
	    (current->punch ? FILE_END_MAX : FILE_END_NOPUNCH))
		retire(current);
	if (current == NULL) {
		if (n_files >= RESPONSE_FILES_MAX || (fd = open_file()) == -1)
			return NULL;
		current = xcalloc(1, sizeof(*current));
		current->fd = fd;
		current->punch = 1;
		n_files++;
	}
	s = xmalloc(sizeof(*s));
	s->f = current;
	s->off = current->end;
	s->size = size;
	current->end += (int64_t)size;
	current->live++;
	live_bytes += size;
	return s;
}

/* Gives a body's pages back. */
static void
span_release(struct span *s)
{
	struct rfile *f;

	pthread_mutex_lock(&files_lock);
	f = s->f;
	live_bytes -= s->size;
	if (--f->live == 0 && f->retired) {
		close(f->fd);
		free(f);
		n_files--;
	} else if (f->live == 0) {
		/* nothing left in it: the whole file goes back, holes or not */
		if (ftruncate(f->fd, 0) == 0)
			f->end = 0;
	} else if (f->punch && !closing &&
	    fallocate(f->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, s->off, (off_t)s->size) ==
	        -1) {
		f->punch = 0; /* not here: the file is retired at FILE_END_NOPUNCH */
	}
	pthread_mutex_unlock(&files_lock);
	free(s);
}

static void
segment_done(struct evbuffer_file_segment const *seg, int flags, void *arg)
{
	(void)seg;
	(void)flags;
	span_release(arg);
}

/* p[0..n) in the response file, as a libevent segment sent with sendfile; or NULL. */
static struct evbuffer_file_segment *
file_segment(const char *p, size_t n, struct span **spanp)
{
	struct evbuffer_file_segment *seg;
	struct span *s;
	size_t off = 0;

	*spanp = NULL;
	if (n < RESPONSE_FILE_MIN)
		return NULL;
	pthread_mutex_lock(&files_lock);
	s = span_take((n + PAGE - 1) / PAGE * PAGE);
	pthread_mutex_unlock(&files_lock);
	if (s == NULL)
		return NULL;
	while (off < n) {
		ssize_t w = pwrite(s->f->fd, p + off, n - off, (off_t)(s->off + (int64_t)off));

		if (w <= 0 && !(w == -1 && errno == EINTR)) { /* ENOSPC: it stays in the heap */
			span_release(s);
			return NULL;
		}
		if (w > 0)
			off += (size_t)w;
	}
	seg = evbuffer_file_segment_new(s->f->fd, (ev_off_t)s->off, (ev_off_t)n,
	    EVBUF_FS_DISABLE_MMAP | EVBUF_FS_DISABLE_LOCKING);
	if (seg == NULL) {
		span_release(s);
		return NULL;
	}
	evbuffer_file_segment_add_cleanup_cb(seg, segment_done, s);
	*spanp = s;
	return seg;
}

void
response_files_closing(void)
{
	pthread_mutex_lock(&files_lock);
	closing = 1;
	pthread_mutex_unlock(&files_lock);
}

size_t
response_file_bytes(void)
{
	size_t n;

	pthread_mutex_lock(&files_lock);
	n = live_bytes;
	pthread_mutex_unlock(&files_lock);
	return n;
}

/* An exact-size heap copy of p[0..n) with a NUL after it (bodies are built in doubling
 * buffers, and the gzip in one of compressBound's size). */
static char *
exact_copy(const char *p, size_t n)
{
	char *c = xmalloc(n + 1);

	memcpy(c, p, n);
	c[n] = '\0';
	return c;
}

/* Where one representation goes: the file, else the heap at its size.  Frees p. */
static char *
place(char *p, size_t n, struct evbuffer_file_segment **seg, struct span **span)
{
	char *kept;

	if ((*seg = file_segment(p, n, span)) != NULL) {
		free(p);
		return NULL;
	}
	kept = exact_copy(p, n);
	free(p);
	return kept;
}

struct response *
response_new(struct buf *body, int64_t mtime, long max_age)
{
	struct response *r = xcalloc(1, sizeof(*r));
	char *text, *gz;

	r->refs = 1;
	text = buf_steal(body, &r->len);
	r->hash = hash_bytes(text, r->len);
	snprintf(r->etag, sizeof(r->etag), "\"%016llx\"", (unsigned long long)r->hash);
	r->mtime = mtime;
	hdr_date(mtime, r->last_modified);
	r->max_age = max_age;
	snprintf(r->cache_control, sizeof(r->cache_control), "max-age=%ld", max_age);
	gz = gzip_bytes(text, r->len, &r->gzlen);
	if (gz == NULL || r->gzlen >= r->len) {
		free(gz);
		gz = NULL;
		r->gzlen = 0;
	}
	/* the gzip body is another representation: its own strong tag (RFC 9110 8.8.3) */
	if (gz) {
		snprintf(r->gzetag, sizeof(r->gzetag), "\"%016llx\"",
		    (unsigned long long)hash_bytes(gz, r->gzlen));
		r->gz = place(gz, r->gzlen, &r->gzseg, &r->gzspan);
	}
	snprintf(r->len_text, sizeof(r->len_text), "%zu", r->len);
	snprintf(r->gzlen_text, sizeof(r->gzlen_text), "%zu", r->gzlen);
	r->body = place(text, r->len, &r->seg, &r->span);
	return r;
}

int
response_file_at(const struct response *r, int gz, int *fd, int64_t *off)
{
	const struct span *s = gz ? r->gzspan : r->span;

	if (s == NULL)
		return -1;
	*fd = s->f->fd;
	*off = s->off;
	return 0;
}

int
response_bytes(const struct response *r, int gz, struct buf *out)
{
	const struct span *s = gz ? r->gzspan : r->span;
	size_t n = gz ? r->gzlen : r->len, got = 0;

	if (s == NULL) {
		buf_add(out, gz ? r->gz : r->body, n);
		return 0;
	}
	buf_reserve(out, n);
	while (got < n) {
		ssize_t k = pread(s->f->fd, out->data + out->len + got, n - got,
		    (off_t)(s->off + (int64_t)got));

		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = EIO;
			out->data[out->len] = '\0';
			return -1;
		}
		got += (size_t)k;
	}
	out->len += n;
	out->data[out->len] = '\0';
	return 0;
}

void
response_set_mtime(struct response *r, int64_t mtime)
{
	r->mtime = mtime;
	hdr_date(mtime, r->last_modified);
}

void
response_ref(struct response *r)
{
	r->refs++;
}

void
response_unref(struct response *r)
{
	if (--r->refs > 0)
		return;
	if (r->seg) /* a request in flight keeps it, and its pages, until it is sent */
		evbuffer_file_segment_free(r->seg);
	if (r->gzseg)
		evbuffer_file_segment_free(r->gzseg);
	free(r->body);
	free(r->gz);
	free(r);
}
