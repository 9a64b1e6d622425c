/*
 * dom: textdump's reader for HTML pages: renders the page as a text browser would, picks its
 * article by what the DOM says (readability's scoring, with the boilerplate tags, roles and
 * names taken out first) and emits it as one entry, then the story links around it as teasers.
 *
 * The rules, in the order they apply:
 *  H1. The input is HTML if its Content-Type is text/html or application/xhtml+xml, or if,
 *      past a BOM, white space, comments and an XML declaration, it opens with <!doctype html,
 *      <html, <head, <body, or with what only a page's head holds: <meta, <title, <script,
 *      <style, <link.
 *  H2. libxml2's HTML parser reads it (recovering from errors, no network, its default depth
 *      limit: no HTML_PARSE_HUGE); the tree is walked without recursion.
 *  H3. Never rendered: script, style, template, noscript, iframe, svg, math, object, embed,
 *      canvas, form controls (select, button, input, textarea), audio, video, title and
 *      elements that are hidden ([hidden], aria-hidden="true", an inline display:none or
 *      visibility:hidden, or a screen-reader-only class).
 *  H4. Rendering: a block element (p, div, li, h1-h6, td, blockquote, ...) ends the paragraph
 *      before it and after it; <br> is a line break inside one; white space is folded.
 *  H5. Boilerplate by tag or role: nav, header, footer, aside, menu, dialog, and the roles
 *      navigation, banner, contentinfo, complementary, search, menu, menubar, dialog,
 *      alertdialog.  Their text never joins the article.
 *  H6. Boilerplate by name: an element whose class or id names comments, sharing, related
 *      stories, footers, menus, cookies, newsletters, ads, sidebars, breadcrumbs, promotions,
 *      pagination, bylines, tags, disclaimers, author bios, a post's meta line or image credits
 *      (the list is name_strong and name_weak below) -- the weak
 *      names only when the same class or id does not also name the article (article, content,
 *      main, body, post, entry, story, text), and a teaser only when it holds a link (a site
 *      may call its own lead paragraph a teaser).  Its text does not join the article either.
 *      Names that say where an element sits (top, bottom, side) say nothing of what it is, and
 *      the classes of <body>, <article>, <main> and an articleBody list the page's state and
 *      the article's topics (category-*, no-sidebar), so neither counts.
 *  H7. Scoring (readability's): a paragraph of at least 25 characters outside boilerplate,
 *      not a heading, scores 1 + its commas + one per 100 characters (at most 3).  Its score
 *      goes to the element holding it (or that element's parent when it holds nothing but the
 *      paragraph) in full, and to up to four ancestors above, half to the next, then a third
 *      of a level's share per level.  An element first gets a weight from its tag (div +5;
 *      pre, td, blockquote +3; lists, forms -3; headings, th -5), from its class and its id
 *      (+25 each for naming the article, -25 for naming boilerplate) and +25 for <article>,
 *      <main> or itemprop=articleBody.  Scores are then multiplied by 1 - link density (the
 *      share of its text inside links).
 *  H8. The best-scoring element is the article's; if three of the next four scoring at least
 *      3/4 of it share an ancestor, that ancestor is; an ancestor scoring more than it (without
 *      falling under a third on the way up) is; so is a parent of which it is the only child.
 *  H9. Its siblings join it when they score at least a fifth of it (at least 10; a sibling of
 *      the same class gets a fifth of its score as bonus), or when they are a paragraph of
 *      over 80 characters with link density under 1/4, or one without links that ends a
 *      sentence.
 *  H9b. The article starts at its headline: the nearest h1 (else h2) outside boilerplate
 *      at most 12 paragraphs before the article's first one (boilerplate between, such as
 *      share buttons, not counted), or one further up that says the page's title (og:title,
 *      or <title> without its site name as in H12; letters and digits compared) -- a box of
 *      facts or teasers may sit between a headline and its text, but only the title tells
 *      the headline from a section's name that far up.  It joins, and so does the prose
 *      between them as in H9 (a lead or standfirst the page keeps in its header); with no
 *      such heading, an h1 inside a boilerplate name ("masthead", "page-header") at most 12
 *      paragraphs up marks where the lead starts, and only the prose after it joins.
 *  H10. Inside the article, boilerplate (H5, H6) is dropped, and so is a paragraph of which
 *      over half is link text or that, unfinished, points to another story ("Read also:",
 *      "Lesen Sie auch", textdump's rule 11); then, judged on the paragraphs left, a container (div,
 *      section, table, list, form, figure) inside the elements H9 took, with fewer than 5
 *      commas, whose link density is over 1/2, or over 1/5 when it is no list and has no
 *      article name, or whose text is under 40 characters and no heading; then headings
 *      with nothing kept after them before the next heading of their level or above (the
 *      "Related stories" over a list taken out); then, at its end, social and subscription
 *      prompts of under 40 words (rule 12 of textdump.c: "Follow us", "Subscribe"), appeals
 *      to the reader of under 40 words (the site's app or channel, "Did you like this
 *      article?", support and donations, the full story behind a subscription:
 *      appeal_phrases below) and datelines ("Updated: 02.12.2026, 10:40"); then, after the
 *      last paragraph of 80 characters or more, lines of up to 6 words that are no list
 *      items and lie outside that paragraph's parent (boxes after the text: an author's
 *      role, an "about us" line, a rating, a calendar's cells).
 *      A paragraph opening with © or "Copyright" is dropped, and so is legal or cookie text of
 *      up to 80 words, a credit written as a paragraph of up to 10 words (a label such as
 *      "Foto", "Quelle", "Source", "Fuente" and a colon, perhaps in brackets: "(Quelle: dpa)"),
 *      a short unfinished UI label that is no heading (textdump's rule 11: "Teilen", "Mehr
 *      Themen", "Anzeige"; here the label must start a word, so "suche" in "Besucher" is
 *      none) and a dateline (H13) before the first prose paragraph; a <figcaption> is the
 *      entry's caption, beside its text.
 *  H11. H7 to H10 run again with H6 set aside; that article wins if the first left under
 *      250 characters and it is longer, or if it is over three times as long (a name that
 *      took the whole article away: "pane-taxomenu", "commentary", "hidden-xs").  A page with no paragraph to score (e.g. only navigation) has no
 *      article.
 *  H12. The headline is the article's first <h1> (then dropped from its text), else og:title,
 *      else the page's first <h1>, else <title> without a site name after " | ", " - ",
 *      " – ", " — ", " :: " or " · ".
 *  H13. The article's link is rel=canonical, else og:url, else the page's URL; its date
 *      article:published_time (or itemprop datePublished), else JSON-LD datePublished, else
 *      the first <time datetime> (the article's, else the page's), else a dateline among the
 *      paragraphs around its headline ("Tuesday, December 1, 2026 09:12", "01.12.2026", read
 *      as UTC); updated likewise from the modified times; its author meta author, else
 *      JSON-LD author, else a rel=author link, else an itemprop=author, byline or author
 *      element's short text.
 *  H14. Teasers: every link outside the article and outside nav, header, footer, menus and
 *      the roles navigation, banner, contentinfo, menu and menubar whose text has
 *      at least 4 words and 20 characters and that leads to another page (not a fragment,
 *      javascript:, mailto:, tel:, data: ...) is an entry:
 *      its first paragraph the title, its text the summary (ending in "…"), its href the link;
 *      one per URL, in page order, after the article.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "../common/common.h"
#include "dom.h"
#include "textdump.h"

/* ---- tags ---- */

enum {
	T_INLINE = 0,
	T_BLOCK = 1 << 0,
	T_DROP = 1 << 1,  /* H3 */
	T_BP = 1 << 2,    /* H5 */
	T_BR = 1 << 3,
	T_LINK = 1 << 4,  /* a */
	T_ITEM = 1 << 5,  /* li, dt, dd */
	T_LIST = 1 << 6,  /* ul, ol, dl */
	T_CLEAN = 1 << 7, /* H10's containers */
	T_MAIN = 1 << 8,  /* article, main */
	T_NAV = 1 << 9,   /* H14: no teasers in it */
	T_HIDE = 1 << 10, /* H3, unless it holds the page */
	T_CAPTION = 1 << 11,
};

struct tagdef {
	const char *name;
	unsigned kind;
	int weight; /* H7 */
	int heading;
};

