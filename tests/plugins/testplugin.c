/* A minimal plugin for the loader and warning tests; TEST_ABI, TEST_SIZE and TEST_OPTION make
 * variants (TEST_NAME names them, when they load; TEST_VERSION, also its entry's title, tells
 * two of the same name apart).  An input starting "warn" reports a warning, "fail" an early
 * warning and then the real error. */
#include <string.h>

#include <feedd/plugin.h>

#ifndef TEST_ABI
#define TEST_ABI FEEDD_PLUGIN_ABI
#endif
#ifndef TEST_NAME
#define TEST_NAME "testplugin"
#endif
#ifndef TEST_VERSION
#define TEST_VERSION "0"
#define TEST_TITLE "one"
#else
#define TEST_TITLE TEST_VERSION
#endif
#ifndef TEST_SIZE
#define TEST_SIZE sizeof(struct feedd_plugin)
#endif

#ifdef TEST_OPTION
static const char *const options[] = {TEST_OPTION, NULL};
#else
static const char *const options[] = {TEST_NAME ".title", "prefix", NULL};
#endif

static int
segment(void *state, const struct feedd_host *h, const struct feedd_input *in)
{
	struct feedd_entry e = {0};

	(void)state;
	if (strncmp(in->data, "fail", 4) == 0) {
		h->error(h->ctx, "testplugin: an early warning");
		h->error(h->ctx, "testplugin: the real error");
		return -1;
	}
	if (strncmp(in->data, "warn", 4) == 0)
		h->error(h->ctx, "testplugin: a warning about %s", in->data + 4);
	e.id_key = "test:one";
	e.title = TEST_TITLE;
	e.summary = in->len ? in->data : "empty";
	return h->emit(h->ctx, &e);
}

FEEDD_PLUGIN_DEFINE = {
	.abi = TEST_ABI,
	.size = TEST_SIZE,
	.name = TEST_NAME,
	.version = TEST_VERSION,
	.description = "loader test plugin",
	.options = options,
	.segment = segment,
};
