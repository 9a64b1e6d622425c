/* Unit tests for the textdump segmenter, through the real host code and the built plugin. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "harness.h"

static struct harvest h;

static size_t
run(const char *s)
{
	harvest_free(&h);
	assert_int_equal(harness_run("textdump", s, strlen(s), NULL, &h), 0);
	return h.n;
}

static size_t
paras(size_t i)
{
	return harness_count(h.v[i]->content, "<p>");
}

static char *
slurp(const char *rel)
{
	struct buf b = BUF_INIT;
	char path[4096], chunk[65536];
	const char *top = getenv("top_srcdir");
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", top ? top : ".", rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_steal(&b, NULL);
}

/* ~35 words, cut mid-sentence. */
#define TEASER(w)                                                                                  \
	w " officials said on Tuesday that the plan to rebuild the old harbour would go ahead "     \
	  "despite the objections of residents who had gathered outside the town hall for the "      \
	  "third week in a row to demand that the council"

#define P1 "The council met on Monday to discuss the harbour."
#define P2 "Residents were not invited, a spokesman said."

static void
test_sample(void **state)
{
	char *s = slurp("tests/data/news-page-dump.txt");

	(void)state;
	assert_int_equal(run(s), 5);
	assert_int_equal(paras(0), 22);
	assert_string_equal(h.v[0]->caption, "Photo: AFP / Russian Ministry of Foreign Affairs");
	assert_null(strstr(h.v[0]->content, "Photo:"));
	assert_null(h.v[0]->summary);
	for (size_t i = 1; i < 5; i++) {
		assert_null(h.v[i]->content);
		assert_true(h.v[i]->truncated);
	}
	assert_string_equal(h.v[4]->title, "SIGNS OF ESCALATION");
	assert_memory_equal(h.v[4]->summary, "Russian forces", 14);
	free(s);
}

static void
test_blank_lines_and_wraps(void **state)
{
	(void)state;
	/* hard-wrapped at ~60 columns, blank lines between paragraphs */
	assert_int_equal(run("Harbour plan goes ahead\n\n"
	                     "The council met on Monday to discuss the future of the\n"
	                     "harbour, which has been closed since the storm.\n\n"
	                     "Residents were not invited to the meeting, a spokesman for\n"
	                     "the council said, adding that a public hearing would follow.\n"),
	    1);
	assert_string_equal(h.v[0]->title, "Harbour plan goes ahead");
	assert_int_equal(paras(0), 2);
	assert_non_null(strstr(h.v[0]->content, "future of the harbour, which"));
}

static void
test_line_endings(void **state)
{
	(void)state;
	assert_int_equal(run(P1 "\r\n" P2 "\r\n"), 1);
	assert_int_equal(paras(0), 2);
	assert_int_equal(run(P1 "\r" P2), 1);
	assert_int_equal(paras(0), 2);
	assert_int_equal(run("  \t" P1 "  \n\n\n  " P2 "\t"), 1);
	assert_int_equal(paras(0), 2);
	assert_non_null(strstr(h.v[0]->content, "<p>" P1 "</p>"));
}

static void
test_vt_ff_are_spaces(void **state)
{
	(void)state;
	assert_int_equal(run("The council met\von Monday.\fIt was\x1c long.\xc2\x85" "Then it ended."), 1);
	assert_int_equal(paras(0), 1);
	assert_non_null(strstr(h.v[0]->content, "met on Monday. It was long. Then it ended."));
}

/* Folding white space gives the same text wherever it falls against the eight-byte steps of the
 * line scanner: a run of spaces, a tab, NBSP, U+3000 or a space at either end, at every offset. */
static void
test_folding_at_every_offset(void **state)
{
	static const char *const ws[] = {"  ", "\t", " \t ", "\xc2\xa0", "\xe3\x80\x80", "   "};
	const char *words = TEASER("Harbour");
	char *want, line[1024];
	size_t i, k, n;

	(void)state;
	assert_int_equal(run(words), 1);
	want = strdup(h.v[0]->summary);
	for (i = 0; i < sizeof(ws) / sizeof(ws[0]); i++) {
		for (k = 0; k < 24; k++) {
			const char *sp = words + k;

			while (*sp && *sp != ' ')
				sp++; /* the space after offset k becomes ws[i] */
			n = (size_t)(sp - words);
			snprintf(line, sizeof(line), "%s%.*s%s%s%s", k % 2 ? ws[i] : "", (int)n, words,
			    ws[i], sp + 1, k % 3 ? "" : ws[i]);
			assert_int_equal(run(line), 1);
			if (strcmp(h.v[0]->summary, want) != 0)
				fail_msg("white space %zu at %zu: '%s'", i, k, h.v[0]->summary);
		}
	}
	free(want);
}

