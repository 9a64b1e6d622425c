/* Writes Atom 1.0 with xmlTextWriter: no string pasting, so every byte is well-formed XML. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlwriter.h>

#include "atom.h"
#include "xmalloc.h"

char *
atom_time(int64_t t, char out[32])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(out, "1970-01-01T00:00:00Z");
	return out;
}

void
atom_feed_id(const char *key, char out[ENTRY_ID_LEN + 1])
{
	char k[8 + 4096];

	snprintf(k, sizeof(k), "feed:%s", key);
	entry_make_id(k, out);
}

static int
out_write(void *ctx, const char *p, int n)
{
	buf_add(ctx, p, (size_t)n);
	return n;
}

#define X(call)                                                                                    \
	do {                                                                                       \
		if ((call) < 0)                                                                    \
			goto fail;                                                                 \
	} while (0)

/*
 * Writes text content.  The strings are clean already (struct entry's rule), so escaping is
 * only <, >, & and CR; doing it here rather than in xmlTextWriterWriteString saves an
 * allocation and a copy per string, which is most of the writer's time on large feeds.
 */
static int
write_text(xmlTextWriterPtr w, const char *s)
{
	const char *p = s, *q;
	int n = 0, r;

	while ((q = strpbrk(p, "<>&\r")) != NULL) {
		if (q > p && (r = xmlTextWriterWriteRawLen(w, BAD_CAST p, (int)(q - p))) < 0)
			return -1;
		r = xmlTextWriterWriteRaw(w, BAD_CAST(*q == '<' ? "&lt;" : *q == '>' ? "&gt;"
		                                     : *q == '&' ? "&amp;" : "&#13;"));
		if (r < 0)
			return -1;
		n += r;
		p = q + 1;
	}
	if (*p && (r = xmlTextWriterWriteRaw(w, BAD_CAST p)) < 0)
		return -1;
	return n;
}

static int
el(xmlTextWriterPtr w, const char *name, const char *text)
{
	if (text == NULL)
		return 0;
	X(xmlTextWriterStartElement(w, BAD_CAST name));
	X(write_text(w, text));
	return xmlTextWriterEndElement(w);
fail:
	return -1;
}

static int
el_time(xmlTextWriterPtr w, const char *name, int64_t t)
{
	char ts[32];

	return xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST atom_time(t, ts));
}

static int
media_type_ok(const char *t)
{
	const char *slash = strchr(t, '/');

	return slash && slash != t && slash[1] != '\0' && strpbrk(t, " \t\n") == NULL;
}

static int
write_link(xmlTextWriterPtr w, const char *rel, const char *href, const char *type, int64_t length)
{
	char len[24];

	X(xmlTextWriterStartElement(w, BAD_CAST "link"));
	if (rel)
		X(xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST rel));
	if (type && !media_type_ok(type))
		type = NULL; /* RFC 4287 wants type/subtype; a broken one is dropped */
	if (type)
		X(xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST type));
	X(xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST href));
	if (length >= 0) {
		snprintf(len, sizeof(len), "%lld", (long long)length);
		X(xmlTextWriterWriteAttribute(w, BAD_CAST "length", BAD_CAST len));
	}
	return xmlTextWriterEndElement(w);
fail:
	return -1;
}

static int
person(xmlTextWriterPtr w, const char *name)
{
	X(xmlTextWriterStartElement(w, BAD_CAST "author"));
	X(el(w, "name", name));
	return xmlTextWriterEndElement(w);
fail:
	return -1;
}

static int
text_el(xmlTextWriterPtr w, const char *name, const char *type, const char *text)
{
	X(xmlTextWriterStartElement(w, BAD_CAST name));
	if (type)
		X(xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST type));
	X(write_text(w, text));
	return xmlTextWriterEndElement(w);
fail:
	return -1;
}

/* The content element: the entry's HTML, with its caption as a figcaption after it. */
static int
content(xmlTextWriterPtr w, const struct entry *e)
{
	struct buf cap = BUF_INIT;
	int rc = -1;

	X(xmlTextWriterStartElement(w, BAD_CAST "content"));
	X(xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST "html"));
	if (e->content)
		X(write_text(w, e->content));
	if (e->caption) {
		buf_adds(&cap, "<figure><figcaption>");
		buf_add_html(&cap, e->caption, strlen(e->caption));
		buf_adds(&cap, "</figcaption></figure>");
		X(write_text(w, cap.data));
	}
	rc = xmlTextWriterEndElement(w);
