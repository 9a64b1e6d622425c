/* Unit tests for the Atom writer: escaping, forbidden characters, invalid UTF-8, dates. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#ifdef HAVE_LIBUUID
#include <uuid/uuid.h>
#endif
#include <libxml/parser.h>

#include "atom.h"
#include "sha1.h"
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
	return entry_from_plugin(&pe, 0, NULL, &why);
}

/* Writes a one-entry feed and checks libxml2 parses it back. */
static char *
write_one(struct entry *e)
{
	struct atom_feed f = {"urn:uuid:00000000-0000-5000-8000-000000000000", "T & <t>", NULL,
	    "me", NULL, NULL, NULL, 1700000000, NULL, NULL, NULL};
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

/* Attribute values (links, categories) come back from a parser exactly as they went in. */
static void
test_attribute_round_trip(void **state)
{
	static const char *const term = "a\"b<c>&d\te\nf 'g' \xc3\xa9";
	struct entry *e = mk("k3", "t", "s", "<p>x</p>");
	struct atom_feed f = {"urn:uuid:00000000-0000-5000-8000-000000000000", "t", NULL, "me",
	    "http://h/self?a=1&b=\"2\"", NULL, NULL, 1700000000, NULL, NULL, NULL};
	struct buf out = BUF_INIT;
	xmlDocPtr d;
	xmlNodePtr n, c;
	int seen = 0;

	(void)state;
	e->link = strdup("http://h/p?x=<1>&y=\"2\"");
	e->categories = calloc(1, sizeof(char *));
	e->categories[0] = strdup(term);
	e->n_categories = 1;
	assert_int_equal(atom_write(&out, &f, &e, 1), 0);
	d = xmlReadMemory(out.data, (int)out.len, NULL, NULL, XML_PARSE_NONET);
	assert_non_null(d);
	for (n = xmlDocGetRootElement(d)->children; n; n = n->next) {
		xmlChar *v;

		if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST "link")) {
			v = xmlGetProp(n, BAD_CAST "href");
			assert_string_equal((char *)v, "http://h/self?a=1&b=\"2\"");
			xmlFree(v);
			seen++;
		}
		if (n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, BAD_CAST "entry"))
			continue;
		for (c = n->children; c; c = c->next) {
			if (c->type != XML_ELEMENT_NODE)
				continue;
			if (xmlStrEqual(c->name, BAD_CAST "link")) {
				v = xmlGetProp(c, BAD_CAST "href");
				assert_string_equal((char *)v, "http://h/p?x=<1>&y=\"2\"");
				xmlFree(v);
				seen++;
			} else if (xmlStrEqual(c->name, BAD_CAST "category")) {
				v = xmlGetProp(c, BAD_CAST "term");
				assert_string_equal((char *)v, term);
				xmlFree(v);
				seen++;
			}
		}
	}
	assert_int_equal(seen, 3);
	xmlFreeDoc(d);
	buf_free(&out);
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
	/* no content and no page to link to: RFC 4287 wants content then, the summary's text */
	assert_null(strstr(x, "<link rel=\"alternate\""));
	assert_non_null(strstr(x, "<content type=\"text\">bad \xef\xbf\xbd\xef\xbf\xbd utf8"));
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
	/* before 1970 is a date, down to what RFC 3339 can write */
	assert_string_equal(atom_time(-5, ts), "1969-12-31T23:59:55Z");
	assert_string_equal(atom_time(-14182940, ts), "1969-07-20T20:17:40Z");
	assert_string_equal(atom_time(-2208988800, ts), "1900-01-01T00:00:00Z");
	assert_string_equal(atom_time(INT64_MIN, ts), "0001-01-01T00:00:00Z");
	assert_string_equal(atom_time(INT64_MAX, ts), "9999-12-31T23:59:59Z");
	{
		/* against gmtime_r over the whole range, leap days and centuries included */
		uint64_t x = 88172645463325252ULL;
		char want[32];
		int i;

		for (i = 0; i < 200000; i++) {
			struct tm tm;
			time_t tt;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			tt = (time_t)(x % UINT64_C(253402300800 + 62135596800)) - INT64_C(62135596800);
			if (i < 4000)
				tt = (time_t)i * 86400 * 37 + i; /* dense over the first centuries */
			gmtime_r(&tt, &tm);
			strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
			if (strcmp(atom_time((int64_t)tt, ts), want) != 0)
				fail_msg("%lld: %s, want %s", (long long)tt, ts, want);
		}
	}
	entry_make_id("same", a);
	entry_make_id("same", b);
	assert_string_equal(a, b);
	assert_memory_equal(a, "urn:uuid:", 9);
	assert_int_equal(a[9 + 14], '5'); /* version 5 */
	entry_make_id("other", b);
	assert_string_not_equal(a, b);
}

