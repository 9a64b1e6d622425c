/*
 * Writes RSS 2.0 (rssboard.org/rss-specification) from the same entries as Atom: guid is the
 * entry's urn:uuid id (never a permalink), pubDate RFC 822, the summary in description, the
 * HTML in content:encoded, the author in dc:creator (RSS's own author wants an e-mail), the
 * self link in atom:link.  Written by hand into a buffer handed on one item at a time; text
 * is clean UTF-8 (struct entry's rule) and escaped here, so the bytes are well-formed XML.
 */
#include "config.h"

#include <string.h>

#include "format.h"

static void
leaf_date(struct buf *b, const char *name, int64_t t)
{
	char d[40];

	buf_printf(b, "<%s>%s</%s>", name, format_rfc822(t, d), name);
}

static void
atom_link(struct buf *b, const char *rel, const char *type, const char *href)
{
	buf_printf(b, "<atom:link rel=\"%s\"", rel);
	if (type)
		buf_printf(b, " type=\"%s\"", type);
	ADD(b, " href=\"");
	xml_attr(b, href, strlen(href));
	ADD(b, "\"/>");
}

/* RSS wants url, length and type on an enclosure; an unknown length is 0, as the RSS
 * Advisory Board's profile says, an unknown type the generic one.  Only the first: the
 * profile allows one per item, and readers take the first. */
/* One dc:creator per person of an author field (entry_person), in order. */
static void
creators(struct buf *b, const char *field)
{
	struct person p;

	while (entry_person(&field, &p))
		LEAF(b, "dc:creator", p.name);
}

static void
enclosure(struct buf *b, const struct enclosure *en)
{
	ADD(b, "<enclosure url=\"");
	xml_attr(b, en->url, strlen(en->url));
	buf_printf(b, "\" length=\"%lld\" type=\"", (long long)(en->length > 0 ? en->length : 0));
	if (en->type && strchr(en->type, '/') && strpbrk(en->type, " \t\n") == NULL)
		xml_attr(b, en->type, strlen(en->type));
	else
		ADD(b, "application/octet-stream");
	ADD(b, "\"/>");
}

static void
item(struct buf *b, struct buf *scratch, const struct atom_feed *f, const struct entry *e)
{
	size_t i;

	ADD(b, "<item>");
	LEAF(b, "title", e->title);
	buf_reset(scratch);
	if (format_entry_link(scratch, f, e))
		LEAF(b, "link", scratch->data);
	ADD(b, "<guid isPermaLink=\"false\">");
	xml_text(b, e->id); /* a urn:uuid, so never the entry's URL */
	ADD(b, "</guid>");
	leaf_date(b, "pubDate", e->published);
	creators(b, e->author);
	for (i = 0; i < e->n_categories; i++)
		LEAF(b, "category", e->categories[i]);
	if (e->n_enclosures > 0)
		enclosure(b, &e->enclosures[0]);
	LEAF(b, "description", e->summary);
	buf_reset(scratch);
	if (format_content_html(scratch, e))
		LEAF(b, "content:encoded", scratch->data);
	ADD(b, "</item>");
}

/* The channel's three required elements: a link always (the source page, else the feed's
 * own page, else the source, else the id) and a description (the subtitle, else the title). */
static void
channel_head(struct buf *b, const struct atom_feed *f)
{
	const char *link = f->alt_url ? f->alt_url : f->entry_base ? f->entry_base : f->id;

	LEAF(b, "title", f->title);
	if (f->alt_url == NULL && f->feed_base) {
		ADD(b, "<link>");
		xml_text(b, f->feed_base);
		ADD(b, ".html</link>");
	} else {
		LEAF(b, "link", link);
	}
	LEAF(b, "description", f->subtitle ? f->subtitle : f->title);
	leaf_date(b, "lastBuildDate", f->updated);
	ADD(b, "<generator>feedd " PACKAGE_VERSION "</generator>");
	if (f->self_url)
		atom_link(b, "self", "application/rss+xml", f->self_url);
	if (f->hub_url)
		atom_link(b, "hub", NULL, f->hub_url);
}

static void
rss_head(struct buf *b, const struct atom_feed *f)
{
	ADD(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	       "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\""
	       " xmlns:content=\"http://purl.org/rss/1.0/modules/content/\""
	       " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>");
	channel_head(b, f);
}

static void
rss_tail(struct buf *b, const struct atom_feed *f, size_t n)
{
	(void)f;
	(void)n;
	ADD(b, "</channel></rss>\n");
}

const struct format_parts rss_parts = {rss_head, item, rss_tail};

int
rss_write(format_out *out, void *ctx, const struct atom_feed *f, struct entry *const *v,
    size_t n)
{
	return format_write_parts(&rss_parts, out, ctx, f, v, n);
}
