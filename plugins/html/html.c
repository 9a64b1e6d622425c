/*
 * html: a web page to entries by XPath.  `item` selects each entry's node; html.title, link,
 * summary, content, date, html.author and id are XPaths relative to it (one ending in /@attr takes
 * the attribute).  The page is parsed by libxml2's HTML parser in recover mode, without network;
 * its charset is the HTTP one, else a BOM, else <meta charset> or http-equiv, else UTF-8 if the
 * bytes are valid UTF-8, else Windows-1252 (what browsers assume, and never mojibake).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/xpath.h>

#include <feedd/plugin.h>

#include "../common/common.h"

enum { F_TITLE, F_LINK, F_SUMMARY, F_CONTENT, F_DATE, F_AUTHOR, F_ID, F_N };

/* title and author are core [feed] keys (the feed's own), so these two are qualified */
static const char *const field_names[F_N] = {"html.title", "link", "summary", "content", "date",
    "html.author", "id"};

static const char *const option_names[] = {"item", "html.title", "link", "summary", "content",
    "date", "html.author", "id", "base_url", "date_format", NULL};

struct html_state {
	xmlXPathCompExprPtr item;
	xmlXPathCompExprPtr field[F_N];
	char *base_url;
	char *date_format;
	char *item_src; /* the item XPath as written, for the warning when it matches nothing */
};

/* Dates that did not parse in one page, for one warning instead of silent fallbacks. */
struct date_tally {
	int dates, bad;
	char *first_bad;
};

static void
state_free(struct html_state *s)
{
	int i;

	if (s == NULL)
		return;
	xmlXPathFreeCompExpr(s->item);
	for (i = 0; i < F_N; i++)
		xmlXPathFreeCompExpr(s->field[i]);
	free(s->base_url);
	free(s->date_format);
	free(s->item_src);
	free(s);
}

static int
compile(const struct feedd_host *h, const char *name, xmlXPathCompExprPtr *out)
{
	const char *v = h->option(h->ctx, name);

	*out = NULL;
	if (v == NULL)
		return 0;
	if ((*out = xmlXPathCompile((const xmlChar *)v)) == NULL) {
		h->error(h->ctx, "html: option '%s': invalid XPath expression '%s'", name, v);
		return -1;
	}
	return 0;
}

static void
quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static int
html_open(const struct feedd_host *h, void **state)
{
	struct html_state *s = calloc(1, sizeof(*s));
	const char *v;
	int i;

	if (s == NULL) {
		h->error(h->ctx, "html: out of memory");
		return -1;
	}
	xmlSetGenericErrorFunc(NULL, quiet); /* XPath syntax errors are reported by us, once */
	if (h->option(h->ctx, "item") == NULL) {
		h->error(h->ctx, "html: the option 'item' (an XPath selecting each entry) is required");
		goto fail;
	}
	if (compile(h, "item", &s->item) == -1 ||
	    (s->item_src = strdup(h->option(h->ctx, "item"))) == NULL)
		goto fail;
	for (i = 0; i < F_N; i++)
		if (compile(h, field_names[i], &s->field[i]) == -1)
			goto fail;
	if ((v = h->option(h->ctx, "base_url")) != NULL)
		s->base_url = strdup(v);
	if ((v = h->option(h->ctx, "date_format")) != NULL)
		s->date_format = strdup(v);
	*state = s;
	xmlSetGenericErrorFunc(NULL, NULL);
	return 0;
fail:
	xmlSetGenericErrorFunc(NULL, NULL);
	state_free(s);
	return -1;
}

static void
html_close(void *state)
{
	state_free(state);
}

/* Finds a charset in the first bytes: <meta charset=X> or content="...; charset=X". */
static char *
sniff_meta(const char *data, size_t len)
{
	size_t n = len < 4096 ? len : 4096, i;
	char *head = malloc(n + 1), *p, *out = NULL;

	if (head == NULL)
		return NULL;
	/* a copy of n bytes, not strndup: the page may hold NUL bytes */
	for (i = 0; i < n; i++)
		head[i] = data[i] ? (char)tolower((unsigned char)data[i]) : ' ';
	head[n] = '\0';
	for (p = head; (p = strstr(p, "<meta")) != NULL && out == NULL; p += 5) {
		char *end = strchr(p, '>'), *cs;
		size_t l;

		if (end == NULL)
			break;
		*end = '\0';
		if ((cs = strstr(p, "charset=")) != NULL) {
			cs += 8;
			while (*cs == '"' || *cs == '\'' || *cs == ' ')
				cs++;
			l = strcspn(cs, "\"'; />");
			if (l > 0 && l < 40)
				out = strndup(cs, l);
		}
		*end = '>';
	}
	free(head);
	return out;
}

