/* Frames of the worker protocol, written and read with bounds checked on every field. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <feedd/plugin.h>

#include "wire.h"

static void
put_be(unsigned char *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static uint64_t
get_be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

size_t
wire_begin(struct buf *b, int type)
{
	size_t start = b->len;
	unsigned char h[WIRE_HEADER] = {(unsigned char)type, 0, 0, 0, 0};

	buf_add(b, h, sizeof(h));
	return start;
}

void
wire_end(struct buf *b, size_t start)
{
	put_be((unsigned char *)b->data + start + 1, b->len - start - WIRE_HEADER, 4);
}

void
wire_end_plus(struct buf *b, size_t start, size_t more)
{
	put_be((unsigned char *)b->data + start + 1, b->len - start - WIRE_HEADER + more, 4);
}

void
wire_u32(struct buf *b, uint32_t v)
{
	unsigned char p[4];

	put_be(p, v, 4);
	buf_add(b, p, 4);
}

void
wire_i64(struct buf *b, int64_t v)
{
	unsigned char p[8];

	put_be(p, (uint64_t)v, 8);
	buf_add(b, p, 8);
}

void
wire_bytes(struct buf *b, const void *p, size_t n)
{
	wire_u32(b, (uint32_t)n);
	buf_add(b, p, n);
}

void
wire_str(struct buf *b, const char *s)
{
	wire_bytes(b, s ? s : "", s ? strlen(s) : 0);
}

void
wire_put_entry(struct buf *b, const struct feedd_entry *e)
{
	size_t i, n = 0;

	wire_str(b, e->id_key);
	wire_str(b, e->title);
	wire_str(b, e->link);
	wire_str(b, e->author);
	wire_str(b, e->summary);
	wire_str(b, e->content);
	wire_str(b, e->caption);
	wire_i64(b, e->published);
	wire_i64(b, e->updated);
	wire_u32(b, e->truncated != 0);
	while (e->categories && e->categories[n] && n < WIRE_CATEGORIES_MAX)
		n++;
	wire_u32(b, (uint32_t)n);
	for (i = 0; i < n; i++)
		wire_str(b, e->categories[i]);
	n = e->enclosures ? e->n_enclosures : 0;
	if (n > WIRE_ENCLOSURES_MAX)
		n = WIRE_ENCLOSURES_MAX;
	wire_u32(b, (uint32_t)n);
	for (i = 0; i < n; i++) {
		wire_str(b, e->enclosures[i].url);
		wire_str(b, e->enclosures[i].type);
		wire_i64(b, e->enclosures[i].length);
	}
}

void
wire_put_info(struct buf *b, const struct feedd_feed_info *fi)
{
	wire_str(b, fi->title);
	wire_str(b, fi->link);
	wire_str(b, fi->author);
	wire_str(b, fi->subtitle);
}

static int
have(struct wire_rd *r, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return 0;
	}
	return 1;
}

uint32_t
wire_get_u32(struct wire_rd *r)
{
	uint32_t v;

	if (!have(r, 4))
		return 0;
	v = (uint32_t)get_be((unsigned char *)r->p, 4);
	r->p += 4;
	return v;
}

int64_t
wire_get_i64(struct wire_rd *r)
{
	int64_t v;

	if (!have(r, 8))
		return 0;
	v = (int64_t)get_be((unsigned char *)r->p, 8);
	r->p += 8;
	return v;
}

char *
wire_get_bytes(struct wire_rd *r, size_t *len)
{
	uint32_t n = wire_get_u32(r);
	char *s;

	if (!have(r, n))
		return NULL;
	s = r->p;
	r->p += n;
	*len = n;
	return s;
}

/* The bytes move one place back, over the last byte of their length, to make room for the
 * NUL: no copy is made of an entry's text on the way in. */
char *
wire_get_str(struct wire_rd *r, size_t max)
{
	size_t n;
	char *s = wire_get_bytes(r, &n);

	if (s == NULL)
		return NULL;
	if (n > max) {
		r->bad = 1;
		return NULL;
	}
	if (n == 0)
		return NULL;
	memmove(s - 1, s, n);
	s[n - 1] = '\0';
	return s - 1;
}

int
wire_rd_done(const struct wire_rd *r)
{
	return !r->bad && r->p == r->end;
}

int
wire_get_entry(struct wire_rd *r, struct feedd_entry *e, const char **cats,
    struct feedd_enclosure *encs)
{
	uint32_t i, n;

	memset(e, 0, sizeof(*e));
	e->id_key = wire_get_str(r, WIRE_ENTRY_MAX);
	e->title = wire_get_str(r, WIRE_ENTRY_MAX);
	e->link = wire_get_str(r, WIRE_ENTRY_MAX);
	e->author = wire_get_str(r, WIRE_ENTRY_MAX);
	e->summary = wire_get_str(r, WIRE_ENTRY_MAX);
	e->content = wire_get_str(r, WIRE_ENTRY_MAX);
	e->caption = wire_get_str(r, WIRE_ENTRY_MAX);
	e->published = wire_get_i64(r);
	e->updated = wire_get_i64(r);
	e->truncated = wire_get_u32(r) != 0;
	if ((n = wire_get_u32(r)) > WIRE_CATEGORIES_MAX)
		return -1;
	for (i = 0; i < n; i++)
		if ((cats[i] = wire_get_str(r, WIRE_ENTRY_MAX)) == NULL)
			cats[i] = "";
	cats[n] = NULL;
	e->categories = cats;
	if ((n = wire_get_u32(r)) > WIRE_ENCLOSURES_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		encs[i].url = wire_get_str(r, WIRE_ENTRY_MAX);
		encs[i].type = wire_get_str(r, WIRE_ENTRY_MAX);
		encs[i].length = wire_get_i64(r);
	}
	e->enclosures = encs;
	e->n_enclosures = n;
	return wire_rd_done(r) ? 0 : -1;
}

int
wire_get_info(struct wire_rd *r, struct feedd_feed_info *fi)
{
	fi->title = wire_get_str(r, WIRE_SMALL_MAX);
	fi->link = wire_get_str(r, WIRE_SMALL_MAX);
	fi->author = wire_get_str(r, WIRE_SMALL_MAX);
	fi->subtitle = wire_get_str(r, WIRE_SMALL_MAX);
	return wire_rd_done(r) ? 0 : -1;
}

char *
wire_in_space(struct wire_in *in, size_t want)
{
	if (in->off > 0 && in->off * 2 >= in->b.len) { /* keep the buffer from creeping */
		memmove(in->b.data, in->b.data + in->off, in->b.len - in->off);
		in->b.len -= in->off;
		in->off = 0;
	}
	buf_reserve(&in->b, want);
	return in->b.data + in->b.len;
}

int
wire_next(struct wire_in *in, size_t max, int *type, struct wire_rd *r)
{
	size_t avail = in->b.len - in->off;
	unsigned char *h;
	uint64_t n;

	if (avail < WIRE_HEADER)
		return 0; /* before h: an empty buffer's data is NULL, and NULL + 0 is undefined */
	h = (unsigned char *)in->b.data + in->off;
	n = get_be(h + 1, 4);
	if (n > max)
		return -1;
	if (avail - WIRE_HEADER < n)
		return 0;
	*type = h[0];
	r->p = (char *)h + WIRE_HEADER;
	r->end = r->p + n;
	r->bad = 0;
	in->off += WIRE_HEADER + (size_t)n;
	return 1;
}

void
wire_in_free(struct wire_in *in)
{
	buf_free(&in->b);
	in->off = 0;
}