static void
test_kickers(void **state)
{
	(void)state;
	assert_int_equal(run("\xe2\x80\x98WE\xe2\x80\x99RE STILL HERE\xe2\x80\x99: " TEASER("City") "\n"
	                     "\xe2\x80\x9cNO DEAL\xe2\x80\x9d: " TEASER("Union") "\n"
	                     "'ALERT': " TEASER("Police") "\n" TEASER("Harbour")),
	    4);
	assert_string_equal(h.v[0]->title, "WE\xe2\x80\x99RE STILL HERE");
	assert_memory_equal(h.v[0]->summary, "City officials", 14);
	assert_string_equal(h.v[1]->title, "NO DEAL");
	assert_string_equal(h.v[2]->title, "ALERT");
	assert_memory_equal(h.v[3]->title, "Harbour officials said on Tuesday", 33);
	for (size_t i = 0; i < 4; i++) {
		size_t n = strlen(h.v[i]->summary);

		assert_memory_equal(h.v[i]->summary + n - 3, "\xe2\x80\xa6", 3);
	}
}

static void
test_two_articles_with_headlines(void **state)
{
	(void)state;
	assert_int_equal(run("First headline\n" P1 "\nPhotos: Reuters / AP\n" P2 "\n"
	                     "Second headline here\n" P2 "\n" P1 "\n"),
	    2);
	assert_string_equal(h.v[0]->title, "First headline");
	assert_string_equal(h.v[1]->title, "Second headline here");
	assert_int_equal(paras(0), 2);
	assert_int_equal(paras(1), 2);
	assert_string_equal(h.v[0]->caption, "Photos: Reuters / AP");
	assert_null(h.v[1]->caption);
}

static void
test_teasers_only_and_empty(void **state)
{
	(void)state;
	assert_int_equal(run(TEASER("Harbour") "\n\n" TEASER("Airport") "\n"), 2);
	assert_int_equal(run(""), 0);
	assert_int_equal(run("\n\n  \r\n\t\n"), 0);
}

static void
test_same_story_same_id(void **state)
{
	char teaser_id[ENTRY_ID_LEN + 1];

	(void)state;
	assert_int_equal(run("\xe2\x80\x98SIGNS\xe2\x80\x99: " TEASER("Harbour")), 1);
	strcpy(teaser_id, h.v[0]->id);
	assert_int_equal(run("Harbour officials said on Tuesday that the plan to rebuild the old "
	                     "harbour would go ahead despite everything.\n" P2 "\n"),
	    1);
	assert_string_equal(h.v[0]->id, teaser_id);
}

static void
test_long_complete_paragraph_is_article(void **state)
{
	(void)state;
	assert_int_equal(run(TEASER("Harbour") " to resign.\n"), 1);
	assert_null(h.v[0]->summary);
	assert_int_equal(paras(0), 1);
}

static void
test_emoji_ends_sentence(void **state)
{
	(void)state;
	/* an emoji after the last word ends the sentence, as a full stop would */
	assert_int_equal(run("We went down to the lake and the children loved every minute of it "
	                     "\xf0\x9f\x98\x89\n" P2 "\n"),
	    1);
	assert_int_equal(paras(0), 2);
}

static void
test_options(void **state)
{
	static const char *const bad[] = {"teaser_min_words=0", NULL};
	static const char *const few[] = {"teaser_min_words=500", NULL};
	static const char *const credits[] = {"credit_prefixes=Bild", NULL};

	(void)state;
	harvest_free(&h);
	assert_int_equal(harness_run("textdump", "x", 1, bad, &h), -1);
	assert_non_null(strstr(h.error, "teaser_min_words"));
	harvest_free(&h);
	/* nothing is long enough to be a teaser: the lone line is a label and dropped */
	assert_int_equal(harness_run("textdump", TEASER("Harbour"), strlen(TEASER("Harbour")), few,
	                     &h), 0);
	assert_int_equal(h.n, 0);
	harvest_free(&h);
	assert_int_equal(harness_run("textdump", P1 "\nBild: dpa\n", strlen(P1 "\nBild: dpa\n"),
	                     credits, &h), 0);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.v[0]->caption, "Bild: dpa");
}

static int
teardown(void **state)
{
	(void)state;
	harvest_free(&h);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sample),
	    cmocka_unit_test(test_blank_lines_and_wraps),
	    cmocka_unit_test(test_line_endings),
	    cmocka_unit_test(test_vt_ff_are_spaces),
	    cmocka_unit_test(test_folding_at_every_offset),
	    cmocka_unit_test(test_kickers),
	    cmocka_unit_test(test_two_articles_with_headlines),
	    cmocka_unit_test(test_teasers_only_and_empty),
	    cmocka_unit_test(test_same_story_same_id),
	    cmocka_unit_test(test_long_complete_paragraph_is_article),
	    cmocka_unit_test(test_emoji_ends_sentence),
	    cmocka_unit_test(test_options),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
