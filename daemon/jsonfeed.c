/*
 * Writes JSON Feed 1.1 (jsonfeed.org/version/1.1) from the same entries as Atom, with jansson:
 * the same ids, titles and dates (RFC 3339), content_html for HTML, content_text (the
 * summary) for an entry with none, as every item needs one of the two.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "format.h"
#include "xmalloc.h"

/* Sets key to the string s, if s is set.  Strings are clean UTF-8, which json_string wants. */
static void
set_str(json_t *o, const char *key, const char *s)
{
	if (s != NULL)
		json_object_set_new(o, key, json_string(s));
}

static void
set_time(json_t *o, const char *key, int64_t t)
{
	char ts[32];

	json_object_set_new(o, key, json_string(atom_time(t, ts)));
}

/* Each person of an author field (entry_person) by name: JSON Feed has no e-mail. */
static json_t *
authors(const char *field)
{
	json_t *a = json_array();
	struct person p;

	while (entry_person(&field, &p))
		json_array_append_new(a, json_pack("{s:s}", "name", p.name));
	return a;
}

static json_t *
attachments(const struct entry *e)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < e->n_enclosures; i++) {
		const struct enclosure *en = &e->enclosures[i];
		json_t *o = json_object();

		set_str(o, "url", en->url);
		/* mime_type is required */
		set_str(o, "mime_type", en->type && strchr(en->type, '/') ? en->type
		                                                          : "application/octet-stream");
		if (en->length >= 0)
			json_object_set_new(o, "size_in_bytes", json_integer(en->length));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
item(const struct atom_feed *f, const struct entry *e, struct buf *scratch)
{
	json_t *o = json_object();
	size_t i;

	set_str(o, "id", e->id);
	buf_reset(scratch);
	if (format_entry_link(scratch, f, e))
		set_str(o, "url", scratch->data);
	set_str(o, "title", e->title);
	buf_reset(scratch);
	if (format_content_html(scratch, e))
		set_str(o, "content_html", scratch->data);
	else
		set_str(o, "content_text", e->summary ? e->summary : "");
	set_str(o, "summary", e->summary);
	set_time(o, "date_published", e->published);
	set_time(o, "date_modified", e->updated);
	if (e->author)
		json_object_set_new(o, "authors", authors(e->author));
	if (e->n_categories > 0) {
		json_t *tags = json_array();

		for (i = 0; i < e->n_categories; i++)
			json_array_append_new(tags, json_string(e->categories[i]));
		json_object_set_new(o, "tags", tags);
	}
	if (e->n_enclosures > 0)
		json_object_set_new(o, "attachments", attachments(e));
	return o;
}

static json_t *
feed_object(const struct atom_feed *f)
{
	json_t *o = json_object();

	set_str(o, "version", "https://jsonfeed.org/version/1.1");
	set_str(o, "title", f->title);
	if (f->alt_url)
		set_str(o, "home_page_url", f->alt_url);
	else if (f->feed_base) {
		char *page;

		xasprintf(&page, "%s.html", f->feed_base);
		set_str(o, "home_page_url", page);
		free(page);
	}
	set_str(o, "feed_url", f->self_url);
	if (f->hub_url) {
		json_t *hubs = json_array(), *hub = json_object();

		set_str(hub, "type", "WebSub");
		set_str(hub, "url", f->hub_url);
		json_array_append_new(hubs, hub);
		json_object_set_new(o, "hubs", hubs);
	}
	set_str(o, "description", f->subtitle);
	if (f->author)
		json_object_set_new(o, "authors", authors(f->author));
	return o;
}

struct sink {
	format_out *out;
	void *ctx;
};

static int
dump_cb(const char *p, size_t n, void *arg)
{
	struct sink *s = arg;

	return n == 0 || s->out(s->ctx, p, (int)n) == (int)n ? 0 : -1;
}

int
jsonfeed_write(format_out *out, void *ctx, const struct atom_feed *f, struct entry *const *v,
    size_t n)
{
	json_t *doc = feed_object(f), *items = json_array();
	struct buf scratch = BUF_INIT;
	struct sink s = {out, ctx};
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		json_array_append_new(items, item(f, v[i], &scratch));
	json_object_set_new(doc, "items", items);
	rc = json_dump_callback(doc, dump_cb, &s, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (rc == 0 && out(ctx, "\n", 1) != 1)
		rc = -1;
	json_decref(doc);
	buf_free(&scratch);
	return rc == 0 ? 0 : -1;
}