static void
hex20(const unsigned char d[20], char out[41])
{
	int i;

	for (i = 0; i < 20; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* FIPS 180 vectors, and every way of splitting the input across updates. */
static void
test_sha1(void **state)
{
	static const struct {
		const char *in, *hex;
	} v[] = {{"", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
	    {"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
	    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	        "84983e441c3bd26ebaae4aa1f95129e5e54670f1"}};
	unsigned char d[20];
	char hex[41], *a;
	struct sha1 s;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = strlen(v[i].in);

		for (k = 0; k <= n; k++) {
			sha1_init(&s);
			sha1_update(&s, v[i].in, k);
			sha1_update(&s, v[i].in + k, n - k);
			sha1_final(&s, d);
			hex20(d, hex);
			assert_string_equal(hex, v[i].hex);
		}
	}
	a = malloc(1000000);
	memset(a, 'a', 1000000);
	sha1_init(&s);
	for (i = 0; i < 1000000; i += 999)
		sha1_update(&s, a + i, i + 999 <= 1000000 ? 999 : 1000000 - i);
	sha1_final(&s, d);
	hex20(d, hex);
	assert_string_equal(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	free(a);
}

/* The processor's SHA extensions, where there are, give the portable rounds' state. */
static void
test_sha1_ni(void **state)
{
	unsigned char p[64];
	uint32_t c[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0}, ni[5];
	unsigned x = 12345;
	int i, j;

	(void)state;
	memcpy(ni, c, sizeof(c));
	for (i = 0; i < 2000; i++) { /* chained: each block starts from the last state */
		for (j = 0; j < 64; j++)
			p[j] = (unsigned char)((x = x * 1103515245u + 12345u) >> 16);
		if (!sha1_block_both(c, ni, p))
			skip();
		assert_memory_equal(c, ni, sizeof(c));
	}
}

#ifdef HAVE_LIBUUID
/* Ids are forever: feedd's UUIDv5 must be libuuid's, for keys of every length around the
 * block boundaries. */
static void
test_ids_match_libuuid(void **state)
{
	static const uuid_t ns = {0x6b, 0x1e, 0x0c, 0x4a, 0x93, 0x5d, 0x4f, 0x21, 0xa8, 0x07, 0x3c,
	    0xd2, 0x51, 0x9e, 0x7f, 0x40};
	char key[300], got[ENTRY_ID_LEN + 1], want[ENTRY_ID_LEN + 1];
	uint32_t x = 2463534242u;
	size_t n, i;

	(void)state;
	for (n = 1; n < sizeof(key); n++) {
		uuid_t u;

		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			key[i] = (char)(1 + x % 255);
		}
		key[n] = '\0';
		entry_make_id(key, got);
		uuid_generate_sha1(u, ns, key, n);
		memcpy(want, "urn:uuid:", 9);
		uuid_unparse_lower(u, want + 9);
		assert_string_equal(got, want);
	}
}
#else
static void
test_ids_match_libuuid(void **state)
{
	(void)state;
	skip(); /* built without libuuid */
}
#endif

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

/* The author field's people (one per line, "Name <email>"), each an atom:author; what is no
 * address stays part of the name, so every email element holds something@something. */
static void
test_authors(void **state)
{
	struct feedd_entry pe = {0};
	const char *why;
	struct entry *e;
	char *x;

	(void)state;
	pe.id_key = "authors";
	pe.title = "t";
	pe.summary = "s";
	pe.author = "Ana Ruiz <ana@example.org>\n\n<solo@example.org>\nPlain Name\nBad <@>\n<x@>";
	e = entry_from_plugin(&pe, 0, NULL, &why);
	x = write_one(e);
	assert_non_null(strstr(x, "<author><name>Ana Ruiz</name><email>ana@example.org</email>"
	                          "</author><author><name>solo@example.org</name><email>"
	                          "solo@example.org</email></author><author><name>Plain Name</name>"
	                          "</author><author><name>Bad &lt;@&gt;</name></author><author>"
	                          "<name>&lt;x@&gt;</name></author>"));
	free(x);
	entry_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escaping),
	    cmocka_unit_test(test_attribute_round_trip),
	    cmocka_unit_test(test_sha1),
	    cmocka_unit_test(test_ids_match_libuuid),
	    cmocka_unit_test(test_forbidden_and_invalid),
	    cmocka_unit_test(test_dates_and_ids),
	    cmocka_unit_test(test_sanitized_content),
	    cmocka_unit_test(test_derived_title),
	    cmocka_unit_test(test_authors),
	    cmocka_unit_test(test_sha1_ni),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	xmlCleanupParser();
	return rc;
}
