/* Unit tests for the HTTP header rules: Accept-Encoding weights, If-None-Match, HTTP dates. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "httphdr.h"

static void
test_accept_encoding(void **state)
{
	(void)state;
	assert_true(hdr_accepts_gzip("gzip"));
	assert_true(hdr_accepts_gzip("gzip, deflate, br"));
	assert_true(hdr_accepts_gzip("gzip, br;q=0"));     /* br's weight is not gzip's */
	assert_true(hdr_accepts_gzip("br;q=0, gzip"));
	assert_true(hdr_accepts_gzip("GZIP;Q=0.5"));
	assert_true(hdr_accepts_gzip("gzip ; q=0.001"));
	assert_true(hdr_accepts_gzip("*"));
	assert_true(hdr_accepts_gzip("x-gzip"));
	assert_true(hdr_accepts_gzip("deflate;q=0.5, *;q=0.1"));
	assert_false(hdr_accepts_gzip(NULL));
	assert_false(hdr_accepts_gzip(""));
	assert_false(hdr_accepts_gzip("identity"));
	assert_false(hdr_accepts_gzip("gzip;q=0"));
	assert_false(hdr_accepts_gzip("gzip;Q=0"));
	assert_false(hdr_accepts_gzip("gzip;q=0.000"));
	assert_false(hdr_accepts_gzip("gzip;q=0, *"));      /* named wins over "*" */
	assert_false(hdr_accepts_gzip("*;q=0"));
	assert_false(hdr_accepts_gzip("gzipx, xgzip"));
	assert_false(hdr_accepts_gzip("br, gzip;q=2"));     /* not a qvalue: skipped */
	assert_false(hdr_accepts_gzip("gzip;q=0.0001"));
	assert_int_equal(hdr_coding_weight("br;q=0.25, gzip", "br"), 250);
	assert_int_equal(hdr_coding_weight("gzip;q=1.000", "gzip"), 1000);
	assert_int_equal(hdr_coding_weight("gzip;q=1.5", "gzip"), -1);
	assert_int_equal(hdr_coding_weight("deflate", "gzip"), -1);
}

static void
test_if_none_match(void **state)
{
	(void)state;
	assert_true(hdr_etag_match("\"abc\"", "\"abc\""));
	assert_true(hdr_etag_match("*", "\"abc\""));
	assert_true(hdr_etag_match("\"x\", W/\"abc\"", "\"abc\""));
	assert_true(hdr_etag_match("\"x\",\"abc\"", "\"abc\""));
	assert_false(hdr_etag_match("\"abcd\"", "\"abc\""));
	assert_false(hdr_etag_match("\"ab\"", "\"abc\""));
	assert_false(hdr_etag_match("\"x,\"abc\"\"", "\"abc\"")); /* inside another tag */
	assert_false(hdr_etag_match("abc", "\"abc\""));
	assert_false(hdr_etag_match("", "\"abc\""));
}

static void
test_dates(void **state)
{
	char d[40];

	(void)state;
	hdr_date(784111777, d);
	assert_string_equal(d, "Sun, 06 Nov 1994 08:49:37 GMT");
	hdr_date(INT64_C(253402300799) + 86400, d); /* past 9999: clamped, never year 10000 */
	assert_string_equal(d, "Fri, 31 Dec 9999 23:59:59 GMT");
	hdr_date(INT64_MAX, d);
	assert_string_equal(d, "Fri, 31 Dec 9999 23:59:59 GMT");
	hdr_date(-14182940, d);
	assert_string_equal(d, "Sun, 20 Jul 1969 20:17:40 GMT");
	hdr_date(INT64_MIN, d);
	assert_string_equal(d, "Mon, 01 Jan 0001 00:00:00 GMT");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accept_encoding),
	    cmocka_unit_test(test_if_none_match),
	    cmocka_unit_test(test_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
