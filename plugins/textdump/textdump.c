/*
 * textdump: segments the plain-text dump of a news page (articles, credit lines, headlines and
 * "related story" teasers) into entries.  The host hands it UTF-8 (FEEDD_PLUGIN_TEXT).
 *
 * An HTML page (by Content-Type, or sniffed) is read by its DOM instead: dom.c, rules H1-H14.
 *
 * The rules, in the order they apply:
 *  1. Lines break at LF, CRLF and CR only; VT, FF, tab, NEL and U+2028/9 are spaces.
 *  2. Lines are trimmed and their runs of white space folded to one space.
 *  3. Blank lines separate blocks.  Soft wraps are joined in blocks that look hard-wrapped
 *     (several lines, none over wrap_max, at most half of them ending a sentence): if the
 *     document has blocks of several lines that are all at most wrap_max long, the wrap width W is the
 *     longest such line, and a line in such a block joins the next when the next line's first
 *     word would not have fitted after it within W (so a short line, e.g. a headline or a
 *     paragraph's last line, ends there), and, in a document without blank lines, when it
 *     does not end a sentence (short one-per-line paragraphs are not wraps).  A line opening
 *     with a bullet or an ordered marker ("3." "b)") never continues the one before it.
 *     In a document with blank lines, a lone line break inside a block (a <br>, or a browser's
 *     wrap) is soft too unless the line before ends a sentence, either line is a list item, a
 *     credit, a byline or a dateline, or the line before could be a headline or a label: it is
 *     soft when the next line goes on in lower case, when the line before ends in , ; ( or a
 *     dash, or when it is too long for a headline and too short for a teaser or finished by the
 *     next line's sentence end.
 *  4. Each resulting paragraph is a credit (`Photo: A / B`: a label from credit_prefixes, or a
 *     short label-colon line holding " / "), complete (ends in . ? ! … 。 ！ ？ with optional
 *     closing quotes or brackets, or in an emoji after its last word) or incomplete.
 *  5. A byline ("By Ana Ruiz") is the article's author; a dateline (short, unfinished, with a
 *     month name, an ISO date or a clock time) is dropped from the text, and the first one
 *     naming a day (dateline_time) is the article's published date, read as UTC.  A short
 *     incomplete paragraph (at most headline_max_words) followed, past credits, bylines and
 *     datelines, by a complete one is the headline of a new article.
 *  6. Consecutive complete paragraphs form one article; credits join the open article (or the
 *     next one) as its caption.
 *  7. An incomplete paragraph of at least teaser_min_words is a teaser: one entry, summary only,
 *     ending in "…".  A shorter one that is no headline is a label ("Related stories",
 *     "Advertisement") and dropped.
 *  8. A quoted kicker (‘TEXT’:, “TEXT”:, 'TEXT': or "TEXT":) opening an entry's text becomes its
 *     title and leaves the text.  Else the title is the headline, else the first sentence, cut
 *     at a word boundary with "…" past title_max bytes.
 *  9. The id key is the first id_words words of the text (after the kicker), lower-cased, with
 *     punctuation dropped: a teaser and the full article it leads to get the same id.
 * 10. A dump with page furniture (at least five paragraphs that are short list items, or short
 *     unfinished lines that are no headline: menus, buttons, labels) is a page.  On a page each
 *     paragraph weighs toward its article (a CJK character counts as half a word): prose
 *     (complete, at least 4 words, and, when the page is in a language of the stop-word
 *     list — English, German, French, Spanish, Italian, Portuguese, Dutch, Polish: its stop
 *     words are 5% of the words of its paragraphs of 10 words or more, CJK characters counting
 *     as half a word here too, so a Japanese or Chinese page is in none — 15% stop words)
 *     its word count, a long unfinished prose paragraph (10 words or more: a teaser, mostly) a
 *     quarter of it, another complete one -2, a short unfinished line -1, other unfinished
 *     text minus its words, credits, bylines, datelines and complete paragraphs of 10 words or more
 *     that occur more than once (story blurbs printed twice) nothing.  The densest run is the
 *     run whose weights sum highest (one pass); it is the page's article if they sum to 30 or more,
 *     unless a run before it sums to 30 and half as much (the article comes before a
 *     disclaimer or an "about us" that outweighs it), and it grows over the complete
 *     paragraphs right after it; what follows its last stretch of two or more paragraphs of
 *     negative weight is cut off when it weighs under a tenth of the run before that stretch
 *     (a story's headline and blurb, a house blurb past the share buttons), and so on back
 *     while a tail is cut (a list of such stories); the run grows
 *     back over prose that weighs 5 or more before it (complete prose of 5 words or more, or
 *     unfinished prose of 20: a lead whose full stop was lost to a link) when only
 *     furniture, short unfinished lines, credits, bylines and datelines lie between (fewer than
 *     50 of them: a lead over a table of contents or a row of share buttons).
 * 11. On a page, furniture is dropped and never makes an entry or a paragraph: paragraphs that
 *     occur more than once (but complete ones of 10 words or more), unfinished list items
 *     under 10 words (but the items of a list that a line ending in a colon opens, "as
 *     follows:", weigh -1 and, inside the run, are text when that line is), short
 *     unfinished lines made of a UI label ("Share", "Sign in", "Advertisement", "Related",
 *     "Impressum"...), legal and cookie text (up to 80 words with
 *     "cookie", "©", "all rights reserved"...), paragraphs of lynx's [n] link references
 *     (one per three words), appeals to the reader of under 40 words anywhere (H10's list:
 *     "Did you like this article?", "Support our newsroom"; and subscription prompts:
 *     "subscribe", "newsletter", "Abonnement"; they weigh as a short line does),
 *     photos' captions (unfinished lines of up to 40 words that hold
 *     a credit: "... (Foto: dpa)", "/ Źródło: Pixabay", "Getty Images"; they weigh nothing),
 *     and unfinished lines that point to another story ("Read also:",
 *     "Lesen Sie auch", "Lea también": these weigh -1 only, being inside articles as often as
 *     around them).  A short unfinished line that opens the comments ("Comments",
 *     "Leave a reply", "Kommentare", but not "0 Comments", "Noch keine Kommentare", nor a
 *     list item: "• Comments" is a button in a row of share buttons) ends any run, and the densest run after the first one is the article only when nothing before
 *     it reaches 30 or it weighs over five times what does (the "opener" was a button).
 * 12. The page's article is one entry, first in the feed: its headline is the nearest short
 *     unfinished line (4 to headline_max_words words, a CJK character counting as half a word,
 *     not a list item) before the run, within 20 paragraphs and past furniture, else the
 *     nearest of 2 or 3 words (next to the text, such a line is as often a photographer's or
 *     an author's name); between them a paragraph of 10 words or more (a
 *     standfirst) is text, a byline the author, a line naming a day its published date and
 *     a credit the caption; inside the run, furniture and unfinished lines are dropped but
 *     subheadings (short lines before prose that stays: a complete paragraph, or a long
 *     unfinished one whose last sentence lost its full stop, weighing more than 0 and not
 *     dropped) stay.  Social and subscription prompts and
 *     appeals to the reader (under 40 words: "Follow us on Twitter", "Subscribe to read on",
 *     "Download our app", "Did you like this article?": H10's list) at its end are dropped,
 *     and so is a short label over an author's box or an "about us" among its last five
 *     paragraphs ("About the author", "Über uns", "Sobre el autor") with what follows it.
 *     A page has one article: the rest of it gives only teasers (rule 7).
 */
#define _GNU_SOURCE /* memmem */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <feedd/plugin.h>

#include "../common/common.h"
#include "dom.h"
#include "textdump.h"

struct opts {
	long teaser_min_words;
	long headline_max_words;
	long title_max;
	long id_words;
	long wrap_max;
	char **credit; /* lower-case labels */
	size_t n_credit;
};

void
str_add(struct str *s, const char *p, size_t n)
{
	if (s->oom)
		return;
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 256;
		char *np;

		while (cap < s->len + n + 1)
			cap *= 2;
		if ((np = realloc(s->p, cap)) == NULL) {
			s->oom = 1;
			return;
		}
		s->p = np;
		s->cap = cap;
	}
	memcpy(s->p + s->len, p, n);
	s->len += n;
	s->p[s->len] = '\0';
}

void
str_adds(struct str *s, const char *p)
{
	str_add(s, p, strlen(p));
}

void
str_add_html(struct str *s, const char *p, size_t n)
{
	size_t i, start = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		switch (p[i]) {
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		default: continue;
		}
		str_add(s, p + start, i - start);
		str_adds(s, rep);
		start = i + 1;
	}
	str_add(s, p + start, n - start);
}

/* ---- options ---- */

static const char *const option_names[] = {"teaser_min_words", "headline_max_words",
    "credit_prefixes", "title_max", "id_words", "wrap_max", NULL};

static const char default_credits[] = "Photo,Photos,File photo,File photos,Graphic,Graphics,"
                                      "Video,Image,Images,Illustration,Photo illustration,"
                                      "Screengrab,Screenshot,Picture,Pictures,Map,Chart,Credit";

static void
opts_free(struct opts *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->n_credit; i++)
		free(o->credit[i]);
	free(o->credit);
	free(o);
}

static int
opt_long(const struct feedd_host *h, const char *key, long def, long min, long max, long *out)
{
	const char *v = h->option(h->ctx, key);
	char *end;
	long n;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end != '\0' || n < min || n > max) {
		h->error(h->ctx, "textdump: %s must be a whole number from %ld to %ld, not '%s'", key,
		    min, max, v);
		return -1;
	}
	*out = n;
	return 0;
}

