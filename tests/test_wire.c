/* Unit tests for the worker protocol's frames, and for what the daemon makes of hostile ones. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "entry.h"
#include "sanitize.h"
#include "wire.h"

static void
sample_entry(struct buf *b)
{
	static const char *const cats[] = {"one", "two", NULL};
	static const struct feedd_enclosure enc = {"http://x/a.mp3", "audio/mpeg", 1234};
	struct feedd_entry e = {0};
	size_t at;

	e.id_key = "key";
	e.title = "Title";
	e.link = "http://x/";
	e.summary = "Summary \xe2\x80\xa6";
	e.content = "<p>x</p>";
	e.published = 1700000000;
	e.updated = -5;
	e.truncated = 1;
	e.categories = cats;
	e.enclosures = &enc;
	e.n_enclosures = 1;
	at = wire_begin(b, WIRE_ENTRY);
	wire_put_entry(b, &e);
	wire_end(b, at);
}

static void
test_round_trip(void **state)
{
	struct wire_in in = {BUF_INIT, 0};
	const char *cats[WIRE_CATEGORIES_MAX + 1];
	struct feedd_enclosure encs[WIRE_ENCLOSURES_MAX];
	struct feedd_entry e;
	struct wire_rd r;
	int type;

	(void)state;
	sample_entry(&in.b);
	assert_int_equal(wire_next(&in, WIRE_ENTRY_MAX, &type, &r), 1);
	assert_int_equal(type, WIRE_ENTRY);
	assert_int_equal(wire_get_entry(&r, &e, cats, encs), 0);
	assert_string_equal(e.id_key, "key");
	assert_string_equal(e.title, "Title");
	assert_string_equal(e.link, "http://x/");
	assert_null(e.author);
	assert_string_equal(e.summary, "Summary \xe2\x80\xa6");
	assert_string_equal(e.content, "<p>x</p>");
	assert_null(e.caption);
	assert_int_equal(e.published, 1700000000);
	assert_int_equal(e.updated, -5);
	assert_int_equal(e.truncated, 1);
	assert_string_equal(e.categories[0], "one");
	assert_string_equal(e.categories[1], "two");
	assert_null(e.categories[2]);
	assert_int_equal(e.n_enclosures, 1);
	assert_string_equal(e.enclosures[0].url, "http://x/a.mp3");
	assert_int_equal(e.enclosures[0].length, 1234);
	assert_int_equal(wire_next(&in, WIRE_ENTRY_MAX, &type, &r), 0);
	wire_in_free(&in);
}

/* Every cut of a frame's payload is refused, never read past. */
static void
test_truncated(void **state)
{
	struct buf b = BUF_INIT;
	const char *cats[WIRE_CATEGORIES_MAX + 1];
	struct feedd_enclosure encs[WIRE_ENCLOSURES_MAX];
	struct feedd_entry e;
	size_t n;

	(void)state;
	sample_entry(&b);
	for (n = 0; n < b.len - WIRE_HEADER; n++) {
		char *copy = malloc(n + 1); /* exactly n bytes readable (and one for ASan to see) */
		struct wire_rd r = {copy, copy + n, 0};

		memcpy(copy, b.data + WIRE_HEADER, n);
		assert_int_equal(wire_get_entry(&r, &e, cats, encs), -1);
		free(copy);
	}
	buf_free(&b);
}

static void
test_bounds(void **state)
{
	struct wire_in in = {BUF_INIT, 0};
	struct wire_rd r;
	int type;
	static const char huge[] = {'E', 0x7f, 0xff, 0xff, 0xff};
	static const char lies[] = {0, 0, 0, 9, 'a', 'b'}; /* a string longer than its frame */
	char copy[sizeof(lies)];

	(void)state;
	buf_add(&in.b, huge, sizeof(huge));
	assert_int_equal(wire_next(&in, WIRE_ENTRY_MAX, &type, &r), -1);
	wire_in_free(&in);
	memcpy(copy, lies, sizeof(lies));
	r.p = copy;
	r.end = copy + sizeof(copy);
	r.bad = 0;
	assert_null(wire_get_str(&r, 100));
	assert_true(r.bad);
	assert_int_equal(wire_get_u32(&r), 0); /* stays failed */
	assert_false(wire_rd_done(&r));
}

static void
test_plain(void **state)
{
	(void)state;
	assert_true(sanitize_is_plain("<p>a &amp; b &#39;c&#x2026;</p><figure><figcaption>x"
	                              "</figcaption></figure>"));
	assert_true(sanitize_is_plain("no markup at all"));
	assert_false(sanitize_is_plain("<p onclick=\"x()\">a</p>"));
	assert_false(sanitize_is_plain("<script>alert(1)</script>"));
	assert_false(sanitize_is_plain("<a href=\"javascript:x\">a</a>"));
	assert_false(sanitize_is_plain("<p>a & b</p>"));
	assert_false(sanitize_is_plain("<P>a</P>"));
	assert_false(sanitize_is_plain("<p"));
}

/* A worker running a plugin that promised safe HTML may have been subverted since: what it
 * sends is still sanitized when it is not the plain markup the promise covers. */
static void
test_safe_html_checked(void **state)
{
	struct feedd_entry pe = {0};
	const char *why;
	struct entry *e;

	(void)state;
	pe.id_key = "k";
	pe.content = "<p>fine</p><script>alert(1)</script><img src=x onerror=alert(2)>";
	e = entry_from_plugin(&pe, 1, NULL, &why);
	assert_non_null(e);
	assert_null(strstr(e->content, "script"));
	assert_null(strstr(e->content, "onerror"));
	assert_non_null(strstr(e->content, "fine"));
	entry_free(e);
	pe.content = "<p>kept &amp; as it is</p>";
	e = entry_from_plugin(&pe, 1, NULL, &why);
	assert_string_equal(e->content, "<p>kept &amp; as it is</p>");
	entry_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_bounds),
	    cmocka_unit_test(test_plain),
	    cmocka_unit_test(test_safe_html_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
