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
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>

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
	return entry_from_plugin(&pe, 1, NULL, &why);
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

static void
save(struct store *s, const char *dir, const char *path)
{
	struct store_job job = {0};

	job.s = s;
	job.path = path;

	assert_int_equal(store_save_batch(&job, 1, dir), 0);
	assert_true(job.ok);
}

/* Content that grows when sanitized (unclosed paragraphs get their end tags) is cut once, after
 * sanitizing, to at most ENTRY_TEXT_MAX, and a restart reads back exactly what was served. */
static void
test_long_content_reads_back(void **state)
{
	char dir[] = "/tmp/feedd-test-store-XXXXXX", path[256], err[128];
	struct feedd_entry pe = {0};
	struct store s = {0}, t;
	struct harvest h = {0};
	const char *why;
	size_t n = 3 * ENTRY_TEXT_MAX / 4, i;
	char *html = malloc(n + 1);
	struct entry *e;

	(void)state;
	for (i = 0; i < n; i += 4)
		memcpy(html + i, "<p>x", 4);
	html[n] = '\0';
	pe.id_key = "long";
	pe.title = "long";
	pe.content = html;
	e = entry_from_plugin(&pe, 0, NULL, &why);
	free(html);
	assert_non_null(e);
	assert_true(strlen(e->content) <= ENTRY_TEXT_MAX);
	assert_true(strlen(e->content) > ENTRY_TEXT_MAX / 2);
	{ /* every paragraph closed: the cut came before sanitizing */
		size_t open = 0, close = 0;
		const char *p;

		for (p = e->content; (p = strstr(p, "<p>")) != NULL; p++)
			open++;
		for (p = e->content; (p = strstr(p, "</p>")) != NULL; p++)
			close++;
		assert_int_equal(open, close);
	}
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.state", dir);
	add(&h, e);
	store_merge(&s, &h, 5000, 10);
	save(&s, dir, path);
	assert_int_equal(store_load(&t, path, err, sizeof(err)), 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.v[0]->content, s.v[0]->content);
	assert_int_equal(t.v[0]->hash, s.v[0]->hash);
	store_clear(&t);
	unlink(path);
	rmdir(dir);
	free(h.v);
	store_clear(&s);
}

/* Only a file that parses wrong is corrupt (-1); one that cannot be read is -2 and stays. */
static void
test_read_error_is_not_corruption(void **state)
{
	char dir[] = "/tmp/feedd-test-store-XXXXXX", path[256], err[128];
	struct store s = {0}, t;
	struct harvest h = {0};
	struct rlimit rl, low;
	struct stat st;
	int fds[64], nfd = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.state", dir);
	add(&h, mk("a", "A", NULL, 1));
	store_merge(&s, &h, 5000, 10);
	save(&s, dir, path);
	/* EISDIR: a folder where the file should be */
	assert_int_equal(store_load(&t, dir, err, sizeof(err)), -2);
	assert_non_null(strstr(err, strerror(EISDIR)));
	/* EMFILE: no descriptor left to open it with */
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	low = rl;
	low.rlim_cur = 32;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	while (nfd < 64 && (fds[nfd] = open("/dev/null", O_RDONLY)) != -1)
		nfd++;
	assert_int_equal(store_load(&t, path, err, sizeof(err)), -2);
	while (nfd > 0)
		close(fds[--nfd]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_non_null(strstr(err, strerror(EMFILE)));
	/* EACCES, when the tests do not run as root */
	if (geteuid() != 0) {
		chmod(path, 0);
		assert_int_equal(store_load(&t, path, err, sizeof(err)), -2);
		chmod(path, 0600);
	}
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(store_load(&t, path, err, sizeof(err)), 0);
	assert_int_equal(t.n, 1);
	store_clear(&t);
	unlink(path);
	rmdir(dir);
	free(h.v);
	store_clear(&s);
}

static void
fill(struct harvest *h, const char *prefix, int n)
{
	char key[32];

	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "%s%d", prefix, i);
		add(h, mk(key, key, NULL, 1));
	}
}

/* Order is first seen, newest fetch first and page order within it; pruning drops the first
 * seen; neither depends on the clock going forward. */