/* Sorted by name for bsearch. */
static const struct tagdef tags[] = {
	{"a", T_LINK, 0, 0},
	{"address", T_BLOCK, -3, 0},
	{"article", T_BLOCK | T_MAIN, 25, 0},
	{"aside", T_BLOCK | T_BP | T_CLEAN, 0, 0},
	{"audio", T_DROP, 0, 0},
	{"blockquote", T_BLOCK, 3, 0},
	{"body", T_BLOCK, 0, 0},
	{"br", T_BR, 0, 0},
	{"button", T_DROP, 0, 0},
	{"canvas", T_DROP, 0, 0},
	{"caption", T_BLOCK, 0, 0},
	{"center", T_BLOCK, 0, 0},
	{"datalist", T_DROP, 0, 0},
	{"dd", T_BLOCK | T_ITEM, -3, 0},
	{"details", T_BLOCK, 0, 0},
	{"dialog", T_BLOCK | T_BP, 0, 0},
	{"dir", T_BLOCK | T_LIST, -3, 0},
	{"div", T_BLOCK | T_CLEAN, 5, 0},
	{"dl", T_BLOCK | T_LIST | T_CLEAN, -3, 0},
	{"dt", T_BLOCK | T_ITEM, -3, 0},
	{"embed", T_DROP, 0, 0},
	{"fieldset", T_BLOCK | T_CLEAN, 0, 0},
	{"figcaption", T_BLOCK | T_CAPTION, 0, 0},
	{"figure", T_BLOCK | T_CLEAN, 0, 0},
	{"footer", T_BLOCK | T_BP | T_NAV, 0, 0},
	{"form", T_BLOCK | T_CLEAN, -3, 0},
	{"frameset", T_DROP, 0, 0},
	{"h1", T_BLOCK, -5, 1},
	{"h2", T_BLOCK, -5, 2},
	{"h3", T_BLOCK, -5, 3},
	{"h4", T_BLOCK, -5, 4},
	{"h5", T_BLOCK, -5, 5},
	{"h6", T_BLOCK, -5, 6},
	{"head", T_BLOCK, 0, 0},
	{"header", T_BLOCK | T_BP | T_NAV, 0, 0},
	{"hgroup", T_BLOCK, 0, 0},
	{"hr", T_BLOCK, 0, 0},
	{"html", T_BLOCK, 0, 0},
	{"iframe", T_DROP, 0, 0},
	{"input", T_DROP, 0, 0},
	{"legend", T_BLOCK, 0, 0},
	{"li", T_BLOCK | T_ITEM, -3, 0},
	{"main", T_BLOCK | T_MAIN, 25, 0},
	{"map", T_DROP, 0, 0},
	{"math", T_DROP, 0, 0},
	{"menu", T_BLOCK | T_BP | T_NAV, 0, 0},
	{"nav", T_BLOCK | T_BP | T_NAV, 0, 0},
	{"noembed", T_DROP, 0, 0},
	{"noframes", T_DROP, 0, 0},
	{"noscript", T_BLOCK | T_HIDE, 0, 0},
	{"object", T_DROP, 0, 0},
	{"ol", T_BLOCK | T_LIST | T_CLEAN, -3, 0},
	{"option", T_DROP, 0, 0},
	{"p", T_BLOCK, 0, 0},
	{"pre", T_BLOCK, 3, 0},
	{"script", T_DROP, 0, 0},
	{"section", T_BLOCK | T_CLEAN, 0, 0},
	{"select", T_DROP, 0, 0},
	{"style", T_DROP, 0, 0},
	{"summary", T_BLOCK, 0, 0},
	{"svg", T_DROP, 0, 0},
	{"table", T_BLOCK | T_CLEAN, 0, 0},
	{"tbody", T_BLOCK, 0, 0},
	{"td", T_BLOCK, 3, 0},
	{"template", T_DROP, 0, 0},
	{"textarea", T_DROP, 0, 0},
	{"tfoot", T_BLOCK, 0, 0},
	{"th", T_BLOCK, -5, 0},
	{"thead", T_BLOCK, 0, 0},
	{"title", T_DROP, 0, 0},
	{"tr", T_BLOCK, 0, 0},
	{"ul", T_BLOCK | T_LIST | T_CLEAN, -3, 0},
	{"video", T_DROP, 0, 0},
};

static int
tag_cmp(const void *key, const void *def)
{
	return strcmp(key, ((const struct tagdef *)def)->name);
}

static const struct tagdef *
tag_find(const char *name)
{
	static const struct tagdef inline_tag = {"", T_INLINE, 0, 0};
	const struct tagdef *t = bsearch(name, tags, sizeof(tags) / sizeof(tags[0]), sizeof(tags[0]),
	    tag_cmp);

	return t ? t : &inline_tag;
}

/* An element's and a paragraph's flags. */
enum {
	F_BP_TAG = 1 << 0,  /* H5 */
	F_BP_NAME = 1 << 1, /* H6 */
	F_NAV = 1 << 2,     /* H14 */
	F_HIDDEN = 1 << 3,  /* H3 */
	F_BP_LINKED = 1 << 4, /* H6, if it holds a link */
};

/* ---- names (H6, H7) ---- */

/* H6: boilerplate whatever else the name says */
static const char *const name_strong[] = {"comment", "disqus", "share", "sharing", "social",
    "related", "newsletter", "cookie", "consent", "gdpr", "advert", "sponsor", "outbrain",
    "taboola", "recommend", "breadcrumb", "subscri", "signup", "sign-up", "byline",
    "newsticker", "trending", "mostread", "most-read", "most-popular", "tagcloud", "tag-cloud",
    "sr-only", "screen-reader", "disclaimer", "author-bio", "author__bio", "authorbio",
    "entry-utility", "entry-meta", "post-meta", "image-credit", NULL};
/* H6: boilerplate unless the name also says article, content, ... */
static const char *const name_weak[] = {"footer", "sidebar", "menu", "navbar", "navigation",
    "banner", "promo", "widget", "pagination", "pager", "masthead", "toolbar", "login",
    "shoutbox", "rating", "header", "author", "meta", "tags", "more-", "-more",
    "extra", "caption", "credit", "combx", "community", "remark", "replies", "rss",
    "skyscraper", "supplemental", "topbar", "side-bar", "popup", "modal", "skip", "print", NULL};
/* H6: boilerplate as a whole word of the name (split at anything not a letter or digit) */
static const char *const part_weak[] = {"ad", "ads", "nav", "tag", "foot", "aside", "links",
    "hidden", "hide", "share", "date", "time", "info", "legal", NULL};
/* H6: boilerplate when the element links somewhere: a teaser leads to a story elsewhere, while
 * a site may call its article's own lead paragraph a teaser too */
static const char *const name_linked[] = {"teaser", NULL};
static const char *const name_ok[] = {"article", "content", "main", "body", "post", "entry",
    "story", "text", "column", NULL};
/* H7: the weights */
static const char *const name_positive[] = {"article", "body", "content", "entry", "hentry",
    "h-entry", "main", "page", "post", "text", "blog", "story", "lead", "intro", "standfirst",
    "excerpt", "summary", NULL};
static const char *const name_negative[] = {"-ad-", "hidden", "banner", "combx", "comment",
    "com-", "contact", "foot", "masthead", "media", "meta", "outbrain", "promo", "related",
    "scroll", "share", "shoutbox", "sidebar", "skyscraper", "sponsor", "shopping", "tags",
    "tool", "widget", NULL};

static int
has_any(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strstr(s, *list))
			return 1;
	return 0;
}

/* Is one of the words of s (split at anything not a letter or digit) in list? */
static int
has_part(const char *s, const char *const *list)
{
	const char *p = s;

	while (*p) {
		size_t n = 0;

		while (*p && !isalnum((unsigned char)*p))
			p++;
		while (isalnum((unsigned char)p[n]))
			n++;
		if (n > 0)
			for (const char *const *w = list; *w; w++)
				if (strlen(*w) == n && memcmp(*w, p, n) == 0)
					return 1;
		p += n;
	}
	return 0;
}

/* H6 for one lower-cased class or id value: F_BP_NAME, F_BP_LINKED or 0. */
static unsigned
name_is_boilerplate(const char *s)
{
	if (has_any(s, name_strong))
		return F_BP_NAME;
	if (has_any(s, name_ok))
		return 0;
	if (has_any(s, name_weak) || has_part(s, part_weak))
		return F_BP_NAME;
	return has_any(s, name_linked) ? F_BP_LINKED : 0;
}

static int
name_weight(const char *s)
{
	int w = 0;

	if (*s == '\0')
		return 0;
	if (has_any(s, name_negative))
		w -= 25;
	if (has_any(s, name_positive))
		w += 25;
	return w;
}

/* ---- the page ---- */


struct el {
	xmlNodePtr node;
	const struct tagdef *tag;
	long parent;      /* index, or -1 */
	long last;        /* its last descendant's index (itself if none) */
	size_t first, end; /* its paragraphs [first, end) */
	long owner_before; /* the paragraph owner when it was entered */
	unsigned flags;    /* its own while rendering, then with its ancestors' (settle) */
	int weight;        /* H7, names and tag */
	int name_weight;   /* H10, names only */
	uint32_t class_hash;
	int holds_blocks; /* a block element inside it */
	int children;     /* elements directly inside */
	double score;
	int scored;
};

struct block {
	size_t off, len; /* in the arena; '\n' for <br> */
	size_t chars, link_chars, commas;
	long el; /* the element it is rendered from */
	unsigned flags;
	int heading;
	int item;
	int caption;
	int keep;
	int dated;    /* date is known: H10 and H13 read a paragraph's dateline once */
	int64_t date; /* the dateline's time, 0 for none */
};

