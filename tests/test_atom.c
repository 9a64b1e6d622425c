/* Unit tests for the Atom writer: escaping, forbidden characters, invalid UTF-8, dates. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>

#include "atom.h"
#include "text.h"

static struct entry *
mk(const char *key, const char *title, const char *summary, const char *content)
{
	struct feedd_entry pe = {0};
	const char *why;

	pe.id_key = key;
	pe.title = title;
	pe.summary = summary;
	pe.content = content;
	return entry_from_plugin(&pe, 0, &why);
}

/* Writes a one-entry feed and checks libxml2 parses it back. */
static char *
write_one(struct entry *e)
{
	struct atom_feed f = {"urn:uuid:00000000-0000-5000-8000-000000000000", "T & <t>", NULL,
	    "me", NULL, NULL, NULL, 1700000000};
	struct buf out = BUF_INIT;
	xmlDocPtr d;

	e->published = e->updated = 1700000000;
	assert_int_equal(atom_write(&out, &f, &e, 1), 0);
	assert_true(utf8_valid(out.data, out.len));
	d = xmlReadMemory(out.data, (int)out.len, NULL, NULL, XML_PARSE_NONET);
	assert_non_null(d);
	xmlFreeDoc(d);
	return buf_steal(&out, NULL);
}

static void
test_escaping(void **state)
{
	struct entry *e = mk("k1", "a <b> & \"c\"", "x]]>y", "<p>hi &amp; bye</p>");
	char *x;

	(void)state;
	x = write_one(e);
	assert_non_null(strstr(x, "<title>T &amp; &lt;t&gt;</title>"));
	assert_non_null(strstr(x, "a &lt;b&gt; &amp; \"c\""));
	assert_non_null(strstr(x, "x]]&gt;y"));
	assert_non_null(strstr(x, "&lt;p&gt;hi &amp;amp; bye&lt;/p&gt;"));
	free(x);
	entry_free(e);
}

static void
test_forbidden_and_invalid(void **state)
{
	struct entry *e = mk("k2", "bell\x07 nul-free \x1b[31m", "bad \xff\xfe utf8 \xed\xa0\x80", NULL);
	char *x;

	(void)state;
	x = write_one(e);
	assert_null(strchr(x, '\x07'));
	assert_null(strchr(x, '\x1b'));
	assert_non_null(strstr(x, "bad \xef\xbf\xbd\xef\xbf\xbd utf8"));
	/* no content: an alternate link is required, here to the id */
	assert_non_null(strstr(x, "<link rel=\"alternate\" href=\"urn:uuid:"));
	free(x);
	entry_free(e);
}

static void
test_dates_and_ids(void **state)
{
	char ts[32], a[ENTRY_ID_LEN + 1], b[ENTRY_ID_LEN + 1];

	(void)state;
	assert_string_equal(atom_time(0, ts), "1970-01-01T00:00:00Z");
	assert_string_equal(atom_time(1700000000, ts), "2023-11-14T22:13:20Z");
	assert_string_equal(atom_time(951782400, ts), "2000-02-29T00:00:00Z");
	entry_make_id("same", a);
	entry_make_id("same", b);
	assert_string_equal(a, b);
	assert_memory_equal(a, "urn:uuid:", 9);
	assert_int_equal(a[9 + 14], '5'); /* version 5 */
	entry_make_id("other", b);
	assert_string_not_equal(a, b);
}

static void
test_sanitized_content(void **state)
{
	struct entry *e = mk("k3", "t", NULL,
	    "<p onclick=\"x()\">ok<script>alert(1)</script><a href=\" javascript:evil()\">l</a>"
	    "<img src=\"data:image/png;base64,AA\"><style>p{}</style></p>");
	(void)state;
	assert_null(strstr(e->content, "script"));
	assert_null(strstr(e->content, "onclick"));
	assert_null(strstr(e->content, "javascript"));
	assert_null(strstr(e->content, "<style"));
	assert_non_null(strstr(e->content, "ok"));
	assert_non_null(strstr(e->content, "data:image/png"));
	entry_free(e);
}

static void
test_derived_title(void **state)
{
	char *t;

	(void)state;
	t = entry_derive_title("short  text\nhere", 100);
	assert_string_equal(t, "short text here");
	free(t);
	t = entry_derive_title("one two three four five", 12);
	assert_string_equal(t, "one two\xe2\x80\xa6");
	free(t);
	t = entry_derive_title(NULL, 10);
	assert_string_equal(t, "(untitled)");
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escaping),
	    cmocka_unit_test(test_forbidden_and_invalid),
	    cmocka_unit_test(test_dates_and_ids),
	    cmocka_unit_test(test_sanitized_content),
	    cmocka_unit_test(test_derived_title),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	xmlCleanupParser();
	return rc;
}
