/* Unit tests for prepared responses: validators, the gzip copy, and the memfd of a big body. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
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
	assert_non_null(r->seg); /* big: sent with sendfile from a memfd */
	response_ref(r);
	response_unref(r);
	assert_int_equal(r->refs, 1);
	response_unref(r);
	free(text);
	free(back);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_validators),
	    cmocka_unit_test(test_gzip_and_segment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