static int
parse_credits(struct opts *o, const char *list)
{
	const char *p = list, *e;

	while (*p) {
		size_t n;
		char *label;

		while (*p == ',' || *p == ' ')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, ',');
		n = e ? (size_t)(e - p) : strlen(p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		char **nv = realloc(o->credit, (o->n_credit + 1) * sizeof(char *));
		if (nv == NULL || (label = malloc(n + 1)) == NULL) {
			if (nv)
				o->credit = nv;
			return -1;
		}
		o->credit = nv;
		for (size_t i = 0; i < n; i++)
			label[i] = (char)tolower((unsigned char)p[i]);
		label[n] = '\0';
		o->credit[o->n_credit++] = label;
		p += n;
	}
	return 0;
}

static int
td_open(const struct feedd_host *h, void **state)
{
	struct opts *o = calloc(1, sizeof(*o));
	const char *credits;

	if (o == NULL) {
		h->error(h->ctx, "textdump: out of memory");
		return -1;
	}
	if (opt_long(h, "teaser_min_words", 30, 1, 100000, &o->teaser_min_words) ||
	    opt_long(h, "headline_max_words", 20, 1, 1000, &o->headline_max_words) ||
	    opt_long(h, "title_max", 100, 10, 10000, &o->title_max) ||
	    opt_long(h, "id_words", 12, 1, 1000, &o->id_words) ||
	    opt_long(h, "wrap_max", 200, 0, 100000, &o->wrap_max))
		goto fail;
	credits = h->option(h->ctx, "credit_prefixes");
	if (parse_credits(o, credits ? credits : default_credits) == -1) {
		h->error(h->ctx, "textdump: out of memory");
		goto fail;
	}
	*state = o;
	return 0;
fail:
	opts_free(o);
	return -1;
}

static void
td_close(void *state)
{
	opts_free(state);
}

/* ---- characters ---- */

/* Length of a white-space character at p (ASCII blanks, NBSP, U+2000..U+200A, U+2028/9,
 * U+202F, U+205F, U+3000, NEL), or 0.  The host guarantees valid UTF-8. */
static inline size_t
space_at(const unsigned char *p, const unsigned char *end)
{
	if (*p > ' ' && *p < 0xc2)
		return 0; /* the common case: printable ASCII or a continuation byte */
	if (*p == ' ' || *p == '\t' || *p == '\v' || *p == '\f')
		return 1;
	if (*p < 0xc2)
		return 0;
	if (p[0] == 0xc2 && p + 1 < end && (p[1] == 0xa0 || p[1] == 0x85))
		return 2;
	if (p + 2 < end && p[0] == 0xe2 && p[1] == 0x80 &&
	    ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf))
		return 3;
	if (p + 2 < end && p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)
		return 3;
	if (p + 2 < end && p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;
	return 0;
}

/* Number of code points in s[0..n). */
static size_t
u8len(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Words in s[0..n), counted up to `most` + 1: the callers only ask whether there are more. */
static size_t
count_words(const char *s, size_t n, size_t most)
{
	size_t i, w = 0;
	int in = 0;

	for (i = 0; i < n && w <= most; i++) {
		if (s[i] == ' ') {
			in = 0;
		} else if (!in) {
			in = 1;
			w++;
		}
	}
	return w;
}

/* Does a closing quote or bracket end at s+n?  Returns its length. */
static size_t
closer_before(const char *s, size_t n)
{
	static const char *const closers[] = {"\xe2\x80\x9d", "\xe2\x80\x99", "\xc2\xbb",
	    "\xe2\x80\xba", "\"", "'", ")", "]", NULL};
	size_t i, l;

	for (i = 0; closers[i]; i++) {
		l = strlen(closers[i]);
		if (n >= l && memcmp(s + n - l, closers[i], l) == 0)
			return l;
	}
	return 0;
}

int
ends_complete(const char *s, size_t n)
{
	size_t l;

	while ((l = closer_before(s, n)) != 0)
		n -= l;
	if (n == 0)
		return 0;
	if (s[n - 1] == '.' || s[n - 1] == '?' || s[n - 1] == '!')
		return 1;
	if (n >= 6 && (unsigned char)s[n - 4] == 0xf0 && (unsigned char)s[n - 3] == 0x9f &&
	    s[n - 5] == ' ')
		return 1; /* an emoji after the last word ("und das gefällt mir 😉") */
	/* … and the ideographic full stop, full-width ! and ? */
	return n >= 3 && (memcmp(s + n - 3, "\xe2\x80\xa6", 3) == 0 ||
	                  memcmp(s + n - 3, "\xe3\x80\x82", 3) == 0 ||
	                  memcmp(s + n - 3, "\xef\xbc\x81", 3) == 0 ||
	                  memcmp(s + n - 3, "\xef\xbc\x9f", 3) == 0);
}

/* ---- lines and paragraphs ---- */

/*
 * Lines and paragraphs point into the input where it is already in its folded form (the common
 * case: one space between words, none at the ends), else into `folded`, which holds only the
 * lines that needed folding; a paragraph joined from several lines lives in `arena`.  A dump is
 * then read once and copied only where it changes.
 */
/* Both are packed (a dump has a line and a paragraph every 150 bytes or so, and they were the
 * half of textdump's memory past the input): lengths and counts fit in 32 bits, since
 * td_segment takes no input of 4 GiB or more. */
struct line {
	const char *s;
	uint32_t len;
	uint32_t chars : 31; /* code points */
	uint32_t blank_before : 1;
};

enum para_kind { P_COMPLETE, P_INCOMPLETE, P_CREDIT, P_BYLINE, P_DATE };

struct para {
	const char *s; /* set once every paragraph is made (the arena moves while it grows) */
	uint32_t off, len;
	uint32_t words;
	uint32_t stop; /* rule 10: its stop words, on a page */
	uint32_t size; /* rule 10: its words, a CJK character counting as half a word */
	unsigned kind : 3; /* enum para_kind */
	unsigned in_arena : 1;
	unsigned drop : 1; /* page furniture, or already in the page's article: no entry, no
	                      paragraph */
	unsigned item : 1; /* rule 11: an item of a list a line ending in a colon opens */
	long weight; /* rule 10: for the page's densest run */
};

struct doc {
	char *folded; /* lines that needed folding, back to back; sized for the worst case */
	size_t folded_len;
	struct line *lines;
	size_t n_lines, cap_lines;
	struct str arena; /* paragraphs joined from several lines */
	struct para *paras;
	size_t n_paras, cap_paras;
	int stop_words; /* rule 10: the page is in a language of the stop-word list */
};

static int
add_line(struct doc *d, const char *s, size_t len, size_t chars, int blank_before)
{
	if (d->n_lines == d->cap_lines) {
		size_t cap = d->cap_lines ? d->cap_lines * 2 : 256;
		struct line *nl = realloc(d->lines, cap * sizeof(*nl));

		if (nl == NULL)
			return -1;
		d->lines = nl;
		d->cap_lines = cap;
	}
	d->lines[d->n_lines].s = s;
	d->lines[d->n_lines].len = len;
	d->lines[d->n_lines].chars = chars;
	d->lines[d->n_lines].blank_before = blank_before;
	d->n_lines++;
	return 0;
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* The high bit of each byte of x that is 0x20, exactly. */
static inline uint64_t
space_bytes(uint64_t x)
{
	uint64_t t = x ^ (ONES * ' ');

	return ~(((t & ~HIGHS) + ~HIGHS) | t) & HIGHS;
}

/*
 * Finds the end of the line at p (its LF or CR, or end) and whether it is already folded: no
 * white space but single ASCII spaces between words.  Eight bytes at a time while they are
 * printable ASCII, which is most text; byte by byte otherwise.
 */
static const unsigned char *
scan_line(const unsigned char *p, const unsigned char *end, size_t *chars, int *folded)
{
	size_t c = 0;
	int ok = 1, prev_space = 1; /* a space at the start is one too many */

	for (;;) {
		while (end - p >= 8) {
			uint64_t x, sp;

			memcpy(&x, p, 8);
			/* any byte >= 0x80, or < 0x20 (the test is exact for presence) */
			if ((x & HIGHS) || ((x - ONES * 0x20) & ~x & HIGHS))
				break;
			sp = space_bytes(x);
			if ((sp & (sp >> 8)) || (prev_space && (sp & 0x80)))
				ok = 0;
			prev_space = (sp >> 63) != 0;
			c += 8;
			p += 8;
		}
		if (p == end || *p == '\n' || *p == '\r')
			break;
		if (*p == ' ') {
			ok &= !prev_space;
			prev_space = 1;
		} else {
			if (space_at(p, end))
				ok = 0;
			prev_space = 0;
		}
		c += (*p & 0xc0) != 0x80;
		p++;
	}
	*chars = c;
	*folded = ok && !prev_space; /* nor one at the end */
	return p;
}

/* Rule 2 for a line that needs it: trims and folds white space into out. */
static char *
fold_line(const unsigned char *p, const unsigned char *end, char *w, size_t *chars)
{
	char *start = w;
	size_t c = 0, sp;
	int pending = 0;

	while (p < end) {
		if ((sp = space_at(p, end)) != 0) {
			pending = w > start;
			p += sp;
			continue;
		}
		if (pending) {
			*w++ = ' ';
			c++;
			pending = 0;
		}
		c += (*p & 0xc0) != 0x80;
		*w++ = (char)*p++;
	}
	*chars = c;
	return w;
}

/* Rules 1 and 2: splits at LF, CRLF, CR; trims and folds white space. */
static int
split_lines(struct doc *d, const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data, *end = p + len;
	int blank = 0;

	while (p < end) {
		const unsigned char *start = p;
		const char *s = (const char *)p;
		size_t chars, n;
		int folded;

		p = scan_line(p, end, &chars, &folded);
		n = (size_t)(p - start);
		if (!folded) {
			if (d->folded == NULL && (d->folded = malloc(len + 1)) == NULL)
				return -1; /* only the pages written to are ever touched */
			s = d->folded + d->folded_len;
			n = (size_t)(fold_line(start, p, d->folded + d->folded_len, &chars) - s);
			d->folded_len += n;
		}
		if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n')
			p++;
		if (p < end)
			p++;
		if (n == 0) {
			blank = 1;
			continue;
		}
		if (add_line(d, s, n, chars, blank) == -1)
			return -1;
		blank = 0;
	}
	return 0;
}

/* Rule 3: the wrap width, or 0 if the document is not hard-wrapped. */
static size_t
wrap_width(const struct doc *d, long wrap_max)
{
	size_t i, j, w = 0, near = 0;

	for (i = 0; i < d->n_lines; i = j) {
		size_t bw = 0;
		int ok = 1;

		for (j = i; j < d->n_lines && (j == i || !d->lines[j].blank_before); j++) {
			if (d->lines[j].chars > (size_t)wrap_max)
				ok = 0;
			if (d->lines[j].chars > bw)
				bw = d->lines[j].chars;
		}
		if (ok && j - i >= 2 && bw > w)
			w = bw;
	}
	if (w == 0)
		return 0;
	for (i = 0; i < d->n_lines; i++)
		if (d->lines[i].chars * 5 >= w * 4 && d->lines[i].chars <= w)
			near++;
	return near >= 2 ? w : 0;
}

static size_t
first_word_chars(const struct line *l)
{
	const char *s = l->s;
	const char *sp = memchr(s, ' ', l->len);

	return u8len(s, sp ? (size_t)(sp - s) : l->len);
}

static int
is_credit(const struct opts *o, const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n < 40 ? n : 40);
	size_t label, i, words;

	if (colon == NULL || colon == s || (size_t)(colon - s) + 2 > n || colon[1] != ' ' ||
	    n > 240)
		return 0;
	if ((words = count_words(s, n, 25)) > 25)
		return 0;
	label = (size_t)(colon - s);
	for (i = 0; i < o->n_credit; i++)
		if (strlen(o->credit[i]) == label && strncasecmp(o->credit[i], s, label) == 0)
			return 1;
	/* `Word(s): source / source` with an unknown label */
	return count_words(s, label, 3) <= 3 && !ends_complete(s, n) && words <= 15 &&
	       memmem(colon, n - label, " / ", 3) != NULL && isupper((unsigned char)s[0]);
}

/* "By Ana Ruiz and Li Wei": a short unfinished line opening with "By " and a capital. */
static int
is_byline(const char *s, size_t n)
{
	return n > 4 && strncasecmp(s, "by ", 3) == 0 && isupper((unsigned char)s[3]) &&
	       count_words(s, n, 10) <= 10 && !ends_complete(s, n);
}

/* "Tuesday, December 1, 2026 09:12" or "Updated: 2026-12-01": short, unfinished, a digit and a
 * month name, an ISO date or a clock time. */
static int
is_dateline(const char *s, size_t n)
{
	static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
	    "sep", "oct", "nov", "dec", NULL};
	size_t i, k;
	int digit = 0, month = 0, iso = 0, clock = 0;

	if (n > 80 || count_words(s, n, 8) > 8 || ends_complete(s, n))
		return 0;
	for (i = 0; i < n; i++) {
		if (isdigit((unsigned char)s[i])) {
			digit = 1;
			if (i + 9 < n && isdigit((unsigned char)s[i + 3]) && s[i + 4] == '-' &&
			    s[i + 7] == '-')
				iso = 1;
			if (i + 2 < n && s[i + 1] == ':' && isdigit((unsigned char)s[i + 2]))
				clock = 1;
		}
		if ((i == 0 || !isalpha((unsigned char)s[i - 1])) && i + 3 <= n) {
			for (k = 0; months[k]; k++) {
				if (strncasecmp(s + i, months[k], 3) != 0)
					continue;
				/* "may" counts only as "May 4": it is a verb too */
				if (k == 4 && !(i + 4 < n && s[i + 3] == ' ' &&
				                isdigit((unsigned char)s[i + 4])))
					continue;
				month = 1;
			}
		}
	}
	return digit && (month || iso || clock);
}

