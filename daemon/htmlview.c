/*
 * Writes a feed as a web page to read: each entry's title, date, author and (sanitized)
 * content, with links to subscribe in every feed format.  No script; a Content-Security-Policy
 * forbids any, in case a content's HTML carried one past the sanitizer.  Links to the other
 * formats are relative ("NAME.atom"), so the page works served and from export_dir alike.
 */
#include "config.h"

#include <string.h>

#include "format.h"

static void
esc(struct buf *b, const char *s)
{
	buf_add_html(b, s, strlen(s));
}

static void
head(struct buf *b, const struct atom_feed *f, const char *name)
{
	size_t i;

	ADD(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	       "img-src * data:; media-src *; style-src 'unsafe-inline'\">\n"
	       "<link rel=\"icon\" href=\"data:,\">\n<title>"); /* else /favicon.ico, a 404 */
	esc(b, f->title);
	ADD(b, "</title>\n");
	for (i = 0; name && i < FORMAT_N; i++) {
		if (!formats[i].is_feed)
			continue;
		buf_printf(b, "<link rel=\"alternate\" type=\"%s\" title=\"", formats[i].type);
		esc(b, f->title);
		buf_printf(b, " (%s)\" href=\"", formats[i].label);
		esc(b, name);
		buf_printf(b, "%s\">\n", formats[i].ext);
	}
	ADD(b, "<style>body{font-family:sans-serif;max-width:46em;margin:1em auto;padding:0 1em;"
	       "line-height:1.5}article{border-top:1px solid #ccc;padding:.5em 0}"
	       ".meta{color:#555;font-size:.9em}img{max-width:100%;height:auto}</style>\n"
	       "</head><body>\n<header><h1>");
	esc(b, f->title);
	ADD(b, "</h1>\n");
	if (f->subtitle) {
		ADD(b, "<p>");
		esc(b, f->subtitle);
		ADD(b, "</p>\n");
	}
	if (f->alt_url) {
		ADD(b, "<p>From <a href=\"");
		esc(b, f->alt_url);
		ADD(b, "\">");
		esc(b, f->alt_url);
		ADD(b, "</a></p>\n");
	}
}

static void
subscribe(struct buf *b, const char *name)
{
	const char *sep = "";
	size_t i;

	ADD(b, "<p class=\"subscribe\">Subscribe:");
	for (i = 0; i < FORMAT_N; i++) {
		if (!formats[i].is_feed)
			continue;
		buf_printf(b, "%s <a href=\"", sep);
		esc(b, name);
		buf_printf(b, "%s\" type=\"%s\">%s</a>", formats[i].ext, formats[i].type,
		    formats[i].label);
		sep = " ·";
	}
	ADD(b, "</p>\n");
}

/* "2026-12-01 08:39 UTC" in a <time> that says it exactly. */
static void
date(struct buf *b, int64_t t)
{
	char ts[32];

	atom_time(t, ts);
	buf_printf(b, "<time datetime=\"%s\">%.10s %.5s UTC</time>", ts, ts, ts + 11);
}

static void
extras(struct buf *b, const struct entry *e)
{
	size_t i;

	if (e->n_categories > 0) {
		ADD(b, "<p class=\"meta\">Tags:");
		for (i = 0; i < e->n_categories; i++) {
			buf_adds(b, i ? ", " : " ");
			esc(b, e->categories[i]);
		}
		ADD(b, "</p>\n");
	}
	for (i = 0; i < e->n_enclosures; i++) {
		ADD(b, "<p class=\"meta\">Attachment: <a href=\"");
		esc(b, e->enclosures[i].url);
		ADD(b, "\">");
		esc(b, e->enclosures[i].type ? e->enclosures[i].type : e->enclosures[i].url);
		ADD(b, "</a></p>\n");
	}
}

static void
article(struct buf *b, struct buf *scratch, const struct atom_feed *f, const struct entry *e)
{
	buf_printf(b, "<article id=\"%s\"><h2>", e->id + 9);
	buf_reset(scratch);
	if (format_entry_link(scratch, f, e)) {
		ADD(b, "<a href=\"");
		esc(b, scratch->data);
		ADD(b, "\">");
		esc(b, e->title);
		ADD(b, "</a>");
	} else {
		esc(b, e->title);
	}
	ADD(b, "</h2>\n<p class=\"meta\">");
	date(b, e->published);
	if (e->author) {
		const char *field = e->author, *sep = " · ";
		struct person p;

		while (entry_person(&field, &p)) { /* names: an address only where it is all */
			buf_adds(b, sep);
			esc(b, p.name);
			sep = ", ";
		}
	}
	ADD(b, "</p>\n");
	if (format_content_html(b, e)) {
		ADD(b, "\n");
	} else if (e->summary) {
		ADD(b, "<p>");
		esc(b, e->summary);
		ADD(b, "</p>\n");
	}
	extras(b, e);
	ADD(b, "</article>\n");
}

/* The links are relative: the feed's own name and an extension. */
static const char *
feed_name(const struct atom_feed *f)
{
	if (f->feed_base == NULL)
		return NULL;
	return strrchr(f->feed_base, '/') ? strrchr(f->feed_base, '/') + 1 : f->feed_base;
}

static void
page_head(struct buf *b, const struct atom_feed *f)
{
	const char *name = feed_name(f);

	head(b, f, name);
	if (name)
		subscribe(b, name);
	ADD(b, "</header>\n<main>\n");
}

static void
page_tail(struct buf *b, const struct atom_feed *f, size_t n)
{
	(void)f;
	if (n == 0)
		ADD(b, "<p>No entries yet.</p>\n");
	ADD(b, "</main>\n<footer><p class=\"meta\">Made by feedd " PACKAGE_VERSION
	       "</p></footer>\n</body></html>\n");
}

const struct format_parts htmlview_parts = {page_head, article, page_tail};

int
htmlview_write(format_out *out, void *ctx, const struct atom_feed *f, struct entry *const *v,
    size_t n)
{
	return format_write_parts(&htmlview_parts, out, ctx, f, v, n);
}
