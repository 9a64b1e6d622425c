/* The table of formats and what their writers share: XML escaping, entry HTML, links, dates. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "format.h"

const struct format formats[FORMAT_N] = {
	{"atom", ".atom", "application/atom+xml", "application/atom+xml; charset=utf-8", "Atom",
	    1, atom_write_to, &atom_parts},
	{"rss", ".rss", "application/rss+xml", "application/rss+xml; charset=utf-8", "RSS", 1,
	    rss_write, &rss_parts},
	{"json", ".json", "application/feed+json", "application/feed+json; charset=utf-8",
	    "JSON Feed", 1, jsonfeed_write, NULL},
	{"html", ".html", "text/html", "text/html; charset=utf-8", "Web page", 0, htmlview_write,
	    &htmlview_parts},
};

const struct format *
format_find(const char *name)
{
	size_t i;

	for (i = 0; i < FORMAT_N; i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}

int
format_by_path(const char *path, size_t len, size_t *stem_len)
{
	size_t i, n;

	for (i = 0; i < FORMAT_N; i++) {
		n = strlen(formats[i].ext);
		if (len > n && memcmp(path + len - n, formats[i].ext, n) == 0) {
			*stem_len = len - n;
			return (int)i;
		}
	}
	return -1;
}

/* What each special character becomes; text escapes <, >, & and CR, attributes also " and the
 * white space a parser would normalise away. */
static const char *const refs[256] = {
	['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;", ['\r'] = "&#13;",
	['"'] = "&quot;", ['\t'] = "&#9;", ['\n'] = "&#10;",
};

void
xml_attr(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;

	buf_reserve(b, n);
	for (; p < end; p++) {
		const char *r = refs[*p];

		if (r == NULL)
			continue;
		buf_add(b, run, (size_t)(p - run));
		buf_adds(b, r);
		run = p + 1;
	}
	buf_add(b, run, (size_t)(p - run));
}

/* strpbrk finds the next special character many bytes at a time. */
void
xml_text(struct buf *b, const char *s)
{
	const char *q;

	while ((q = strpbrk(s, "<>&\r")) != NULL) {
		buf_add(b, s, (size_t)(q - s));
		buf_adds(b, refs[(unsigned char)*q]);
		s = q + 1;
	}
	buf_adds(b, s);
}

void
format_caption_html(struct buf *b, const char *caption)
{
	buf_adds(b, "<figure><figcaption>");
	buf_add_html(b, caption, strlen(caption));
	buf_adds(b, "</figcaption></figure>");
}

int
format_content_html(struct buf *b, const struct entry *e)
{
	if (e->content)
		buf_adds(b, e->content);
	if (e->caption)
		format_caption_html(b, e->caption);
	return e->content || e->caption;
}

int
format_entry_link(struct buf *b, const struct atom_feed *f, const struct entry *e)
{
	const char *page = f->entry_page;

	if (e->link) {
		buf_adds(b, e->link);
		return 1;
	}
	if (page == NULL && !e->content && !e->caption)
		page = f->entry_base;
	if (page == NULL)
		return 0;
	buf_add(b, page, strcspn(page, "#"));
	buf_addc(b, '#');
	buf_adds(b, e->id + 9); /* the uuid */
	return 1;
}

char *
format_rfc822(int64_t t, char out[40])
{
	const int64_t max = INT64_C(253402300799); /* as atom_time */
	time_t tt = (time_t)(t < 0 ? 0 : t > max ? max : t);
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	/* by hand: strftime's names follow the locale */
	gmtime_r(&tt, &tm);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
	    months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return out;
}

int
format_flush(format_out *out, void *ctx, struct buf *b)
{
	int r = b->len ? out(ctx, b->data, (int)b->len) : 0;

	buf_reset(b);
	return r < 0 ? -1 : 0;
}

int
format_write_parts(const struct format_parts *p, format_out *out, void *ctx,
    const struct atom_feed *f, struct entry *const *v, size_t n)
{
	struct buf b = BUF_INIT, scratch = BUF_INIT;
	size_t i;
	int rc = -1;

	p->head(&b, f);
	for (i = 0; i < n; i++) {
		/* an entry goes on in one piece: it is mostly short elements */
		p->entry(&b, &scratch, f, v[i]);
		if (b.len >= 4096 && format_flush(out, ctx, &b) == -1)
			goto fail;
	}
	p->tail(&b, f, n);
	rc = format_flush(out, ctx, &b);
fail:
	buf_free(&b);
	buf_free(&scratch);
	return rc;
}

int
format_to_buf(void *ctx, const char *p, int n)
{
	buf_add(ctx, p, (size_t)n);
	return n;
}
