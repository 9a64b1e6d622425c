/* Unit tests for source URLs: the label a feed falls back to, and the URL a path becomes. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sourceurl.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_label),
	    cmocka_unit_test(test_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