struct link {
	char *href;
	size_t off, len; /* its text in the arena, paragraphs NUL-separated */
	size_t block;    /* the paragraph it starts in */
	long el;
};

struct meta {
	char *og_title, *og_url, *og_site, *canonical, *author, *published, *modified, *title,
	    *base, *rel_author, *time_first;
	long time_el; /* the element of the first <time datetime> */
	char *time_attr;
	long byline_el;
};

struct page {
	struct el *els;
	size_t n_els, cap_els;
	struct block *blocks;
	size_t n_blocks, cap_blocks;
	struct link *links;
	size_t n_links, cap_links;
	xmlNodePtr jsonld[8];
	size_t n_jsonld;
	struct str arena;
	/* the paragraph being rendered */
	size_t cur_off, cur_chars, cur_link, cur_commas;
	int space; /* a space is due before the next character */
	long cur;  /* innermost element, or -1 */
	long owner; /* innermost block element, or -1 */
	int in_link;
	int in_main; /* inside an article or main */
	long open_link; /* index into links, or -1 */
	xmlNodePtr open_node;
	long body;
	long h1; /* the article's headline paragraph (H12), or -1 */
	struct meta m;
	int oom;
	/* a selection (H7-H10) */
	size_t *pc, *pl, *pm; /* prefix sums of chars, link chars, commas over counted blocks */
	long *scored;
	size_t n_scored;
	long *picked; /* the elements H9 took, in order */
	size_t n_picked;
};

static void *
grow(void *v, size_t *cap, size_t n, size_t size, int *oom)
{
	void *nv;
	size_t c;

	if (n < *cap)
		return v;
	c = *cap ? *cap * 2 : 64;
	if ((nv = reallocarray(v, c, size)) == NULL) {
		*oom = 1;
		return NULL;
	}
	*cap = c;
	return nv;
}

static const char *
attr_text(xmlAttrPtr a)
{
	if (a->children && a->children->content)
		return (const char *)a->children->content;
	return "";
}

static const char *
attr(xmlNodePtr n, const char *name)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		if (a->name && strcasecmp((const char *)a->name, name) == 0)
			return attr_text(a);
	return NULL;
}

static void
set_once(char **dst, const char *v)
{
	if (*dst == NULL && v != NULL && *v != '\0')
		*dst = strdup(v);
}

static uint32_t
hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Lower-cases v into buf (cut at size - 1). */
static const char *
lower(char *buf, size_t size, const char *v)
{
	size_t i;

	for (i = 0; v[i] && i + 1 < size; i++)
		buf[i] = (char)tolower((unsigned char)v[i]);
	buf[i] = '\0';
	return buf;
}

static int
style_hides(const char *v)
{
	char b[256], *p, *q;

	lower(b, sizeof(b), v);
	for (p = q = b; *p; p++)
		if (!isspace((unsigned char)*p))
			*q++ = *p;
	*q = '\0';
	return strstr(b, "display:none") != NULL || strstr(b, "visibility:hidden") != NULL;
}

/* H5 by role; navigation, banner, contentinfo and menus hold no teasers either (H14). */
static unsigned
role_flags(const char *v)
{
	static const char *const nav[] = {"navigation", "banner", "contentinfo", "menu", "menubar",
	    NULL};
	static const char *const other[] = {"complementary", "search", "dialog", "alertdialog",
	    NULL};
	char b[64];

	lower(b, sizeof(b), v);
	for (const char *const *r = nav; *r; r++)
		if (strcmp(b, *r) == 0)
			return F_BP_TAG | F_NAV;
	for (const char *const *r = other; *r; r++)
		if (strcmp(b, *r) == 0)
			return F_BP_TAG;
	return 0;
}

/* Collects what the head and a few elements say about the article (H12, H13). */
static void
note_meta(struct page *pg, xmlNodePtr n, const char *name)
{
	struct meta *m = &pg->m;

	if (strcmp(name, "meta") == 0) {
		const char *k = attr(n, "property"), *c = attr(n, "content");

		if (k == NULL)
			k = attr(n, "name");
		if (k == NULL)
			k = attr(n, "itemprop");
		if (k == NULL || c == NULL)
			return;
		if (strcasecmp(k, "og:title") == 0)
			set_once(&m->og_title, c);
		else if (strcasecmp(k, "og:url") == 0)
			set_once(&m->og_url, c);
		else if (strcasecmp(k, "og:site_name") == 0)
			set_once(&m->og_site, c);
		else if (strcasecmp(k, "author") == 0)
			set_once(&m->author, c);
		else if (strcasecmp(k, "article:published_time") == 0 ||
		         strcasecmp(k, "datePublished") == 0)
			set_once(&m->published, c);
		else if (strcasecmp(k, "article:modified_time") == 0 ||
		         strcasecmp(k, "dateModified") == 0)
			set_once(&m->modified, c);
	} else if (strcmp(name, "link") == 0) {
		const char *rel = attr(n, "rel");

		if (rel && strcasecmp(rel, "canonical") == 0)
			set_once(&m->canonical, attr(n, "href"));
	} else if (strcmp(name, "base") == 0) {
		set_once(&m->base, attr(n, "href"));
	} else if (strcmp(name, "title") == 0 && m->title == NULL) {
		m->title = pc_node_text(n);
	} else if (strcmp(name, "script") == 0) {
		const char *t = attr(n, "type");

		if (t && strcasecmp(t, "application/ld+json") == 0 &&
		    pg->n_jsonld < sizeof(pg->jsonld) / sizeof(pg->jsonld[0]))
			pg->jsonld[pg->n_jsonld++] = n;
	}
}

/* ---- rendering (H3, H4) ---- */

static void
flush(struct page *pg)
{
	struct str *a = &pg->arena;
	struct block *b;

	while (a->len > pg->cur_off && (a->p[a->len - 1] == '\n' || a->p[a->len - 1] == ' '))
		a->len--;
	pg->space = 0;
	if (a->len == pg->cur_off || pg->oom)
		return;
	pg->blocks = grow(pg->blocks, &pg->cap_blocks, pg->n_blocks, sizeof(*b), &pg->oom);
	if (pg->blocks == NULL)
		return;
	b = &pg->blocks[pg->n_blocks++];
	memset(b, 0, sizeof(*b));
	b->off = pg->cur_off;
	b->len = a->len - pg->cur_off;
	b->chars = pg->cur_chars;
	b->link_chars = pg->cur_link;
	b->commas = pg->cur_commas;
	b->el = pg->owner;
	if (pg->owner >= 0) {
		const struct el *o = &pg->els[pg->owner];

		b->heading = o->tag->heading;
		b->item = (o->tag->kind & T_ITEM) != 0;
		b->caption = (o->tag->kind & T_CAPTION) != 0;
	}
	str_add(a, "", 1); /* a NUL between paragraphs */
	pg->cur_off = a->len;
	pg->cur_chars = pg->cur_link = pg->cur_commas = 0;
}

static void
add_text(struct page *pg, const char *s)
{
	struct str *a = &pg->arena;
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		const unsigned char *run = p;
		size_t chars = 0;

		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' ||
		    (p[0] == 0xc2 && p[1] == 0xa0)) {
			p += *p == 0xc2 ? 2 : 1;
			pg->space = a->len > pg->cur_off;
			continue;
		}
		while (*p && !(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' ||
		                 (p[0] == 0xc2 && p[1] == 0xa0))) {
			chars += (*p & 0xc0) != 0x80;
			pg->cur_commas += *p == ',';
			p++;
		}
		if (pg->space && a->len > pg->cur_off && a->p[a->len - 1] != '\n') {
			str_add(a, " ", 1);
			chars++;
		}
		pg->space = 0;
		str_add(a, (const char *)run, (size_t)(p - run));
		pg->cur_chars += chars;
		if (pg->in_link)
			pg->cur_link += chars;
	}
}

static int
hidden(xmlNodePtr n, unsigned *flags)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next) {
		const char *k = (const char *)a->name;

		if (strcasecmp(k, "hidden") == 0)
			return 1;
		if (strcasecmp(k, "aria-hidden") == 0 && strcasecmp(attr_text(a), "true") == 0)
			return 1;
		if (strcasecmp(k, "style") == 0 && style_hides(attr_text(a)))
			return 1;
		if (strcasecmp(k, "role") == 0)
			*flags |= role_flags(attr_text(a));
	}
	return 0;
}

