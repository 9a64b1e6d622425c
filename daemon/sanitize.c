/* Removes active content from HTML fragments before they go into a feed. */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>

#include "sanitize.h"
#include "xmalloc.h"

static const char *const bad_elements[] = {"script", "style", "iframe", "frame", "frameset",
    "param", "form", "input", "button", "textarea", "select", "meta", "link", "base", "noscript",
    "template", NULL};

/* Removed, but not what they hold: the fallback of <object> and <applet> is meant for readers
 * that show no plugin, and libxml2's HTML 4 parser nests whatever follows an <embed> (void in
 * HTML5) inside it.  MathML's <maction> (an action on its children) too, inside <math>. */
static const char *const unwrapped_elements[] = {"object", "embed", "applet", NULL};

/* Inside <svg> and <math>, which are kept: what runs code, fetches something, animates an
 * attribute into a javascript: URL or holds HTML again.  libxml2 folds names to lower case. */
static const char *const bad_foreign[] = {"foreignobject", "annotation-xml", "animate", "set",
    "animatemotion", "animatetransform", "animatecolor", "discard", "handler", "listener",
    "image", "feimage", "use", "font-face-uri", "cursor", "mglyph", NULL};

static const char *const url_attrs[] = {"href", "src", "action", "formaction", "background",
    "poster", "lowsrc", "dynsrc", "xlink:href", "cite", "longdesc", "usemap", "srcset", NULL};

static int
in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcasecmp(s, *list) == 0)
			return 1;
	return 0;
}

/* A URL is dangerous if its scheme, ignoring whitespace and controls, is one that runs code. */
static int
url_dangerous(const char *url, int is_src)
{
	char scheme[16];
	size_t n = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)url; *p && n < sizeof(scheme) - 1; p++) {
		if (*p <= ' ')
			continue;
		if (*p == ':')
			break;
		scheme[n++] = (char)tolower(*p);
	}
	scheme[n] = '\0';
	if (*p != ':')
		return 0;
	if (strcmp(scheme, "javascript") == 0 || strcmp(scheme, "vbscript") == 0 ||
	    strcmp(scheme, "livescript") == 0 || strcmp(scheme, "mocha") == 0)
		return 1;
	if (strcmp(scheme, "data") == 0)
		return !(is_src && strncasecmp((const char *)p + 1, "image/", 6) == 0);
	return 0;
}

/*
 * In SVG and MathML an attribute may point outside the document (href, xlink:href, src, or
 * url(...) in a presentation attribute such as fill): only references to the document's own
 * fragments ("#id") are kept, so displaying the entry fetches nothing.
 */
static int
foreign_attr_dangerous(const char *name, const char *v)
{
	const char *u;

	while (*v == ' ' || *v == '\t' || *v == '\n')
		v++;
	if (in_list(name, url_attrs) || strcasecmp(name, "src") == 0)
		return *v != '#';
	for (u = v; (u = strcasestr(u, "url(")) != NULL; u += 4) {
		const char *p = u + 4;

		while (*p == ' ' || *p == '"' || *p == '\'')
			p++;
		if (*p != '#')
			return 1;
	}
	return 0;
}

static void
clean_attrs(xmlNodePtr n, int foreign)
{
	xmlAttrPtr a = n->properties, next;

	for (; a; a = next) {
		const char *name = (const char *)a->name;
		int drop = 0;

		next = a->next;
		if (strncasecmp(name, "on", 2) == 0 || strcasecmp(name, "style") == 0 ||
		    strcasecmp(name, "formaction") == 0) {
			drop = 1;
		} else if (foreign || in_list(name, url_attrs)) {
			xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);

			drop = v && (foreign ? foreign_attr_dangerous(name, (const char *)v)
			                     : url_dangerous((const char *)v, strcasecmp(name, "src") == 0));
			xmlFree(v);
		}
		if (drop)
			xmlRemoveProp(a);
	}
}

/* Removes n but keeps its children in its place; returns the first of them (or what followed
 * n), where cleaning goes on. */
static xmlNodePtr
unwrap(xmlNodePtr n)
{
	xmlNodePtr c, first = NULL, next = n->next;

	while ((c = n->children) != NULL) {
		xmlUnlinkNode(c);
		c = xmlAddPrevSibling(n, c); /* a text node may merge into the one before */
		if (first == NULL)
			first = c;
	}
	xmlUnlinkNode(n);
	xmlFreeNode(n);
	return first ? first : next;
}

