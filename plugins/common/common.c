/* Dates, XML text and link resolution shared by the bundled plugins. */
#define _GNU_SOURCE
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/uri.h>

#include "common.h"

int64_t
pc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's algorithm: days since 1970-01-01 for a proleptic Gregorian date */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

static int64_t
mk(int y, int mo, int d, int h, int mi, int s, int off_min)
{
	if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 24 ||
	    mi < 0 || mi > 59 || s < 0 || s > 60)
		return 0;
	return pc_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s -
	       (int64_t)off_min * 60;
}

static int
num(const char **p, int digits)
{
	int v = 0, i;

	for (i = 0; i < digits; i++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	return v;
}

static int64_t
parse_iso(const char *p)
{
	int y, mo = 1, d = 1, h = 0, mi = 0, s = 0, off = 0, sign;

	if ((y = num(&p, 4)) < 0)
		return 0;
	if (*p == '-') {
		p++;
		if ((mo = num(&p, 2)) < 0)
			return 0;
		if (*p == '-') {
			p++;
			if ((d = num(&p, 2)) < 0)
				return 0;
		}
	}
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if ((h = num(&p, 2)) < 0 || *p++ != ':' || (mi = num(&p, 2)) < 0)
			return 0;
		if (*p == ':') {
			p++;
			if ((s = num(&p, 2)) < 0)
				return 0;
			if (*p == '.' || *p == ',')
				for (p++; isdigit((unsigned char)*p); p++)
					;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int oh, om = 0;

			sign = *p++ == '-' ? -1 : 1;
			if ((oh = num(&p, 2)) < 0)
				return 0;
			if (*p == ':')
				p++;
			if (isdigit((unsigned char)*p) && (om = num(&p, 2)) < 0)
				return 0;
			if (oh > 23 || om > 59) /* RFC 3339: time-numoffset is at most 23:59 */
				return 0;
			off = sign * (oh * 60 + om);
		}
	}
	while (*p == ' ')
		p++;
	return *p == '\0' ? mk(y, mo, d, h, mi, s, off) : 0;
}

static int
zone_offset(const char *z, int *off)
{
	static const struct {
		const char *name;
		size_t len;
		int off;
	} zones[] = {{"UT", 2, 0}, {"UTC", 3, 0}, {"GMT", 3, 0}, {"Z", 1, 0}, {"EST", 3, -300},
	    {"EDT", 3, -240}, {"CST", 3, -360}, {"CDT", 3, -300}, {"MST", 3, -420},
	    {"MDT", 3, -360}, {"PST", 3, -480}, {"PDT", 3, -420}};
	size_t i;

	if (*z == '+' || *z == '-') {
		int sign = *z == '-' ? -1 : 1;
		const char *p = z + 1;
		int hh = num(&p, 2), mm;

		if (hh < 0)
			return -1;
		if (*p == ':')
			p++;
		mm = isdigit((unsigned char)*p) ? num(&p, 2) : 0;
		if (mm < 0 || hh > 23 || mm > 59) /* RFC 5322 zones go to 99:99; no real one does */
			return -1;
		*off = sign * (hh * 60 + mm);
		return 0;
	}
	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (tolower((unsigned char)*z) == tolower((unsigned char)zones[i].name[0]) &&
		    strncasecmp(z, zones[i].name, zones[i].len) == 0 &&
		    !isalpha((unsigned char)z[zones[i].len])) {
			*off = zones[i].off;
			return 0;
		}
	return -1;
}

/* strtol(p, &p, 10) where p is at a digit, as this file's callers had it, without the locale
 * and sign handling: the digits' value, LONG_MAX past it. */
static long
number(const char **p)
{
	unsigned long v = 0;
	int over = 0;

	for (; isdigit((unsigned char)**p); (*p)++) {
		unsigned d = (unsigned)(**p - '0');

		if (over || v > ((unsigned long)LONG_MAX - d) / 10)
			over = 1;
		else
			v = v * 10 + d;
	}
	return over ? LONG_MAX : (long)v;
}

/* 1 to 12 for the three letters at p (any case), else 0.  (Each name's first place in the
 * string strstr once searched is its own, so only those three are compared.) */
static int
month_of(const char *p)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	int i, a = tolower((unsigned char)p[0]), b = tolower((unsigned char)p[1]),
	       c = tolower((unsigned char)p[2]);

	for (i = 0; i < 12; i++)
		if (months[3 * i] == a && months[3 * i + 1] == b && months[3 * i + 2] == c)
			return i + 1;
	return 0;
}

static int64_t
parse_rfc822(const char *p)
{
	int d, mo, y, h, mi, s = 0, off = 0;

	while (isalpha((unsigned char)*p))
		p++; /* day name */
	while (*p == ',' || *p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return 0;
	d = (int)number(&p);
	while (*p == ' ' || *p == '-')
		p++;
	if (p[0] == '\0' || p[1] == '\0' || p[2] == '\0' || (mo = month_of(p)) == 0)
		return 0;
	while (isalpha((unsigned char)*p))
		p++;
	while (*p == ' ' || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return 0;
	y = (int)number(&p);
	if (y < 100)
		y += y < 50 ? 2000 : 1900;
	while (*p == ' ')
		p++;
	if ((h = num(&p, 2)) < 0 || *p++ != ':' || (mi = num(&p, 2)) < 0)
		return 0;
	if (*p == ':') {
		p++;
		if ((s = num(&p, 2)) < 0)
			return 0;
	}
	while (*p == ' ')
		p++;
	if (*p && zone_offset(p, &off) == -1)
		return 0;
	return mk(y, mo, d, h, mi, s, off);
}

int64_t
pc_parse_date(const char *s)
{
	int64_t t;

	if (s == NULL)
		return 0;
	while (isspace((unsigned char)*s))
		s++;
	if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) &&
	    (t = parse_iso(s)) != 0)
		return t;
	return parse_rfc822(s);
}

