/* Test harness: the real host code (source.c) around a real plugin .so. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static struct plugin_set set;

const struct plugin *
harness_plugin(const char *name)
{
	const struct plugin *p;
	const char *dir = getenv("FEEDD_PLUGIN_DIR");

	if (set.n == 0 && dir)
		plugins_load_dir(&set, dir);
	p = plugins_find(&set, name);
	if (p == NULL)
		fail_msg("plugin %s not found in %s", name, dir ? dir : "(FEEDD_PLUGIN_DIR unset)");
	return p;
}

int
harness_run(const char *name, const char *data, size_t len, const char *const *opts,
    struct harvest *out)
{
	const struct plugin *p = harness_plugin(name);
	struct optlist ol = {0};
	struct source src;
	struct input in = {data, len, "http://example.org/page", NULL, NULL};
	int rc;

	for (; opts && *opts; opts++) {
		const char *eq = strchr(*opts, '=');
		char key[128];

		assert_non_null(eq);
		snprintf(key, sizeof(key), "%.*s", (int)(eq - *opts), *opts);
		optlist_add(&ol, key, eq + 1, 0);
	}
	memset(out, 0, sizeof(*out));
	if (source_open(&src, p, &ol) == -1) {
		out->error = src.error;
		src.error = NULL;
		source_close(&src);
		optlist_free(&ol);
		return -1;
	}
	rc = source_run(&src, &in, out);
	source_close(&src);
	optlist_free(&ol);
	return rc;
}

size_t
harness_count(const char *hay, const char *needle)
{
	size_t n = 0, l = strlen(needle);

	while (hay && (hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += l;
	}
	return n;
}
