/* A test plugin that uses the host's services (feedd_plugin.bind): each input line
 * "DATE|BASE|HREF" becomes an entry whose summary says what the host's parse_date and
 * resolve_url made of it, or "no services" when the host offered none. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <feedd/plugin.h>

static const struct feedd_services *svc; /* the host's, constant: see feedd_plugin.bind */

static void
bind(const struct feedd_services *s)
{
	svc = s;
}

static int
has_resolve(void)
{
	return svc && svc->size >= offsetof(struct feedd_services, free_string) +
	                               sizeof(svc->free_string);
}

static int
segment(void *state, const struct feedd_host *h, const struct feedd_input *in)
{
	char *copy = strdup(in->data), *line, *save = NULL, key[32], text[2048];
	int n = 0, rc = 0;

	(void)state;
	if (copy == NULL)
		return -1;
	for (line = strtok_r(copy, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char *base = strchr(line, '|'), *href = base ? strchr(base + 1, '|') : NULL, *url;
		struct feedd_entry e = {0};

		if (href == NULL)
			continue;
		*base++ = '\0';
		*href++ = '\0';
		if (!has_resolve()) {
			snprintf(text, sizeof(text), "no services");
		} else {
			url = svc->resolve_url(href, base);
			snprintf(text, sizeof(text), "date=%lld url=%s", (long long)svc->parse_date(line),
			    url ? url : "(null)");
			svc->free_string(url);
		}
		snprintf(key, sizeof(key), "line %d", ++n);
		e.id_key = key;
		e.title = key;
		e.summary = text;
		rc = h->emit(h->ctx, &e) == 0 ? 0 : 0;
	}
	free(copy);
	return 0;
}

FEEDD_PLUGIN_DEFINE = {
	.abi = FEEDD_PLUGIN_ABI,
	.size = sizeof(struct feedd_plugin),
	.name = "svc",
	.version = "1",
	.description = "uses the host's date parser and URL resolver",
	.flags = FEEDD_PLUGIN_TEXT,
	.segment = segment,
	.bind = bind,
};
