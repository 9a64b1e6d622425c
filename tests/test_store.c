/* Unit tests for the entry store: merge rules, the state file round trip, broken state files
 * (including inputs the fuzzers found). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store.h"

static struct entry *
mk(const char *key, const char *summary, const char *content, int truncated)
{
	struct feedd_entry pe = {0};
	const char *why;

	pe.id_key = key;
	pe.title = key;
	pe.summary = summary;
	pe.content = content;
	pe.truncated = truncated;
	return entry_from_plugin(&pe, 1, &why);
}

static void
add(struct harvest *h, struct entry *e)
{
	h->v = realloc(h->v, (h->n + 1) * sizeof(*h->v));
	e->seq = h->n;
	h->v[h->n++] = e;
}

static void
test_merge_order_and_history(void **state)
{
	struct store s = {0};
	struct harvest h = {0};

	(void)state;
	add(&h, mk("a", "A", NULL, 1));
	add(&h, mk("b", "B", NULL, 1));
	assert_int_equal(store_merge(&s, &h, 1000, 10), 2);
	assert_string_equal(s.v[0]->id_key, "a"); /* page order */
	assert_true(s.v[0]->published > s.v[1]->published);
	/* a later fetch, in the same second: the new entry still sorts first */
	add(&h, mk("c", "C", NULL, 1));
	add(&h, mk("a", "A", NULL, 1));
	assert_int_equal(store_merge(&s, &h, 1000, 10), 1);
	assert_int_equal(s.n, 3); /* b left the page but stays */
	assert_string_equal(s.v[0]->id_key, "c");
	assert_true(s.v[0]->published > s.v[1]->published);
	/* the full story replaces the teaser; published stays, updated moves */
	int64_t pub = s.v[1]->published;
	add(&h, mk("a", NULL, "<p>full</p>", 0));
	assert_int_equal(store_merge(&s, &h, 2000, 10), 1);
	assert_string_equal(s.v[1]->id_key, "a");
	assert_int_equal(s.v[1]->published, pub);
	assert_int_equal(s.v[1]->updated, 2000);
	assert_null(s.v[1]->summary);
	/* a teaser never replaces the full text */
	add(&h, mk("a", "A again", NULL, 1));
	assert_int_equal(store_merge(&s, &h, 3000, 10), 0);
	assert_string_equal(s.v[1]->content, "<p>full</p>");
	/* a source faster than one entry a second cannot push dates far into the future */
	{
		struct store f = {0};
		char key[16];

		for (int round = 0; round < 50; round++) {
			for (int k = 0; k < 5; k++) {
				snprintf(key, sizeof(key), "r%dk%d", round, k);
				add(&h, mk(key, key, NULL, 1));
			}
			store_merge(&f, &h, 10000 + round, 1000);
		}
		assert_true(f.v[0]->published <= 10049 + 60);
		store_clear(&f);
	}
	/* max_entries drops the oldest */
	add(&h, mk("d", "D", NULL, 1));
	store_merge(&s, &h, 4000, 3);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[2]->id_key, "a");
	free(h.v);
	store_clear(&s);
}

static void
test_round_trip(void **state)
{
	char dir[] = "/tmp/feedd-test-store-XXXXXX", path[256], err[128];
	struct store s = {0}, t;
	struct harvest h = {0};
	struct store_job job;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.state", dir);
	add(&h, mk("tab\there", "line\none \\ two", "<p>\r</p>", 1));
	add(&h, mk("b", "B", NULL, 0));
	store_merge(&s, &h, 5000, 10);
	s.etag = strdup("\"v1\"");
	job.s = &s;
	job.path = path;
	assert_int_equal(store_save_batch(&job, 1, dir), 0);
	assert_true(job.ok);
	assert_int_equal(store_load(&t, path, err, sizeof(err)), 0);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.etag, "\"v1\"");
	assert_string_equal(t.v[0]->id, s.v[0]->id);
	assert_string_equal(t.v[0]->summary, s.v[0]->summary);
	assert_int_equal(t.v[0]->published, s.v[0]->published);
	assert_int_equal(t.v[0]->hash, s.v[0]->hash);
	store_clear(&t);
	/* truncation is noticed */
	truncate(path, 40);
	assert_int_equal(store_load(&t, path, err, sizeof(err)), -1);
	assert_int_equal(store_load(&t, "/nonexistent/x.state", err, sizeof(err)), 1);
	unlink(path);
	rmdir(dir);
	free(h.v);
	store_clear(&s);
}

static void
test_regressions(void **state)
{
	char path[4096], err[128];
	const char *top = getenv("top_srcdir");
	struct store s;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/data/regress/state-no-entries.state", top ? top : ".");
	/* once qsort(NULL, 0): UB that UBSan stops on */
	assert_true(store_load(&s, path, err, sizeof(err)) <= 0);
	store_clear(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_merge_order_and_history),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_regressions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
