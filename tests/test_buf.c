/* Unit tests for the byte buffer: buf_printf where the text fits and where it must grow, and
 * buf_add_u64's decimals. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

/* Every length from empty to past several doublings, appended at every fill of the buffer:
 * the bytes are those snprintf makes, and the buffer stays NUL-terminated. */
static void
test_printf_every_edge(void **state)
{
	char want[700], one[320];
	size_t lead, len;

	(void)state;
	for (lead = 0; lead < 130; lead += 3) {
		for (len = 0; len < 300; len += 7) {
			struct buf b = BUF_INIT;

			memset(want, 'a', lead);
			buf_add(&b, want, lead);
			memset(one, 'x', len);
			one[len] = '\0';
			buf_printf(&b, "<%s|%zu>", one, len);
			snprintf(want + lead, sizeof(want) - lead, "<%s|%zu>", one, len);
			assert_int_equal(b.len, strlen(want));
			assert_string_equal(b.data, want);
			assert_true(b.cap > b.len);
			buf_free(&b);
		}
	}
}

static void
test_printf_empty(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	buf_adds(&b, "kept");
	buf_printf(&b, "%s", "");
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "kept");
	buf_free(&b);
}

static void
test_add_u64(void **state)
{
	const uint64_t v[] = {0, 7, 10, 99, 1796181269, UINT64_C(18446744073709551615)};
	char want[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct buf b = BUF_INIT;

		buf_add_u64(&b, v[i]);
		snprintf(want, sizeof(want), "%llu", (unsigned long long)v[i]);
		assert_string_equal(b.data, want);
		assert_int_equal(b.len, strlen(want));
		buf_free(&b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_printf_every_edge),
	    cmocka_unit_test(test_printf_empty),
	    cmocka_unit_test(test_add_u64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
