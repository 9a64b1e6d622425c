/*
 * feed: RSS 2.0, RSS 1.0 (RDF), Atom 1.0 (and 0.3) and JSON Feed 1.0/1.1 in, entries out.
 *
 * XML is parsed by libxml2 without entity substitution, DTD loading or network access, within
 * its default depth and size limits, and text is read without expanding entity references, so
 * neither billion laughs nor external entities reach the output.  JSON goes through jansson.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <feedd/plugin.h>

#include "../common/common.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_ATOM03 "http://purl.org/atom/ns#"
#define NS_RSS1 "http://purl.org/rss/1.0/"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"

#define MAX_CATS 32
#define MAX_ENCS 16

/* An entry being assembled: every string malloc'd, freed by item_free. */
struct item {
	char *id, *title, *link, *author, *summary, *content, *published, *updated;
	char *cats[MAX_CATS + 1];
	size_t n_cats;
	struct feedd_enclosure encs[MAX_ENCS];
	size_t n_encs;
};

static void
item_free(struct item *it)
{
	size_t i;

	free(it->id);
	free(it->title);
	free(it->link);
	free(it->author);
	free(it->summary);
	free(it->content);
	free(it->published);
	free(it->updated);
	for (i = 0; i < it->n_cats; i++)
		free(it->cats[i]);
	for (i = 0; i < it->n_encs; i++) {
		free((char *)it->encs[i].url);
		free((char *)it->encs[i].type);
	}
	memset(it, 0, sizeof(*it));
}

static void
set(char **dst, char *v)
{
	if (v && *pc_trim(v) == '\0') {
		free(v);
		v = NULL;
	}
	if (v == NULL)
		return;
	free(*dst);
	*dst = v;
}

static char *
escape_html(const char *s)
{
	size_t n = 0;
	const char *p;
	char *out, *w;

	for (p = s; *p; p++)
		n += *p == '<' || *p == '>' ? 4 : *p == '&' ? 5 : 1;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (p = s, w = out; *p; p++) {
		if (*p == '<')
			w = stpcpy(w, "&lt;");
		else if (*p == '>')
			w = stpcpy(w, "&gt;");
		else if (*p == '&')
			w = stpcpy(w, "&amp;");
		else
			*w++ = *p;
	}
	*w = '\0';
	return out;
}

/* Emits it: content HTML (else the summary's HTML), a plain summary when both exist. */
static int
emit_item(const struct feedd_host *h, struct item *it, const char *feed_author)
{
	struct feedd_entry e = {0};
	char *key = NULL, *plain = NULL, *content = it->content;
	int rc;

	if (it->id)
		key = strdup(it->id);
	else if (it->link)
		key = strdup(it->link);
	else if (asprintf(&key, "%s|%s|%.200s", it->title ? it->title : "",
	             it->published ? it->published : "", it->summary ? it->summary : "") < 0)
		key = NULL;
	if (key == NULL) {
		h->error(h->ctx, "feed: out of memory");
		return -2;
	}
	if (content == NULL)
		content = it->summary;
	else if (it->summary)
		plain = pc_html_text(it->summary);
	e.id_key = key;
	e.title = it->title;
	e.link = it->link;
	e.author = it->author ? it->author : feed_author;
	e.summary = plain;
	e.content = content;
	e.published = pc_parse_date(it->published);
	e.updated = pc_parse_date(it->updated);
	e.categories = it->n_cats ? (const char *const *)it->cats : NULL;
	e.enclosures = it->n_encs ? it->encs : NULL;
	e.n_enclosures = it->n_encs;
	rc = h->emit(h->ctx, &e);
	free(key);
	free(plain);
	return rc;
}

/* ---- XML ---- */

static int
is(xmlNodePtr n, const char *ns, const char *name)
{
	const char *href;

	if (n == NULL || n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name) != 0)
		return 0;
	href = n->ns ? (const char *)n->ns->href : NULL;
	if (ns == NULL)
		return href == NULL;
	return href && strcmp(href, ns) == 0;
}

static xmlNodePtr
child(xmlNodePtr n, const char *ns, const char *name)
{
	for (n = n ? n->children : NULL; n; n = n->next)
		if (is(n, ns, name))
			return n;
	return NULL;
}

