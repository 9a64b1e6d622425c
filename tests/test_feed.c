/* Unit tests for the feed's schedule: how far the first fetches are spread at a start. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "feed.h"

static void
test_spread_network(void **state)
{
	(void)state;
	assert_int_equal(feed_first_spread_ms(1, 3600, "https://example.org/rss"), 2);
	assert_int_equal(feed_first_spread_ms(500, 3600, "http://127.0.0.1/rss"), 1000);
	assert_int_equal(feed_first_spread_ms(10000, 3600, "https://example.org/rss"), 3000);
	assert_int_equal(feed_first_spread_ms(10000, 1, "https://example.org/rss"), 1000);
	assert_int_equal(feed_first_spread_ms(10000, 3600, "exec:/bin/true"), 3000);
}

/* a file: source spares no origin: 10,000 of them start within 1 s, not 3 */
static void
test_spread_file(void **state)
{
	(void)state;
	assert_int_equal(feed_first_spread_ms(1, 3600, "file:///srv/a.txt"), 0);
	assert_int_equal(feed_first_spread_ms(10000, 3600, "file:///srv/a.txt"), 1000);
	assert_int_equal(feed_first_spread_ms(10000, 3600, "FILE:///srv/a.txt"), 1000);
	assert_int_equal(feed_first_spread_ms(100000, 3600, "file:///srv/a.txt"), 3000);
	assert_int_equal(feed_first_spread_ms(10000, 0, "file:///srv/a.txt"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spread_network),
		cmocka_unit_test(test_spread_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