void
pc_buf_add(struct pc_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 128;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((np = realloc(b->p, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
pc_buf_add_escaped(struct pc_buf *b, const char *s, size_t n, int attr)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		const char *r = s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;" : s[i] == '&' ? "&amp;"
		              : attr && s[i] == '"' ? "&quot;" : NULL;

		if (r == NULL)
			continue;
		pc_buf_add(b, s + start, i - start);
		pc_buf_add(b, r, strlen(r));
		start = i + 1;
	}
	pc_buf_add(b, s + start, n - start);
}

/* Elements whose text is code, never words a reader should see in a title or summary. */
static int
is_code(xmlNodePtr n)
{
	const char *name = (const char *)n->name;

	return strcasecmp(name, "script") == 0 || strcasecmp(name, "style") == 0;
}

static void
collect(struct pc_buf *b, xmlNodePtr n, int depth, int skip_code)
{
	for (; n && depth < 256; n = n->next) {
		if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
			pc_buf_add(b, (const char *)n->content, strlen((const char *)n->content));
		else if (n->type == XML_ELEMENT_NODE && !(skip_code && is_code(n)))
			collect(b, n->children, depth + 1, skip_code);
		/* entity references are skipped on purpose: no expansion, no external fetch */
	}
}

char *
pc_node_text(xmlNodePtr n)
{
	struct pc_buf b = {0};

	if (n == NULL)
		return NULL;
	if (n->type == XML_ATTRIBUTE_NODE)
		collect(&b, n->children, 0, 0);
	else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
		collect(&b, n, 255, 0);
	else
		collect(&b, n->children, 0, 0);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	if (b.p == NULL)
		b.p = strdup("");
	return b.p;
}

char *
pc_node_inner_html(xmlDocPtr doc, xmlNodePtr n)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlNodePtr c;
	char *out;

	if (buf == NULL)
		return NULL;
	xmlBufferSetAllocationScheme(buf, XML_BUFFER_ALLOC_DOUBLEIT); /* see sanitize_html */
	for (c = n->children; c; c = c->next)
		if (c->type != XML_ENTITY_REF_NODE)
			xmlNodeDump(buf, doc, c, 0, 0);
	out = strdup((const char *)xmlBufferContent(buf));
	xmlBufferFree(buf);
	return out;
}

char *
pc_html_text(const char *html)
{
	htmlDocPtr d;
	struct pc_buf b = {0};
	char *out, *w, *r;
	int space = 0;

	if (html == NULL)
		return NULL;
	d = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (d == NULL)
		return strdup("");
	collect(&b, xmlDocGetRootElement(d), 0, 1);
	xmlFreeDoc(d);
	if (b.oom || b.p == NULL) {
		free(b.p);
		return strdup("");
	}
	out = b.p;
	for (r = w = out; *r; r++) {
		if (isspace((unsigned char)*r)) {
			space = w != out;
			continue;
		}
		if (space)
			*w++ = ' ';
		space = 0;
		*w++ = *r;
	}
	*w = '\0';
	return out;
}

/* The value of base64 digit c, or -1. */
static int
b64_digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' || c == '-' ? 62 : c == '/' || c == '_' ? 63 : -1;
}

char *
pc_base64_decode(const char *s, size_t *len)
{
	char *out = malloc(strlen(s) / 4 * 3 + 4);
	unsigned acc = 0, bits = 0;
	size_t n = 0;
	int v;

	if (out == NULL)
		return NULL;
	for (; *s && *s != '='; s++) {
		if (isspace((unsigned char)*s))
			continue;
		if ((v = b64_digit((unsigned char)*s)) < 0) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)v;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[n] = '\0';
	*len = n;
	return out;
}

int
pc_is_text(const char *s, size_t n)
{
	size_t i;

	if (memchr(s, '\0', n) || !xmlCheckUTF8((const xmlChar *)s))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && !strchr("\t\n\r", s[i]))
			return 0;
	return 1;
}

char *
pc_resolve(const char *href, const char *base)
{
	xmlChar *u;
	char *out;

	if (href == NULL || *href == '\0')
		return NULL;
	if (base == NULL || *base == '\0' || strstr(href, "://"))
		return strdup(href);
	u = xmlBuildURI((const xmlChar *)href, (const xmlChar *)base);
	if (u == NULL)
		return strdup(href);
	out = strdup((const char *)u);
	xmlFree(u);
	return out;
}

char *
pc_trim(char *s)
{
	size_t n;
	size_t lead = 0;

	if (s == NULL)
		return NULL;
	while (isspace((unsigned char)s[lead]))
		lead++;
	n = strlen(s + lead);
	memmove(s, s + lead, n + 1);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}