static char *
child_text(xmlNodePtr n, const char *ns, const char *name)
{
	xmlNodePtr c = child(n, ns, name);

	return c ? pc_trim(pc_node_text(c)) : NULL;
}

/* The text of child NAME with HTML tags dropped. */
static char *
child_plain(xmlNodePtr n, const char *ns, const char *name)
{
	char *t = child_text(n, ns, name), *out = t ? pc_html_text(t) : NULL;

	free(t);
	return out;
}

/* The text of child NAME as a link resolved against base. */
static char *
child_link(xmlNodePtr n, const char *ns, const char *name, const char *base)
{
	char *t = child_text(n, ns, name), *out = NULL;

	if (t && *t)
		out = pc_resolve(t, base);
	free(t);
	return out;
}

static char *
attr(xmlNodePtr n, const char *name)
{
	xmlAttrPtr a;

	for (a = n ? n->properties : NULL; a; a = a->next)
		if (strcmp((const char *)a->name, name) == 0 && a->ns == NULL)
			return pc_trim(pc_node_text((xmlNodePtr)a));
	return NULL;
}

/* The base for relative links at n: xml:base (resolved upwards), else fallback. */
static char *
base_of(xmlDocPtr doc, xmlNodePtr n, const char *fallback)
{
	xmlChar *b = xmlNodeGetBase(doc, n);
	char *out;

	if (b == NULL || doc->URL == NULL || strcmp((const char *)b, (const char *)doc->URL) == 0) {
		xmlFree(b);
		return fallback ? strdup(fallback) : NULL;
	}
	out = pc_resolve((const char *)b, fallback);
	xmlFree(b);
	return out;
}

static void
add_cat(struct item *it, char *term)
{
	if (term && *pc_trim(term) && it->n_cats < MAX_CATS)
		it->cats[it->n_cats++] = term;
	else
		free(term);
}

static void
add_enc(struct item *it, char *url, char *type, const char *len, const char *base)
{
	char *abs = pc_resolve(url, base);

	free(url);
	if (abs == NULL || it->n_encs >= MAX_ENCS) {
		free(abs);
		free(type);
		return;
	}
	it->encs[it->n_encs].url = abs;
	it->encs[it->n_encs].type = type;
	it->encs[it->n_encs].length = len && isdigit((unsigned char)*len) ? strtoll(len, NULL, 10) : -1;
	it->n_encs++;
}

/* An Atom text construct as plain text (title) or as HTML (summary, content). */
static char *
atom_text(xmlDocPtr doc, xmlNodePtr n, int want_html)
{
	char *type = attr(n, "type"), *t, *out;
	int html = type && (strcasecmp(type, "html") == 0 || strcasecmp(type, "text/html") == 0);
	int xhtml = type && (strcasecmp(type, "xhtml") == 0 ||
	                     strcasecmp(type, "application/xhtml+xml") == 0);

	free(type);
	if (xhtml) {
		xmlNodePtr div = n->children;

		while (div && div->type != XML_ELEMENT_NODE)
			div = div->next;
		t = pc_node_inner_html(doc, div && strcmp((const char *)div->name, "div") == 0 ? div : n);
		html = 1;
	} else {
		t = pc_node_text(n);
	}
	if (t == NULL)
		return NULL;
	if (want_html == html)
		return t;
	out = want_html ? escape_html(t) : pc_html_text(t);
	free(t);
	return out;
}

