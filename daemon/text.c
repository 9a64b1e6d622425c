/* Text hygiene: everything feedd emits passes through here on its way to valid UTF-8 XML. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "text.h"

size_t
utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l;
	uint32_t cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((l = utf8_seq(p + i, n - i, &cp)) == 0)
			return 0;
		i += l;
	}
	return 1;
}

void
utf8_put(struct buf *b, uint32_t cp)
{
	char o[4];

	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, o, 2);
	} else if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, o, 3);
	} else {
		o[0] = (char)(0xf0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[3] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, o, 4);
	}
}

/* Characters XML 1.0 forbids, plus C1 controls and DEL, which no reader wants. */
static int
xml_unwanted(uint32_t cp)
{
	if (cp < 0x20)
		return cp != '\t' && cp != '\n' && cp != '\r';
	return (cp >= 0x7f && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff;
}

/* The high bit of each byte of w that is not printable ASCII (0x20..0x7e).  Bytes past the
 * first such one may be marked wrongly (a borrow), never the first: the lowest mark is exact. */
static inline uint64_t
unprintable(uint64_t w)
{
	uint64_t lo = (w - 0x2020202020202020ULL) & ~w; /* a byte < 0x20 */
	uint64_t x = w ^ 0x7f7f7f7f7f7f7f7fULL, del = (x - 0x0101010101010101ULL) & ~x; /* 0x7f */

	return (w | lo | del) & 0x8080808080808080ULL;
}

/* Non-zero if the 32 bytes at p are all printable ASCII: one test at the end, not one per word. */
static inline int
block_printable(const unsigned char *p)
{
	uint64_t acc = 0, w;
	int k;

	for (k = 0; k < 4; k++) {
		uint64_t lo, x, del;

		memcpy(&w, p + 8 * k, 8);
		lo = (w - 0x2020202020202020ULL) & ~w;
		x = w ^ 0x7f7f7f7f7f7f7f7fULL;
		del = (x - 0x0101010101010101ULL) & ~x;
		acc |= w | lo | del;
	}
	return (acc & 0x8080808080808080ULL) == 0;
}

/* How many bytes of p[0..n) are printable ASCII before the first that is not: 8 at a time,
 * 32 while they all are (one test per block), and the first other byte found by its mark. */
static inline size_t
printable_run(const unsigned char *p, size_t n)
{
	uint64_t w, m;
	size_t k = 0;

	while (k + 32 <= n && block_printable(p + k))
		k += 32;
	for (; k + 8 <= n; k += 8) {
		memcpy(&w, p + k, 8);
		if ((m = unprintable(w)) != 0)
			return k + (size_t)__builtin_ctzll(m) / 8;
	}
	while (k < n && p[k] >= 0x20 && p[k] < 0x7f)
		k++;
	return k;
}

/*
 * Non-zero if s[0..n) is valid UTF-8 and reject() refuses none of its code points.  Printable
 * ASCII, the common case, is skipped without asking reject(), up to the next other byte.
 * Inline, so that each caller's reject is called directly.
 */
static inline int
scan_utf8(const char *s, size_t n, int (*reject)(uint32_t cp))
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l;
	uint32_t cp;

	while (i < n) {
		i += printable_run(p + i, n - i);
		if (i == n)
			break;
		if ((l = utf8_seq(p + i, n - i, &cp)) == 0 || reject(cp))
			return 0;
		i += l;
	}
	return 1;
}

static int
reject_for_xml(uint32_t cp)
{
	return xml_unwanted(cp) || cp == '\r';
}

int
text_is_clean(const char *s, size_t n)
{
	return scan_utf8(s, n, reject_for_xml);
}

size_t
text_clean(struct buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l, start = out->len, run = 0;
	uint32_t cp;

	buf_reserve(out, n);
	while (i < n) {
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			i++;
			run++;
			continue;
		}
		buf_add(out, p + i - run, run);
		run = 0;
		if ((l = utf8_seq(p + i, n - i, &cp)) == 0) {
			utf8_put(out, 0xfffd);
			i++;
			continue;
		}
		if (cp == '\r') {
			buf_addc(out, '\n');
			if (i + 1 < n && p[i + 1] == '\n')
				i++;
		} else if (!xml_unwanted(cp)) {
			buf_add(out, p + i, l);
		}
		i += l;
	}
	buf_add(out, p + i - run, run);
	return out->len - start;
}

