/* A minimal plugin for the loader tests; TEST_ABI, TEST_SIZE and TEST_OPTION make broken
 * variants. */
#include <feedd/plugin.h>

#ifndef TEST_ABI
#define TEST_ABI FEEDD_PLUGIN_ABI
#endif
#ifndef TEST_SIZE
#define TEST_SIZE sizeof(struct feedd_plugin)
#endif

#ifdef TEST_OPTION
static const char *const options[] = {TEST_OPTION, NULL};
#else
static const char *const options[] = {"testplugin.title", "prefix", NULL};
#endif

static int
segment(void *state, const struct feedd_host *h, const struct feedd_input *in)
{
	struct feedd_entry e = {0};

	(void)state;
	e.id_key = "test:one";
	e.title = "one";
	e.summary = in->len ? in->data : "empty";
	return h->emit(h->ctx, &e);
}

FEEDD_PLUGIN_DEFINE = {
	.abi = TEST_ABI,
	.size = TEST_SIZE,
	.name = "testplugin",
	.version = "0",
	.description = "loader test plugin",
	.options = options,
	.segment = segment,
};
