/* Unit tests for prepared responses: validators, the gzip copy, and the file bodies are sent
 * from. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/buffer.h>
#include <zlib.h>

#include "response.h"

static struct response *
make(const char *text, size_t n, int64_t mtime)
{
	struct buf b = BUF_INIT;

	buf_add(&b, text, n);
	return response_new(&b, mtime, 900);
}

static void
test_validators(void **state)
{
	struct response *a = make("<feed>one</feed>", 16, 784111777), *b, *c;

	(void)state;
	b = make("<feed>one</feed>", 16, 784111777);
	c = make("<feed>two</feed>", 16, 784111777);
	assert_string_equal(a->etag, b->etag); /* the same bytes: the same ETag */
	assert_string_not_equal(a->etag, c->etag);
	assert_int_equal(a->etag[0], '"');
	assert_string_equal(a->last_modified, "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_string_equal(a->cache_control, "max-age=900");
	assert_string_equal(a->len_text, "16");
	assert_null(a->seg); /* small: sent from memory */
	assert_int_equal(a->gzlen, 0); /* a gzip of 16 bytes is longer: no copy, none counted */
	assert_string_equal(a->gzlen_text, "0");
	response_unref(a);
	response_unref(b);
	response_unref(c);
}

static void
test_gzip_and_segment(void **state)
{
	size_t n = 200000, i;
	char *text = malloc(n), *back = malloc(n);
	uLongf got = (uLongf)n;
	struct response *r;
	z_stream z;

	(void)state;
	for (i = 0; i < n; i++)
		text[i] = "<entry>feedd</entry>\n"[i % 21];
	r = make(text, n, 0);
	assert_non_null(r->gz);
	assert_true(r->gzlen < r->len);
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)r->gz;
	z.avail_in = (uInt)r->gzlen;
	z.next_out = (Bytef *)back;
	z.avail_out = (uInt)got;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, n);
	inflateEnd(&z);
	assert_memory_equal(back, text, n);
	assert_non_null(r->seg); /* big: sent with sendfile from the response file */
	response_ref(r);
	response_unref(r);
	assert_int_equal(r->refs, 1);
	response_unref(r);
	free(text);
	free(back);
}

static void
inflate_eq(const struct buf *z, const char *text, size_t n)
{
	char *back = malloc(n + 1);
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (Bytef *)z->data;
	zs.avail_in = (uInt)z->len;
	zs.next_out = (Bytef *)back;
	zs.avail_out = (uInt)n + 1;
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(zs.total_out, n);
	inflateEnd(&zs);
	assert_memory_equal(back, text, n);
	free(back);
}

/* A feed-sized body (a 10-entry Atom document is some 3.5 KB) lives in the response file, not
 * the heap; it reads back whole, and so does its gzip copy, which is small and stays in the
 * heap at its size. */
static void
test_body_in_file(void **state)
{
	size_t n = 3500, i, before = response_file_bytes();
	char *text = malloc(n);
	struct buf b = BUF_INIT, z = BUF_INIT;
	struct response *r;

	(void)state;
	for (i = 0; i < n; i++)
		text[i] = (char)('a' + (i * 7 + i / 13) % 26);
	r = make(text, n, 0);
	assert_null(r->body);
	assert_non_null(r->seg);
	assert_int_equal(response_file_bytes() - before, 4096); /* one page */
	assert_int_equal(response_bytes(r, 0, &b), 0);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.data, text, n);
	assert_true(r->gzlen > 0 && r->gzlen < RESPONSE_FILE_MIN);
	assert_non_null(r->gz);
	assert_null(r->gzseg);
	assert_int_equal(response_bytes(r, 1, &z), 0);
	assert_int_equal(z.len, r->gzlen);
	inflate_eq(&z, text, n);
	response_unref(r);
	assert_int_equal(response_file_bytes(), before); /* its page went back */
	buf_free(&b);
	buf_free(&z);
	free(text);
}

/* A request in flight still sends the right bytes after the feed dropped the response (a new
 * one was built): the pages are given back when the last sender is done, not before. */
static void
test_in_flight(void **state)
{
	size_t n = 9000, i, got = 0, before = response_file_bytes();
	char *text = malloc(n), *back = malloc(n);
	struct evbuffer *out = evbuffer_new();
	struct response *r, *other;
	int sv[2];

	(void)state;
	for (i = 0; i < n; i++)
		text[i] = (char)('A' + (i * 31 + i / 7) % 26);
	r = make(text, n, 0);
	assert_non_null(r->seg);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	evbuffer_set_flags(out, EVBUFFER_FLAG_DRAINS_TO_FD); /* sendfile, as http.c sends */
	assert_int_equal(evbuffer_add_file_segment(out, r->seg, 0, (ev_off_t)n), 0);
	response_unref(r); /* the feed moved on */
	other = make(text, n, 0); /* and its next body is written to the file meanwhile */
	assert_int_equal(response_file_bytes() - before, 3 * 4096 + 3 * 4096);
	while (evbuffer_get_length(out) > 0)
		assert_true(evbuffer_write(out, sv[0]) > 0);
	evbuffer_free(out); /* the last sender is done */
	assert_int_equal(response_file_bytes() - before, 3 * 4096);
	while (got < n) {
		ssize_t k = read(sv[1], back + got, n - got);

		assert_true(k > 0);
		got += (size_t)k;
	}
	assert_memory_equal(back, text, n);
	response_unref(other);
	assert_int_equal(response_file_bytes(), before);
	close(sv[0]);
	close(sv[1]);
	free(text);
	free(back);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_validators),
	    cmocka_unit_test(test_gzip_and_segment),
	    cmocka_unit_test(test_body_in_file),
	    cmocka_unit_test(test_in_flight),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
