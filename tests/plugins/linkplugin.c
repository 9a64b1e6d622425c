/* A test plugin that hands over links exactly as its input gives them, one entry a line:
 * "LINK ENCLOSURE" (either may be "-" for none); the first line's LINK is the feed's link too.
 * It resolves nothing, so what the served feed holds is the host's doing.  For the messages
 * tests, "!TEXT" reports TEXT through host->error (a warning: segment still returns 0) and
 * "noid" emits an entry whose id key is empty. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <feedd/plugin.h>

static int
segment(void *state, const struct feedd_host *h, const struct feedd_input *in)
{
	char *copy = strdup(in->data), *line, *save = NULL;
	int n = 0, rc = 0;

	(void)state;
	if (copy == NULL)
		return -1;
	for (line = strtok_r(copy, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' '), key[32];
		struct feedd_enclosure enc = {NULL, "audio/mpeg", 10};
		struct feedd_entry e = {0};

		if (line[0] == '!') {
			h->error(h->ctx, "%s", line + 1);
			continue;
		}
		if (sp)
			*sp++ = '\0';
		snprintf(key, sizeof(key), "line %d", ++n);
		e.id_key = strcmp(line, "noid") ? key : "";
		e.title = key;
		e.summary = "text";
		e.link = strcmp(line, "-") ? line : NULL;
		if (sp && strcmp(sp, "-")) {
			enc.url = sp;
			e.enclosures = &enc;
			e.n_enclosures = 1;
		}
		if (n == 1) {
			struct feedd_feed_info fi = {0};

			fi.link = e.link;
			h->feed_info(h->ctx, &fi);
		}
		rc = h->emit(h->ctx, &e);
	}
	free(copy);
	return rc;
}

FEEDD_PLUGIN_DEFINE = {
	.abi = FEEDD_PLUGIN_ABI,
	.size = sizeof(struct feedd_plugin),
	.name = "linkplugin",
	.version = "0",
	.description = "hands over links as given",
	.flags = FEEDD_PLUGIN_TEXT,
	.segment = segment,
};
