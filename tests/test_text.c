/* Unit tests for text.c: UTF-8 validation, XML cleaning, charset decoding. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

static char *
decode(const char *s, size_t n, const char *cs, const char **used)
{
	static struct buf b;

	buf_free(&b);
	text_decode(&b, s, n, cs, used);
	buf_reserve(&b, 0);
	return b.data;
}

static void
test_utf8_valid(void **state)
{
	(void)state;
	assert_true(utf8_valid("abc", 3));
	assert_true(utf8_valid("\xe7\x8e\x8b\xe6\xaf\x85", 6)); /* 王毅 */
	assert_true(utf8_valid("\xf0\x9f\x98\x80", 4));
	assert_false(utf8_valid("\xc0\xaf", 2));          /* overlong */
	assert_false(utf8_valid("\xed\xa0\x80", 3));      /* surrogate */
	assert_false(utf8_valid("\xe2\x80", 2));          /* truncated */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));  /* > U+10FFFF */
	assert_false(utf8_valid("caf\xe9", 4));           /* Latin-1 */
}

static void
test_clean(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	text_clean(&b, "a\x01" "b\x0b" "c\x7f" "d", 7);
	assert_string_equal(b.data, "abcd");
	buf_reset(&b);
	text_clean(&b, "x\xffy", 3);
	assert_string_equal(b.data, "x\xef\xbf\xbdy");
	buf_reset(&b);
	text_clean(&b, "l1\r\nl2\rl3", 9);
	assert_string_equal(b.data, "l1\nl2\nl3");
	buf_reset(&b);
	text_clean(&b, "\xc2\x85" "a\xef\xbf\xbe", 6); /* NEL and U+FFFE */
	assert_string_equal(b.data, "a");
	assert_true(text_is_clean("plain \xe2\x80\x9cquoted\xe2\x80\x9d", 18));
	assert_false(text_is_clean("bell\x07", 5));
	assert_false(text_is_clean("cr\r", 3));
	/* printable ASCII whose length is a multiple of the 32-byte step (a 32-byte plugin_dir
	 * path was refused by the config check) */
	{
		char a[98];

		for (size_t n = 0; n < sizeof(a); n++) {
			memset(a, 'a', n);
			a[n] = '\0'; /* what follows a string: must not be read */
			assert_true(text_is_clean(a, n));
		}
	}
	buf_free(&b);
}

/* text_is_clean jumps over printable ASCII to the next other byte: one at every place of a
 * 100-byte text, whatever the byte, is judged as alone (a byte of its own, a control, DEL, a
 * character of 2, 3 or 4 bytes, a broken sequence, one cut by the end). */
static void
test_clean_at_every_place(void **state)
{
	static const struct {
		const char *s;
		int clean;
	} odd[] = {{"\x1f", 0}, {"\x7f", 0}, {"\t", 1}, {"\n", 1}, {"\r", 0}, {"\x80", 0},
	    {"\xc3\xa9", 1}, {"\xe2\x80\x9c", 1}, {"\xf0\x9f\x98\x80", 1}, {"\xe2\x80", 0},
	    {"\xc2\x85", 0}, {"\xef\xbf\xbe", 0}, {"\xed\xa0\x80", 0}, {"~", 1}, {" ", 1}};
	char a[128];
	size_t i, at, n, len = 100;

	(void)state;
	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		n = strlen(odd[i].s);
		for (at = 0; at + n <= len; at++) {
			memset(a, 'w', len);
			memcpy(a + at, odd[i].s, n);
			a[len] = '\0';
			assert_int_equal(text_is_clean(a, len), odd[i].clean);
			/* cut just after it, and inside it: a sequence the end cuts is broken */
			assert_int_equal(text_is_clean(a, at + n), odd[i].clean);
			if (n > 1)
				assert_false(text_is_clean(a, at + n - 1));
		}
	}
}

static void
test_decode_cp1252(void **state)
{
	const char *used;

	(void)state;
	/* 0x85 is an ellipsis, 0x93/0x94 curly quotes, 0xe9 é; not valid UTF-8 */
	assert_string_equal(decode("\x93" "caf\xe9\x94\x85", 7, NULL, &used),
	    "\xe2\x80\x9c" "caf\xc3\xa9\xe2\x80\x9d\xe2\x80\xa6");
	assert_string_equal(used, "windows-1252");
	/* undefined bytes vanish, they never become U+FFFD */
	assert_string_equal(decode("a\x81\x8d\x8f\x90\x9d" "b", 7, NULL, NULL), "ab");
}

