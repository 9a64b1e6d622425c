/*
 * libFuzzer harness body shared by the plugin fuzzers: the input goes through the real host
 * (source.c) into the plugin compiled in, then through the Atom writer, and the output must
 * parse back with libxml2 as well-formed, valid UTF-8.  FUZZ_OPTS lists "key=value" options.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "atom.h"
#include "convert.h"
#include "source.h"
#include "text.h"

extern const struct feedd_plugin FEEDD_PLUGIN_SYMBOL;

static void
check_output(struct harvest *h)
{
	struct atom_feed f = {"urn:uuid:00000000-0000-5000-8000-000000000000", "fuzz", NULL, "fuzz",
	    NULL, NULL, "http://example.org/", 1, NULL};
	struct buf out = BUF_INIT;
	xmlDocPtr doc;

	convert_stamp(h->v, h->n, 1700000000);
	if (atom_write(&out, &f, h->v, h->n) != 0)
		abort();
	if (!utf8_valid(out.data, out.len))
		abort();
	doc = xmlReadMemory(out.data, (int)out.len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_HUGE);
	if (doc == NULL)
		abort(); /* feedd wrote something that is not well-formed XML */
	xmlFreeDoc(doc);
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const opts[] = {FUZZ_OPTS NULL};
	struct plugin pl = {"fuzz", NULL, &FEEDD_PLUGIN_SYMBOL};
	struct optlist ol = {0};
	struct harvest h = {0};
	struct source src;
	char *copy = malloc(size + 1);
	struct input in = {copy, size, "http://example.org/page", NULL, NULL};
	size_t i;

	for (i = 0; opts[i]; i++) {
		const char *eq = strchr(opts[i], '=');
		char key[64];

		memcpy(key, opts[i], (size_t)(eq - opts[i]));
		key[eq - opts[i]] = '\0';
		optlist_add(&ol, key, eq + 1, 0);
	}
	memcpy(copy, data, size);
	copy[size] = '\0';
	if (source_open(&src, &pl, &ol) == 0) {
		if (source_run(&src, &in, &h) == 0)
			check_output(&h);
		harvest_free(&h);
	}
	source_close(&src);
	optlist_free(&ol);
	free(copy);
	return 0;
}