static int
valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, l, k;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		l = s[i] >= 0xc2 && s[i] <= 0xdf ? 2 : s[i] >= 0xe0 && s[i] <= 0xef ? 3
		  : s[i] >= 0xf0 && s[i] <= 0xf4 ? 4 : 0;
		if (l == 0 || i + l > n)
			return 0;
		for (k = 1; k < l; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += l;
	}
	return 1;
}

/* The charset to parse with; ISO-8859-1 and ASCII mean Windows-1252, as in browsers. */
static char *
pick_charset(const struct feedd_input *in)
{
	const unsigned char *p = (const unsigned char *)in->data;
	char *cs = NULL;

	if (in->len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return strdup("UTF-8");
	if (in->len >= 2 && p[0] == 0xff && p[1] == 0xfe)
		return strdup("UTF-16LE");
	if (in->len >= 2 && p[0] == 0xfe && p[1] == 0xff)
		return strdup("UTF-16BE");
	if (in->charset)
		cs = strdup(in->charset);
	else
		cs = sniff_meta(in->data, in->len);
	if (cs && (strcasecmp(cs, "iso-8859-1") == 0 || strcasecmp(cs, "latin1") == 0 ||
	           strcasecmp(cs, "us-ascii") == 0 || strcasecmp(cs, "ascii") == 0)) {
		free(cs);
		cs = strdup("WINDOWS-1252");
	}
	if (cs && strcasecmp(cs, "utf-8") != 0)
		return cs;
	free(cs); /* said UTF-8, or nothing: the bytes decide, and the usual culprit is 1252 */
	return strdup(valid_utf8(p, in->len) ? "UTF-8" : "WINDOWS-1252");
}

/* Evaluates expr at node: the first node's text (or inner HTML), or a string result. */
static char *
eval(xmlXPathContextPtr ctx, xmlXPathCompExprPtr expr, xmlNodePtr node, int html)
{
	xmlXPathObjectPtr r;
	char *out = NULL;

	if (expr == NULL)
		return NULL;
	ctx->node = node;
	if ((r = xmlXPathCompiledEval(expr, ctx)) == NULL)
		return NULL;
	if (r->type == XPATH_NODESET) {
		if (r->nodesetval && r->nodesetval->nodeNr > 0) {
			xmlNodePtr n = r->nodesetval->nodeTab[0];

			out = html && n->type == XML_ELEMENT_NODE ? pc_node_inner_html(ctx->doc, n)
			                                          : pc_node_text(n);
		}
	} else {
		xmlChar *s = xmlXPathCastToString(r);

		out = s ? strdup((const char *)s) : NULL;
		xmlFree(s);
	}
	xmlXPathFreeObject(r);
	return out ? pc_trim(out) : NULL;
}

static int64_t
parse_date(const struct html_state *s, const char *v)
{
	struct tm tm;
	char *end;

	if (v == NULL)
		return 0;
	if (s->date_format) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(v, s->date_format, &tm);
		return end ? (int64_t)timegm(&tm) : 0;
	}
	return pc_parse_date(v);
}