static void
test_decode_bom_and_declared(void **state)
{
	const char *used;

	(void)state;
	assert_string_equal(decode("\xef\xbb\xbfhi", 5, NULL, &used), "hi");
	assert_string_equal(used, "UTF-8");
	/* UTF-16LE with BOM: "h\xe9" + U+1F600 */
	assert_string_equal(decode("\xff\xfeh\x00\xe9\x00\x3d\xd8\x00\xde", 10, NULL, &used),
	    "h\xc3\xa9\xf0\x9f\x98\x80");
	assert_string_equal(used, "UTF-16LE");
	assert_string_equal(decode("\xfe\xff\x00h\x00i", 6, NULL, &used), "hi");
	/* a lone surrogate is dropped */
	assert_string_equal(decode("\xff\xfe" "a\x00\x00\xd8" "b\x00", 8, NULL, NULL), "ab");
	/* a declared charset wins over detection */
	assert_string_equal(decode("\xe9", 1, "iso-8859-1", &used), "\xc3\xa9");
	assert_string_equal(decode("\xe9", 1, "ISO-8859-15", &used), "\xc3\xa9");
	assert_string_equal(decode("\xa4", 1, "ISO-8859-15", &used), "\xe2\x82\xac");
	/* a declared UTF-8 that is not falls back to Windows-1252 */
	assert_string_equal(decode("caf\xe9", 4, "utf-8", &used), "caf\xc3\xa9");
	/* ... unless it is mostly UTF-8: one stray byte among valid sequences is read as
	 * Windows-1252, the rest stays UTF-8 ("żółw café"), declared, after a BOM or detected */
	assert_string_equal(decode("\xc5\xbc\xc3\xb3\xc5\x82w caf\xe9", 12, "utf-8", &used),
	    "\xc5\xbc\xc3\xb3\xc5\x82w caf\xc3\xa9");
	assert_string_equal(used, "UTF-8");
	assert_string_equal(decode("\xef\xbb\xbf\xc5\xbc\xc3\xb3\xc5\x82 \x93x\x94", 13, NULL,
	                        &used), "\xc5\xbc\xc3\xb3\xc5\x82 \xe2\x80\x9cx\xe2\x80\x9d");
	assert_string_equal(decode("<meta charset=iso-8859-2>\xc5\xbc\xc3\xb3\xbf", 30, NULL,
	                        &used), "<meta charset=iso-8859-2>\xc5\xbc\xc3\xb3\xc2\xbf");
	assert_string_equal(used, "UTF-8");
	/* an unknown charset is reported, and detection still decodes */
	{
		struct buf b = BUF_INIT;

		assert_int_equal(text_decode(&b, "ok", 2, "x-no-such", NULL), -1);
		assert_string_equal(b.data, "ok");
		buf_free(&b);
	}
}

static void
test_decode_meta_charset(void **state)
{
	/* "Sejm zagłosował: ż" in Windows-1250 (ł 0xb3, ż 0xbf; as Windows-1252 they would be
	 * ³ and ¿), the charset named only by the page's <meta> */
	static const char page[] = "<html><head><meta http-equiv=\"Content-Type\" "
	    "content=\"text/html; charset=windows-1250\"></head><body>Sejm zag\xb3osowa\xb3: \xbf";
	static const char page5[] = "<!doctype html><meta charset='ISO-8859-2'><p>\xbf\xf3\xb3w";
	const char *used, *got;

	(void)state;
	got = decode(page, sizeof(page) - 1, NULL, &used);
	assert_non_null(strstr(got, "Sejm zag\xc5\x82osowa\xc5\x82: \xc5\xbc"));
	assert_string_equal(used, "windows-1250");
	got = decode(page5, sizeof(page5) - 1, NULL, &used);
	assert_non_null(strstr(got, "<p>\xc5\xbc\xc3\xb3\xc5\x82w")); /* żół */
	/* valid UTF-8 stays UTF-8 whatever the meta says, and so does what the HTTP charset
	 * or the charset option names */
	assert_string_equal(decode("<meta charset=iso-8859-2>\xc5\xbc", 27, NULL, &used),
	    "<meta charset=iso-8859-2>\xc5\xbc");
	assert_string_equal(used, "UTF-8");
	assert_string_equal(decode("<meta charset=iso-8859-2>\xbf", 26, "windows-1252", &used),
	    "<meta charset=iso-8859-2>\xc2\xbf");
	/* a meta naming what iconv does not know: Windows-1252 */
	assert_string_equal(decode("<meta charset=x-no-such>\xbf", 25, NULL, &used),
	    "<meta charset=x-no-such>\xc2\xbf");
	assert_string_equal(used, "windows-1252");
}

static void
test_decode_controls(void **state)
{
	(void)state;
	/* NUL and C0 go, tab/LF/CR/VT/FF stay for the segmenter, NEL becomes a space */
	assert_string_equal(decode("a\x00" "b\x01\x1c\x1e" "c\t\n\r\v\fd\xc2\x85" "e", 16, NULL, NULL),
	    "abc\t\n\r\v\fd e");
	/* U+FFFD from upstream is dropped */
	assert_string_equal(decode("a\xef\xbf\xbd" "b", 5, NULL, NULL), "ab");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_valid),
	    cmocka_unit_test(test_clean),
	    cmocka_unit_test(test_clean_at_every_place),
	    cmocka_unit_test(test_decode_cp1252),
	    cmocka_unit_test(test_decode_bom_and_declared),
	    cmocka_unit_test(test_decode_meta_charset),
	    cmocka_unit_test(test_decode_controls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