/* H6, H7: the names of an element. */
static void
read_names(struct page *pg, struct el *e)
{
	char b[256];
	const char *cls = attr(e->node, "class"), *id = attr(e->node, "id"),
	           *ip = attr(e->node, "itemprop");

	/* an article's, a main's and the body's classes list its topics and the page's state
	 * (WordPress: category-*, tag-*, no-sidebar), not what the element is */
	int named = !(e->tag->kind & T_MAIN) && strcmp((const char *)e->node->name, "body") != 0 &&
	            !(ip && strcasecmp(ip, "articleBody") == 0);

	if (cls && *cls) {
		lower(b, sizeof(b), cls);
		e->class_hash = hash(b);
		if (named)
			e->flags |= name_is_boilerplate(b);
		e->name_weight += name_weight(b);
		if (pg->m.byline_el < 0 && (strstr(b, "byline") || strstr(b, "author")))
			pg->m.byline_el = (long)(e - pg->els);
	}
	if (id && *id) {
		lower(b, sizeof(b), id);
		if (named)
			e->flags |= name_is_boilerplate(b);
		e->name_weight += name_weight(b);
	}
	if (ip && *ip) {
		if (strcasecmp(ip, "articleBody") == 0)
			e->name_weight += 25;
		else if (strcasecmp(ip, "author") == 0 && pg->m.byline_el < 0)
			pg->m.byline_el = (long)(e - pg->els);
	}
}

static void
link_enter(struct page *pg, xmlNodePtr n)
{
	const char *href = attr(n, "href"), *rel = attr(n, "rel");
	struct link *l;

	if (href == NULL)
		return;
	pg->in_link++;
	if (rel && strcasecmp(rel, "author") == 0 && pg->m.rel_author == NULL)
		pg->m.rel_author = pc_node_text(n);
	if (pg->open_link >= 0 || pg->oom)
		return;
	pg->links = grow(pg->links, &pg->cap_links, pg->n_links, sizeof(*l), &pg->oom);
	if (pg->links == NULL)
		return;
	l = &pg->links[pg->n_links];
	l->href = strdup(href);
	l->off = pg->arena.len;
	l->block = pg->n_blocks;
	l->el = (long)pg->n_els - 1;
	pg->open_node = n;
	pg->open_link = (long)pg->n_links++;
}

static void
link_leave(struct page *pg, xmlNodePtr n)
{
	if (attr(n, "href") == NULL)
		return;
	pg->in_link--;
	if (pg->open_link >= 0 && pg->open_node == n) {
		struct link *l = &pg->links[pg->open_link];

		l->len = pg->arena.len - l->off;
		pg->open_link = -1;
	}
}

/* Opens element n; returns whether its children are to be rendered. */
static int
enter(struct page *pg, xmlNodePtr n)
{
	const char *name = (const char *)n->name;
	const struct tagdef *t;
	struct el *e;
	unsigned flags = 0;
	long idx;

	if (n->type == XML_TEXT_NODE) {
		if (n->content)
			add_text(pg, (const char *)n->content);
		return 0;
	}
	if (n->type != XML_ELEMENT_NODE || name == NULL)
		return 0;
	note_meta(pg, n, name);
	t = tag_find(name);
	if (t->kind & T_DROP)
		return 0;
	if (t->kind & T_BR) {
		if (pg->arena.len > pg->cur_off)
			str_add(&pg->arena, "\n", 1);
		pg->space = 0;
		return 0;
	}
	if (hidden(n, &flags))
		flags |= F_HIDDEN;
	if (t->kind & T_BLOCK)
		flush(pg);
	pg->els = grow(pg->els, &pg->cap_els, pg->n_els, sizeof(*e), &pg->oom);
	if (pg->els == NULL)
		return 0;
	idx = (long)pg->n_els++;
	e = &pg->els[idx];
	memset(e, 0, sizeof(*e));
	e->node = n;
	e->tag = t;
	e->parent = pg->cur;
	e->last = idx;
	e->owner_before = pg->owner;
	e->flags = flags;
	if (t->kind & T_HIDE)
		e->flags |= F_HIDDEN;
	if ((t->kind & T_BP) && !(pg->in_main && strcmp(name, "header") == 0))
		e->flags |= F_BP_TAG;
	if (t->kind & T_MAIN)
		pg->in_main++;
	if (t->kind & T_NAV)
		e->flags |= F_NAV;
	read_names(pg, e);
	e->weight = t->weight + e->name_weight;
	e->first = pg->n_blocks;
	if (pg->cur >= 0)
		pg->els[pg->cur].children++;
	if (strcmp(name, "body") == 0 && pg->body < 0)
		pg->body = idx;
	if (strcmp(name, "time") == 0 && pg->m.time_attr == NULL && attr(n, "datetime")) {
		pg->m.time_attr = strdup(attr(n, "datetime"));
		pg->m.time_el = idx;
	}
	if (t->kind & T_BLOCK) {
		if (pg->owner >= 0)
			pg->els[pg->owner].holds_blocks = 1;
		pg->owner = idx;
	}
	pg->cur = idx;
	n->_private = (void *)(uintptr_t)(idx + 1);
	if (t->kind & T_LINK)
		link_enter(pg, n);
	return 1;
}

static void
leave(struct page *pg, xmlNodePtr n)
{
	struct el *e;
	long idx;

	if (n->type != XML_ELEMENT_NODE || n->_private == NULL)
		return;
	idx = (long)(uintptr_t)n->_private - 1;
	e = &pg->els[idx];
	if (e->tag->kind & T_LINK)
		link_leave(pg, n);
	if (e->tag->kind & T_BLOCK) {
		flush(pg);
		pg->owner = e->owner_before;
	}
	if (e->tag->kind & T_MAIN)
		pg->in_main--;
	e = &pg->els[idx]; /* flush may not move els, but be plain about it */
	e->end = pg->n_blocks;
	e->last = (long)pg->n_els - 1;
	pg->cur = e->parent;
	n->_private = NULL;
}

/* H2, H4: the whole tree, without recursion. */
static void
render(struct page *pg, xmlNodePtr root)
{
	xmlNodePtr n = root;

	while (n != NULL && !pg->oom) {
		if (enter(pg, n) && n->children != NULL) {
			n = n->children;
			continue;
		}
		for (;;) {
			leave(pg, n);
			if (n == root) {
				n = NULL;
				break;
			}
			if (n->next != NULL) {
				n = n->next;
				break;
			}
			n = n->parent;
		}
	}
	flush(pg);
	if (pg->arena.oom)
		pg->oom = 1;
}

/*
 * H3, H5, H6: an element's boilerplate and hidden flags pass to what is inside it, unless it
 * holds over half of the page's text: then it is the page (a wrapper of everything with
 * class="has-sidebar", a <header> the parser never saw closed, a <noscript> page), not
 * boilerplate.  A paragraph takes the flags of the element it is rendered from.
 */
static void
settle(struct page *pg)
{
	size_t i, total;

	pg->pc[0] = pg->pl[0] = 0;
	for (i = 0; i < pg->n_blocks; i++) {
		pg->pc[i + 1] = pg->pc[i] + pg->blocks[i].chars;
		pg->pl[i + 1] = pg->pl[i] + pg->blocks[i].link_chars;
	}
	total = pg->pc[pg->n_blocks];
	for (i = 0; i < pg->n_els; i++) {
		struct el *e = &pg->els[i];
		unsigned up = e->parent >= 0 ? pg->els[e->parent].flags : 0;
		size_t chars = pg->pc[e->end] - pg->pc[e->first];

		if ((e->flags & F_BP_LINKED) && pg->pl[e->end] > pg->pl[e->first])
			e->flags |= F_BP_NAME;
		e->flags &= ~(unsigned)F_BP_LINKED;

		if (chars * 2 > total)
			e->flags &= F_NAV;
		e->flags |= up;
	}
	for (i = 0; i < pg->n_blocks; i++)
		if (pg->blocks[i].el >= 0)
			pg->blocks[i].flags = pg->els[pg->blocks[i].el].flags;
}

/* ---- selection (H7 to H11) ---- */

static const char *
btext(const struct page *pg, const struct block *b)
{
	return pg->arena.p + b->off;
}

static size_t
el_chars(const struct page *pg, const struct el *e)
{
	return pg->pc[e->end] - pg->pc[e->first];
}

static double
el_density(const struct page *pg, const struct el *e)
{
	size_t c = el_chars(pg, e);

	return c ? (double)(pg->pl[e->end] - pg->pl[e->first]) / (double)c : 0.0;
}

static void
add_score(struct page *pg, long i, double s)
{
	struct el *e = &pg->els[i];

	if (!e->scored) {
		e->scored = 1;
		e->score = e->weight;
		pg->scored[pg->n_scored++] = i;
	}
	e->score += s;
}

/* H7 */
static void
score_blocks(struct page *pg, unsigned mask)
{
	size_t i;

	for (i = 0; i < pg->n_blocks; i++) {
		const struct block *b = &pg->blocks[i];
		double s;
		long e;
		int level;

		if ((b->flags & mask) || b->heading || b->chars < 25 || b->el < 0)
			continue;
		s = 1.0 + (double)b->commas + fmin((double)b->chars / 100.0, 3.0);
		e = b->el;
		if (!pg->els[e].holds_blocks)
			e = pg->els[e].parent;
		for (level = 0; e >= 0 && level < 5; level++, e = pg->els[e].parent)
			add_score(pg, e, s / (level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0));
	}
	for (i = 0; i < pg->n_scored; i++) {
		struct el *e = &pg->els[pg->scored[i]];

		e->score *= 1.0 - el_density(pg, e);
	}
}

