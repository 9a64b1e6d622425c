/*
 * Writes Atom 1.0, by hand into a buffer handed on one entry at a time, in the three parts of
 * struct format_parts (the head, each entry, the tail), so that convert can spool the entries
 * before it knows the head.  (libxml2's xmlTextWriter wrote only the prolog and the <feed>
 * element around them, and copied every byte once more.)  Element names are this file's
 * constants; text is clean UTF-8 (struct entry's rule) and escaped here, attribute values too;
 * so every byte is well-formed XML, and the tests and fuzzers parse every feed written back.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atom.h"
#include "format.h"
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

/* "00" to "99", two bytes each. */
static const char two_digits[] = "0001020304050607080910111213141516171819202122232425262728293031"
    "3233343536373839404142434445464748495051525354555657585960616263646566676869707172737475"
    "767778798081828384858687888990919293949596979899";

static void
put2(char *p, int v)
{
	memcpy(p, two_digits + 2 * v, 2);
}

/* RFC 3339 in UTC, clamped to the years it can write (0001 to 9999).  By hand: strftime and
 * gmtime_r's locking were a tenth of the writer's time on large feeds; the date part is kept
 * from the last call (a feed's dates are mostly of a few days), the time's by pairs. */
char *
atom_time(int64_t t, char out[32])
{
	static _Thread_local struct {
		int64_t days;
		char ymd[11]; /* "YYYY-MM-DDT" */
		int set;
	} last; /* per thread: the saver thread writes feeds too */
	int64_t days;
	int y, m, d, sec;

	if (t < ENTRY_TIME_MIN)
		t = ENTRY_TIME_MIN;
	if (t > ENTRY_TIME_MAX)
		t = ENTRY_TIME_MAX;
	days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400); /* floor, for dates before 1970 */
	if (days != last.days || !last.set) {
		civil(days, &y, &m, &d);
		put2(last.ymd, y / 100);
		put2(last.ymd + 2, y % 100);
		last.ymd[4] = '-';
		put2(last.ymd + 5, m);
		last.ymd[7] = '-';
		put2(last.ymd + 8, d);
		last.ymd[10] = 'T';
		last.days = days;
		last.set = 1;
	}
	sec = (int)(t - days * 86400);
	memcpy(out, last.ymd, 11);
	put2(out + 11, sec / 3600);
	out[13] = ':';
	put2(out + 14, sec / 60 % 60);
	out[16] = ':';
	put2(out + 17, sec % 60);
	memcpy(out + 19, "Z", 2);
	return out;
}

void
atom_feed_id(const char *key, char out[ENTRY_ID_LEN + 1])
{
	char k[8 + 4096];

	snprintf(k, sizeof(k), "feed:%s", key);
	entry_make_id(k, out);
}

static void
leaf_time(struct buf *b, const char *open, size_t olen, const char *close, size_t clen,
    int64_t t)
{
	char ts[32];

	buf_add(b, open, olen);
	buf_add(b, atom_time(t, ts), 20);
	buf_add(b, close, clen);
}
#define LEAF_TIME(b, name, t)                                                                      \
	leaf_time(b, "<" name ">", sizeof(name) + 1, "</" name ">", sizeof(name) + 2, t)

/* name="value" with a space before; name_eq is a constant such as ` rel="`. */
static void
attr(struct buf *b, const char *name_eq, const char *value)
{
	buf_adds(b, name_eq);
	xml_attr(b, value, strlen(value));
	buf_addc(b, '"');
}

static int
media_type_ok(const char *t)
{
	const char *slash = strchr(t, '/');

	return slash && slash != t && slash[1] != '\0' && strpbrk(t, " \t\n") == NULL;
}

/* <link .../>; open is a constant such as LINK_REL("alternate"). */
#define LINK_REL(rel) "<link rel=\"" rel "\""
static void
link_el(struct buf *b, const char *open, const char *href, const char *type, int64_t length)
{
	buf_adds(b, open);
	if (type && media_type_ok(type)) /* RFC 4287 wants type/subtype; a broken one is dropped */
		attr(b, " type=\"", type);
	attr(b, " href=\"", href);
	if (length >= 0)
		buf_printf(b, " length=\"%lld\"", (long long)length);
	ADD(b, "/>");
}