fail:
	buf_free(&cap);
	return rc;
}

static int
entry(xmlTextWriterPtr w, const struct atom_feed *f, const struct entry *e)
{
	size_t i;

	X(xmlTextWriterStartElement(w, BAD_CAST "entry"));
	X(el(w, "id", e->id));
	X(text_el(w, "title", NULL, e->title));
	X(el_time(w, "updated", e->updated));
	X(el_time(w, "published", e->published));
	if (e->author)
		X(person(w, e->author));
	if (e->link) {
		X(write_link(w, "alternate", e->link, NULL, -1));
	} else if (e->content == NULL && e->caption == NULL) {
		char *href = NULL;
		int r;

		if (f->entry_base)
			xasprintf(&href, "%.*s#%s", (int)strcspn(f->entry_base, "#"), f->entry_base,
			    e->id + 9);
		r = write_link(w, "alternate", href ? href : e->id, NULL, -1);
		free(href);
		X(r);
	}
	for (i = 0; i < e->n_enclosures; i++)
		X(write_link(w, "enclosure", e->enclosures[i].url, e->enclosures[i].type,
		    e->enclosures[i].length));
	for (i = 0; i < e->n_categories; i++) {
		X(xmlTextWriterStartElement(w, BAD_CAST "category"));
		X(xmlTextWriterWriteAttribute(w, BAD_CAST "term", BAD_CAST e->categories[i]));
		X(xmlTextWriterEndElement(w));
	}
	if (e->summary)
		X(text_el(w, "summary", NULL, e->summary));
	if (e->content || e->caption)
		X(content(w, e));
	return xmlTextWriterEndElement(w);
fail:
	return -1;
}

int
atom_write(struct buf *out, const struct atom_feed *f, struct entry *const *v, size_t n)
{
	return atom_write_to(out_write, out, f, v, n);
}

int
atom_write_to(int (*wr)(void *, const char *, int), void *ctx, const struct atom_feed *f,
    struct entry *const *v, size_t n)
{
	xmlOutputBufferPtr ob;
	xmlTextWriterPtr w;
	size_t i;
	int rc = -1;

	ob = xmlOutputBufferCreateIO(wr, NULL, ctx, NULL);
	if (ob == NULL)
		return -1;
	w = xmlNewTextWriter(ob); /* takes ob */
	if (w == NULL) {
		xmlOutputBufferClose(ob);
		return -1;
	}
	xmlTextWriterSetIndent(w, 0);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	/* no encoding: UTF-8 is XML's default, and naming it makes libxml2 pass every byte
	 * through a UTF-8 to UTF-8 converter */
	X(xmlTextWriterStartDocument(w, "1.0", NULL, NULL));
	X(xmlTextWriterStartElementNS(w, NULL, BAD_CAST "feed", BAD_CAST "http://www.w3.org/2005/Atom"));
	X(el(w, "id", f->id));
	X(text_el(w, "title", NULL, f->title));
	if (f->subtitle)
		X(text_el(w, "subtitle", NULL, f->subtitle));
	X(el_time(w, "updated", f->updated));
	X(person(w, f->author));
	if (f->self_url)
		X(write_link(w, "self", f->self_url, "application/atom+xml", -1));
	if (f->alt_url)
		X(write_link(w, "alternate", f->alt_url, NULL, -1));
	X(xmlTextWriterStartElement(w, BAD_CAST "generator"));
	X(xmlTextWriterWriteAttribute(w, BAD_CAST "version", BAD_CAST PACKAGE_VERSION));
	X(xmlTextWriterWriteString(w, BAD_CAST "feedd"));
	X(xmlTextWriterEndElement(w));
	for (i = 0; i < n; i++)
		X(entry(w, f, v[i]));
	X(xmlTextWriterEndDocument(w));
	rc = 0;
fail:
	xmlFreeTextWriter(w);
	return rc;
}