static int
is_ancestor(const struct page *pg, long a, long b)
{
	return a < b && b <= pg->els[a].last;
}

/* H8 */
static long
top_candidate(struct page *pg)
{
	long top[5] = {-1, -1, -1, -1, -1}, t, p;
	size_t i;
	int k, alts = 0;
	double last, thr;

	for (i = 0; i < pg->n_scored; i++) {
		long c = pg->scored[i];

		for (k = 0; k < 5; k++) {
			if (top[k] < 0 || pg->els[c].score > pg->els[top[k]].score) {
				memmove(top + k + 1, top + k, (size_t)(4 - k) * sizeof(top[0]));
				top[k] = c;
				break;
			}
		}
	}
	if ((t = top[0]) < 0)
		return -1;
	for (k = 1; k < 5; k++)
		alts += top[k] >= 0 && pg->els[top[k]].score >= 0.75 * pg->els[t].score;
	if (alts >= 3) {
		for (p = pg->els[t].parent; p >= 0 && p != pg->body; p = pg->els[p].parent) {
			int n = 0;

			for (k = 1; k < 5; k++)
				n += top[k] >= 0 && pg->els[top[k]].score >= 0.75 * pg->els[t].score &&
				     is_ancestor(pg, p, top[k]);
			if (n >= 3) {
				t = p;
				break;
			}
		}
	}
	if (!pg->els[t].scored)
		add_score(pg, t, 0);
	last = pg->els[t].score;
	thr = last / 3;
	for (p = pg->els[t].parent; p >= 0 && p != pg->body; p = pg->els[p].parent) {
		if (!pg->els[p].scored)
			continue;
		if (pg->els[p].score < thr)
			break;
		if (pg->els[p].score > last) {
			t = p;
			break;
		}
		last = pg->els[p].score;
	}
	while ((p = pg->els[t].parent) >= 0 && p != pg->body && pg->els[p].children == 1)
		t = p;
	return t;
}

static void
keep_el(struct page *pg, const struct el *e, unsigned mask)
{
	pg->picked[pg->n_picked++] = (long)(e - pg->els);
	for (size_t i = e->first; i < e->end; i++)
		if (!(pg->blocks[i].flags & mask))
			pg->blocks[i].keep = 1;
}

/* Is paragraph b prose that stands alone: over 80 characters with under a quarter of them link
 * text, or without links, ending a sentence (H9, H9b)? */
static int
lone_prose(const struct page *pg, const struct block *b)
{
	double ld = b->chars ? (double)b->link_chars / (double)b->chars : 0;

	return (b->chars > 80 && ld < 0.25) ||
	       (b->link_chars == 0 && ends_complete(btext(pg, b), b->len));
}

/* H9 */
static void
take_siblings(struct page *pg, long t, unsigned mask)
{
	const struct el *top = &pg->els[t];
	long p = top->parent, c;
	double thr = fmax(10.0, top->score * 0.2);

	if (p < 0 || t == pg->body) {
		keep_el(pg, top, mask);
		return;
	}
	for (c = p + 1; c <= pg->els[p].last; c = pg->els[c].last + 1) {
		const struct el *s = &pg->els[c];
		double bonus = 0;

		if (c == t) {
			keep_el(pg, s, mask);
			continue;
		}
		if ((s->flags & mask) || s->first == s->end)
			continue;
		if (s->class_hash && s->class_hash == top->class_hash)
			bonus = top->score * 0.2;
		if (s->scored && s->score + bonus >= thr) {
			keep_el(pg, s, mask);
		} else if ((s->tag->kind & T_BLOCK) && !s->holds_blocks && s->end == s->first + 1 &&
		           lone_prose(pg, &pg->blocks[s->first])) {
			keep_el(pg, s, mask);
		}
	}
}

static void title_trim(struct str *t, const char *s);
static void add_folded(struct str *t, const char *s);

/* Is s[0..n) the same text as t, letters and digits only, in any ASCII case (a heading's
 * spans run its parts together where the title has " - " between them)? */
static int
same_text(const char *s, size_t n, const struct str *t)
{
	size_t i = 0, k = 0, letters = 0;

	for (;;) {
		while (i < n && (unsigned char)s[i] < 0x80 && !isalnum((unsigned char)s[i]))
			i++;
		while (k < t->len && (unsigned char)t->p[k] < 0x80 && !isalnum((unsigned char)t->p[k]))
			k++;
		if (i == n || k == t->len)
			return i == n && k == t->len && letters >= 8;
		if (tolower((unsigned char)s[i]) != tolower((unsigned char)t->p[k]))
			return 0;
		i++, k++, letters++;
	}
}

/* H9b: the page's title as its head gives it: og:title, and <title> without its site name. */
static void
head_titles(const struct page *pg, struct str *og, struct str *title)
{
	if (pg->m.og_title)
		add_folded(og, pg->m.og_title);
	if (pg->m.title) {
		struct str f = {0};

		add_folded(&f, pg->m.title);
		if (f.p)
			title_trim(title, f.p);
		free(f.p);
	}
}

#ifndef LEAD_NEAR
#define LEAD_NEAR 12
#endif
/* H9b: the article starts at its headline: the nearest h1 before its first paragraph, and the
 * prose between them (a lead or standfirst in the page's header), join it. */
static void
take_lead(struct page *pg, unsigned mask)
{
	size_t first, i, seen = 0;
	long h = -1, h2 = -1, hb = -1;
	struct str og = {0}, title = {0};

	for (first = 0; first < pg->n_blocks && !pg->blocks[first].keep; first++)
		;
	if (first == pg->n_blocks)
		return;
	head_titles(pg, &og, &title);
	for (i = first; i > 0 && h < 0; i--) {
		const struct block *b = &pg->blocks[i - 1];
		int named;

		if (b->flags & mask) {
			if (b->heading == 1 && hb < 0 && !(b->flags & F_HIDDEN) && seen < LEAD_NEAR)
				hb = (long)i - 1; /* a headline in a boilerplate name: the lead's start */
			continue; /* share buttons and menus between do not count */
		}
		seen++;
		if (!b->heading || b->heading > 2)
			continue;
		named = same_text(btext(pg, b), b->len, &og) || same_text(btext(pg, b), b->len, &title);
		if (seen > LEAD_NEAR && !named)
			continue;
		if (b->heading == 1)
			h = (long)i - 1;
		else if (h2 < 0)
			h2 = (long)i - 1;
		if (seen > LEAD_NEAR && h < 0 && named)
			h = h2;
	}
	free(og.p);
	free(title.p);
	if (h < 0)
		h = h2; /* a page whose headline is an h2 */
	if (h < 0 && hb >= 0) {
		h = hb;
	} else {
		if (h < 0)
			return;
		pg->blocks[h].keep = 1;
	}
	for (i = (size_t)h + 1; i < first; i++) {
		struct block *b = &pg->blocks[i];

		if (!(b->flags & mask) && !b->heading && lone_prose(pg, b))
			b->keep = 1;
	}
}

/* H10 for a container, judged on the paragraphs still kept (pc, pl, pm count only those). */
static int
clean_drops(const struct page *pg, const struct el *e)
{
	size_t i, chars = el_chars(pg, e), items = 0, heads = 0;
	double ld;
	int list;

	if (chars == 0 || pg->pm[e->end] - pg->pm[e->first] >= 5)
		return 0;
	ld = el_density(pg, e);
	for (i = e->first; i < e->end; i++) {
		if (!pg->blocks[i].keep)
			continue;
		items += pg->blocks[i].item ? pg->blocks[i].chars : 0;
		heads += pg->blocks[i].heading != 0;
	}
	list = (e->tag->kind & T_LIST) || items * 10 >= chars * 9;
	return ld > 0.5 || (!list && e->name_weight < 25 && ld > 0.2) || (chars < 40 && heads == 0) ||
	       (e->scored && e->score + e->name_weight < 0);
}

/* The time a short paragraph's dateline names (H10, H13), or 0; read once per paragraph. */
static int64_t
block_date(const struct page *pg, struct block *b)
{
	if (!b->dated) {
		b->date = b->chars <= 80 ? dateline_time(btext(pg, b), b->len) : 0;
		b->dated = 1;
	}
	return b->date;
}

static size_t
block_words(const struct page *pg, const struct block *b)
{
	const char *s = btext(pg, b);
	size_t i, w = 0;

	for (i = 0; i < b->len; i++)
		w += s[i] != ' ' && s[i] != '\n' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\n');
	return w;
}

