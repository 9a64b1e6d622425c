/* A feed's prepared response: its bytes, their gzip, validators, and memfds to sendfile from. */
#include "config.h"

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
 * the kernel and fault it in again each time.  Kept for the life of the thread.
 */
static _Thread_local z_stream gz;
static _Thread_local int gz_ready;

static char *
gzip_bytes(const char *p, size_t n, size_t *outlen)
{
	size_t cap = compressBound((uLong)n) + 32;
	char *out;

	if (gz_ready && deflateReset(&gz) != Z_OK) {
		deflateEnd(&gz);
		gz_ready = 0;
	}
	if (!gz_ready) {
		memset(&gz, 0, sizeof(gz));
		if (deflateInit2(&gz, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return NULL;
		gz_ready = 1;
	}
	out = xmalloc(cap);
	gz.next_in = (Bytef *)(uintptr_t)p;
	gz.avail_in = (uInt)n;
	gz.next_out = (Bytef *)out;
	gz.avail_out = (uInt)cap;
	if (deflate(&gz, Z_FINISH) != Z_STREAM_END) {
		free(out);
		return NULL; /* reset before the next use */
	}
	*outlen = gz.total_out;
	return out;
}


/*
 * sendfile pays off for large bodies; every segment holds a descriptor, so only bodies of at
 * least SEGMENT_MIN bytes get one, and at most RESPONSE_SEGMENTS_MAX exist at once (10,000 feeds
 * must not eat 20,000 descriptors).  The rest are sent by reference from memory.
 */
#define SEGMENT_MIN 16384
static int live_segments;

static void
segment_free(struct evbuffer_file_segment *seg)
{
	if (seg == NULL)
		return;
	evbuffer_file_segment_free(seg); /* in-flight buffers hold their own reference */
	live_segments--;
}

/* The bytes in a memfd, as a libevent file segment sent with sendfile; or NULL. */
static struct evbuffer_file_segment *
file_segment(const char *p, size_t n)
{
	struct evbuffer_file_segment *seg;
	int fd;
	size_t off = 0;

	if (n < SEGMENT_MIN || live_segments >= RESPONSE_SEGMENTS_MAX)
		return NULL;
	if ((fd = memfd_create("feedd-response", MFD_CLOEXEC)) == -1)
		return NULL;
	while (off < n) {
		ssize_t w = write(fd, p + off, n - off);

		if (w <= 0) {
			close(fd);
			return NULL;
		}
		off += (size_t)w;
	}
	seg = evbuffer_file_segment_new(fd, 0, (ev_off_t)n,
	    EVBUF_FS_CLOSE_ON_FREE | EVBUF_FS_DISABLE_MMAP | EVBUF_FS_DISABLE_LOCKING);
	if (seg == NULL)
		close(fd);
	else
		live_segments++;
	return seg;
}

struct response *
response_new(struct buf *body, int64_t mtime, long max_age)
{
	struct response *r = xcalloc(1, sizeof(*r));
	uint64_t h;

	r->refs = 1;
	r->body = buf_steal(body, &r->len);
	h = hash_bytes(r->body, r->len);
	snprintf(r->etag, sizeof(r->etag), "\"%016llx\"", (unsigned long long)h);
	r->mtime = mtime;
	hdr_date(mtime, r->last_modified);
	r->max_age = max_age;
	snprintf(r->cache_control, sizeof(r->cache_control), "max-age=%ld", max_age);
	r->gz = gzip_bytes(r->body, r->len, &r->gzlen);
	if (r->gz && r->gzlen >= r->len) {
		free(r->gz);
		r->gz = NULL;
	}
	/* the gzip body is another representation: its own strong tag (RFC 9110 8.8.3) */
	if (r->gz)
		snprintf(r->gzetag, sizeof(r->gzetag), "\"%016llx\"",
		    (unsigned long long)hash_bytes(r->gz, r->gzlen));
	snprintf(r->len_text, sizeof(r->len_text), "%zu", r->len);
	snprintf(r->gzlen_text, sizeof(r->gzlen_text), "%zu", r->gzlen);
	if (r->len > 0)
		r->seg = file_segment(r->body, r->len);
	if (r->gz)
		r->gzseg = file_segment(r->gz, r->gzlen);
	return r;
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
	segment_free(r->seg);
	segment_free(r->gzseg);
	free(r->body);
	free(r->gz);
	free(r);
}