/* foreign: n is inside <svg> or <math>. */
static void
clean_tree(xmlNodePtr n, int foreign)
{
	xmlNodePtr next;

	for (; n; n = next) {
		next = n->next;
		if (n->type == XML_ELEMENT_NODE) {
			const char *name = (const char *)n->name;
			int in;

			if (in_list(name, bad_elements) || (foreign && in_list(name, bad_foreign))) {
				xmlUnlinkNode(n);
				xmlFreeNode(n);
				continue;
			}
			if (in_list(name, unwrapped_elements) || (foreign && strcasecmp(name, "maction") == 0)) {
				next = unwrap(n);
				continue;
			}
			in = foreign || strcasecmp(name, "svg") == 0 || strcasecmp(name, "math") == 0;
			clean_attrs(n, in);
			clean_tree(n->children, in);
		} else if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE) {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
		}
	}
}

static htmlDocPtr
parse_fragment(const char *html)
{
	static const char pre[] = "<html><head><meta charset=\"utf-8\"></head><body>";
	size_t n = strlen(html);
	char *doc = xmalloc(sizeof(pre) + n);
	htmlDocPtr d;

	memcpy(doc, pre, sizeof(pre) - 1);
	memcpy(doc + sizeof(pre) - 1, html, n + 1);
	d = htmlReadMemory(doc, (int)(sizeof(pre) - 1 + n), NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	free(doc);
	return d;
}

static xmlNodePtr
find_body(htmlDocPtr d)
{
	xmlNodePtr root = xmlDocGetRootElement(d), n;

	for (n = root ? root->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, "body") == 0)
			return n;
	return NULL;
}

char *
sanitize_html(const char *html)
{
	htmlDocPtr d;
	xmlNodePtr body, n;
	xmlBufferPtr b;
	char *out;

	if (strpbrk(html, "<&") == NULL)
		return xstrdup(html); /* no markup, no entities: nothing to remove or re-encode */
	d = parse_fragment(html);
	if (d == NULL || (body = find_body(d)) == NULL) {
		xmlFreeDoc(d);
		return xstrdup("");
	}
	clean_tree(body->children, 0);
	b = xmlBufferCreate();
	/* the default grows by what is added, a copy per node: quadratic where realloc copies */
	xmlBufferSetAllocationScheme(b, XML_BUFFER_ALLOC_DOUBLEIT);
	for (n = body->children; n; n = n->next)
		htmlNodeDump(b, d, n);
	out = xstrdup((const char *)xmlBufferContent(b));
	xmlBufferFree(b);
	xmlFreeDoc(d);
	return out;
}

char *
sanitize_html_text(const char *html)
{
	htmlDocPtr d;
	xmlNodePtr body;
	xmlChar *t;
	char *out;

	if (html == NULL)
		return NULL;
	d = parse_fragment(html);
	if (d == NULL || (body = find_body(d)) == NULL) {
		xmlFreeDoc(d);
		return NULL;
	}
	clean_tree(body->children, 0);
	t = xmlNodeGetContent(body);
	out = t ? xstrdup((const char *)t) : NULL;
	xmlFree(t);
	xmlFreeDoc(d);
	return out;
}

static const char *const plain_tags[] = {"p", "br", "figure", "figcaption", "em", "strong",
    "b", "i", "blockquote", "ul", "ol", "li", "pre", "code", "h1", "h2", "h3", "h4", "h5", "h6",
    NULL};

/* Length of the tag at s ("<p>", "</p>") if it is a plain one, else 0. */
static size_t
plain_tag(const char *s)
{
	const char *t = s + 1 + (s[1] == '/');
	size_t n = strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789"), i;

	if (n == 0 || t[n] != '>')
		return 0;
	for (i = 0; plain_tags[i]; i++)
		if (strlen(plain_tags[i]) == n && strncmp(plain_tags[i], t, n) == 0)
			return (size_t)(t + n + 1 - s);
	return 0;
}

/* Length of the reference at s ("&amp;", "&#39;", "&#x2026;") if well-formed, else 0. */
static size_t
reference(const char *s)
{
	const char *t = s + 1, *set = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t n;

	if (*t == '#') {
		t++;
		set = "0123456789";
		if (*t == 'x' || *t == 'X') {
			t++;
			set = "0123456789abcdefABCDEF";
		}
	}
	n = strspn(t, set);
	return n > 0 && n <= 32 && t[n] == ';' ? (size_t)(t + n + 1 - s) : 0;
}

int
sanitize_is_plain(const char *html)
{
	const char *s = html;
	size_t n;

	while ((s = strpbrk(s, "<&")) != NULL) {
		if ((n = *s == '<' ? plain_tag(s) : reference(s)) == 0)
			return 0;
		s += n;
	}
	return 1;
}