/* H10: a credit's labels, in the languages of textdump's stop words */
static const char *const credit_labels[] = {"foto", "fotos", "photo", "photos", "bild",
    "bilder", "bildquelle", "quelle", "quellen", "source", "sources", "credit", "credits",
    "image", "images", "picture", "fuente", "fuentes", "fonte", "fontes", "cr\xc3\xa9" "dit",
    "cr\xc3\xa9" "dits", "zdj\xc4\x99" "cie", "zdj\xc4\x99" "cia", "fot", "grafik", "illustration",
    NULL};

/* H10: a credit written as a paragraph of at most 10 words: a label and a colon, perhaps in
 * brackets ("Foto: Ana Ruiz", "(Quelle: dpa)", "Fuente: EFE"). */
static int
is_credit_para(const char *s, size_t n, size_t words)
{
	size_t i = n > 0 && s[0] == '(', k = i, e;

	if (words > 10)
		return 0;
	while (k < n && (isalpha((unsigned char)s[k]) || (unsigned char)s[k] >= 0x80))
		k++;
	for (e = k; e < n && s[e] == ' '; e++)
		;
	if (k == i || e >= n || s[e] != ':')
		return 0;
	for (const char *const *l = credit_labels; *l; l++)
		if (strlen(*l) == k - i && strncasecmp(*l, s + i, k - i) == 0)
			return 1;
	return 0;
}

/* H10: appeals to the reader that close an article: the site's app, channel or newsletter,
 * "did you like it", support and donations, "the full story" behind a subscription */
const char *const appeal_phrases[] = {"full story", "download the", "download our",
    "our app", "the app", "apps for", "get the latest", "never miss", "stay up to date",
    "support us", "support our", "donate", "did you like", "did you enjoy", "youtube channel",
    "sign up", "gef\xc3\xa4llt dir", "gef\xc3\xa4llt ihnen", "hat ihnen", "hat dir",
    "war der artikel", "war dieser artikel", "unterst\xc3\xbctzen sie",
    "unterst\xc3\xbctze uns", "spende", "unsere app", "verpassen sie", "weitere infos",
    "mehr infos", "nuestro canal", "suscr\xc3\xad", "descarga", "s\xc3\xadguenos",
    "ap\xc3\xb3yanos", "abonnez", "t\xc3\xa9l\xc3\xa9" "chargez", "soutenez", "iscriviti",
    "scarica", "sostienici", "assine", "baixe", "abonneer", "steun ons", "subskrybuj",
    "pobierz", "wesprzyj", NULL};

/* Does s[0..n) hold one of the lower-case phrases, in any ASCII case? */
static int
has_phrase_dom(const char *s, size_t n, const char *const *phrases)
{
	for (const char *const *p = phrases; *p; p++) {
		size_t l = strlen(*p);

		for (size_t i = 0; i + l <= n; i++)
			if ((s[i] | 0x20) == (*p)[0] && strncasecmp(s + i, *p, l) == 0)
				return 1;
	}
	return 0;
}

/* H10: after the article's last paragraph of 80 characters or more, the short lines (up to 6
 * words, no list items) outside that paragraph's parent go: they sit in boxes of their own
 * after the text (an author's role, an "about us" line, a rating, a calendar's cells). */
static void
drop_tail_lines(struct page *pg)
{
	size_t i, last = pg->n_blocks;
	long par;

	for (i = pg->n_blocks; i > 0 && last == pg->n_blocks; i--) {
		const struct block *b = &pg->blocks[i - 1];

		if (b->keep && !b->heading && b->chars >= 80 && b->el >= 0)
			last = i - 1;
	}
	if (last == pg->n_blocks || (par = pg->els[pg->blocks[last].el].parent) < 0)
		return;
	for (i = last + 1; i < pg->n_blocks; i++) {
		struct block *b = &pg->blocks[i];

		if (b->keep && b->el >= 0 && !b->item && b->el != par && !is_ancestor(pg, par, b->el) &&
		    block_words(pg, b) <= 6)
			b->keep = 0;
	}
}

/* H10: the paragraphs of the article, then the containers inside it. */
static void
clean(struct page *pg)
{
	size_t i, k, last;
	int next; /* the level of the next heading kept, 99 for text, 0 for none */

	for (i = 0; i < pg->n_blocks; i++) {
		struct block *b = &pg->blocks[i];

		if (b->keep && (b->link_chars * 2 > b->chars ||
		                   (!ends_complete(btext(pg, b), b->len) &&
		                    is_related_pointer(btext(pg, b), b->len))))
			b->keep = 0;
		if (b->keep && (strncmp(btext(pg, b), "\xc2\xa9", 2) == 0 ||
		                   strncasecmp(btext(pg, b), "copyright", 9) == 0))
			b->keep = 0;
		if (b->keep && ((!b->heading && is_ui_label(btext(pg, b), b->len, block_words(pg, b))) ||
		                   is_legal(btext(pg, b), b->len, block_words(pg, b)) ||
		                   is_credit_para(btext(pg, b), b->len, block_words(pg, b))))
			b->keep = 0;
	}
	for (i = 0; i < pg->n_blocks; i++) {
		const struct block *b = &pg->blocks[i];

		pg->pc[i + 1] = pg->pc[i] + (b->keep ? b->chars : 0);
		pg->pl[i + 1] = pg->pl[i] + (b->keep ? b->link_chars : 0);
		pg->pm[i + 1] = pg->pm[i] + (b->keep ? b->commas : 0);
	}
	for (k = 0; k < pg->n_picked; k++) {
		long c, end = pg->els[pg->picked[k]].last;

		for (c = pg->picked[k] + 1; c <= end; c++) {
			const struct el *e = &pg->els[c];

			if (!(e->tag->kind & T_CLEAN) || e->first == e->end || !clean_drops(pg, e))
				continue;
			for (i = e->first; i < e->end; i++)
				pg->blocks[i].keep = 0;
			c = e->last; /* its descendants are gone with it */
		}
	}
	/* a heading whose section lost all its text: nothing kept after it before a heading of
	 * its level or above ("Related stories" over the list H10 took out) */
	for (last = pg->n_blocks, next = 0; last > 0; last--) {
		struct block *b = &pg->blocks[last - 1];

		if (!b->keep)
			continue;
		if (b->heading && (next == 0 || (next != 99 && next <= b->heading)))
			b->keep = 0;
		else
			next = b->heading ? b->heading : 99;
	}
	/* datelines before its first prose: H13's date, not text */
	for (i = 0; i < pg->n_blocks; i++) {
		struct block *b = &pg->blocks[i];

		if (!b->keep || b->heading)
			continue;
		if (lone_prose(pg, b))
			break;
		if (block_date(pg, b) != 0)
			b->keep = 0;
	}
	/* social and subscription prompts and datelines at its end */
	for (last = pg->n_blocks; last > 0; last--) {
		struct block *b = &pg->blocks[last - 1];
		const char *s = btext(pg, b);
		size_t words = 1;

		if (!b->keep)
			continue;
		for (i = 0; i < b->len; i++)
			words += s[i] == ' ';
		if (!b->heading && !is_prompt(s, b->len, words) && block_date(pg, b) == 0 &&
		    !(words < 40 && has_phrase_dom(s, b->len, appeal_phrases)))
			break;
		b->keep = 0;
	}
	drop_tail_lines(pg);
}



/* H7 to H10 with boilerplate `mask`; returns the characters kept. */
static size_t
select_article(struct page *pg, unsigned mask)
{
	size_t i, total = 0;
	long t;

	for (i = 0; i < pg->n_scored; i++)
		pg->els[pg->scored[i]].scored = 0;
	pg->n_scored = 0;
	pg->n_picked = 0;
	pg->pc[0] = pg->pl[0] = pg->pm[0] = 0;
	for (i = 0; i < pg->n_blocks; i++) {
		const struct block *b = &pg->blocks[i];
		int on = !(b->flags & mask);

		pg->blocks[i].keep = 0;
		pg->pc[i + 1] = pg->pc[i] + (on ? b->chars : 0);
		pg->pl[i + 1] = pg->pl[i] + (on ? b->link_chars : 0);
		pg->pm[i + 1] = pg->pm[i] + (on ? b->commas : 0);
	}
	score_blocks(pg, mask);
	if ((t = top_candidate(pg)) < 0)
		return 0;
	take_siblings(pg, t, mask);
	take_lead(pg, mask);
	clean(pg);
	for (i = 0; i < pg->n_blocks; i++)
		total += pg->blocks[i].keep ? pg->blocks[i].chars : 0;
	return total;
}

/* H11: returns the characters kept, the kept blocks marked. */
static size_t
choose(struct page *pg)
{
	size_t a, b;
	int *keep;

	a = select_article(pg, F_BP_TAG | F_BP_NAME | F_HIDDEN);
	if ((keep = malloc((pg->n_blocks + 1) * sizeof(int))) == NULL) {
		pg->oom = 1;
		return a;
	}
	for (size_t i = 0; i < pg->n_blocks; i++)
		keep[i] = pg->blocks[i].keep;
	b = select_article(pg, F_BP_TAG | F_HIDDEN);
	if (!(a < 250 ? b > a : b > 3 * a)) {
		for (size_t i = 0; i < pg->n_blocks; i++)
			pg->blocks[i].keep = keep[i];
		b = a;
	}
	free(keep);
	return b;
}

