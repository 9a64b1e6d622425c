/*
 * lines: the example plugin to copy when writing your own.  Each non-blank line of the input
 * becomes one entry, its text the title and the summary.
 *
 * Build one out of tree against an installed feedd:
 *     cc -shared -fPIC $(pkg-config --cflags feedd) -o myplugin.so myplugin.c
 *     install -m 644 myplugin.so "$(pkg-config --variable=plugindir feedd)"
 * and try it on a file:
 *     feedd convert -p myplugin input.txt
 */
#include <stdlib.h>
#include <string.h>

/* The only header a plugin needs: the ABI (structs, flags, FEEDD_PLUGIN_DEFINE). */
#include <feedd/plugin.h>

/* Options this plugin accepts (-s KEY=VALUE, or KEY = VALUE in a [feed] section); the host
 * refuses any other key with its config line, so a typo never goes unnoticed. */
static const char *const option_names[] = {"prefix", NULL};

/* Per-feed state made by open() from the options.  Plugins keep no globals: the host may
 * run several feeds of the same plugin at once. */
struct lines_state {
	char *prefix; /* put before each title, or NULL */
};

/* open: read and check options, allocate state.  Errors go through host->error and -1. */
static int
lines_open(const struct feedd_host *host, void **state)
{
	const char *prefix = host->option(host->ctx, "prefix");
	struct lines_state *s = calloc(1, sizeof(*s));

	if (s == NULL || (prefix && (s->prefix = strdup(prefix)) == NULL)) {
		free(s);
		host->error(host->ctx, "lines: out of memory");
		return -1;
	}
	*state = s;
	return 0;
}

static void
lines_close(void *state)
{
	struct lines_state *s = state;

	free(s->prefix);
	free(s);
}

/*
 * segment: the bytes in, entries out through host->emit, in source order.  With
 * FEEDD_PLUGIN_TEXT (below) the host has already decoded the input to UTF-8 and NUL-terminated
 * it.  Everything handed to emit may be freed as soon as emit returns: the host copies it.
 */
static int
lines_segment(void *state, const struct feedd_host *host, const struct feedd_input *in)
{
	struct lines_state *s = state;
	const char *p = in->data, *end = in->data + in->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct feedd_entry e = {0};
		char *line, *title;

		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' '))
			n--;
		if (n > 0) {
			line = strndup(p, n);
			title = NULL;
			if (line && s->prefix && (title = malloc(strlen(s->prefix) + n + 1)) != NULL) {
				strcpy(title, s->prefix);
				strcat(title, line);
			}
			if (line == NULL || (s->prefix && title == NULL)) {
				free(line);
				host->error(host->ctx, "lines: out of memory");
				return -1;
			}
			e.id_key = line;               /* the same line gives the same id */
			e.title = title ? title : line;
			e.summary = line;
			/* emit returns -1 when the host wants no more (e.g. max_entries reached) */
			int stop = host->emit(host->ctx, &e) != 0;

			free(title);
			free(line);
			if (stop)
				break;
		}
		p += (nl ? (size_t)(nl - p) + 1 : (size_t)(end - p));
	}
	return 0;
}

/* The one exported symbol: ABI number and size first, so the host can check them before it
 * calls anything here. */
FEEDD_PLUGIN_DEFINE = {
	.abi = FEEDD_PLUGIN_ABI,
	.size = sizeof(struct feedd_plugin),
	.name = "lines",
	.version = "1.0",
	.description = "example: one entry per line of text",
	.flags = FEEDD_PLUGIN_TEXT,
	.options = option_names,
	.open = lines_open,
	.segment = lines_segment,
	.close = lines_close,
};