/* The month a word names (English, German, French, Spanish, Italian, Portuguese and Dutch
 * names and their abbreviations, a final '.' ignored), 1 to 12, or 0. */
static int
month_of(const char *w, size_t n)
{
	static const struct {
		const char *name;
		int month;
	} names[] = {
	    {"january", 1}, {"januar", 1}, {"janvier", 1}, {"enero", 1}, {"gennaio", 1},
	    {"janeiro", 1}, {"januari", 1}, {"j\303\244nner", 1}, {"jan", 1}, {"janv", 1}, {"ene", 1},
	    {"gen", 1}, {"february", 2}, {"februar", 2}, {"f\303\251vrier", 2}, {"febrero", 2},
	    {"febbraio", 2}, {"fevereiro", 2}, {"februari", 2}, {"feb", 2}, {"f\303\251vr", 2},
	    {"fev", 2}, {"march", 3}, {"m\303\244rz", 3}, {"mars", 3}, {"marzo", 3},
	    {"mar\303\247o", 3}, {"maart", 3}, {"mar", 3}, {"m\303\244r", 3}, {"mrz", 3}, {"mrt", 3},
	    {"april", 4}, {"avril", 4}, {"abril", 4}, {"aprile", 4}, {"apr", 4}, {"avr", 4},
	    {"abr", 4}, {"may", 5}, {"mai", 5}, {"mayo", 5}, {"maggio", 5}, {"maio", 5}, {"mei", 5},
	    {"june", 6}, {"juni", 6}, {"juin", 6}, {"junio", 6}, {"giugno", 6}, {"junho", 6},
	    {"jun", 6}, {"giu", 6}, {"july", 7}, {"juli", 7}, {"juillet", 7}, {"julio", 7},
	    {"luglio", 7}, {"julho", 7}, {"jul", 7}, {"juil", 7}, {"lug", 7}, {"august", 8},
	    {"ao\303\273t", 8}, {"agosto", 8}, {"augustus", 8}, {"aug", 8}, {"ago", 8},
	    {"september", 9}, {"septembre", 9}, {"septiembre", 9}, {"setiembre", 9}, {"settembre", 9},
	    {"setembro", 9}, {"sep", 9}, {"sept", 9}, {"set", 9}, {"october", 10}, {"oktober", 10},
	    {"octobre", 10}, {"octubre", 10}, {"ottobre", 10}, {"outubro", 10}, {"oct", 10},
	    {"okt", 10}, {"ott", 10}, {"out", 10}, {"november", 11}, {"novembre", 11},
	    {"noviembre", 11}, {"novembro", 11}, {"nov", 11}, {"december", 12}, {"dezember", 12},
	    {"d\303\251cembre", 12}, {"diciembre", 12}, {"dicembre", 12}, {"dezembro", 12},
	    {"dec", 12}, {"dez", 12}, {"d\303\251c", 12}, {"dic", 12},
	    {NULL, 0}};

	if (n > 0 && w[n - 1] == '.')
		n--;
	for (size_t k = 0; names[k].name; k++)
		if (strlen(names[k].name) == n && strncasecmp(w, names[k].name, n) == 0)
			return names[k].month;
	return 0;
}

/*
 * A short line's date as a time (seconds since the epoch, UTC, the line naming no zone), or 0:
 * "2026-12-01 09:12", "Tuesday, December 1, 2026 09:12", "1. Dezember 2026", "27 de abril de
 * 2022", "01.12.2026, 09:12", "1/12/2026" (day first unless the first number cannot be a day).
 */
int64_t
dateline_time(const char *s, size_t n)
{
	long num[6];
	size_t i = 0, k = 0;
	int y = 0, m = 0, d = 0, hh = 0, mm = 0, seps = 0, pm = 0, am = 0, iso = 0;

	if (n > 80 || count_words(s, n, 12) > 12)
		return 0;
	while (i < n) {
		size_t j = i;

		if (isdigit((unsigned char)s[i])) {
			long v = 0;

			while (j < n && isdigit((unsigned char)s[j]) && j - i < 5)
				v = v * 10 + (s[j++] - '0');
			if (j < n && s[j] == ':' && j + 2 < n && isdigit((unsigned char)s[j + 1]) &&
			    isdigit((unsigned char)s[j + 2]) && v < 24 && hh == 0 && mm == 0) {
				hh = (int)v;
				mm = (s[j + 1] - '0') * 10 + (s[j + 2] - '0');
				j += 3;
			} else if (j - i == 4 && v >= 1970 && v <= 2100 && y == 0) {
				y = (int)v;
				iso = k == 0 && j + 5 < n && (s[j] == '-' || s[j] == '/');
			} else if (k < 6) {
				num[k++] = v;
				if (j < n && (s[j] == '.' || s[j] == '/' || s[j] == '-'))
					seps++;
			}
		} else if (isalpha((unsigned char)s[i]) || ((unsigned char)s[i] & 0x80)) {
			while (j < n && (isalpha((unsigned char)s[j]) || ((unsigned char)s[j] & 0x80)))
				j++;
			j += j < n && s[j] == '.';
			if (m == 0)
				m = month_of(s + i, j - i);
			if (j - i == 2 && strncasecmp(s + i, "pm", 2) == 0)
				pm = 1;
			if (j - i == 2 && strncasecmp(s + i, "am", 2) == 0)
				am = 1;
		} else {
			j++;
		}
		i = j;
	}
	if (y == 0)
		return 0;
	if (iso && k >= 2) { /* 2026-12-01 */
		m = (int)num[0];
		d = (int)num[1];
	} else if (m != 0 && k >= 1) { /* December 1, 2026; 1. Dezember 2026 */
		d = (int)num[0];
	} else if (m == 0 && k >= 2 && seps >= 2) { /* 01.12.2026, 12/25/2026 */
		d = (int)num[0];
		m = (int)num[1];
		if (m > 12 && d <= 12) {
			int t = d;

			d = m;
			m = t;
		}
	}
	if (m < 1 || m > 12 || d < 1 || d > 31 || mm > 59)
		return 0;
	if (pm && hh < 12)
		hh += 12;
	if (am && hh == 12)
		hh = 0;
	return (pc_days_from_civil(y, (unsigned)m, (unsigned)d) * 24 + hh) * 3600 + (int64_t)mm * 60;
}