/* ---- the entries (H12 to H14) ---- */

static void
jsonld_author(json_t *a, char **out)
{
	if (json_is_array(a))
		a = json_array_get(a, 0);
	if (json_is_object(a))
		a = json_object_get(a, "name");
	if (json_is_string(a))
		set_once(out, json_string_value(a));
}

static void
jsonld_walk(json_t *v, int depth, struct meta *m, char **author)
{
	size_t i;
	json_t *x;

	if (depth > 4)
		return;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			jsonld_walk(x, depth + 1, m, author);
		return;
	}
	if (!json_is_object(v))
		return;
	if (json_is_string(x = json_object_get(v, "datePublished")))
		set_once(&m->published, json_string_value(x));
	if (json_is_string(x = json_object_get(v, "dateModified")))
		set_once(&m->modified, json_string_value(x));
	if ((x = json_object_get(v, "author")) != NULL)
		jsonld_author(x, author);
	if ((x = json_object_get(v, "@graph")) != NULL)
		jsonld_walk(x, depth + 1, m, author);
}

/* H13's JSON-LD: fills what the meta tags left unset. */
static void
read_jsonld(struct page *pg, char **author)
{
	for (size_t i = 0; i < pg->n_jsonld; i++) {
		char *s = pc_node_text(pg->jsonld[i]);
		json_t *v;

		if (s == NULL)
			continue;
		v = json_loads(s, JSON_DECODE_ANY, NULL);
		free(s);
		if (v) {
			jsonld_walk(v, 0, &pg->m, author);
			json_decref(v);
		}
	}
}

/* H12: <title> without the site's name. */
static void
title_trim(struct str *t, const char *s)
{
	static const char *const seps[] = {" | ", " - ", " \xe2\x80\x93 ", " \xe2\x80\x94 ", " :: ",
	    " \xc2\xb7 ", NULL};
	size_t n = strlen(s), cut = n;

	for (const char *const *p = seps; *p; p++) {
		const char *last = NULL, *q = s;

		while ((q = strstr(q, *p)) != NULL)
			last = q++;
		if (last && (size_t)(last - s) >= 10 && (size_t)(last - s) < cut)
			cut = (size_t)(last - s);
	}
	str_add(t, s, cut);
}

/* Folded copy of s into t. */
static void
add_folded(struct str *t, const char *s)
{
	int space = 0;

	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = t->len > 0;
			continue;
		}
		if (space)
			str_add(t, " ", 1);
		space = 0;
		str_add(t, s, 1);
	}
}

/* H12: the headline into t; the article's h1, if it is the headline, is no longer kept. */
static void
headline(struct page *pg, struct str *t)
{
	const struct block *h1 = NULL;
	size_t i;

	for (i = 0; i < pg->n_blocks && h1 == NULL; i++) {
		if (pg->blocks[i].heading == 1 && pg->blocks[i].keep) {
			pg->blocks[i].keep = 0;
			h1 = &pg->blocks[i];
			pg->h1 = (long)i;
		}
	}
	for (i = 0; i < pg->n_blocks && h1 == NULL && pg->m.og_title == NULL; i++)
		if (pg->blocks[i].heading == 1)
			h1 = &pg->blocks[i];
	if (h1) {
		str_add(t, btext(pg, h1), h1->len);
	} else if (pg->m.og_title) {
		add_folded(t, pg->m.og_title);
	} else if (pg->m.title) {
		struct str f = {0};

		add_folded(&f, pg->m.title);
		if (f.p)
			title_trim(t, f.p);
		free(f.p);
	}
	for (i = 0; i < t->len; i++)
		if (t->p[i] == '\n')
			t->p[i] = ' ';
}

static void
add_para_html(struct str *h, const char *s, size_t n, int heading)
{
	size_t i, start = 0;

	str_adds(h, heading ? "<h2>" : "<p>");
	for (i = 0; i < n; i++) {
		if (s[i] != '\n')
			continue;
		str_add_html(h, s + start, i - start);
		str_adds(h, "<br>");
		start = i + 1;
	}
	str_add_html(h, s + start, n - start);
	str_adds(h, heading ? "</h2>" : "</p>");
}

static char *
byline_text(struct page *pg)
{
	const struct el *e;
	struct str t = {0};

	if (pg->m.byline_el < 0)
		return NULL;
	e = &pg->els[pg->m.byline_el];
	if (e->end != e->first + 1 || pg->blocks[e->first].chars > 80) {
		if (e->end == e->first) /* inline: its text */
			return pc_node_text(e->node);
		return NULL;
	}
	str_add(&t, btext(pg, &pg->blocks[e->first]), pg->blocks[e->first].len);
	return t.p;
}

static char *
clean_author(char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	pc_trim(s);
	for (p = s; *p; p++)
		if (isspace((unsigned char)*p))
			*p = ' ';
	if (strncasecmp(s, "by ", 3) == 0)
		memmove(s, s + 3, strlen(s + 3) + 1);
	pc_trim(s);
	if (*s == '\0' || strlen(s) > 120 || strstr(s, "://")) {
		free(s);
		return NULL;
	}
	return s;
}

static const char *
page_base(const struct page *pg, const struct feedd_input *in)
{
	if (pg->m.base)
		return pg->m.base;
	return strncmp(in->url, "stdin:", 6) ? in->url : NULL;
}

/* H13's last resort: a dateline ("Tuesday, December 1, 2026 09:12") among the few paragraphs
 * around the article's opening (its headline, or its first paragraph). */
static int64_t
near_date(struct page *pg, const struct block *first)
{
	size_t at = (size_t)(first - pg->blocks), i, lo;
	int64_t t;

	size_t seen = 0;

	if (pg->h1 >= 0 && (size_t)pg->h1 < at)
		at = (size_t)pg->h1;
	lo = at > 3 ? at - 3 : 0;
	/* boilerplate between (share buttons) does not count toward the few, though a date
	 * may sit in it ("post-meta") */
	for (i = lo; i < pg->n_blocks && seen < 11; i++) {
		struct block *b = &pg->blocks[i];

		seen += !(b->flags & (F_BP_TAG | F_BP_NAME | F_HIDDEN));
		if (!b->heading && (t = block_date(pg, b)) != 0)
			return t;
	}
	return 0;
}

static int
article_emit(struct page *pg, const struct feedd_host *h, const char *base, const char *link,
    long title_max, long id_words)
{
	struct str title = {0}, html = {0}, key = {0}, caption = {0};
	struct feedd_entry e = {0};
	const struct block *first = NULL;
	char *author = NULL, *ld_author = NULL;
	size_t i;
	int rc = 0;

	headline(pg, &title);
	for (i = 0; i < pg->n_blocks; i++) {
		const struct block *b = &pg->blocks[i];

		if (!b->keep)
			continue;
		if (b->caption) { /* H12: beside the text, not in it */
			if (caption.len)
				str_adds(&caption, "; ");
			str_add(&caption, btext(pg, b), b->len);
			continue;
		}
		if (first == NULL && !b->heading)
			first = b;
		add_para_html(&html, btext(pg, b), b->len, b->heading != 0);
	}
	if (first == NULL) {
		free(title.p);
		free(html.p);
		free(caption.p);
		return 0;
	}
	for (i = 0; i < caption.len; i++)
		if (caption.p[i] == '\n')
			caption.p[i] = ' ';
	if (title.len == 0)
		derive_title(&title, btext(pg, first), first->len, (size_t)title_max);
	make_id_key(&key, btext(pg, first), first->len, id_words);
	read_jsonld(pg, &ld_author);
	author = clean_author(pg->m.author ? strdup(pg->m.author)
	                     : ld_author ? strdup(ld_author)
	                     : pg->m.rel_author ? strdup(pg->m.rel_author)
	                                        : byline_text(pg));
	e.id_key = key.p;
	e.title = title.len ? title.p : NULL;
	e.content = html.p;
	e.caption = caption.len ? caption.p : NULL;
	e.link = link ? link : base;
	e.author = author;
	e.published = pg->m.published ? pc_parse_date(pg->m.published) : 0;
	if (e.published == 0 && pg->m.time_attr)
		e.published = pc_parse_date(pg->m.time_attr);
	if (e.published == 0)
		e.published = near_date(pg, first);
	e.updated = pg->m.modified ? pc_parse_date(pg->m.modified) : 0;
	if (title.oom || html.oom || key.oom || caption.oom) {
		h->error(h->ctx, "textdump: out of memory");
		rc = -2;
	} else {
		rc = h->emit(h->ctx, &e);
	}
	free(title.p);
	free(html.p);
	free(key.p);
	free(caption.p);
	free(author);
	free(ld_author);
	return rc;
}