static void
rss_item(xmlDocPtr doc, xmlNodePtr n, const char *ns, const char *base, struct item *it)
{
	char *b = base_of(doc, n, base);
	xmlNodePtr c;

	set(&it->title, child_text(n, ns, "title"));
	set(&it->link, child_link(n, ns, "link", b));
	for (c = n->children; c; c = c->next) {
		if (is(c, ns, "guid") && ns == NULL) {
			char *perma = attr(c, "isPermaLink"), *g = pc_trim(pc_node_text(c));

			if (g && it->link == NULL && (perma == NULL || strcmp(perma, "false") != 0) &&
			    strstr(g, "://"))
				it->link = pc_resolve(g, b);
			set(&it->id, g);
			free(perma);
		} else if (is(c, ns, "description")) {
			set(&it->summary, pc_node_text(c));
		} else if (is(c, NS_CONTENT, "encoded")) {
			set(&it->content, pc_node_text(c));
		} else if (is(c, ns, "pubDate") || is(c, NS_DC, "date")) {
			set(&it->published, pc_node_text(c));
		} else if ((is(c, ns, "author") && ns == NULL) || is(c, NS_DC, "creator")) {
			set(&it->author, pc_node_text(c));
		} else if ((is(c, ns, "category") && ns == NULL) || is(c, NS_DC, "subject")) {
			add_cat(it, pc_node_text(c));
		} else if (is(c, ns, "enclosure") && ns == NULL) {
			char *len = attr(c, "length");

			add_enc(it, attr(c, "url"), attr(c, "type"), len, b);
			free(len);
		}
	}
	if (ns != NULL && it->id == NULL) {
		char *about = NULL;
		xmlAttrPtr a;

		for (a = n->properties; a; a = a->next)
			if (strcmp((const char *)a->name, "about") == 0)
				about = pc_node_text((xmlNodePtr)a);
		set(&it->id, about);
	}
	free(b);
}

static void
atom_person(xmlNodePtr n, const char *ns, char **dst)
{
	xmlNodePtr a = child(n, ns, "author");

	if (a)
		set(dst, child_text(a, ns, "name"));
}

static void
atom_entry(xmlDocPtr doc, xmlNodePtr n, const char *ns, const char *base, struct item *it)
{
	char *b = base_of(doc, n, base);
	xmlNodePtr c;

	for (c = n->children; c; c = c->next) {
		if (is(c, ns, "id")) {
			set(&it->id, pc_node_text(c));
		} else if (is(c, ns, "title")) {
			set(&it->title, atom_text(doc, c, 0));
		} else if (is(c, ns, "link")) {
			char *rel = attr(c, "rel"), *href = attr(c, "href"), *lb = base_of(doc, c, base);

			if (href && (rel == NULL || strcmp(rel, "alternate") == 0) && it->link == NULL)
				it->link = pc_resolve(href, lb);
			else if (href && rel && strcmp(rel, "enclosure") == 0) {
				char *len = attr(c, "length");

				add_enc(it, href, attr(c, "type"), len, lb);
				href = NULL;
				free(len);
			}
			free(href);
			free(rel);
			free(lb);
		} else if (is(c, ns, "summary")) {
			set(&it->summary, atom_text(doc, c, 1));
		} else if (is(c, ns, "content")) {
			char *src = attr(c, "src");

			if (src && it->link == NULL)
				it->link = pc_resolve(src, b);
			else if (src == NULL)
				set(&it->content, atom_text(doc, c, 1));
			free(src);
		} else if (is(c, ns, "published") || is(c, ns, "issued")) {
			set(&it->published, pc_node_text(c));
		} else if (is(c, ns, "updated") || is(c, ns, "modified")) {
			set(&it->updated, pc_node_text(c));
		} else if (is(c, ns, "category")) {
			add_cat(it, attr(c, "term"));
		}
	}
	atom_person(n, ns, &it->author);
	free(b);
}

static int
walk_items(const struct feedd_host *h, xmlDocPtr doc, xmlNodePtr parent, const char *ns,
    const char *iname, const char *base, const char *author, int atom)
{
	xmlNodePtr n;
	int rc = 0;

	for (n = parent->children; n && rc == 0; n = n->next) {
		struct item it = {0};

		if (!is(n, ns, iname))
			continue;
		if (atom)
			atom_entry(doc, n, ns, base, &it);
		else
			rss_item(doc, n, ns, base, &it);
		rc = emit_item(h, &it, author);
		item_free(&it);
	}
	return rc == -2 ? -1 : 0;
}

