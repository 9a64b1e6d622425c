/* Unit tests for the plugin loader: a good plugin loads, broken ones are refused by name. */
#include "config.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plugins.h"

static char path[4096], err[8192];

static const char *
test_plugin(const char *name)
{
	const char *dir = getenv("top_builddir");

	snprintf(path, sizeof(path), "%s/tests/plugins/.libs/%s.so", dir ? dir : ".", name);
	return path;
}

static void
test_good(void **state)
{
	struct plugin p;

	(void)state;
	assert_int_equal(plugin_load(test_plugin("good"), &p, err, sizeof(err)), 0);
	assert_string_equal(p.p->name, "testplugin");
	assert_int_equal(p.p->abi, FEEDD_PLUGIN_ABI);
	dlclose(p.handle);
	free(p.path);
}

static void
test_bad_abi(void **state)
{
	struct plugin p;
	char want[64];

	(void)state;
	assert_int_equal(plugin_load(test_plugin("badabi"), &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "badabi.so"));
	assert_non_null(strstr(err, "ABI 999"));
	snprintf(want, sizeof(want), "expected %d", FEEDD_PLUGIN_ABI);
	assert_non_null(strstr(err, want));
}

static void
test_bad_size(void **state)
{
	struct plugin p;

	(void)state;
	assert_int_equal(plugin_load(test_plugin("badsize"), &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "badsize.so"));
	assert_non_null(strstr(err, "size 8"));
}

/* A descriptor from a newer header, with fields this host does not know, loads. */
static void
test_big_size(void **state)
{
	struct plugin p;

	(void)state;
	assert_int_equal(plugin_load(test_plugin("bigsize"), &p, err, sizeof(err)), 0);
	assert_true(p.p->size > sizeof(struct feedd_plugin));
	assert_string_equal(p.p->name, "bigsize");
	assert_true(PLUGIN_HAS(p.p, close));
	dlclose(p.handle);
	free(p.path);
}

/* title is a core [feed] key: a plugin declaring it bare never gets to run */
static void
test_core_key_option(void **state)
{
	struct plugin p;

	(void)state;
	assert_int_equal(plugin_load(test_plugin("badoption"), &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "badoption.so"));
	assert_non_null(strstr(err, "'title'"));
	assert_non_null(strstr(err, "testplugin.title"));
}

static int
no_segment(void *st, const struct feedd_host *h, const struct feedd_input *in)
{
	(void)st;
	(void)h;
	(void)in;
	return 0;
}

static void
test_option_names(void **state)
{
	static const char *const core[] = {"x", "author", NULL};
	static const char *const other[] = {"other.title", NULL};
	static const char *const empty[] = {"testplugin.", NULL};
	static const char *const mine[] = {"testplugin.title", "testplugin.author", "x", NULL};
	struct feedd_plugin p = {0};

	(void)state;
	p.abi = FEEDD_PLUGIN_ABI;
	p.size = sizeof(p);
	p.name = "testplugin";
	p.segment = no_segment;
	p.options = core;
	assert_int_equal(plugin_check(&p, "x.so", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'author'"));
	p.options = other;
	assert_int_equal(plugin_check(&p, "x.so", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "other.title"));
	p.options = empty;
	assert_int_equal(plugin_check(&p, "x.so", err, sizeof(err)), -1);
	p.options = mine;
	assert_int_equal(plugin_check(&p, "x.so", err, sizeof(err)), 0);
	assert_true(plugin_is_core_key("charset") && plugin_is_core_key("include"));
	assert_false(plugin_is_core_key("prefix"));
}

static void
test_not_a_plugin(void **state)
{
	struct plugin p;

	(void)state;
	assert_int_equal(plugin_load(test_plugin("notaplugin"), &p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a feedd plugin"));
	assert_int_equal(plugin_load("/nonexistent/x.so", &p, err, sizeof(err)), -1);
}

static void
test_dir(void **state)
{
	struct plugin_set set = {0};
	char dir[4096];
	const char *b = getenv("top_builddir");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/tests/plugins/.libs", b ? b : ".");
	/* good, bigsize, evil, badabi, badsize, badoption, notaplugin, linkplugin, svcplugin:
	 * good, bigsize, evil, linkplugin and svcplugin load, the rest are skipped */
	assert_int_equal(plugins_load_dir(&set, dir), 5);
	assert_non_null(plugins_find(&set, "svc"));
	assert_non_null(plugins_find(&set, "testplugin"));
	assert_non_null(plugins_find(&set, "bigsize"));
	assert_non_null(plugins_find(&set, "evil"));
	assert_non_null(plugins_find(&set, "linkplugin"));
	assert_null(plugins_find(&set, "textdump"));
	plugins_free(&set);
	assert_int_equal(plugins_load_dir(&set, "/nonexistent"), -1);
}

static void
test_check(void **state)
{
	struct feedd_plugin p = {0};

	(void)state;
	p.abi = FEEDD_PLUGIN_ABI;
	p.size = sizeof(p);
	p.name = "Bad Name";
	assert_int_equal(plugin_check(&p, "x.so", err, sizeof(err)), -1); /* no segment */
	p.name = "ok";
	p.segment = no_segment;
	assert_int_equal(plugin_check(&p, "x.so", err, sizeof(err)), 0);
	p.size = sizeof(p) + 4096; /* newer: fine */
	assert_int_equal(plugin_check(&p, "x.so", err, sizeof(err)), 0);
	p.size = offsetof(struct feedd_plugin, bind); /* ABI 1 as first published: fine */
	assert_int_equal(plugin_check(&p, "x.so", err, sizeof(err)), 0);
	p.size = offsetof(struct feedd_plugin, close); /* no close field: older than any ABI 1 */
	assert_int_equal(plugin_check(&p, "x.so", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "at least"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_bad_abi),
	    cmocka_unit_test(test_bad_size),
	    cmocka_unit_test(test_big_size),
	    cmocka_unit_test(test_core_key_option),
	    cmocka_unit_test(test_option_names),
	    cmocka_unit_test(test_not_a_plugin),
	    cmocka_unit_test(test_dir),
	    cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