/* One atom:author for each person of an author field (struct feedd_entry's form). */
static void
person(struct buf *b, const char *authors)
{
	struct person p;

	while (entry_person(&authors, &p)) {
		ADD(b, "<author>");
		LEAF(b, "name", p.name);
		LEAF(b, "email", p.email);
		ADD(b, "</author>");
	}
}

/* The content element: the entry's HTML, with its caption as a figcaption after it.  The
 * content is escaped straight from the entry: it can be a megabyte, not worth a copy. */
static void
content(struct buf *b, struct buf *scratch, const struct entry *e)
{
	ADD(b, "<content type=\"html\">");
	if (e->content)
		xml_text(b, e->content);
	if (e->caption) {
		buf_reset(scratch);
		format_caption_html(scratch, e->caption);
		xml_text(b, scratch->data);
	}
	ADD(b, "</content>");
}

/* An entry's children, into b. */
static void
entry_body(struct buf *b, struct buf *scratch, const struct atom_feed *f, const struct entry *e)
{
	size_t i;
	int textonly = 0;

	LEAF(b, "id", e->id);
	LEAF(b, "title", e->title);
	LEAF_TIME(b, "updated", e->updated);
	LEAF_TIME(b, "published", e->published);
	if (e->author)
		person(b, e->author);
	buf_reset(scratch);
	if (format_entry_link(scratch, f, e))
		link_el(b, LINK_REL("alternate"), scratch->data, NULL, -1);
	else if (e->content == NULL && e->caption == NULL)
		textonly = 1;
	for (i = 0; i < e->n_enclosures; i++)
		link_el(b, LINK_REL("enclosure"), e->enclosures[i].url, e->enclosures[i].type,
		    e->enclosures[i].length);
	for (i = 0; i < e->n_categories; i++) {
		ADD(b, "<category");
		attr(b, " term=\"", e->categories[i]);
		ADD(b, "/>");
	}
	LEAF(b, "summary", e->summary);
	if (e->content || e->caption) {
		content(b, scratch, e);
	} else if (textonly) {
		/* RFC 4287 wants an alternate link or content; with no page to link to, the text is
		 * the content too */
		ADD(b, "<content type=\"text\">");
		xml_text(b, e->summary ? e->summary : e->title);
		ADD(b, "</content>");
	}
}

/* The prolog and the <feed> element's own children, as xmlTextWriter wrote them before. */
static void
atom_head(struct buf *b, const struct atom_feed *f)
{
	ADD(b, "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">");
	LEAF(b, "id", f->id);
	LEAF(b, "title", f->title);
	LEAF(b, "subtitle", f->subtitle);
	LEAF_TIME(b, "updated", f->updated);
	person(b, f->author);
	if (f->self_url)
		link_el(b, LINK_REL("self"), f->self_url, "application/atom+xml", -1);
	if (f->hub_url)
		link_el(b, LINK_REL("hub"), f->hub_url, NULL, -1);
	if (f->alt_url)
		link_el(b, LINK_REL("alternate"), f->alt_url, NULL, -1);
	ADD(b, "<generator version=\"" PACKAGE_VERSION "\">feedd</generator>");
}

static void
atom_entry(struct buf *b, struct buf *scratch, const struct atom_feed *f, const struct entry *e)
{
	ADD(b, "<entry>");
	entry_body(b, scratch, f, e);
	ADD(b, "</entry>");
}

static void
atom_tail(struct buf *b, const struct atom_feed *f, size_t n)
{
	(void)f;
	(void)n;
	ADD(b, "</feed>\n");
}

const struct format_parts atom_parts = {atom_head, atom_entry, atom_tail};

int
atom_write(struct buf *out, const struct atom_feed *f, struct entry *const *v, size_t n)
{
	return atom_write_to(format_to_buf, out, f, v, n);
}

int
atom_write_to(int (*wr)(void *, const char *, int), void *ctx, const struct atom_feed *f,
    struct entry *const *v, size_t n)
{
	return format_write_parts(&atom_parts, wr, ctx, f, v, n);
}