static int
parse_xml(const struct feedd_host *h, const struct feedd_input *in)
{
	xmlDocPtr doc;
	xmlNodePtr root, chan;
	struct feedd_feed_info fi = {0};
	char *title = NULL, *link = NULL, *author = NULL, *sub = NULL, *base = NULL;
	const char *ns;
	int rc = -1;

	doc = xmlReadMemory(in->data, (int)in->len, in->url, in->charset,
	    XML_PARSE_NONET | XML_PARSE_RECOVER | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	        XML_PARSE_NOCDATA);
	if (doc == NULL || (root = xmlDocGetRootElement(doc)) == NULL) {
		const xmlError *e = xmlGetLastError();
		char msg[200] = "";

		if (e && e->message)
			snprintf(msg, sizeof(msg), ": %s", e->message);
		h->error(h->ctx, "feed: not XML%s", pc_trim(msg));
		xmlFreeDoc(doc);
		return -1;
	}
	base = strncmp(in->url, "stdin:", 6) ? strdup(in->url) : NULL;
	if (is(root, NULL, "rss") || is(root, NULL, "channel")) {
		chan = is(root, NULL, "channel") ? root : child(root, NULL, "channel");
		if (chan == NULL)
			goto notfeed;
		title = child_text(chan, NULL, "title");
		link = child_link(chan, NULL, "link", base);
		set(&sub, child_plain(chan, NULL, "description"));
		author = child_text(chan, NULL, "managingEditor");
		if (author == NULL)
			author = child_text(chan, NS_DC, "creator");
		if (link) {
			free(base);
			base = strdup(link);
		}
		rc = walk_items(h, doc, chan, NULL, "item", base, author, 0);
	} else if (is(root, NS_RDF, "RDF")) {
		chan = child(root, NS_RSS1, "channel");
		title = child_text(chan, NS_RSS1, "title");
		link = child_link(chan, NS_RSS1, "link", base);
		set(&sub, child_plain(chan, NS_RSS1, "description"));
		author = child_text(chan, NS_DC, "creator");
		rc = walk_items(h, doc, root, NS_RSS1, "item", link ? link : base, author, 0);
	} else if (is(root, NS_ATOM, "feed") || is(root, NS_ATOM03, "feed")) {
		xmlNodePtr c;
		char *fb;

		ns = (const char *)root->ns->href;
		fb = base_of(doc, root, base);
		for (c = root->children; c; c = c->next) {
			if (is(c, ns, "title"))
				set(&title, atom_text(doc, c, 0));
			else if (is(c, ns, "subtitle") || is(c, ns, "tagline"))
				set(&sub, atom_text(doc, c, 0));
			else if (is(c, ns, "link") && link == NULL) {
				char *rel = attr(c, "rel"), *href = attr(c, "href");

				if (href && (rel == NULL || strcmp(rel, "alternate") == 0))
					link = pc_resolve(href, fb);
				free(rel);
				free(href);
			}
		}
		atom_person(root, ns, &author);
		rc = walk_items(h, doc, root, ns, "entry", fb, author, 1);
		free(fb);
	} else if (is(root, NS_ATOM, "entry")) { /* an Atom Entry Document: a feed of one */
		struct item it = {0};
		char *fb = base_of(doc, root, base);

		atom_entry(doc, root, NS_ATOM, fb, &it);
		rc = emit_item(h, &it, NULL) == -2 ? -1 : 0;
		item_free(&it);
		free(fb);
	} else {
		goto notfeed;
	}
	fi.title = title;
	fi.link = link;
	fi.author = author;
	fi.subtitle = sub;
	h->feed_info(h->ctx, &fi);
	goto done;
notfeed:
	h->error(h->ctx, "feed: XML, but not RSS, RDF or Atom (root element <%s>)",
	    (const char *)root->name);
	rc = -1;
done:
	free(title);
	free(link);
	free(author);
	free(sub);
	free(base);
	xmlFreeDoc(doc);
	return rc;
}

/* ---- JSON Feed ---- */

static char *
jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? strdup(s) : NULL;
}

static char *
jauthor(json_t *o)
{
	json_t *a = json_object_get(o, "authors");

	if (json_is_array(a) && json_array_size(a) > 0)
		return jstr(json_array_get(a, 0), "name");
	return jstr(json_object_get(o, "author"), "name");
}