/* H14's URLs already taken, an open-addressed hash set of pointers to them (the links' hrefs
 * or the article's URL): a page of 50,000 links looked each one up in all those before it. */
struct urlset {
	const char **v;
	size_t mask;
};

static int
urlset_init(struct urlset *s, size_t n)
{
	size_t c = 16;

	while (c < 2 * n + 2)
		c *= 2;
	s->mask = c - 1;
	return (s->v = calloc(c, sizeof *s->v)) == NULL ? -1 : 0;
}

/* Adds url unless it is there; returns 1 if it was. url must outlive the set. */
static int
urlset_seen(struct urlset *s, const char *url)
{
	size_t i = hash(url) & s->mask;

	for (; s->v[i]; i = (i + 1) & s->mask)
		if (strcmp(s->v[i], url) == 0)
			return 1;
	s->v[i] = url;
	return 0;
}

/* H14: one teaser, its text (NUL-separated paragraphs) text[0..n). */
static int
emit_teaser(const struct feedd_host *h, const char *url, const char *text, size_t n,
    long title_max, long id_words)
{
	struct str title = {0}, sum = {0}, key = {0};
	struct feedd_entry e = {0};
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		size_t m = strnlen(text + i, n - i);

		if (m == 0)
			continue;
		if (title.len == 0) {
			if (m > (size_t)title_max)
				derive_title(&title, text + i, m, (size_t)title_max);
			else
				str_add(&title, text + i, m);
		}
		if (sum.len)
			str_add(&sum, " ", 1);
		str_add(&sum, text + i, m);
		i += m;
	}
	for (i = 0; i < sum.len; i++)
		if (sum.p[i] == '\n')
			sum.p[i] = ' ';
	for (i = 0; i < title.len; i++)
		if (title.p[i] == '\n')
			title.p[i] = ' ';
	str_adds(&sum, "\xe2\x80\xa6");
	make_id_key(&key, sum.p ? sum.p : "", sum.len, id_words);
	e.id_key = key.p;
	e.title = title.p;
	e.summary = sum.p;
	e.link = url;
	e.truncated = 1;
	if (title.oom || sum.oom || key.oom) {
		h->error(h->ctx, "textdump: out of memory");
		rc = -2;
	} else {
		rc = h->emit(h->ctx, &e);
	}
	free(title.p);
	free(sum.p);
	free(key.p);
	return rc;
}

/* Does href lead to a page (not a fragment of this one, a script, a mail or phone number)? */
static int
page_scheme(const char *href)
{
	static const char *const not[] = {"javascript:", "mailto:", "tel:", "data:", "sms:",
	    "whatsapp:", "about:", NULL};

	while (isspace((unsigned char)*href))
		href++;
	for (const char *const *p = not; *p; p++)
		if (strncasecmp(href, *p, strlen(*p)) == 0)
			return 0;
	return 1;
}

static int
emit_teasers(struct page *pg, const struct feedd_host *h, const char *base, const char *article,
    long title_max, long id_words)
{
	struct urlset seen;
	int rc = 0;

	/* at most one URL per link, and the article's: the set is never over half full */
	if (urlset_init(&seen, pg->n_links + 1) == -1) {
		h->error(h->ctx, "textdump: out of memory");
		return -2;
	}
	if (article || base)
		urlset_seen(&seen, article ? article : base);
	for (size_t i = 0; i < pg->n_links && rc == 0; i++) {
		struct link *l = &pg->links[i];
		const char *text = pg->arena.p + l->off;
		char *url;
		size_t words = 0, chars = 0;

		if (l->href == NULL || l->len == 0 || (pg->els[l->el].flags & (F_NAV | F_HIDDEN)) ||
		    (l->block < pg->n_blocks && pg->blocks[l->block].keep))
			continue;
		for (size_t k = 0; k < l->len; k++) {
			chars++;
			words += text[k] != ' ' && text[k] != '\0' && text[k] != '\n' &&
			         (k == 0 || text[k - 1] == ' ' || text[k - 1] == '\0' ||
			             text[k - 1] == '\n');
		}
		if (words < 4 || chars < 20)
			continue;
		url = l->href[0] == '#' || !page_scheme(l->href) ? NULL : pc_resolve(l->href, base);
		if (url == NULL || urlset_seen(&seen, url)) {
			free(url);
			continue;
		}
		free(l->href);
		l->href = url; /* the set points to it: freed with the page, after the set */
		rc = emit_teaser(h, url, text, l->len, title_max, id_words);
	}
	free(seen.v);
	return rc;
}

/* ---- H1 and the whole ---- */

int
dom_is_html(const struct feedd_input *in)
{
	static const char *const opens[] = {"<!doctype html", "<html", "<head", "<body", "<meta",
	    "<title", "<script", "<style", "<link", NULL};
	const char *p = in->data, *end = in->data + in->len;

	if (in->content_type && (strcasecmp(in->content_type, "text/html") == 0 ||
	                            strcasecmp(in->content_type, "application/xhtml+xml") == 0))
		return 1;
	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (;;) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			const char *c = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);

			if (c == NULL)
				return 0;
			p = c + 3;
			continue;
		}
		if (end - p >= 5 && memcmp(p, "<?xml", 5) == 0) {
			const char *c = memmem(p + 5, (size_t)(end - p - 5), "?>", 2);

			if (c == NULL)
				return 0;
			p = c + 2;
			continue;
		}
		break;
	}
	for (const char *const *o = opens; *o; o++) {
		size_t n = strlen(*o);

		if ((size_t)(end - p) > n && strncasecmp(p, *o, n) == 0 &&
		    (isspace((unsigned char)p[n]) || p[n] == '>' || p[n] == '/'))
			return 1;
	}
	return 0;
}

static void
page_free(struct page *pg)
{
	struct meta *m = &pg->m;

	for (size_t i = 0; i < pg->n_links; i++)
		free(pg->links[i].href);
	free(pg->links);
	free(pg->els);
	free(pg->blocks);
	free(pg->arena.p);
	free(pg->pc);
	free(pg->pl);
	free(pg->pm);
	free(pg->scored);
	free(pg->picked);
	free(m->og_title);
	free(m->og_url);
	free(m->og_site);
	free(m->canonical);
	free(m->author);
	free(m->published);
	free(m->modified);
	free(m->title);
	free(m->base);
	free(m->rel_author);
	free(m->time_attr);
}

static void
feed_info(struct page *pg, const struct feedd_host *h, const char *base)
{
	struct feedd_feed_info fi = {0};
	struct str t = {0};

	if (pg->m.og_site)
		add_folded(&t, pg->m.og_site);
	else if (pg->m.title)
		add_folded(&t, pg->m.title);
	fi.title = t.len ? t.p : NULL;
	fi.link = base;
	h->feed_info(h->ctx, &fi);
	free(t.p);
}

int
dom_segment(const struct feedd_host *h, const struct feedd_input *in, long title_max,
    long id_words)
{
	struct page pg;
	htmlDocPtr doc;
	xmlNodePtr root;
	int rc = 0;

	if (in->len > 0x7fffffff) {
		h->error(h->ctx, "textdump: page too large for the HTML parser");
		return -1;
	}
	doc = htmlReadMemory(in->data, (int)in->len, in->url, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
	        HTML_PARSE_IGNORE_ENC);
	if (doc == NULL || (root = xmlDocGetRootElement(doc)) == NULL) {
		xmlFreeDoc(doc);
		h->error(h->ctx, "textdump: nothing parseable in the HTML page");
		return -1;
	}
	memset(&pg, 0, sizeof(pg));
	pg.cur = pg.owner = pg.open_link = pg.body = pg.h1 = -1;
	pg.m.time_el = pg.m.byline_el = -1;
	render(&pg, root);
	if (!pg.oom) {
		pg.pc = malloc((pg.n_blocks + 1) * sizeof(size_t));
		pg.pl = malloc((pg.n_blocks + 1) * sizeof(size_t));
		pg.pm = malloc((pg.n_blocks + 1) * sizeof(size_t));
		pg.scored = malloc((pg.n_els + 1) * sizeof(long));
		pg.picked = malloc((pg.n_els + 1) * sizeof(long));
		pg.oom = !pg.pc || !pg.pl || !pg.pm || !pg.scored || !pg.picked;
	}
	if (!pg.oom) {
		settle(&pg);
		choose(&pg);
	}
	if (pg.oom) {
		h->error(h->ctx, "textdump: out of memory");
		rc = -1;
	} else {
		/* H13: the page's base and the article's link, for the article and its teasers */
		const char *base = page_base(&pg, in);
		char *link = pc_resolve(pg.m.canonical ? pg.m.canonical : pg.m.og_url, base);

		feed_info(&pg, h, base);
		rc = article_emit(&pg, h, base, link, title_max, id_words);
		if (rc == 0)
			rc = emit_teasers(&pg, h, base, link, title_max, id_words);
		rc = rc == -2 ? -1 : 0;
		free(link);
	}
	page_free(&pg);
	xmlFreeDoc(doc);
	return rc;
}