/* Words in folded text: one more than its spaces, counted eight bytes at a time. */
static size_t
folded_words(const char *s, size_t n)
{
	size_t i = 0, w = n > 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x;

		memcpy(&x, s + i, 8);
		w += (size_t)(((space_bytes(x) >> 7) * ONES) >> 56); /* the bytes summed in the top one */
	}
	for (; i < n; i++)
		w += s[i] == ' ';
	return w;
}

/* Rule 4: the paragraph from line `first`, in the arena at off if joined from several lines. */
static int
add_para(struct doc *d, const struct opts *o, size_t first, int joined, size_t off)
{
	struct para *p;
	const char *s;

	if (d->arena.oom)
		return -1;
	if (d->n_paras == d->cap_paras) {
		size_t cap = d->cap_paras ? d->cap_paras * 2 : 64;
		struct para *np = realloc(d->paras, cap * sizeof(*np));

		if (np == NULL)
			return -1;
		d->paras = np;
		d->cap_paras = cap;
	}
	p = &d->paras[d->n_paras++];
	p->in_arena = joined;
	p->off = off;
	p->drop = 0;
	p->item = 0;
	p->weight = 0;
	if (joined) {
		s = d->arena.p + off;
		p->len = d->arena.len - off;
		p->s = NULL;
	} else {
		s = p->s = d->lines[first].s;
		p->len = d->lines[first].len;
	}
	p->words = folded_words(s, p->len);
	if (is_credit(o, s, p->len))
		p->kind = P_CREDIT;
	else if (is_byline(s, p->len))
		p->kind = P_BYLINE;
	else if (is_dateline(s, p->len))
		p->kind = P_DATE;
	else if (ends_complete(s, p->len))
		p->kind = P_COMPLETE;
	else
		p->kind = P_INCOMPLETE;
	return 0;
}

/*
 * Rule 3's block test: a block from line `first` is hard-wrapped text only if it has several
 * lines, none longer than wrap_max, and at most half of its lines but the last end a sentence
 * (short paragraphs one per line end nearly every line with one; wrapped text rarely does).
 */
static int
block_is_wrapped(const struct doc *d, size_t first, long wrap_max)
{
	size_t j, lines = 0, complete = 0;

	for (j = first; j < d->n_lines && (j == first || !d->lines[j].blank_before); j++) {
		if (d->lines[j].chars > (size_t)wrap_max)
			return 0;
		lines++;
	}
	if (lines < 2)
		return 0;
	for (j = first; j + 1 < first + lines; j++)
		complete += ends_complete(d->lines[j].s, d->lines[j].len);
	return complete * 2 <= lines - 1;
}

/* A list item: a line opening with a bullet or an ordered marker ("3." "b)") and a space. */
static int
is_item(const char *s, size_t n)
{
	static const char *const bullets[] = {"\xe2\x80\xa2", "\xc2\xb7", "\xe2\x97\xa6",
	    "\xe2\x96\xaa", "\xe2\x96\xa0", "\xe2\x96\xa1", "\xe2\x98\x86", "\xe2\x98\x85",
	    "\xe2\x96\xba", "\xe2\x96\xb8", "\xe2\x80\xa3", "\xe2\x81\x83", "\xe2\x97\x8f",
	    "-", "*", "+", "o", NULL};
	size_t i, l;

	for (i = 0; bullets[i]; i++) {
		l = strlen(bullets[i]);
		if (n > l && memcmp(s, bullets[i], l) == 0 && s[l] == ' ')
			return 1;
	}
	for (i = 0; i < n && i < 3 && isdigit((unsigned char)s[i]); i++)
		;
	if (i == 0 && n > 0 && islower((unsigned char)s[0]))
		i = 1; /* "a)" */
	return i > 0 && i + 1 < n && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ';
}

/* Opens with a lower-case letter (ASCII or Latin-1 in UTF-8): the rest of a sentence. */
static int
starts_lower(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	return (n > 0 && islower(u[0])) || (n > 1 && u[0] == 0xc3 && u[1] >= 0x9f);
}

/*
 * Rule 3's soft break, in a document with blank lines: the line break between a and b inside
 * a block is a soft one unless a ends a sentence, either line is a list item, a credit, a
 * byline or a dateline, or a could be a headline or a label (short, and b starts a sentence
 * of its own).  It is soft when b goes on in lower case, when a ends in a comma, semicolon,
 * opening bracket or dash, or when a is too long for a headline and either too short for a
 * teaser or finished by b's sentence end.
 */
static int
soft_break(const struct opts *o, const struct line *a, const struct line *b)
{
	size_t wa;
	char last = a->s[a->len - 1];

	if (ends_complete(a->s, a->len) || is_item(a->s, a->len) || is_item(b->s, b->len) ||
	    is_credit(o, a->s, a->len) || is_credit(o, b->s, b->len) ||
	    is_byline(a->s, a->len) || is_byline(b->s, b->len) ||
	    is_dateline(a->s, a->len) || is_dateline(b->s, b->len))
		return 0;
	if (starts_lower(b->s, b->len) || strchr(",;(", last) ||
	    (a->len >= 3 && (memcmp(a->s + a->len - 3, "\xe2\x80\x93", 3) == 0 ||
	                     memcmp(a->s + a->len - 3, "\xe2\x80\x94", 3) == 0)))
		return 1;
	wa = count_words(a->s, a->len, (size_t)o->teaser_min_words);
	return wa > (size_t)o->headline_max_words &&
	       (wa < (size_t)o->teaser_min_words || ends_complete(b->s, b->len));
}

/* Rules 3 and 4: joins soft-wrapped lines into paragraphs and classifies them. */
static int
build_paras(struct doc *d, const struct opts *o)
{
	size_t w = wrap_width(d, o->wrap_max), i, first = 0, off = 0;
	int blank_mode = 0, wrapped = 0, joined = 0;

	/* blank lines between paragraphs make every single newline in a block a soft wrap */
	for (i = 1; i < d->n_lines && !blank_mode; i++)
		blank_mode = d->lines[i].blank_before;

	for (i = 0; i < d->n_lines; i++) {
		const struct line *l = &d->lines[i];
		int join = 0;

		if (l->blank_before || i == 0)
			wrapped = block_is_wrapped(d, i, o->wrap_max);
		if (i > 0 && !l->blank_before && w > 0 && wrapped) {
			const struct line *prev = &d->lines[i - 1];

			join = prev->chars + 1 + first_word_chars(l) > w &&
			       (blank_mode || !ends_complete(prev->s, prev->len)) &&
			       !is_credit(o, prev->s, prev->len) && !is_credit(o, l->s, l->len) &&
			       !is_item(l->s, l->len);
		}
		if (i > 0 && !l->blank_before && blank_mode && !join)
			join = soft_break(o, &d->lines[i - 1], l);
		if (join) {
			if (!joined) { /* the paragraph's first line moves to the arena */
				off = d->arena.len;
				str_add(&d->arena, d->lines[first].s, d->lines[first].len);
				joined = 1;
			}
			str_add(&d->arena, " ", 1);
			str_add(&d->arena, l->s, l->len);
			continue;
		}
		if (i > 0 && add_para(d, o, first, joined, off) == -1)
			return -1;
		first = i;
		joined = 0;
	}
	if (d->n_lines > 0 && add_para(d, o, first, joined, off) == -1)
		return -1;
	if (d->arena.oom)
		return -1;
	for (i = 0; i < d->n_paras; i++)
		if (d->paras[i].in_arena)
			d->paras[i].s = d->arena.p + d->paras[i].off;
	return 0;
}

/* ---- entries ---- */

/* Rule 8: the length of a quoted kicker opening s (through the colon and space), or 0.
 * The kicker's text, without quotes, is s[*ts .. *ts + *tl). */
static size_t
kicker(const char *s, size_t n, size_t *ts, size_t *tl)
{
	static const struct {
		const char *open, *close;
	} q[] = {{"\xe2\x80\x98", "\xe2\x80\x99"}, {"\xe2\x80\x9c", "\xe2\x80\x9d"}, {"'", "'"},
	    {"\"", "\""}};
	size_t i, ol, cl, limit;

	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		const char *p;

		ol = strlen(q[i].open);
		cl = strlen(q[i].close);
		if (n <= ol || memcmp(s, q[i].open, ol) != 0)
			continue;
		limit = n < 200 ? n : 200;
		for (p = s + ol; p + cl + 1 < s + limit; p++) {
			if (memcmp(p, q[i].close, cl) == 0 && p[cl] == ':') {
				size_t end = (size_t)(p - s) + cl + 1;

				if (p == s + ol || end >= n || s[end] != ' ')
					break;
				*ts = ol;
				*tl = (size_t)(p - s) - ol;
				return end + 1;
			}
		}
	}
	return 0;
}

/* Is there a sentence end at s[i] ('.', '?', '!' or '…' start)?  Avoids initials and common
 * abbreviations so "U.S. officials" or "Mr. Wang" do not end a sentence. */
