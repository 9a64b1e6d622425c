/*
 * Writes Atom 1.0 with xmlTextWriter.  The feed, its entries and every element with attributes
 * go through the writer; leaf elements with fixed names and text content are written as their
 * tags around escaped text (leaf() below), which is what the writer would write, without its
 * three allocations per element.  Text is clean UTF-8 (struct entry's rule) and escaped here,
 * so every byte is well-formed XML; the tests and fuzzers parse every feed back.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "atom.h"
#include "xmalloc.h"

/* Days since 1970-01-01 to a civil date (proleptic Gregorian), by 400-year eras. */
static void
civil(int64_t days, int *y, int *m, int *d)
{
	int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void
digits(char *p, int v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* RFC 3339 in UTC, clamped to the years it can write (1970 to 9999).  By hand: strftime and
 * gmtime_r's locking were a tenth of the writer's time on large feeds. */
char *
atom_time(int64_t t, char out[32])
{
	const int64_t max = INT64_C(253402300799); /* 9999-12-31T23:59:59Z */
	int y, m, d, sec;

	if (t < 0)
		t = 0;
	if (t > max)
		t = max;
	civil(t / 86400, &y, &m, &d);
	sec = (int)(t % 86400);
	memcpy(out, "0000-00-00T00:00:00Z", 21);
	digits(out, y, 4);
	digits(out + 5, m, 2);
	digits(out + 8, d, 2);
	digits(out + 11, sec / 3600, 2);
	digits(out + 14, sec / 60 % 60, 2);
	digits(out + 17, sec % 60, 2);
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

/* Writes s[0..n) escaped: the characters in `special`, each by its reference in ref(). */
static int
escaped(xmlTextWriterPtr w, const char *s, size_t n, const char *special,
    const char *(*ref)(char))
{
	const char *p = s, *end = s + n, *q;

	for (q = p; q < end; q++) {
		if (strchr(special, *q) == NULL || *q == '\0')
			continue;
		if (q > p && xmlTextWriterWriteRawLen(w, BAD_CAST p, (int)(q - p)) < 0)
			return -1;
		if (xmlTextWriterWriteRaw(w, BAD_CAST ref(*q)) < 0)
			return -1;
		p = q + 1;
	}
	if (q > p && xmlTextWriterWriteRawLen(w, BAD_CAST p, (int)(q - p)) < 0)
		return -1;
	return 0;
}

static const char *
ref(char c)
{
	switch (c) {
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '&': return "&amp;";
	case '"': return "&quot;";
	case '\t': return "&#9;";
	case '\n': return "&#10;";
	default: return "&#13;";
	}
}

/*
 * Text content.  The strings are clean already (struct entry's rule), so escaping is only <,
 * >, & and CR; doing it here rather than in xmlTextWriterWriteString saves an allocation and a
 * copy per string.  strpbrk finds the next one faster than a loop over every byte.
 */
static int
write_text(xmlTextWriterPtr w, const char *s)
{
	const char *p = s, *q;

	while ((q = strpbrk(p, "<>&\r")) != NULL) {
		if (q > p && xmlTextWriterWriteRawLen(w, BAD_CAST p, (int)(q - p)) < 0)
			return -1;
		if (xmlTextWriterWriteRaw(w, BAD_CAST ref(*q)) < 0)
			return -1;
		p = q + 1;
	}
	return *p ? xmlTextWriterWriteRaw(w, BAD_CAST p) : 0;
}

/* An attribute value (between double quotes): also " and the white space a parser would
 * normalise away. */
static int
write_attr(xmlTextWriterPtr w, const char *s, size_t n)
{
	return escaped(w, s, n, "<>&\"\t\n\r", ref);
}

static int
raw(xmlTextWriterPtr w, const char *s)
{
	return xmlTextWriterWriteRaw(w, BAD_CAST s);
}

/* <name>text</name> for a name among this file's constants: LEAF(w, "id", text). */
#define LEAF(w, name, text) leaf(w, "<" name ">", "</" name ">", text)

static int
leaf(xmlTextWriterPtr w, const char *open, const char *close, const char *text)
{
	if (text == NULL)
		return 0;
	X(raw(w, open));
	X(write_text(w, text));
	return raw(w, close);
fail:
	return -1;
}

static int
leaf_time(xmlTextWriterPtr w, const char *open, const char *close, int64_t t)
{
	char ts[32];

	return leaf(w, open, close, atom_time(t, ts));
}

/* name="value", with a space before; name is a constant. */
static int
attr(xmlTextWriterPtr w, const char *name_eq, const char *value)
{
	X(raw(w, name_eq));
	X(write_attr(w, value, strlen(value)));
	return raw(w, "\"");
fail:
	return -1;
}

static int
media_type_ok(const char *t)
{
	const char *slash = strchr(t, '/');

	return slash && slash != t && slash[1] != '\0' && strpbrk(t, " \t\n") == NULL;
}

/* <link .../>; href is `base` up to any '#', then '#' and `fragment` when one is given. */
static int
write_link(xmlTextWriterPtr w, const char *rel, const char *href, const char *fragment,
    const char *type, int64_t length)
{
	char len[24];

	X(raw(w, "<link"));
	if (rel)
		X(attr(w, " rel=\"", rel));
	if (type && !media_type_ok(type))
		type = NULL; /* RFC 4287 wants type/subtype; a broken one is dropped */
	if (type)
		X(attr(w, " type=\"", type));
	X(raw(w, " href=\""));
	if (fragment) {
		X(write_attr(w, href, strcspn(href, "#")));
		X(raw(w, "#"));
		X(write_attr(w, fragment, strlen(fragment)));
	} else {
		X(write_attr(w, href, strlen(href)));
	}
	X(raw(w, "\""));
	if (length >= 0) {
		snprintf(len, sizeof(len), "%lld", (long long)length);
		X(attr(w, " length=\"", len));
	}
	return raw(w, "/>");
fail:
	return -1;
}

static int
person(xmlTextWriterPtr w, const char *name)
{
	X(raw(w, "<author>"));
	X(LEAF(w, "name", name));
	return raw(w, "</author>");
fail:
	return -1;
}

/* The content element: the entry's HTML, with its caption as a figcaption after it. */
static int
content(xmlTextWriterPtr w, const struct entry *e)
{
	struct buf cap = BUF_INIT;
	int rc = -1;

	X(raw(w, "<content type=\"html\">"));
	if (e->content)
		X(write_text(w, e->content));
	if (e->caption) {
		buf_adds(&cap, "<figure><figcaption>");
		buf_add_html(&cap, e->caption, strlen(e->caption));
		buf_adds(&cap, "</figcaption></figure>");
		X(write_text(w, cap.data));
	}
	rc = raw(w, "</content>");
fail:
	buf_free(&cap);
	return rc;
}

static int
entry(xmlTextWriterPtr w, const struct atom_feed *f, const struct entry *e)
{
	size_t i;

	X(xmlTextWriterStartElement(w, BAD_CAST "entry"));
	X(LEAF(w, "id", e->id));
	X(LEAF(w, "title", e->title));
	X(leaf_time(w, "<updated>", "</updated>", e->updated));
	X(leaf_time(w, "<published>", "</published>", e->published));
	if (e->author)
		X(person(w, e->author));
	if (e->link)
		X(write_link(w, "alternate", e->link, NULL, NULL, -1));
	else if (e->content == NULL && e->caption == NULL) /* RFC 4287: a link, then */
		X(write_link(w, "alternate", f->entry_base ? f->entry_base : e->id,
		    f->entry_base ? e->id + 9 : NULL, NULL, -1));
	for (i = 0; i < e->n_enclosures; i++)
		X(write_link(w, "enclosure", e->enclosures[i].url, NULL, e->enclosures[i].type,
		    e->enclosures[i].length));
	for (i = 0; i < e->n_categories; i++) {
		X(raw(w, "<category"));
		X(attr(w, " term=\"", e->categories[i]));
		X(raw(w, "/>"));
	}
	X(LEAF(w, "summary", e->summary));
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
	X(LEAF(w, "id", f->id));
	X(LEAF(w, "title", f->title));
	if (f->subtitle)
		X(LEAF(w, "subtitle", f->subtitle));
	X(leaf_time(w, "<updated>", "</updated>", f->updated));
	X(person(w, f->author));
	if (f->self_url)
		X(write_link(w, "self", f->self_url, NULL, "application/atom+xml", -1));
	if (f->alt_url)
		X(write_link(w, "alternate", f->alt_url, NULL, NULL, -1));
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