/* Decoded text keeps the whitespace controls a segmenter must see and drops the rest. */
static void
put_text_cp(struct buf *out, uint32_t cp)
{
	if (cp < 0x20) {
		if (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f')
			buf_addc(out, (char)cp);
		return;
	}
	if (cp == 0x85) {
		buf_addc(out, ' ');
		return;
	}
	if ((cp >= 0x7f && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff || cp == 0xfeff || cp == 0xfffd ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return;
	utf8_put(out, cp);
}

/* What text_decode would drop or change in valid UTF-8 (see put_text_cp). */
static int
reject_for_identity(uint32_t cp)
{
	if (cp < 0x20)
		return cp != '\t' && cp != '\n' && cp != '\r' && cp != '\v' && cp != '\f';
	return (cp >= 0x7f && cp <= 0x9f) || cp == 0xfeff || cp == 0xfffd || cp == 0xfffe ||
	       cp == 0xffff;
}

int
text_decode_is_identity(const char *s, size_t n, const char *charset)
{
	const unsigned char *p = (const unsigned char *)s;

	if (charset != NULL && *charset && strcasecmp(charset, "utf-8") != 0 &&
	    strcasecmp(charset, "utf8") != 0)
		return 0;
	if (n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff)))
		return 0;
	return scan_utf8(s, n, reject_for_identity);
}

static const uint16_t cp1252_high[32] = {
	0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017d, 0,
	0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178,
};

static void
decode_cp1252(struct buf *out, const unsigned char *p, size_t n)
{
	size_t i;

	buf_reserve(out, n + n / 2);
	for (i = 0; i < n; i++) {
		if (p[i] >= 0x80 && p[i] < 0xa0) {
			if (cp1252_high[p[i] - 0x80])
				put_text_cp(out, cp1252_high[p[i] - 0x80]);
		} else {
			put_text_cp(out, p[i]);
		}
	}
}

static void
decode_utf8(struct buf *out, const unsigned char *p, size_t n)
{
	size_t i = 0, l, run = 0;
	uint32_t cp;

	buf_reserve(out, n);
	while (i < n) {
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			i++;
			run++;
			continue;
		}
		buf_add(out, p + i - run, run);
		run = 0;
		if ((l = utf8_seq(p + i, n - i, &cp)) == 0) {
			decode_cp1252(out, p + i, 1); /* a stray byte in mostly UTF-8 text */
			i++;
			continue;
		}
		put_text_cp(out, cp);
		i += l;
	}
	buf_add(out, p + i - run, run);
}

/* Is s[0..n), though not valid UTF-8, mostly UTF-8: more valid multi-byte sequences than
 * stray bytes (a UTF-8 page with a pasted Windows-1252 word, or one broken character)? */
static int
mostly_utf8(const unsigned char *p, size_t n)
{
	size_t i = 0, l, good = 0, bad = 0;
	uint32_t cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((l = utf8_seq(p + i, n - i, &cp)) == 0) {
			bad++;
			i++;
		} else {
			good++;
			i += l;
		}
	}
	return good > bad;
}

static void
decode_utf16(struct buf *out, const unsigned char *p, size_t n, int be)
{
	size_t i;
	uint32_t u, lo;

	buf_reserve(out, n);
	for (i = 0; i + 1 < n; i += 2) {
		u = be ? (uint32_t)(p[i] << 8 | p[i + 1]) : (uint32_t)(p[i + 1] << 8 | p[i]);
		if (u >= 0xd800 && u <= 0xdbff && i + 3 < n) {
			lo = be ? (uint32_t)(p[i + 2] << 8 | p[i + 3])
			        : (uint32_t)(p[i + 3] << 8 | p[i + 2]);
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				i += 2;
			}
		}
		put_text_cp(out, u); /* a lone surrogate is dropped there */
	}
}

/* Any other charset through iconv; unmappable bytes are skipped. */
static int
decode_iconv(struct buf *out, const char *s, size_t n, const char *charset)
{
	iconv_t cd = iconv_open("UTF-8", charset);
	struct buf tmp = BUF_INIT;
	char *in = (char *)s, *o;
	size_t inleft = n, oleft;

	if (cd == (iconv_t)-1)
		return -1;
	buf_reserve(&tmp, n * 4 + 16);
	while (inleft > 0) {
		o = tmp.data + tmp.len;
		oleft = tmp.cap - tmp.len - 1;
		if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
			tmp.len = (size_t)(o - tmp.data);
			if (errno == E2BIG) {
				buf_reserve(&tmp, inleft * 4 + 16);
				continue;
			}
			in++; /* EILSEQ or EINVAL: skip the byte */
			inleft--;
			continue;
		}
		tmp.len = (size_t)(o - tmp.data);
	}
	iconv_close(cd);
	decode_utf8(out, (const unsigned char *)tmp.data, tmp.len);
	buf_free(&tmp);
	return 0;
}