static size_t
sentence_end(const char *s, size_t n, size_t i)
{
	static const char *const abbr[] = {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen",
	    "gov", "sen", "rep", "prof", "no", "vs", "lt", "col", "capt", "sgt", "inc", "corp",
	    "co", "ltd", "jan", "feb", "aug", "sept", "oct", "nov", "dec", "etc", NULL};
	size_t j = i, wl;

	if (memcmp(s + i, "\xe2\x80\xa6", 3 <= n - i ? 3 : n - i) == 0 && n - i >= 3)
		j = i + 3;
	else if (s[i] == '.' || s[i] == '?' || s[i] == '!')
		j = i + 1;
	else
		return 0;
	while (j < n && closer_before(s, j + 1) == 1 && strchr("\"')]", s[j]))
		j++;
	while (j + 2 < n && (memcmp(s + j, "\xe2\x80\x9d", 3) == 0 ||
	                        memcmp(s + j, "\xe2\x80\x99", 3) == 0))
		j += 3;
	if (j < n && s[j] != ' ')
		return 0;
	if (s[i] == '.') {
		for (wl = 0; wl < i && s[i - 1 - wl] != ' ' && s[i - 1 - wl] != '.'; wl++)
			;
		if (wl == 1 && isupper((unsigned char)s[i - 1]))
			return 0; /* an initial */
		if (wl > 0 && i - wl > 0 && s[i - wl - 1] == '.')
			return 0; /* U.S. */
		for (size_t k = 0; abbr[k]; k++)
			if (strlen(abbr[k]) == wl && strncasecmp(abbr[k], s + i - wl, wl) == 0)
				return 0;
	}
	return j;
}

/* Rule 8's fallback: the first sentence, cut at a word boundary past max bytes. */
void
derive_title(struct str *t, const char *s, size_t n, size_t max)
{
	size_t i, end = n, cut, limit = n < max + 4 ? n : max + 4;

	static const unsigned char may_end[256] = {['.'] = 1, ['?'] = 1, ['!'] = 1, [0xe2] = 1};

	for (i = 0; i < limit; i++) {
		size_t e;

		if (!may_end[(unsigned char)s[i]]) /* a full stop, ? ! or the lead byte of … */
			continue;
		if ((e = sentence_end(s, n, i)) != 0) {
			end = s[i] == '.' ? i : e; /* keep ? ! …, drop a final full stop */
			break;
		}
	}
	if (end <= max) {
		str_add(t, s, end);
		return;
	}
	cut = max;
	while (cut > 0 && s[cut] != ' ')
		cut--;
	if (cut == 0)
		for (cut = max; cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80; cut--)
			;
	while (cut > 0 && strchr(",;:-", s[cut - 1]))
		cut--;
	str_add(t, s, cut);
	str_adds(t, "\xe2\x80\xa6");
}