static void
test_first_seen_order(void **state)
{
	struct store s = {0};
	struct harvest h = {0};
	char key[32];
	int64_t upd;

	(void)state;
	fill(&h, "old", 100);
	store_merge(&s, &h, 1000, 100);
	fill(&h, "new", 100); /* faster than one entry a second: dates are capped */
	assert_int_equal(store_merge(&s, &h, 1001, 100), 100);
	assert_int_equal(s.n, 100);
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "new%d", i);
		assert_string_equal(s.v[i]->id_key, key);
	}
	/* the clock stepped back: what is stored is dated in the "future" */
	fill(&h, "late", 1);
	assert_int_equal(store_merge(&s, &h, 500, 100), 1);
	assert_string_equal(s.v[0]->id_key, "late0");
	assert_string_equal(s.v[99]->id_key, "new98"); /* the first seen went */
	fill(&h, "late", 1);
	assert_int_equal(store_merge(&s, &h, 501, 100), 0); /* not new again */
	upd = s.v[1]->updated;
	add(&h, mk("new0", "edited", NULL, 1));
	assert_int_equal(store_merge(&s, &h, 502, 100), 1);
	assert_string_equal(s.v[1]->summary, "edited");
	assert_true(s.v[1]->updated > upd);
	free(h.v);
	store_clear(&s);
}

/* A state file from before the sequence meant first-seen order keeps its file order. */
static void
test_old_state_file_order(void **state)
{
	static const char old[] =
	    "feedd-state 1\n"
	    "meta\tseq\t3\n"
	    "entry\turn:uuid:00000000-0000-0000-0000-000000000001\t300\t300\t0\t0\t1\t1\t0\ta\tA\t\t\tsa\t\t\n"
	    "entry\turn:uuid:00000000-0000-0000-0000-000000000002\t200\t200\t0\t0\t1\t2\t2\tb\tB\t\t\tsb\t\t\n"
	    "entry\turn:uuid:00000000-0000-0000-0000-000000000003\t100\t100\t0\t0\t1\t3\t1\tc\tC\t\t\tsc\t\t\n"
	    "end\t3\n";
	char dir[] = "/tmp/feedd-test-store-XXXXXX", path[256], err[128];
	struct store s;
	struct harvest h = {0};
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.state", dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs(old, fp);
	fclose(fp);
	assert_int_equal(store_load(&s, path, err, sizeof(err)), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[0]->id_key, "a");
	assert_string_equal(s.v[1]->id_key, "b");
	assert_string_equal(s.v[2]->id_key, "c");
	fill(&h, "d", 1);
	store_merge(&s, &h, 50, 10);
	assert_string_equal(s.v[0]->id_key, "d0");
	save(&s, dir, path);
	store_clear(&s);
	assert_int_equal(store_load(&s, path, err, sizeof(err)), 0);
	assert_string_equal(s.v[0]->id_key, "d0");
	assert_string_equal(s.v[1]->id_key, "a");
	assert_string_equal(s.v[3]->id_key, "c");
	store_clear(&s);
	unlink(path);
	rmdir(dir);
	free(h.v);
}

/* A harvest's ids alone (idkeys, for convert's sink): every new id once, each repeat told. */
static void
test_idkeys(void **state)
{
	struct idkeys k = {0};
	char id[ENTRY_ID_LEN + 1], key[32];
	int i, fresh = 0, again = 0;

	(void)state;
	for (i = 0; i < 50000; i++) { /* past many a growth of the table */
		snprintf(key, sizeof(key), "key %d", i);
		entry_make_id(key, id);
		fresh += idkeys_add(&k, id);
	}
	for (i = 0; i < 50000; i += 7) {
		snprintf(key, sizeof(key), "key %d", i);
		entry_make_id(key, id);
		again += idkeys_add(&k, id);
	}
	assert_int_equal(fresh, 50000);
	assert_int_equal(again, 0);
	assert_int_equal(k.n, 50000);
	idkeys_free(&k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_merge_order_and_history),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_regressions),
	    cmocka_unit_test(test_long_content_reads_back),
	    cmocka_unit_test(test_read_error_is_not_corruption),
	    cmocka_unit_test(test_first_seen_order),
	    cmocka_unit_test(test_old_state_file_order),
	    cmocka_unit_test(test_idkeys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
