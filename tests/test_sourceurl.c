/* Unit tests for source URLs: the label a feed falls back to, the URL a path becomes, and links
 * resolved against them (url.c's shortcut for plain absolute ones against libxml2's resolver). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/uri.h>

#include "sourceurl.h"
#include "url.h"

static void
check_label(const char *url, const char *want)
{
	char *got = sourceurl_label(url);

	assert_string_equal(got, want);
	free(got);
}

static void
check_url(const char *source, const char *base, const char *want)
{
	char *got = sourceurl_resolve(source, base);

	assert_string_equal(got, want);
	free(got);
}

static void
test_label(void **state)
{
	(void)state;
	check_label("https://news.example.org:8443/a/b?c", "news.example.org");
	check_label("http://127.0.0.1/rss", "127.0.0.1");
	check_label("file:///srv/dumps/harbour.txt", "harbour.txt");
	check_label("file:///srv/dumps/", "file:///srv/dumps/");
	check_label("stdin:", "stdin");
	check_label("https://", "https://");
}

static void
test_resolve(void **state)
{
	(void)state;
	check_url("https://example.org/x", "/base", "https://example.org/x");
	check_url("/srv/a b#1.txt", NULL, "file:///srv/a%20b%231.txt");
	check_url("page.txt", "/etc/feedd", "file:///etc/feedd/page.txt");
	check_url("page.txt", "/", "file:///page.txt");
	check_url("caf\xc3\xa9.txt", "/d", "file:///d/caf%C3%A9.txt");
}

/* url_resolve takes a plain absolute link as it is, without libxml2: what libxml2 makes of it. */
static void
test_absolute(void **state)
{
	static const char *const links[] = {"http://example.org/a/b?c=d&e=f#g",
	    "https://EXAMPLE.org:8080/x/./y/../z", "http://a.b/%41%zz", "http://a.b/%4",
	    "https://h/p;q=1,2+3!$'()*@:~", "http://h", "HTTP://h/x", "http://h/a b",
	    "http://h/caf\xc3\xa9", "http://h//x//y", "http://h/?a=/b?c", "http://h/#a#b",
	    "http://[::1]/x", "http://h:/x", "http://h:80x/", "http://-h/", "http://h/a\"b",
	    "http://h/a<b>", "https://h.example/a/b.html#x?y/z", "http://h/%7e", "http://h/a|b",
	    "http://h/a^b", "http://h/a`b", "http://h/a{b}", "http://h/a\\b", NULL};
	const char *base = "https://base.example/dir/page.html";
	size_t i;

	(void)state;
	for (i = 0; links[i]; i++) {
		xmlChar *want = xmlBuildURI((const xmlChar *)links[i], (const xmlChar *)base);
		char *got = url_resolve(links[i], base);

		if (want == NULL)
			assert_null(got);
		else
			assert_string_equal(got, (const char *)want);
		xmlFree(want);
		free(got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_label),
	    cmocka_unit_test(test_resolve),
	    cmocka_unit_test(test_absolute),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