static int
charset_is(const char *cs, const char *const *names)
{
	for (; *names; names++)
		if (strcasecmp(cs, *names) == 0)
			return 1;
	return 0;
}

static const char *const utf8_names[] = {"utf-8", "utf8", "unicode-1-1-utf-8", NULL};
static const char *const cp1252_names[] = {"windows-1252", "cp1252", "iso-8859-1", "iso8859-1",
    "latin1", "l1", "us-ascii", "ascii", "x-cp1252", "iso_8859-1", NULL};

/*
 * The charset an HTML page names in a <meta> within its first 4 KiB (<meta charset=X> or
 * http-equiv's content="text/html; charset=X"), as a browser's prescan finds it, copied into
 * name; 0 if none.
 */
static int
meta_charset(const char *s, size_t n, char *name, size_t size)
{
	const char *p = s, *end = s + (n < 4096 ? n : 4096);

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL && end - p > 5) {
		const char *tag = p + 1, *gt = memchr(tag, '>', (size_t)(end - tag));

		p = tag;
		if (gt == NULL)
			return 0;
		if (strncasecmp(tag, "meta", 4) != 0 || !(isspace((unsigned char)tag[4]) ||
		                                           tag[4] == '/'))
			continue;
		for (const char *c = tag + 4; c + 7 < gt; c++) {
			size_t k = 0;

			if (strncasecmp(c, "charset", 7) != 0)
				continue;
			c += 7;
			while (c < gt && (isspace((unsigned char)*c) || *c == '=' || *c == '"' ||
			                     *c == '\''))
				c++;
			while (c + k < gt && k + 1 < size &&
			       (isalnum((unsigned char)c[k]) || strchr("-_.:", c[k])))
				k++;
			if (k == 0)
				break;
			memcpy(name, c, k);
			name[k] = '\0';
			return 1;
		}
	}
	return 0;
}

int
text_decode(struct buf *out, const char *s, size_t n, const char *charset, const char **used)
{
	static _Thread_local char meta[40];
	const unsigned char *p = (const unsigned char *)s;
	const char *dummy;
	int rc = 0;

	if (used == NULL)
		used = &dummy;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		*used = "UTF-8";
		if (utf8_valid(s + 3, n - 3) || mostly_utf8(p + 3, n - 3))
			decode_utf8(out, p + 3, n - 3);
		else
			decode_cp1252(out, p + 3, n - 3);
		return 0;
	}
	if (n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff))) {
		*used = p[0] == 0xfe ? "UTF-16BE" : "UTF-16LE";
		decode_utf16(out, p + 2, n - 2, p[0] == 0xfe);
		return 0;
	}
	if (charset != NULL && *charset != '\0') {
		if (charset_is(charset, utf8_names)) {
			if (utf8_valid(s, n) || mostly_utf8(p, n)) {
				*used = "UTF-8";
				decode_utf8(out, p, n);
				return 0;
			}
			/* a declared UTF-8 that is not: fall through to detection */
		} else if (charset_is(charset, cp1252_names)) {
			*used = "windows-1252";
			decode_cp1252(out, p, n);
			return 0;
		} else if (strcasecmp(charset, "utf-16le") == 0 || strcasecmp(charset, "utf-16") == 0) {
			*used = "UTF-16LE";
			decode_utf16(out, p, n, 0);
			return 0;
		} else if (strcasecmp(charset, "utf-16be") == 0) {
			*used = "UTF-16BE";
			decode_utf16(out, p, n, 1);
			return 0;
		} else if (decode_iconv(out, s, n, charset) == 0) {
			*used = charset;
			return 0;
		} else {
			rc = -1;
		}
	}
	if (utf8_valid(s, n) || mostly_utf8(p, n)) {
		*used = "UTF-8";
		decode_utf8(out, p, n);
	} else if (meta_charset(s, n, meta, sizeof(meta)) && !charset_is(meta, utf8_names) &&
	           !charset_is(meta, cp1252_names) && strncasecmp(meta, "utf-16", 6) != 0 &&
	           decode_iconv(out, s, n, meta) == 0) {
		*used = meta;
	} else {
		*used = "windows-1252";
		decode_cp1252(out, p, n);
	}
	return rc;
}