static int
json_item(const struct feedd_host *h, json_t *j, const char *base, const char *author)
{
	struct item it = {0};
	json_t *v;
	size_t i;
	char *text;
	int rc;

	if (!json_is_object(j))
		return 0;
	v = json_object_get(j, "id");
	if (json_is_string(v))
		it.id = strdup(json_string_value(v));
	else if (json_is_integer(v) && asprintf(&it.id, "%lld", (long long)json_integer_value(v)) < 0)
		it.id = NULL;
	set(&it.title, jstr(j, "title"));
	set(&it.link, pc_resolve(json_string_value(json_object_get(j, "url")), base));
	if (it.link == NULL)
		set(&it.link, pc_resolve(json_string_value(json_object_get(j, "external_url")), base));
	set(&it.content, jstr(j, "content_html"));
	if (it.content == NULL && (text = jstr(j, "content_text")) != NULL) {
		it.content = escape_html(text);
		free(text);
	}
	if ((text = jstr(j, "summary")) != NULL) {
		set(&it.summary, escape_html(text));
		free(text);
	}
	set(&it.published, jstr(j, "date_published"));
	set(&it.updated, jstr(j, "date_modified"));
	set(&it.author, jauthor(j));
	json_array_foreach(json_object_get(j, "tags"), i, v)
		if (json_is_string(v))
			add_cat(&it, strdup(json_string_value(v)));
	json_array_foreach(json_object_get(j, "attachments"), i, v) {
		json_t *size = json_object_get(v, "size_in_bytes");
		char len[32] = "";

		if (json_is_integer(size))
			snprintf(len, sizeof(len), "%lld", (long long)json_integer_value(size));
		add_enc(&it, jstr(v, "url"), jstr(v, "mime_type"), len, base);
	}
	rc = emit_item(h, &it, author);
	item_free(&it);
	return rc;
}

static int
parse_json(const struct feedd_host *h, const struct feedd_input *in)
{
	json_error_t err;
	json_t *root = json_loadb(in->data, in->len, 0, &err), *items, *v;
	struct feedd_feed_info fi = {0};
	char *title, *link, *author, *base;
	size_t i;
	int rc = 0;

	if (root == NULL) {
		h->error(h->ctx, "feed: bad JSON at line %d: %s", err.line, err.text);
		return -1;
	}
	items = json_object_get(root, "items");
	if (!json_is_object(root) || !json_is_array(items) ||
	    !json_is_string(json_object_get(root, "version"))) {
		h->error(h->ctx, "feed: JSON, but not a JSON Feed (no version or items)");
		json_decref(root);
		return -1;
	}
	title = jstr(root, "title");
	link = jstr(root, "home_page_url");
	author = jauthor(root);
	base = link ? strdup(link) : strncmp(in->url, "stdin:", 6) ? strdup(in->url) : NULL;
	json_array_foreach(items, i, v)
		if ((rc = json_item(h, v, base, author)) != 0)
			break;
	fi.title = title;
	fi.link = link;
	fi.author = author;
	h->feed_info(h->ctx, &fi);
	free(title);
	free(link);
	free(author);
	free(base);
	json_decref(root);
	return rc == -2 ? -1 : 0;
}

static int
feed_segment(void *state, const struct feedd_host *h, const struct feedd_input *in)
{
	const unsigned char *p = (const unsigned char *)in->data, *end = p + in->len;

	(void)state;
	if (in->len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		p += 3;
	while (p < end && isspace(*p))
		p++;
	if (p == end) {
		h->error(h->ctx, "feed: empty input");
		return -1;
	}
	if (*p == '{' || (in->content_type && strstr(in->content_type, "json")))
		return parse_json(h, in);
	if (in->len > 0x7fffffff) {
		h->error(h->ctx, "feed: input too large");
		return -1;
	}
	return parse_xml(h, in);
}

FEEDD_PLUGIN_DEFINE = {
	.abi = FEEDD_PLUGIN_ABI,
	.size = sizeof(struct feedd_plugin),
	.name = "feed",
	.version = "1.0",
	.description = "RSS 2.0, RSS 1.0, Atom and JSON Feed to Atom",
	.flags = 0,
	.options = NULL,
	.segment = feed_segment,
};