/* ASCII letters and digits, lower-cased; 0 for everything else. */
static const char word_ascii[128] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5', ['6'] = '6',
	['7'] = '7', ['8'] = '8', ['9'] = '9',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g',
	['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n',
	['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u',
	['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
	['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g',
	['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
	['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u',
	['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z',
};

/* Rule 9. */
void
make_id_key(struct str *k, const char *s, size_t n, long words)
{
	size_t i;
	long w = 0;
	int in = 0;

	str_adds(k, "textdump:");
	for (i = 0; i < n; i++) { /* the break below ends it after the last word */
		unsigned char c = (unsigned char)s[i];

		if (c == ' ') {
			in = 0;
			continue;
		}
		if (c < 0x80 && !word_ascii[c])
			continue;
		if (c >= 0x80) {
			/* drop typographic punctuation: U+2010..U+206F, U+00AB, U+00BB */
			if (c == 0xe2 && i + 2 < n && ((unsigned char)s[i + 1] == 0x80 ||
			                                  (unsigned char)s[i + 1] == 0x81)) {
				i += 2;
				continue;
			}
			if (c == 0xc2 && i + 1 < n &&
			    ((unsigned char)s[i + 1] == 0xab || (unsigned char)s[i + 1] == 0xbb)) {
				i += 1;
				continue;
			}
		}
		if (!in) {
			if (w > 0)
				str_add(k, " ", 1);
			in = 1;
			w++;
			if (w > words)
				break;
		}
		{
			size_t j = i;
			char low[64];
			size_t m = 0;

			/* copy the rest of this run of word bytes at once */
			for (; j < n && m < sizeof(low); j++) {
				unsigned char b = (unsigned char)s[j];

				if (b < 0x80 && word_ascii[b])
					low[m++] = word_ascii[b];
				else if (b >= 0x80 && b != 0xe2 && b != 0xc2)
					low[m++] = (char)b;
				else
					break;
			}
			if (m == 0) {
				str_add(k, (const char *)&c, 1); /* a lone 0xe2 or 0xc2 */
			} else {
				str_add(k, low, m);
				i = j - 1;
			}
		}
	}
}

struct article {
	size_t first, end;   /* paragraph range [first, end) */
	long headline;       /* paragraph index, or -1 */
	long byline;         /* paragraph index, or -1 */
	long dateline;       /* paragraph index, or -1 */
	struct str captions; /* credits, "; "-separated */
};

/* Strings an entry is built in, kept from one entry to the next. */
struct scratch {
	struct str title, key, summary, html;
};

void
str_reset(struct str *s)
{
	s->len = 0;
	s->oom = 0;
	if (s->p)
		s->p[0] = '\0';
}

static int
emit_entry(const struct feedd_host *h, const struct opts *o, struct scratch *sc,
    const char *title_src, size_t title_len, const char *text, size_t text_len,
    const char *content, const char *caption, const char *author, int64_t published, int teaser)
{
	struct str *title = &sc->title, *key = &sc->key, *summary = &sc->summary;
	struct feedd_entry e = {0};
	size_t ks, kl, kick = kicker(text, text_len, &ks, &kl);

	str_reset(title);
	str_reset(key);
	str_reset(summary);
	if (title_src != NULL) {
		str_add(title, title_src, title_len);
	} else if (kick) {
		str_add(title, text + ks, kl);
	}
	if (kick) {
		text += kick;
		text_len -= kick;
	}
	if (title_src == NULL && !kick)
		derive_title(title, text, text_len, (size_t)o->title_max);
	make_id_key(key, text, text_len, o->id_words);
	if (teaser) {
		size_t n = text_len;

		while (n > 0 && strchr(" ,;:-", text[n - 1]))
			n--;
		str_add(summary, text, n);
		if (!(n >= 3 && memcmp(text + n - 3, "\xe2\x80\xa6", 3) == 0))
			str_adds(summary, "\xe2\x80\xa6");
	}
	if (title->oom || key->oom || summary->oom) {
		h->error(h->ctx, "textdump: out of memory");
		return -2;
	}
	e.id_key = key->p;
	e.title = title->len ? title->p : NULL;
	e.summary = teaser ? summary->p : NULL;
	e.content = content;
	e.caption = caption;
	e.author = author;
	e.published = published;
	e.truncated = teaser;
	return h->emit(h->ctx, &e);
}

static int
emit_article(const struct feedd_host *h, const struct opts *o, struct scratch *sc,
    const struct doc *d, struct article *a)
{
	struct str *html = &sc->html;
	const struct para *first = NULL, *hl = NULL;
	size_t i;
	int rc;

	str_reset(html);
	for (i = a->first; i < a->end; i++) {
		const struct para *p = &d->paras[i];

		if (p->kind == P_CREDIT || p->kind == P_BYLINE || p->kind == P_DATE || p->drop ||
		    (long)i == a->headline)
			continue;
		if (first == NULL)
			first = p;
		str_adds(html, "<p>");
		str_add_html(html, p->s, p->len);
		str_adds(html, "</p>");
	}
	if (a->headline >= 0)
		hl = &d->paras[a->headline];
	if (first == NULL) {
		rc = 0; /* credits only: nothing to say */
	} else if (html->oom || a->captions.oom) {
		h->error(h->ctx, "textdump: out of memory");
		rc = -2;
	} else {
		char *author = NULL;

		if (a->byline >= 0) { /* "By Ana Ruiz" -> "Ana Ruiz" */
			const struct para *b = &d->paras[a->byline];

			author = strndup(b->s + 3, b->len - 3);
		}
		rc = emit_entry(h, o, sc, hl ? hl->s : NULL, hl ? hl->len : 0, first->s, first->len,
		    html->p, a->captions.len ? a->captions.p : NULL, author,
		    a->dateline >= 0 ? dateline_time(d->paras[a->dateline].s,
		                           d->paras[a->dateline].len) : 0, 0);
		free(author);
	}
	free(a->captions.p);
	memset(a, 0, sizeof(*a));
	a->headline = -1;
	a->byline = a->dateline = -1;
	return rc;
}

/* Rule 5: is paragraph i a headline (short, incomplete, then a complete one past credits)? */
static int
is_headline(const struct doc *d, const struct opts *o, size_t i)
{
	size_t j;

	if (d->paras[i].kind != P_INCOMPLETE || d->paras[i].words > (size_t)o->headline_max_words)
		return 0;
	for (j = i + 1; j < d->n_paras && (d->paras[j].kind == P_CREDIT ||
	                                    d->paras[j].kind == P_BYLINE ||
	                                    d->paras[j].kind == P_DATE); j++)
		;
	return j < d->n_paras && d->paras[j].kind == P_COMPLETE;
}

static void
add_caption(struct article *a, const struct para *p)
{
	if (a->captions.len)
		str_adds(&a->captions, "; ");
	str_add(&a->captions, p->s, p->len);
}

/* ---- pages: rules 10 to 12 ---- */

/* Rule 10's stop words: English, German, French, Spanish, Italian, Portuguese, Dutch and
 * Polish function words, sorted (by byte) for bsearch. */
static const char *const stop_words[] = {"a", "aan", "about", "after", "ai", "al", "ale",
    "algunos", "all", "alla", "als", "also", "am", "an", "anche", "and", "ante", "antes",
    "any", "ao", "are", "as", "at", "au", "auch", "auf", "aus", "aussi", "aux", "avec", "be",
    "because", "been", "bei", "bij", "bis", "but", "by", "by\304\207", "can", "ce", "ces",
    "cette", "che", "co", "com", "come", "comme", "como", "con", "contra", "could", "cuando",
    "czy", "da", "dal", "dalla", "dan", "dans", "das", "dass", "dat", "de", "dei", "del",
    "della", "delle", "dem", "den", "der", "des", "desde", "deze", "di", "did", "die", "dla",
    "do", "donde", "door", "dos", "du", "durante", "durch", "e", "een", "ein", "eine", "einem",
    "einen", "einer", "eines", "el", "elle", "elles", "ellos", "em", "en", "entre", "er",
    "era", "es", "esa", "ese", "eso", "essere", "est", "esta", "este", "esto", "estos",
    "est\303\241", "et", "fait", "foi", "for", "from", "fue", "gli", "ha", "had", "han", "has",
    "hasta", "have", "hay", "he", "her", "het", "his", "i", "ich", "if", "ihr", "il", "ils",
    "im", "in", "into", "is", "ist", "it", "its", "jak", "je", "jego", "jej", "jest",
    "ju\305\274", "kann", "la", "las", "le", "les", "leur", "lo", "loro", "los", "lui", "ma",
    "maar", "mais", "man", "mas", "me", "met", "mit", "more", "mo\305\274e", "muy",
    "m\303\241s", "m\303\252me", "m\303\255", "na", "naar", "nach", "nas", "ne", "nel",
    "nella", "ni", "nicht", "nie", "niet", "no", "noch", "nog", "non", "nos", "not", "nous",
    "nur", "n\303\243o", "o", "od", "oder", "of", "om", "on", "one", "ook", "op", "or", "oraz",
    "os", "otra", "otro", "otros", "ou", "our", "par", "para", "pas", "pela", "pelo", "per",
    "pero", "pi\303\271", "plus", "po", "por", "pour", "przez", "que", "questa", "questo",
    "qui", "qu\303\251", "sa", "said", "sans", "se", "ser", "ses", "seu", "si", "sich", "sie",
    "sin", "sind", "si\304\231", "so", "sobre", "son", "sono", "sont", "stato", "su", "sua",
    "sur", "sus", "s\303\243o", "s\304\205", "tak", "tak\305\274e", "tambi\303\251n",
    "tamb\303\251m", "tanto", "te", "than", "that", "the", "their", "them", "there", "they",
    "this", "to", "todo", "todos", "tout", "tra", "tym", "uit", "um", "uma", "un", "una",
    "unas", "und", "une", "uno", "unos", "uns", "up", "van", "vom", "von", "voor", "vor",
    "vous", "w", "war", "was", "we", "were", "what", "when", "which", "who", "wie", "will",
    "wir", "wird", "with", "worden", "wordt", "would", "y", "ya", "you", "z", "za", "zijn",
    "zu", "zum", "zur", "\303\250", "\303\251", "\303\251l", "\303\251t\303\251",
    "\303\252tre", "\303\274ber", "\305\274e"};

static int
cmp_word(const void *k, const void *e)
{
	return strcmp(k, *(const char *const *)e);
}

/* Rule 10: how many of the words of s[0..n) are stop words. */
static size_t
count_stop(const char *s, size_t n)
{
	size_t i = 0, stop = 0;

	while (i < n) {
		char w[16];
		size_t m = 0, j = i;

		while (j < n && s[j] != ' ')
			j++;
		for (; i < j && m < sizeof(w) - 1; i++)
			if (isalpha((unsigned char)s[i]) || ((unsigned char)s[i] & 0x80))
				w[m++] = (char)tolower((unsigned char)s[i]);
		w[m] = '\0';
		if (m > 0 && i == j && bsearch(w, stop_words, sizeof(stop_words) /
		    sizeof(stop_words[0]), sizeof(stop_words[0]), cmp_word))
			stop++;
		i = j + 1;
	}
	return stop;
}

/* strncasecmp(a, lower, l) == 0 as the C locale has it (ASCII letters folded), inline: most
 * calls differ at the second byte. */
static inline int
same_folded(const char *a, const char *lower, size_t l)
{
	size_t i;

	for (i = 0; i < l; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)lower[i];

		if (x >= 'A' && x <= 'Z')
			x |= 0x20;
		if (y >= 'A' && y <= 'Z')
			y |= 0x20;
		if (x != y)
			return 0;
	}
	return 1;
}

/* Does s[0..n) hold one of the lower-case phrases, in any case (at_word: at a word's start)?
 * Each phrase's first byte is looked for with memchr, in both cases when it is a letter. */
static int
find_phrase(const char *s, size_t n, const char *const *phrases, int at_word)
{
	size_t k;

	for (k = 0; phrases[k]; k++) {
		size_t l = strlen(phrases[k]), i;
		unsigned char c = (unsigned char)phrases[k][0], u;
		const char *at, *end;
		int pass;

		if (l == 0 || l > n)
			continue;
		if (c >= 'A' && c <= 'Z')
			c |= 0x20;
		u = c >= 'a' && c <= 'z' ? c & ~0x20 : c;
		for (pass = 0; pass < (u != c) + 1; pass++)
			for (at = s, end = s + n - l + 1;
			     at < end && (at = memchr(at, pass ? u : c, (size_t)(end - at))) != NULL;
			     at++) {
				i = (size_t)(at - s);
				if ((!at_word || i == 0 ||
				        !(isalnum((unsigned char)s[i - 1]) || ((unsigned char)s[i - 1] & 0x80))) &&
				    same_folded(at + 1, phrases[k] + 1, l - 1))
					return 1;
			}
	}
	return 0;
}

static int
has_phrase(const char *s, size_t n, const char *const *phrases)
{
	return find_phrase(s, n, phrases, 0);
}

/* Rule 11's labels: buttons, menus and prompts a short line is made of. */
static const char *const ui_phrases[] = {"share", "tweet", "facebook", "twitter",
    "whatsapp", "linkedin", "pinterest", "e-mail", "email", "print", "drucken", "teilen",
    "sign in", "sign up", "log in", "login", "anmelden", "abonn", "subscribe", "newsletter",
    "advertisement", "anzeige", "werbung", "sponsored", "read more", "weiterlesen",
    "mehr zum thema", "more from", "most read", "meistgelesen", "popular", "related",
    "recommended", "you may also", "also like", "home", "startseite", "menu", "men\xc3\xbc",
    "search", "suche", "skip to", "zum inhalt", "navigation", "next", "previous", "zur\303\274ck",
    "back to", "top", "contact", "kontakt", "impressum", "imprint", "datenschutz", "privacy",
    "cookie", "terms", "agb", "copyright", "\xc2\xa9", "rights reserved", "follow us",
    "folgen sie", "download", "podcast", "video", "audio", "gallery", "galerie", "tags",
    "schlagw", "archiv", "archive", "categor", "kategor", "rss", "feed", "app", "loading",
    "javascript", "browser", "toggle", "close", "schlie\xc3\x9f", "accept", "akzeptieren", NULL};

/* Rule 11's legal and cookie text, at any length. */
static const char *const legal_phrases[] = {"cookie", "all rights reserved",
    "alle rechte vorbehalten", "\xc2\xa9", "copyright", "privacy policy", "terms of use",
    "terms of service", "datenschutzerkl", "nutzungsbedingungen", "javascript", NULL};

/* Rule 11's comment openers: the article ends before them. */
static const char *const comment_phrases[] = {"comment", "kommentar", "reply", "leave a",
    "responses", "discussion", "diskussion", "leserbrief", NULL};
/* ... unless they say there are none yet: a counter beside the headline, not an opener */
static const char *const no_comment_phrases[] = {"0 comment", "0 kommentar", "no comment",
    "keine kommentar", "keine antwort", "aucun", "sin comentario", "nessun", "be the first",
    "sei der erste", "sei die erste", "schreibe den ersten", NULL};

/* Rule 12's social and subscription prompts, trimmed from the ends of the article. */
static const char *const prompt_phrases[] = {"subscribe", "subscription", "newsletter",
    "sign up", "log in", "follow us", "follow the", "share this", "twitter", "facebook",
    "instagram", "whatsapp", "abonnieren", "abonnement", "folgen sie", "teilen sie", NULL};

int
is_prompt(const char *s, size_t n, size_t words)
{
	return words < 40 && has_phrase(s, n, prompt_phrases);
}

/* Does a word of s[0..n) start with one of the lower-case phrases, in any case? */
static int
has_word_phrase(const char *s, size_t n, const char *const *phrases)
{
	return find_phrase(s, n, phrases, 1);
}

int
is_ui_label(const char *s, size_t n, size_t words)
{
	return words <= 6 && !ends_complete(s, n) && has_word_phrase(s, n, ui_phrases);
}

int
is_legal(const char *s, size_t n, size_t words)
{
	return words <= 80 && has_phrase(s, n, legal_phrases);
}

/* Rule 11's pointers to other stories, when a line opens with them ("Read also: ..."). */
static const char *const related_openers[] = {"read more", "read also", "also read",
    "see also", "related:", "more on this", "lesen sie auch", "lesen sie mehr", "mehr zum thema",
    "auch interessant", "lea tambi\303\251n", "lee tambi\303\251n", "lea m\303\241s", "lea:",
    "te puede interesar", "lire aussi", "\303\240 lire aussi", "voir aussi", "leggi anche",
    "leia tamb\303\251m", "leia mais", "lees ook", "czytaj tak\305\274e", "czytaj te\305\274",
    "zobacz te\305\274", NULL};

/* Rule 12: labels over an author's box or the site's "about us" closing the article */
static const char *const about_openers[] = {"about ", "\xc3\xbc" "ber ", "\xc3\x9c" "ber ",
    "sobre ", "\xc3\xa0 propos", "a propos", "o autorze", "o nas", "o mnie", "over ons",
    "over mij", "chi siamo", "qui sommes", "qui suis", "quem somos", "wer wir sind", "the author",
    "der autor", "die autorin", "zum autor", "zur autorin", "el autor", "l'auteur", NULL};

static int
opens_with(const char *s, size_t n, const char *const *phrases)
{
	while (n > 0 && !isalnum((unsigned char)*s) && !((unsigned char)*s & 0x80)) {
		s++; /* "• ", "» ", "[" */
		n--;
	}
	for (size_t k = 0; phrases[k]; k++) {
		size_t l = strlen(phrases[k]);

		if (n >= l && strncasecmp(s, phrases[k], l) == 0)
			return 1;
	}
	return 0;
}

int
is_related_pointer(const char *s, size_t n)
{
	return opens_with(s, n, related_openers);
}

/* "[12]": a link reference as lynx writes it. */
static size_t
link_refs(const char *s, size_t n)
{
	size_t i, r = 0;

	for (i = 0; i + 2 < n; i++) {
		size_t j = i + 1;

		if (s[i] != '[')
			continue;
		while (j < n && isdigit((unsigned char)s[j]))
			j++;
		r += j > i + 1 && j < n && s[j] == ']';
	}
	return r;
}

static uint64_t
para_hash(const struct para *p)
{
	uint64_t h = UINT64_C(14695981039346656037);
	size_t i;

	for (i = 0; i < p->len; i++)
		h = (h ^ (unsigned char)p->s[i]) * UINT64_C(1099511628211);
	return h;
}

/* Rule 11's repetition: marks paragraphs whose text occurs more than once (menus, footers,
 * "Share" buttons) in `rep`.  An open-addressed table of first occurrences: linear time. */
static int
mark_repeats(const struct doc *d, unsigned char *rep)
{
	size_t cap = 16, i, *slot;

	while (cap < d->n_paras * 2)
		cap *= 2;
	if ((slot = calloc(cap, sizeof(*slot))) == NULL)
		return -1;
	for (i = 0; i < d->n_paras; i++) {
		const struct para *p = &d->paras[i];
		size_t k = (size_t)para_hash(p) & (cap - 1);

		for (; slot[k]; k = (k + 1) & (cap - 1)) {
			const struct para *q = &d->paras[slot[k] - 1];

			if (q->len == p->len && memcmp(q->s, p->s, p->len) == 0) {
				rep[slot[k] - 1] = rep[i] = 1;
				break;
			}
		}
		if (!slot[k])
			slot[k] = i + 1;
	}
	free(slot);
	return 0;
}

#define BARRIER LONG_MIN

/* Rule 10's sentence text: a paragraph with enough stop words to be prose, not a name list. */
static int
is_prose(const struct doc *d, const struct para *p, size_t min_words)
{
	return p->size >= min_words && (!d->stop_words || p->stop * 100 >= p->size * 15);
}

/* Characters from U+3000 to U+9FFF (CJK punctuation, kana, ideographs): the lead bytes. */
static size_t
cjk_chars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += (unsigned char)s[i] >= 0xe3 && (unsigned char)s[i] <= 0xe9;
	return c;
}

/* Rule 10: counts each paragraph's stop words; a page where they are under 5% of the words
 * of its longer paragraphs is in another language, and prose there needs none.  Length is
 * size here, so CJK text (a paragraph is one "word") counts, and without stop words. */
static void
count_stops(struct doc *d)
{
	size_t i, stop = 0, words = 0;

	for (i = 0; i < d->n_paras; i++) {
		struct para *p = &d->paras[i];

		p->stop = count_stop(p->s, p->len);
		p->size = p->words + cjk_chars(p->s, p->len) / 2;
		if (p->size >= 10) {
			stop += p->stop;
			words += p->size;
		}
	}
	d->stop_words = stop * 20 >= words;
}

/* Rule 11: a caption's credit, anywhere at a word's start ("... (Foto: dpa)",
 * "/ Źródło: Pixabay") */
static const char *const caption_credits[] = {"foto:", "fotos:", "photo:", "photos:", "bild:",
    "bildquelle:", "quelle:", "source:", "credit:", "image:", "fuente:", "fonte:", "kuva:",
    "\xc5\xb9r\xc3\xb3" "d\xc5\x82o:", "getty images", "shutterstock", "istock", NULL};

/* Rule 11: a paywall's or a newsletter's prompt, anywhere (the social networks of
 * prompt_phrases are named in articles' text too) */
static const char *const wall_phrases[] = {"subscribe", "subscription", "newsletter",
    "abonnieren", "abonnement", NULL};

/* Rules 10 and 11: a paragraph's weight toward the page's article; furniture is dropped. */
static long
para_weight(struct doc *d, const struct opts *o, size_t i, int repeated)
{
	struct para *p = &d->paras[i];
	size_t w = p->size;

	if (p->kind == P_CREDIT || p->kind == P_BYLINE || p->kind == P_DATE)
		return 0;
	if (w <= 6 && p->kind != P_COMPLETE && has_phrase(p->s, p->len, comment_phrases) &&
	    !has_phrase(p->s, p->len, no_comment_phrases) && !is_item(p->s, p->len))
		return BARRIER; /* but "• Comments" is a button in a row of them */
	if ((repeated && (w < 10 || p->kind != P_COMPLETE)) ||
	    (w <= 6 && p->kind != P_COMPLETE && has_phrase(p->s, p->len, ui_phrases)) ||
	    (w <= 80 && has_phrase(p->s, p->len, legal_phrases)) || link_refs(p->s, p->len) * 3 > w) {
		p->drop = 1;
		return -10 - (long)w;
	}
	if (repeated)
		return 0; /* a teaser or a blurb printed twice is no article's text, but stays */
	if (p->kind == P_INCOMPLETE && w <= 40 && has_word_phrase(p->s, p->len, caption_credits)) {
		p->drop = 1; /* a photo's caption, weighing nothing as a credit does */
		return 0;
	}
	if (is_item(p->s, p->len) && w < 10 && p->kind != P_COMPLETE) {
		const struct para *q = i > 0 ? &d->paras[i - 1] : NULL;

		p->drop = 1;
		if (q != NULL && (q->item || (!q->drop && q->len > 0 && q->s[q->len - 1] == ':'))) {
			p->item = 1; /* a list the text introduces ("...as follows:") */
			return -1;
		}
		return -10 - (long)w;
	}
	if (p->kind != P_COMPLETE && is_related_pointer(p->s, p->len)) {
		p->drop = 1; /* "Read also: ...", inside the article as often as around it */
		return -1;
	}
	/* a short unfinished one weighs -1 as it is: it is looked at where it could be kept, as a
	 * headline or a subheading (is_short_appeal), which spares the phrase list most lines */
	if (w < 40 && (p->kind == P_COMPLETE || w > (size_t)o->headline_max_words) &&
	    (has_phrase(p->s, p->len, appeal_phrases) || has_phrase(p->s, p->len, wall_phrases))) {
		p->drop = 1; /* "Did you like this article?", "Subscribe to read on" */
		return p->kind == P_COMPLETE ? -2 : -1;
	}
	if (p->kind == P_COMPLETE)
		return is_prose(d, p, 4) ? (long)w : -2;
	if (w <= (size_t)o->headline_max_words)
		return -1;
	return is_prose(d, p, 10) ? (long)w / 4 : -(long)w;
}

/* Rule 10: is the dump a page, with furniture (short list items, short lines that are not
 * headlines) on at least five lines? */
static int
is_page(const struct doc *d, const struct opts *o)
{
	size_t i, n = 0;

	for (i = 0; i < d->n_paras && n < 5; i++) {
		const struct para *p = &d->paras[i];

		if ((p->words < 10 && is_item(p->s, p->len)) || /* the count first: it is known */
		    (p->kind == P_INCOMPLETE && p->words <= 6 && !is_headline(d, o, i)))
			n++;
	}
	return n >= 5;
}

/* Rule 11: a short unfinished line that appeals to the reader ("Jetzt spenden!"), furniture
 * that para_weight leaves to be told apart where it could be kept. */
static int
is_short_appeal(const struct para *p)
{
	return p->kind == P_INCOMPLETE && p->weight == -1 && !p->drop && !p->item &&
	       has_phrase(p->s, p->len, appeal_phrases);
}

/* Rule 12: the headline before the run at `start`: the nearest short unfinished line, past
 * credits, bylines, datelines and furniture, within a screen of it; or -1. */
static long
find_headline(const struct doc *d, const struct opts *o, size_t start)
{
	size_t j, seen = 0;
	long two = -1; /* the nearest of two or three words: a name, a credit, a kicker */

	for (j = start; j-- > 0 && seen < 20; seen++) {
		const struct para *p = &d->paras[j];

		if (p->weight == BARRIER)
			break;
		if (p->drop || p->kind == P_CREDIT || p->kind == P_BYLINE || p->kind == P_DATE ||
		    (p->words <= 6 && has_phrase(p->s, p->len, comment_phrases)) || is_short_appeal(p))
			continue; /* and a "0 Comments" counter */
		if (p->kind == P_INCOMPLETE && p->size >= 2 &&
		    p->words <= (size_t)o->headline_max_words && !is_item(p->s, p->len)) {
			if (p->size >= 4)
				return (long)j;
			if (two < 0)
				two = (long)j;
		}
	}
	return two;
}

/* Rule 10: the run's lead: prose before it (weighing 5 or more: complete of 5 words, or
 * unfinished of 20) with only furniture, short unfinished lines, credits, bylines and
 * datelines between (an introduction over a table of contents or a row of
 * share buttons); returns the run's new first paragraph. */
static size_t
lead_before(const struct doc *d, size_t first)
{
	size_t j, gap = 0;

	for (j = first; j-- > 0 && gap < 50;) {
		const struct para *p = &d->paras[j];

		if (p->weight == BARRIER)
			break;
		if (p->weight >= 5 && !p->drop) {
			first = j;
			gap = 0;
		} else if (p->drop || p->weight == 0 || (p->kind == P_INCOMPLETE && p->weight == -1)) {
			gap++;
		} else {
			break;
		}
	}
	return first;
}

/* Rule 10: the densest run, [*first, *last]: the run of paragraphs whose weights sum highest
 * (Kadane's scan, one pass), never across a comment opener.  Returns the sum. */
static long
densest_run(const struct doc *d, size_t end, size_t *first, size_t *last)
{
	long best = 0, cur = 0;
	size_t i, start = 0;

	for (i = 0; i < end; i++) {
		long w = d->paras[i].weight;

		if (w == BARRIER) {
			cur = 0;
			start = i + 1;
			continue;
		}
		if (cur + w <= 0) {
			cur = 0;
			start = i + 1;
			continue;
		}
		cur += w;
		if (cur > best) {
			best = cur;
			*first = start;
			*last = i;
		}
	}
	return best;
}

/* Rule 10: the run's tail: what follows its last stretch of two or more paragraphs that weigh
 * against it (furniture, labels, short lines) is not the article's when it weighs under a
 * tenth of the run before that stretch (teasers under a "related" label, a house blurb past
 * the share buttons); then the stretch before is looked at in turn.  One pass from the end.
 * Returns the run's new last paragraph. */
static size_t
trim_tail(const struct doc *d, size_t first, size_t last)
{
	size_t i, j, k, end = last;
	long head = 0, tail = 0, w;

	for (i = first; i <= last; i++)
		head += d->paras[i].weight;
	for (j = last + 1; j-- > first;) { /* head: the weights of first..j */
		if ((w = d->paras[j].weight) >= 0) {
			tail += w;
			head -= w;
			continue;
		}
		for (i = j; i > first && d->paras[i - 1].weight < 0; i--)
			;
		if (j > i && j < end && i > first) { /* a stretch i..j, the tail after it */
			if (tail * 10 >= head)
				break;
			end = i - 1;
			tail = 0;
		}
		for (k = i; k <= j; k++)
			head -= d->paras[k].weight;
		j = i;
	}
	return end;
}

/* Rule 12: a subheading inside the run: a headline (rule 5), or a short unfinished line before
 * unfinished prose (a section whose last sentence lost its full stop to a link or a note);
 * either way before text that stays: the next paragraph that weighs anything weighs more
 * than 0 and is not dropped (a label over an appeal or a row of buttons goes with it). */
static int
heads_prose(const struct doc *d, const struct opts *o, size_t i)
{
	size_t j;

	for (j = i + 1; j < d->n_paras && d->paras[j].weight == 0; j++)
		;
	return j < d->n_paras && d->paras[j].weight > 0 && !d->paras[j].drop &&
	       (d->paras[j].kind == P_INCOMPLETE || is_headline(d, o, i));
}

/*
 * Rules 10 to 12 on a page: furniture is dropped; the densest run of prose, its headline and
 * what lies between (a standfirst, subheadings, the byline) is one article, emitted first;
 * its paragraphs are then dropped, so the rest of the page segments as before.
 */
static int
page_article(const struct feedd_host *h, const struct opts *o, struct scratch *sc,
    struct doc *d)
{
	struct article a = {0};
	unsigned char *rep;
	size_t i, first = 0, last = 0, f2 = 0, l2 = 0;
	long hl, before, all, early;
	int rc;

	if (!is_page(d, o))
		return 0;
	if ((rep = calloc(d->n_paras + 1, 1)) == NULL || mark_repeats(d, rep) == -1) {
		free(rep);
		h->error(h->ctx, "textdump: out of memory");
		return -2;
	}
	count_stops(d);
	for (i = 0; i < d->n_paras; i++)
		d->paras[i].weight = para_weight(d, o, i, rep[i]);
	free(rep);
	for (i = 0; i < d->n_paras && d->paras[i].weight != BARRIER; i++)
		;
	/* what follows a comment opener is the comments, though denser, if an article came
	 * before it, unless it outweighs that article five times (the opener was a button) */
	before = i < d->n_paras ? densest_run(d, i, &first, &last) : 0;
	all = densest_run(d, d->n_paras, &f2, &l2);
	if (before < 30 || all > 5 * before) {
		if (all < 30)
			return 0; /* no article: only furniture and teasers */
		first = f2;
		last = l2;
		/* a page's article comes before the text that follows it (a disclaimer, an
		 * "about us", comments without an opener): a run before the densest one that
		 * weighs half as much is the article */
		early = densest_run(d, first, &f2, &l2);
		if (early >= 30 && early * 2 >= all) {
			first = f2;
			last = l2;
		}
	}
	while (last + 1 < d->n_paras && d->paras[last + 1].kind == P_COMPLETE &&
	    !d->paras[last + 1].drop)
		last++; /* a short last paragraph */
	last = trim_tail(d, first, last);
	for (i = last; i > first && last - i <= 4; i--) {
		const struct para *p = &d->paras[i];

		if (p->kind == P_INCOMPLETE && p->words <= 6 && opens_with(p->s, p->len, about_openers)) {
			last = i - 1; /* "About the author", "Über uns" and what follows it */
			break;
		}
	}
	while (last > first && (is_prompt(d->paras[last].s, d->paras[last].len, d->paras[last].words) ||
	    (d->paras[last].words < 40 &&
	        has_phrase(d->paras[last].s, d->paras[last].len, appeal_phrases))))
		d->paras[last--].drop = 1; /* "Follow us on Twitter", "Get our app" */
	first = lead_before(d, first);
	hl = find_headline(d, o, first);
	a.first = hl >= 0 ? (size_t)hl : first;
	a.end = last + 1;
	a.headline = hl;
	a.byline = a.dateline = -1;
	for (i = a.first; i < a.end; i++) {
		struct para *p = &d->paras[i];

		if (p->kind != P_COMPLETE && i < first && a.dateline < 0 && dateline_time(p->s, p->len))
			a.dateline = (long)i; /* the date near the headline */
		if (is_short_appeal(p))
			p->drop = 1;
		else if (p->kind == P_CREDIT)
			add_caption(&a, p);
		else if (p->kind == P_BYLINE && a.byline < 0)
			a.byline = (long)i;
		else if ((long)i != hl && p->weight < 0 && p->kind != P_COMPLETE &&
		         !(p->kind == P_INCOMPLETE &&
		         p->weight == -1 && i > first && heads_prose(d, o, i)))
			p->drop = 1; /* furniture in the run; subheadings stay */
		else if (i < first && p->words < 10)
			p->drop = 1;
		if (p->item && i > first && i < last) { /* its list is text if what opens it is */
			size_t j = i;

			while (d->paras[j - 1].item)
				j--;
			p->drop = j - 1 < first || d->paras[j - 1].drop;
		}
	}
	i = a.first;
	rc = emit_article(h, o, sc, d, &a);
	for (; i <= last; i++)
		d->paras[i].drop = 1;
	for (i = 0; i < d->n_paras; i++) /* one article a page: the rest gives teasers only */
		d->paras[i].drop |= d->paras[i].kind != P_INCOMPLETE ||
		                    d->paras[i].words < (size_t)o->teaser_min_words;
	return rc;
}

/* Rules 5 to 7.  Credits go to the open article, or wait for the next one. */
static int
segment_paras(const struct feedd_host *h, const struct opts *o, struct doc *d)
{
	struct scratch sc;
	struct article a = {0};
	size_t i;
	int open = 0, rc = 0;

	memset(&sc, 0, sizeof(sc));
	a.headline = -1;
	a.byline = a.dateline = -1;
	rc = page_article(h, o, &sc, d);
	for (i = 0; i < d->n_paras && rc == 0; i++) {
		const struct para *p = &d->paras[i];

		if (p->drop) {
			continue;
		} else if (p->kind == P_CREDIT) {
			add_caption(&a, p);
		} else if (p->kind == P_BYLINE) {
			if (a.byline < 0) /* the open article's, or the next one's */
				a.byline = (long)i;
		} else if (p->kind == P_DATE) {
			/* a dateline: not body text, the open article's date (or the next one's) */
			if (a.dateline < 0 && dateline_time(p->s, p->len))
				a.dateline = (long)i;
		} else if (p->kind == P_COMPLETE) {
			if (!open)
				a.first = i;
			open = 1;
			a.end = i + 1;
		} else if (is_headline(d, o, i)) {
			if (open && (rc = emit_article(h, o, &sc, d, &a)) != 0)
				break;
			open = 1;
			a.first = i;
			a.headline = (long)i;
			a.end = i + 1;
		} else if (p->words >= (size_t)o->teaser_min_words) {
			if (open && (rc = emit_article(h, o, &sc, d, &a)) != 0)
				break;
			open = 0;
			rc = emit_entry(h, o, &sc, NULL, 0, p->s, p->len, NULL, NULL, NULL, 0, 1);
		} /* else a label such as "Related stories" or "Advertisement": dropped */
	}
	if (rc == 0 && open)
		rc = emit_article(h, o, &sc, d, &a);
	free(a.captions.p);
	free(sc.title.p);
	free(sc.key.p);
	free(sc.summary.p);
	free(sc.html.p);
	return rc == -2 ? -1 : 0;
}

static int
td_segment(void *state, const struct feedd_host *h, const struct feedd_input *in)
{
	const struct opts *o = state;
	struct doc d = {0};
	int rc = -1;

	if (dom_is_html(in))
		return dom_segment(h, in, o->title_max, o->id_words);
	if (in->len >= UINT32_MAX) { /* struct line and struct para count in 32 bits */
		h->error(h->ctx, "textdump: a dump of 4 GiB or more");
		return -1;
	}
	if (split_lines(&d, in->data, in->len) == -1 || build_paras(&d, o) == -1) {
		h->error(h->ctx, "textdump: out of memory");
		goto done;
	}
	rc = segment_paras(h, o, &d);
done:
	free(d.folded);
	free(d.lines);
	free(d.arena.p);
	free(d.paras);
	return rc;
}

FEEDD_PLUGIN_DEFINE = {
	.abi = FEEDD_PLUGIN_ABI,
	.size = sizeof(struct feedd_plugin),
	.name = "textdump",
	.version = "1.0",
	.description = "plain-text dumps of news pages: articles, headlines, credits, teasers",
	.flags = FEEDD_PLUGIN_TEXT | FEEDD_PLUGIN_SAFE_HTML,
	.options = option_names,
	.open = td_open,
	.segment = td_segment,
	.close = td_close,
};