static int
emit_node(const struct feedd_host *h, const struct html_state *s, xmlXPathContextPtr ctx,
    xmlNodePtr node, const char *base, size_t index, struct date_tally *t)
{
	char *v[F_N], *link, *key = NULL, *plain = NULL, *p;
	struct feedd_entry e = {0};
	int i, rc;

	for (i = 0; i < F_N; i++)
		v[i] = eval(ctx, s->field[i], node, i == F_CONTENT);
	link = pc_resolve(v[F_LINK], base);
	if (v[F_ID] && *v[F_ID])
		key = strdup(v[F_ID]);
	else if (link)
		key = strdup(link);
	else if (v[F_TITLE] && *v[F_TITLE])
		key = strdup(v[F_TITLE]);
	else if (asprintf(&key, "html-item-%zu", index) < 0)
		key = NULL;
	if (v[F_CONTENT] == NULL && s->field[F_SUMMARY] == NULL && s->field[F_CONTENT] == NULL)
		plain = pc_node_text(node); /* no text fields asked for: the item's own text */
	e.id_key = key;
	e.title = v[F_TITLE] && *v[F_TITLE] ? v[F_TITLE] : NULL;
	e.link = link;
	for (p = v[F_AUTHOR]; p && *p; p++) /* one name: a line break would start another */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	e.author = v[F_AUTHOR];
	e.summary = v[F_SUMMARY] ? v[F_SUMMARY] : plain;
	e.content = v[F_CONTENT];
	e.published = parse_date(s, v[F_DATE]);
	if (v[F_DATE] && *v[F_DATE]) {
		t->dates++;
		if (e.published == 0 && t->bad++ == 0)
			t->first_bad = strdup(v[F_DATE]);
	}
	rc = key ? h->emit(h->ctx, &e) : -2;
	if (key == NULL)
		h->error(h->ctx, "html: out of memory");
	for (i = 0; i < F_N; i++)
		free(v[i]);
	free(link);
	free(key);
	free(plain);
	return rc;
}

/* An empty feed or dates that fell back to the fetch time, said once: the page, or the
 * options, are not what they were thought to be.  A warning: the entries found still count. */
static void
warn_page(const struct feedd_host *h, const struct html_state *s, int items,
    const struct date_tally *t)
{
	if (items == 0)
		h->error(h->ctx, "html: item '%s' matched nothing in the page", s->item_src);
	else if (t->bad && s->date_format)
		h->error(h->ctx, "html: %d of %d dates do not match date_format '%s', e.g. '%s'",
		    t->bad, t->dates, s->date_format, t->first_bad ? t->first_bad : "");
	else if (t->bad)
		h->error(h->ctx, "html: %d of %d dates are not ISO 8601 or RFC 822 (set date_format), "
		    "e.g. '%s'", t->bad, t->dates, t->first_bad ? t->first_bad : "");
}

static int
html_segment(void *state, const struct feedd_host *h, const struct feedd_input *in)
{
	const struct html_state *s = state;
	char *cs = pick_charset(in), *title;
	const char *base = s->base_url ? s->base_url
	                 : strncmp(in->url, "stdin:", 6) ? in->url : NULL;
	htmlDocPtr doc;
	xmlXPathContextPtr ctx;
	xmlXPathObjectPtr items;
	struct feedd_feed_info fi = {0};
	int i, rc = 0;

	if (in->len > 0x7fffffff) {
		free(cs);
		h->error(h->ctx, "html: input too large");
		return -1;
	}
	doc = htmlReadMemory(in->data, (int)in->len, in->url, cs,
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
	        HTML_PARSE_IGNORE_ENC);
	free(cs);
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		xmlFreeDoc(doc);
		h->error(h->ctx, "html: nothing parseable in the page");
		return -1;
	}
	ctx = xmlXPathNewContext(doc);
	items = ctx ? xmlXPathCompiledEval(s->item, ctx) : NULL;
	if (items == NULL || items->type != XPATH_NODESET) {
		h->error(h->ctx, "html: option 'item' must select nodes");
		rc = -1;
	} else {
		struct date_tally dt = {0, 0, NULL};

		for (i = 0; items->nodesetval && i < items->nodesetval->nodeNr && rc == 0; i++)
			rc = emit_node(h, s, ctx, items->nodesetval->nodeTab[i], base, (size_t)i, &dt);
		rc = rc == -2 ? -1 : 0;
		if (rc == 0)
			warn_page(h, s, i, &dt);
		free(dt.first_bad);
		ctx->node = NULL;
		title = NULL;
		{
			xmlXPathObjectPtr t = xmlXPathEvalExpression((const xmlChar *)"string(//title)", ctx);

			if (t && t->stringval && *t->stringval)
				title = pc_trim(strdup((const char *)t->stringval));
			xmlXPathFreeObject(t);
		}
		fi.title = title;
		fi.link = base;
		h->feed_info(h->ctx, &fi);
		free(title);
	}
	xmlXPathFreeObject(items);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return rc;
}

FEEDD_PLUGIN_DEFINE = {
	.abi = FEEDD_PLUGIN_ABI,
	.size = sizeof(struct feedd_plugin),
	.name = "html",
	.version = "1.0",
	.description = "a web page to entries, selected by XPath",
	.flags = 0,
	.options = option_names,
	.open = html_open,
	.segment = html_segment,
	.close = html_close,
};
