/*
 * feed: RSS 2.0, RSS 1.0 (RDF), Atom 1.0 (and 0.3) and JSON Feed 1.0/1.1 in, entries out.
 *
 * XML goes through libxml2's SAX parser (see "XML, streamed" below) with no entity resolved,
 * no DTD loading and no network access, within its default depth limit, so neither billion
 * laughs nor external entities reach the output.  JSON goes through jansson.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include <feedd/plugin.h>

#include "../common/common.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_ATOM03 "http://purl.org/atom/ns#"
#define NS_RSS1 "http://purl.org/rss/1.0/"
#define NS_RSS090 "http://my.netscape.com/rdf/simple/0.9/"
#define NS_USERLAND "http://backend.userland.com/rss2" /* RSS 2.0's namespace until 2003 */
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_DCTERMS "http://purl.org/dc/terms/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"

#define MAX_CATS 32
#define MAX_ENCS 16
#define MAX_PEOPLE 16

/* An entry being assembled: every string malloc'd, freed by item_free.  author holds every
 * author, one per line, in the ABI's form (see add_person).  cats[] is NULL past n_cats, so
 * always NULL-terminated; encs[] past n_encs is never read. */
struct item {
	char *id, *title, *link, *author, *summary, *content, *published, *updated;
	size_t n_people, n_cats, n_encs;
	char *cats[MAX_CATS + 1];
	struct feedd_enclosure encs[MAX_ENCS];
};

/* Clears what was set, not the whole struct: its 700 bytes, twice an item, were 1% of a
 * conversion. */
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
	for (i = 0; i < it->n_cats; i++) {
		free(it->cats[i]);
		it->cats[i] = NULL;
	}
	for (i = 0; i < it->n_encs; i++) {
		free((char *)it->encs[i].url);
		free((char *)it->encs[i].type);
	}
	memset(it, 0, offsetof(struct item, cats));
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

/* s as HTML text, malloc'd; NULL if out of memory. */
static char *
escape_html(const char *s)
{
	struct pc_buf b = {0};

	pc_buf_add_escaped(&b, s, strlen(s), 0);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p ? b.p : strdup("");
}

/* Emits it: content HTML (else the summary's HTML), a plain summary when both exist. */
static int
emit_item(const struct feedd_host *h, struct item *it, const char *feed_author)
{
	struct feedd_entry e = {0};
	char *key = NULL, *plain = NULL, *content = it->content;
	int rc;

	if (it->id == NULL && it->link == NULL &&
	    asprintf(&key, "%s|%s|%.200s", it->title ? it->title : "",
	        it->published ? it->published : "", it->summary ? it->summary : "") < 0) {
		h->error(h->ctx, "feed: out of memory");
		return -2;
	}
	if (content == NULL)
		content = it->summary;
	else if (it->summary)
		plain = pc_html_text(it->summary);
	e.id_key = it->id ? it->id : it->link ? it->link : key;
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

/* An address: an '@' inside, nothing a name or a wrapper would hold. */
static int
is_email(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);
	size_t i;

	if (at == NULL || at == s || at == s + n - 1)
		return 0;
	for (i = 0; i < n; i++)
		if (isspace((unsigned char)s[i]) || strchr("<>()\"", s[i]))
			return 0;
	return 1;
}

/* An e-mail address as the ABI carries one: something@something, not a mailto: URL. */
static size_t
email_len(const char **email, size_t elen)
{
	const char *at;

	if (elen > 7 && strncasecmp(*email, "mailto:", 7) == 0)
		*email += 7, elen -= 7;
	at = memchr(*email, '@', elen);
	return at && at > *email && at < *email + elen - 1 && !memchr(*email, '\n', elen) &&
	               !memchr(*email, '>', elen) ? elen : 0;
}

/* One person in the ABI's form: "Name <email>", "<email>" or "Name", on one line.  malloc'd.
 * What is no address is left out, or is the name if there is none. */
static char *
person_line(const char *name, size_t nlen, const char *email, size_t elen)
{
	char *out, *w;
	size_t i;

	if (elen) {
		const char *e = email;
		size_t n = email_len(&e, elen);

		if (n == 0 && nlen == 0)
			name = email, nlen = elen;
		email = e;
		elen = n;
	}

	while (nlen > 0 && isspace((unsigned char)*name))
		name++, nlen--;
	while (nlen > 0 && isspace((unsigned char)name[nlen - 1]))
		nlen--;
	if ((out = w = malloc(nlen + elen + 4)) == NULL)
		return NULL;
	for (i = 0; i < nlen; i++) /* a line break would start another person */
		*w++ = name[i] == '\n' || name[i] == '\r' ? ' ' : name[i];
	if (elen) {
		if (nlen)
			*w++ = ' ';
		*w++ = '<';
		memcpy(w, email, elen);
		w += elen;
		*w++ = '>';
	}
	*w = '\0';
	return out;
}

/*
 * An RSS author or dc:creator as a person: "me@example.com (Name)", "Name (me@example.com)",
 * "Name <me@example.com>" and a lone address are split into name and e-mail; anything else is
 * a name.  Frees t.
 */
static char *
rss_person(char *t)
{
	char *open, *out;
	size_t n;

	if (t == NULL || *pc_trim(t) == '\0')
		return t;
	n = strlen(t);
	if (is_email(t, n)) {
		out = person_line("", 0, t, n);
	} else if (t[n - 1] == ')' && (open = strrchr(t, '(')) != NULL) {
		size_t olen = (size_t)(open - t), ilen = n - olen - 2;
		char *o = t;

		while (olen > 0 && isspace((unsigned char)o[olen - 1]))
			olen--;
		if (is_email(open + 1, ilen))
			out = person_line(o, olen, open + 1, ilen);
		else if (is_email(o, olen))
			out = person_line(open + 1, ilen, o, olen);
		else
			return t;
	} else if (t[n - 1] == '>' && (open = strrchr(t, '<')) != NULL &&
	           is_email(open + 1, n - (size_t)(open - t) - 2)) {
		out = person_line(t, (size_t)(open - t), open + 1, n - (size_t)(open - t) - 2);
	} else {
		return t;
	}
	free(t);
	return out;
}

/* line, one person, is the same as one of those in it->author. */
static int
has_person(const struct item *it, const char *line)
{
	size_t n = strlen(line);
	const char *p = it->author;

	for (; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Adds one person (malloc'd, freed here) to the item's authors, in source order. */
static void
add_person(struct item *it, char *line)
{
	size_t have, n;
	char *p;

	if (line == NULL || *line == '\0' || it->n_people >= MAX_PEOPLE || has_person(it, line)) {
		free(line);
		return;
	}
	it->n_people++;
	if (it->author == NULL) {
		it->author = line;
		return;
	}
	have = strlen(it->author);
	n = strlen(line);
	if ((p = realloc(it->author, have + n + 2)) != NULL) {
		p[have] = '\n';
		memcpy(p + have + 1, line, n + 1);
		it->author = p;
	}
	free(line);
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

/* ---- XML, streamed ----
 *
 * A SAX parser: no document tree is built.  Each item's fields are collected while it is read
 * and the item is emitted at its end tag, so memory holds one item, never the whole feed.
 * Feed-level fields (the channel's link, which relative item links resolve against, and the
 * author items inherit) are the ones read so far, which in practice means all of them: feeds
 * put them before their items.  No entity is ever resolved: the handler has no getEntity and
 * its context is not the parser's, so a reference to a declared entity is an error, and only
 * the predefined entities and character references are expanded (libxml2 leaves '&' in
 * attribute values as "&#38;": see att_value).
 */

enum kind { K_NONE, K_RSS, K_RDF, K_ATOM, K_ENTRY, K_NOTFEED };

/* What the text being collected will become. */
enum field {
	F_NONE,
	F_TITLE, F_LINK, F_GUID, F_SUMMARY, F_CONTENT, F_PUBLISHED, F_UPDATED, F_AUTHOR, F_CAT,
	F_CREATED,              /* dcterms:created: published, unless something else says */
	F_DC_TITLE, F_DC_DESC, /* RSS: used where the item has no title or description */
	F_ID, F_PERSON_NAME, /* an Atom author's name, of the item or the feed */
	F_PERSON_EMAIL,      /* an Atom item author's e-mail */
	F_FEED_TITLE, F_FEED_LINK, F_FEED_SUB, F_FEED_AUTHOR, F_FEED_CREATOR,
};

#define MAX_DEPTH 300 /* libxml2 stops at 256 */
#define TEXT_CAP ((size_t)4 << 20) /* the host keeps at most 1 MiB of any field */

struct sax {
	const struct feedd_host *h;
	xmlParserCtxtPtr ctx;
	enum kind kind;
	const char *ns; /* the namespace of items and their fields (NULL: none) */
	int atom03;     /* Atom 0.3 (mode="base64" and "escaped") */
	int depth;
	/* xml:base in scope at each depth, resolved, or NULL where none is; it points to the
	 * string of the element that set it, held in own[] at that element's depth */
	const char *base[MAX_DEPTH];
	char *own[MAX_DEPTH];
	const char *url; /* the document's URL, or NULL for stdin */
	int chan_depth, chan_seen;

	/* feed level */
	char *title, *link, *author, *sub, *creator;
	char *feed_person; /* RSS: the feed's author as a person, for items without one */
	int feed_author_depth; /* depth of the feed's first <author>, or 0 */
	int feed_author_seen;

	/* the item being read */
	int item_depth;
	struct item it;
	int link_seen;           /* RSS: the first <link> was read (only it counts) */
	char *guid_link;         /* RSS: the first guid usable as a link, unresolved */
	char *item_base;         /* base of the item's links */
	char *dc_title, *dc_desc; /* RSS: dc:title and dc:description, the fallbacks */
	int author_depth;        /* Atom: depth of the <author> being read, or 0 */
	char *pname, *pemail;    /* Atom: its name and e-mail */

	/* the text being collected */
	enum field field;
	int field_depth;
	int atype; /* Atom text construct: 0 text, 1 html, 2 xhtml */
	int b64;   /* Atom: the construct's text is base64 */
	int perma; /* guid isPermaLink is not "false" */
	struct pc_buf text;
	/* xhtml: markup of the construct's children, and of its first child if that is a div */
	struct pc_buf div;
	int first_child_seen, first_is_div, in_div;
	size_t open_at[MAX_DEPTH]; /* text.len after each open start tag, for <x/> */
	int rc;
};

static const char *
base_at(const struct sax *x, int depth)
{
	return depth >= 0 && depth < MAX_DEPTH ? x->base[depth] : NULL;
}

/* base_of() of the tree version: the xml:base chain if there is one, else the fallback. */
static const char *
chain_or(const struct sax *x, int depth, const char *fallback)
{
	const char *b = base_at(x, depth);

	return b ? b : fallback;
}

/* (The first byte compared here first: each start tag tries a dozen names.) */
static int
el_is(const xmlChar *local, const xmlChar *uri, const char *ns, const char *name)
{
	if (local[0] != (xmlChar)name[0] || strcmp((const char *)local, name) != 0)
		return 0;
	if (ns == NULL)
		return uri == NULL;
	return uri && strcmp((const char *)uri, ns) == 0;
}

/*
 * An attribute's value, malloc'd.  Without entity substitution libxml2's SAX2 hands values over
 * with every '&' left as "&#38;" (its tree builder decodes them; a SAX handler must), and every
 * other reference already decoded; so one left-to-right pass restores the value exactly.
 */
static char *
att_value(const xmlChar **a)
{
	const char *p = (const char *)a[3], *end = (const char *)a[4];
	char *out = malloc((size_t)(end - p) + 1), *w = out;

	if (out == NULL)
		return NULL;
	while (p < end) {
		if (end - p >= 5 && memcmp(p, "&#38;", 5) == 0) {
			*w++ = '&';
			p += 5;
		} else {
			*w++ = *p++;
		}
	}
	*w = '\0';
	return out;
}

/* Attribute `name` without a namespace: trimmed, malloc'd, or NULL. */
static char *
att(int n, const xmlChar **a, const char *name)
{
	int i;

	for (i = 0; i < n; i++, a += 5)
		if (a[2] == NULL && strcmp((const char *)a[0], name) == 0)
			return pc_trim(att_value(a));
	return NULL;
}

static void
begin(struct sax *x, enum field f)
{
	x->field = f;
	x->field_depth = x->depth;
	x->text.len = 0;
	x->text.oom = 0;
	x->div.len = 0;
	x->first_child_seen = x->first_is_div = x->in_div = 0;
}

/* The collected text, malloc'd. */
static char *
take(struct sax *x)
{
	struct pc_buf *b = x->atype == 2 && x->first_is_div ? &x->div : &x->text;
	char *t;

	if (b->oom)
		return NULL;
	t = b->p ? strndup(b->p, b->len) : strdup("");
	b->len = 0;
	return t;
}

/* The bytes base64 text t stands for if they are text, else NULL: binary is left out, it has
 * no place in an entry's text.  t itself if it is no base64 at all (so it was not encoded).
 * Frees t unless it returns it. */
static char *
unbase64(char *t)
{
	size_t n;
	char *d = pc_base64_decode(t, &n);

	if (d == NULL)
		return t;
	free(t);
	if (!pc_is_text(d, n)) {
		free(d);
		d = NULL;
	}
	return d;
}

/* An Atom text construct as plain text (want_html 0) or as HTML. */
static char *
atom_value(struct sax *x, int want_html)
{
	int html = x->atype != 0;
	char *t = take(x), *out;

	if (t && x->b64)
		t = unbase64(t);
	if (t == NULL || want_html == html)
		return t;
	out = want_html ? escape_html(t) : pc_html_text(t);
	free(t);
	return out;
}

/* A media type whose content Atom 1.0 carries as text or inline XML, not base64 (RFC 4287
 * 4.1.3.3); a value that is no media type at all counts as text. */
static int
inline_type(const char *type)
{
	size_t n = strlen(type);

	return strchr(type, '/') == NULL || strncasecmp(type, "text/", 5) == 0 ||
	       (n > 4 && (strcasecmp(type + n - 4, "+xml") == 0 || strcasecmp(type + n - 4, "/xml") == 0));
}

/*
 * An Atom construct's type: 0 text, 1 html, 2 xhtml.  Sets x->b64 where its text is base64:
 * Atom 0.3's mode="base64", or Atom 1.0 content of a type neither text nor XML.  Decoded text
 * of such a type is carried as HTML, which the host sanitizes: nothing says it is plain, and
 * markup in it should neither show as tags nor leak a script into a title.  Atom 0.3's
 * mode="escaped" makes xhtml escaped markup, as html is.
 */
static int
atom_type(struct sax *x, int n, const xmlChar **a, int is_content)
{
	char *type = att(n, a, "type"), *mode = x->atom03 ? att(n, a, "mode") : NULL;
	int t = 0, base64 = mode && strcasecmp(mode, "base64") == 0;

	if (type && (strcasecmp(type, "html") == 0 || strcasecmp(type, "text/html") == 0))
		t = 1;
	else if (type && (strcasecmp(type, "xhtml") == 0 ||
	                     strcasecmp(type, "application/xhtml+xml") == 0))
		t = (mode && strcasecmp(mode, "escaped") == 0) || base64 ? 1 : 2;
	else if (type && !inline_type(type) && (base64 || (is_content && !x->atom03)))
		base64 = t = 1;
	x->b64 = base64;
	free(type);
	free(mode);
	return t;
}

static void
add_markup(struct sax *x, const char *s, size_t n)
{
	if (x->text.len + n > TEXT_CAP)
		return;
	pc_buf_add(&x->text, s, n);
	if (x->in_div)
		pc_buf_add(&x->div, s, n);
}

static void
add_escaped(struct sax *x, const char *s, size_t n, int attr)
{
	if (x->text.len + n > TEXT_CAP)
		return;
	pc_buf_add_escaped(&x->text, s, n, attr);
	if (x->in_div)
		pc_buf_add_escaped(&x->div, s, n, attr);
}

static void
add_qname(struct sax *x, const xmlChar *prefix, const xmlChar *local)
{
	if (prefix) {
		add_markup(x, (const char *)prefix, strlen((const char *)prefix));
		add_markup(x, ":", 1);
	}
	add_markup(x, (const char *)local, strlen((const char *)local));
}

/* Inside xhtml content: the start tag written back out. */
static void
xhtml_start(struct sax *x, const xmlChar *local, const xmlChar *prefix, int nns,
    const xmlChar **ns, int natt, const xmlChar **a)
{
	int i;

	if (x->depth == x->field_depth + 1 && !x->first_child_seen) {
		x->first_child_seen = 1;
		if (strcmp((const char *)local, "div") == 0) {
			x->first_is_div = 1; /* its own tags are not part of the content */
			x->in_div = 1;
			return;
		}
	}
	add_markup(x, "<", 1);
	add_qname(x, prefix, local);
	for (i = 0; i < nns; i++) {
		add_markup(x, ns[2 * i] ? " xmlns:" : " xmlns", ns[2 * i] ? 7 : 6);
		if (ns[2 * i])
			add_markup(x, (const char *)ns[2 * i], strlen((const char *)ns[2 * i]));
		add_markup(x, "=\"", 2);
		if (ns[2 * i + 1])
			add_escaped(x, (const char *)ns[2 * i + 1], strlen((const char *)ns[2 * i + 1]), 1);
		add_markup(x, "\"", 1);
	}
	for (i = 0; i < natt; i++, a += 5) {
		char *v = att_value(a);

		add_markup(x, " ", 1);
		add_qname(x, a[1], a[0]);
		add_markup(x, "=\"", 2);
		if (v)
			add_escaped(x, v, strlen(v), 1);
		add_markup(x, "\"", 1);
		free(v);
	}
	add_markup(x, ">", 1);
	if (x->depth < MAX_DEPTH)
		x->open_at[x->depth] = x->text.len;
}

static void
xhtml_end(struct sax *x, const xmlChar *local, const xmlChar *prefix)
{
	if (x->in_div && x->depth == x->field_depth + 1) {
		x->in_div = 0;
		return;
	}
	if (x->depth < MAX_DEPTH && x->open_at[x->depth] == x->text.len && x->text.len > 0 &&
	    !x->text.oom) {
		/* nothing inside: <br/> rather than <br></br> */
		x->text.len--;
		if (x->in_div && x->div.len > 0)
			x->div.len--;
		add_markup(x, "/>", 2);
		return;
	}
	add_markup(x, "</", 2);
	add_qname(x, prefix, local);
	add_markup(x, ">", 1);
}

static void
item_reset(struct sax *x)
{
	item_free(&x->it);
	free(x->guid_link);
	free(x->item_base);
	free(x->dc_title);
	free(x->dc_desc);
	free(x->pname);
	free(x->pemail);
	x->guid_link = x->item_base = x->dc_title = x->dc_desc = x->pname = x->pemail = NULL;
	x->link_seen = x->author_depth = 0;
}

static void
stop(struct sax *x, int rc)
{
	x->rc = rc;
	xmlStopParser(x->ctx);
}

static void
item_end(struct sax *x)
{
	int rc;

	if (x->kind != K_ATOM && x->kind != K_ENTRY) {
		/* RSS: the first <link>, else the first permalink guid; then rdf:about as the id */
		if (x->it.link)
			set(&x->it.link, pc_resolve(x->it.link, x->item_base));
		else if (x->guid_link)
			x->it.link = pc_resolve(x->guid_link, x->item_base);
		if (x->it.title == NULL)
			x->it.title = x->dc_title, x->dc_title = NULL;
		if (x->it.summary == NULL)
			x->it.summary = x->dc_desc, x->dc_desc = NULL;
	}
	rc = emit_item(x->h, &x->it, x->kind == K_ENTRY ? NULL : x->feed_person ? x->feed_person
	                                                        : x->author ? x->author : x->creator);
	if (rc != 0)
		stop(x, rc == -2 ? -1 : 0); /* -1 from the host: it wants no more */
	item_reset(x);
	x->item_depth = 0;
}

/* A category's term: the text of markup it holds (escaped or not), which is no part of the term.
 * Frees t. */
static char *
cat_text(char *t)
{
	char *plain;

	if (t == NULL || strchr(t, '<') == NULL || (plain = pc_html_text(t)) == NULL)
		return t;
	free(t);
	return plain;
}

/* Dublin Core Terms dates, in any dialect: 1 and sets *f if local is one. */
static int
dcterms_date(const xmlChar *local, const xmlChar *uri, enum field *f)
{
	if (uri == NULL || strcmp((const char *)uri, NS_DCTERMS) != 0)
		return 0;
	if (strcmp((const char *)local, "modified") == 0)
		*f = F_UPDATED;
	else if (strcmp((const char *)local, "issued") == 0)
		*f = F_PUBLISHED;
	else if (strcmp((const char *)local, "created") == 0)
		*f = F_CREATED;
	else
		return 0;
	return 1;
}

/* RSS: the person items without an author inherit, from the feed's author read so far. */
static void
feed_person(struct sax *x)
{
	const char *a = x->author ? x->author : x->creator;

	free(x->feed_person);
	x->feed_person = a ? rss_person(strdup(a)) : NULL;
}

/* Atom: the end of an item's <author>, which becomes one of its people. */
static void
person_end(struct sax *x)
{
	if (x->pname || x->pemail)
		add_person(&x->it, person_line(x->pname ? x->pname : "", x->pname ? strlen(x->pname) : 0,
		                       x->pemail ? x->pemail : "", x->pemail ? strlen(x->pemail) : 0));
	free(x->pname);
	free(x->pemail);
	x->pname = x->pemail = NULL;
	x->author_depth = 0;
}

/* The end of a collected field: where its text goes. */
static void
field_end(struct sax *x)
{
	struct item *it = &x->it;
	char *t;

	switch (x->field) {
	case F_TITLE:
		if (x->kind == K_ATOM || x->kind == K_ENTRY)
			set(&it->title, atom_value(x, 0));
		else if (it->title == NULL)
			set(&it->title, take(x));
		break;
	case F_LINK: /* RSS: resolved at the item's end */
		if (!x->link_seen) {
			x->link_seen = 1;
			set(&it->link, take(x));
		}
		break;
	case F_GUID:
		t = pc_trim(take(x));
		if (t && *t && x->perma && x->guid_link == NULL && strstr(t, "://"))
			x->guid_link = strdup(t);
		set(&it->id, t);
		break;
	case F_SUMMARY:
		set(&it->summary, x->kind == K_ATOM || x->kind == K_ENTRY ? atom_value(x, 1) : take(x));
		break;
	case F_CONTENT:
		set(&it->content, x->kind == K_ATOM || x->kind == K_ENTRY ? atom_value(x, 1) : take(x));
		break;
	case F_PUBLISHED:
		set(&it->published, take(x));
		break;
	case F_UPDATED:
		set(&it->updated, take(x));
		break;
	case F_AUTHOR:
		add_person(it, rss_person(take(x)));
		break;
	case F_CREATED:
		if (it->published == NULL)
			set(&it->published, take(x));
		break;
	case F_DC_TITLE:
		if (x->dc_title == NULL)
			set(&x->dc_title, take(x));
		break;
	case F_DC_DESC:
		if (x->dc_desc == NULL)
			set(&x->dc_desc, take(x));
		break;
	case F_CAT:
		add_cat(it, cat_text(take(x)));
		break;
	case F_ID:
		set(&it->id, take(x));
		break;
	case F_PERSON_NAME:
		set(x->item_depth ? &x->pname : &x->author, take(x));
		break;
	case F_PERSON_EMAIL:
		set(&x->pemail, take(x));
		break;
	case F_FEED_TITLE:
		if (x->kind == K_ATOM)
			set(&x->title, atom_value(x, 0));
		else if (x->title == NULL)
			set(&x->title, take(x));
		break;
	case F_FEED_LINK:
		if (x->link == NULL && (t = pc_trim(take(x))) != NULL) {
			x->link = *t ? pc_resolve(t, x->url) : NULL;
			free(t);
		}
		break;
	case F_FEED_SUB:
		if (x->kind == K_ATOM) {
			set(&x->sub, atom_value(x, 0));
		} else if (x->sub == NULL && (t = take(x)) != NULL) {
			set(&x->sub, pc_html_text(pc_trim(t)));
			free(t);
		}
		break;
	case F_FEED_AUTHOR:
		if (x->author == NULL)
			set(&x->author, take(x));
		feed_person(x);
		break;
	case F_FEED_CREATOR:
		if (x->creator == NULL)
			set(&x->creator, take(x));
		feed_person(x);
		break;
	case F_NONE:
		break;
	}
	x->field = F_NONE;
	x->b64 = 0;
}

/* Where an RSS item's relative links resolve: its xml:base chain, else the channel's link,
 * else the document's URL. */
static char *
rss_item_base(const struct sax *x)
{
	const char *b = base_at(x, x->depth);

	return b ? strdup(b) : x->link ? strdup(x->link) : x->url ? strdup(x->url) : NULL;
}

static void
rss_field(struct sax *x, const xmlChar *local, const xmlChar *uri, int natt, const xmlChar **a)
{
	const char *ns = x->ns;
	int rss2 = x->kind == K_RSS;
	enum field f;

	if (el_is(local, uri, ns, "title")) {
		begin(x, F_TITLE);
	} else if (el_is(local, uri, ns, "link")) {
		begin(x, F_LINK);
	} else if (rss2 && el_is(local, uri, ns, "guid")) {
		char *perma = att(natt, a, "isPermaLink");

		begin(x, F_GUID);
		x->perma = perma == NULL || strcmp(perma, "false") != 0;
		free(perma);
	} else if (el_is(local, uri, ns, "description")) {
		begin(x, F_SUMMARY);
	} else if (el_is(local, uri, NS_CONTENT, "encoded")) {
		begin(x, F_CONTENT);
	} else if (el_is(local, uri, ns, "pubDate") || el_is(local, uri, NS_DC, "date")) {
		begin(x, F_PUBLISHED);
	} else if (dcterms_date(local, uri, &f)) {
		begin(x, f);
	} else if (el_is(local, uri, NS_DC, "title")) {
		begin(x, F_DC_TITLE);
	} else if (el_is(local, uri, NS_DC, "description")) {
		begin(x, F_DC_DESC);
	} else if ((rss2 && el_is(local, uri, ns, "author")) ||
	           el_is(local, uri, NS_DC, "creator")) {
		begin(x, F_AUTHOR);
	} else if ((rss2 && el_is(local, uri, ns, "category")) ||
	           el_is(local, uri, NS_DC, "subject")) {
		begin(x, F_CAT);
	} else if (rss2 && el_is(local, uri, ns, "enclosure")) {
		char *len = att(natt, a, "length"), *b = rss_item_base(x);

		add_enc(&x->it, att(natt, a, "url"), att(natt, a, "type"), len, b);
		free(len);
		free(b);
	}
}

static void
atom_field(struct sax *x, const xmlChar *local, const xmlChar *uri, int natt, const xmlChar **a)
{
	const char *ns = x->ns;
	struct item *it = &x->it;
	enum field f;

	x->atype = x->b64 = 0;
	if (el_is(local, uri, ns, "id")) {
		begin(x, F_ID);
	} else if (el_is(local, uri, ns, "title")) {
		x->atype = atom_type(x, natt, a, 0);
		begin(x, F_TITLE);
	} else if (el_is(local, uri, ns, "link")) {
		char *rel = att(natt, a, "rel"), *href = att(natt, a, "href");
		const char *lb = chain_or(x, x->depth, x->base[1] ? x->base[1] : x->url);

		if (href && (rel == NULL || strcmp(rel, "alternate") == 0) && it->link == NULL) {
			it->link = pc_resolve(href, lb);
		} else if (href && rel && strcmp(rel, "enclosure") == 0) {
			char *len = att(natt, a, "length");

			add_enc(it, href, att(natt, a, "type"), len, lb);
			href = NULL;
			free(len);
		}
		free(href);
		free(rel);
	} else if (el_is(local, uri, ns, "summary")) {
		x->atype = atom_type(x, natt, a, 0);
		begin(x, F_SUMMARY);
	} else if (el_is(local, uri, ns, "content")) {
		char *src = att(natt, a, "src");

		if (src && it->link == NULL)
			it->link = pc_resolve(src, x->item_base);
		if (src == NULL) {
			x->atype = atom_type(x, natt, a, 1);
			begin(x, F_CONTENT);
		}
		free(src);
	} else if (el_is(local, uri, ns, "published") || el_is(local, uri, ns, "issued")) {
		begin(x, F_PUBLISHED);
	} else if (el_is(local, uri, ns, "updated") || el_is(local, uri, ns, "modified")) {
		begin(x, F_UPDATED);
	} else if (dcterms_date(local, uri, &f)) {
		begin(x, f);
	} else if (el_is(local, uri, ns, "category")) {
		add_cat(it, att(natt, a, "term"));
	} else if (el_is(local, uri, ns, "author")) {
		x->author_depth = x->depth;
	}
}

static void
item_start(struct sax *x, int natt, const xmlChar **a)
{
	item_reset(x);
	x->item_depth = x->depth;
	if (x->kind == K_ATOM || x->kind == K_ENTRY) {
		const char *fb = x->base[1] ? x->base[1] : x->url;

		x->item_base = (fb = chain_or(x, x->depth, fb)) ? strdup(fb) : NULL;
	} else {
		x->item_base = rss_item_base(x);
		if (x->kind == K_RDF) { /* rdf:about, the id when there is no other */
			int i;

			for (i = 0; i < natt; i++)
				if (strcmp((const char *)a[5 * i], "about") == 0)
					set(&x->it.id, att_value(a + 5 * i));
		}
	}
}

/* An RDF document's RSS: 1.0 or 0.90 by the namespace of its channel and items, or none. */
static const char *
rdf_dialect(const xmlChar *uri)
{
	if (uri && strcmp((const char *)uri, NS_RSS1) == 0)
		return NS_RSS1;
	if (uri && strcmp((const char *)uri, NS_RSS090) == 0)
		return NS_RSS090;
	return NULL;
}

static void
root_start(struct sax *x, const xmlChar *local, const xmlChar *uri)
{
	if (el_is(local, uri, NULL, "rss") || el_is(local, uri, NS_USERLAND, "rss")) {
		x->kind = K_RSS;
		x->ns = uri ? NS_USERLAND : NULL;
	} else if (el_is(local, uri, NULL, "channel")) {
		x->kind = K_RSS;
		x->chan_depth = 1;
		x->chan_seen = 1;
	} else if (el_is(local, uri, NS_RDF, "RDF")) {
		x->kind = K_RDF; /* RSS 1.0 or 0.90: see rdf_dialect */
	} else if (el_is(local, uri, NS_ATOM, "feed") || el_is(local, uri, NS_ATOM03, "feed")) {
		x->kind = K_ATOM;
		x->atom03 = strcmp((const char *)uri, NS_ATOM) != 0;
		x->ns = x->atom03 ? NS_ATOM03 : NS_ATOM;
	} else if (el_is(local, uri, NS_ATOM, "entry")) {
		x->kind = K_ENTRY;
		x->ns = NS_ATOM;
	} else {
		x->kind = K_NOTFEED;
		x->h->error(x->h->ctx, "feed: XML, but no feed this plugin reads (root element <%s>%s%s)",
		    (const char *)local, uri ? " in namespace " : "", uri ? (const char *)uri : "");
		stop(x, -1);
	}
}

static void
on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nns,
    const xmlChar **ns, int natt, int ndef, const xmlChar **a)
{
	struct sax *x = ctx;
	int i, d;

	(void)ndef;
	d = ++x->depth;
	if (d < MAX_DEPTH) {
		const char *parent = base_at(x, d - 1);

		x->own[d] = NULL;
		for (i = 0; i < natt; i++) /* as the tree builder: no DTD defaults */
			if (a[5 * i + 2] && strcmp((const char *)a[5 * i], "base") == 0 &&
			    strcmp((const char *)a[5 * i + 2], (const char *)XML_XML_NAMESPACE) == 0) {
				char *v = att_value(a + 5 * i);

				free(x->own[d]); /* a repeated attribute: the last one */
				x->own[d] = pc_resolve(v, parent ? parent : x->url);
				free(v);
			}
		x->base[d] = x->own[d] ? x->own[d] : parent;
	}
	if (x->field != F_NONE) {
		if (x->atype == 2)
			xhtml_start(x, local, prefix, nns, ns, natt, a);
		return; /* text of descendants is collected */
	}
	if (d == 1) {
		root_start(x, local, uri);
		if (x->kind == K_ENTRY)
			item_start(x, natt, a);
		return;
	}
	if (x->item_depth) {
		if (d == x->item_depth + 1) {
			if (x->kind == K_ATOM || x->kind == K_ENTRY)
				atom_field(x, local, uri, natt, a);
			else
				rss_field(x, local, uri, natt, a);
		} else if (x->author_depth && d == x->author_depth + 1) {
			if (el_is(local, uri, x->ns, "name") && x->pname == NULL)
				begin(x, F_PERSON_NAME);
			else if (el_is(local, uri, x->ns, "email") && x->pemail == NULL)
				begin(x, F_PERSON_EMAIL);
		}
		return;
	}
	switch (x->kind) {
	case K_RSS:
		if (!x->chan_seen && d == 2 && el_is(local, uri, x->ns, "channel")) {
			x->chan_seen = 1;
			x->chan_depth = 2;
		} else if (x->chan_depth && d == x->chan_depth + 1) {
			if (el_is(local, uri, x->ns, "item"))
				item_start(x, natt, a);
			else if (el_is(local, uri, x->ns, "title"))
				begin(x, F_FEED_TITLE);
			else if (el_is(local, uri, x->ns, "link"))
				begin(x, F_FEED_LINK);
			else if (el_is(local, uri, x->ns, "description"))
				begin(x, F_FEED_SUB);
			else if (el_is(local, uri, x->ns, "managingEditor"))
				begin(x, F_FEED_AUTHOR);
			else if (el_is(local, uri, NS_DC, "creator"))
				begin(x, F_FEED_CREATOR);
		}
		break;
	case K_RDF:
		if (d == 2 && x->ns == NULL)
			x->ns = rdf_dialect(uri); /* the first child's namespace says which RSS */
		if (d == 2 && el_is(local, uri, x->ns, "item")) {
			item_start(x, natt, a);
		} else if (d == 2 && !x->chan_seen && el_is(local, uri, x->ns, "channel")) {
			x->chan_seen = 1;
			x->chan_depth = 2;
		} else if (x->chan_depth && d == 3) {
			if (el_is(local, uri, x->ns, "title"))
				begin(x, F_FEED_TITLE);
			else if (el_is(local, uri, x->ns, "link"))
				begin(x, F_FEED_LINK);
			else if (el_is(local, uri, x->ns, "description"))
				begin(x, F_FEED_SUB);
			else if (el_is(local, uri, NS_DC, "creator"))
				begin(x, F_FEED_CREATOR);
		}
		break;
	case K_ATOM:
		if (d == 2) {
			x->atype = x->b64 = 0;
			if (el_is(local, uri, x->ns, "entry")) {
				item_start(x, natt, a);
			} else if (el_is(local, uri, x->ns, "title")) {
				x->atype = atom_type(x, natt, a, 0);
				begin(x, F_FEED_TITLE);
			} else if (el_is(local, uri, x->ns, "subtitle") ||
			           el_is(local, uri, x->ns, "tagline")) {
				x->atype = atom_type(x, natt, a, 0);
				begin(x, F_FEED_SUB);
			} else if (el_is(local, uri, x->ns, "link") && x->link == NULL) {
				char *rel = att(natt, a, "rel"), *href = att(natt, a, "href");

				if (href && (rel == NULL || strcmp(rel, "alternate") == 0))
					x->link = pc_resolve(href, x->base[1] ? x->base[1] : x->url);
				free(rel);
				free(href);
			} else if (el_is(local, uri, x->ns, "author") && !x->feed_author_seen) {
				x->feed_author_seen = 1;
				x->feed_author_depth = 2;
			}
		} else if (x->feed_author_depth && d == 3 && el_is(local, uri, x->ns, "name") &&
		           x->author == NULL) {
			begin(x, F_PERSON_NAME);
		}
		break;
	default:
		break;
	}
}

static void
on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct sax *x = ctx;
	int d = x->depth;

	(void)uri;
	if (x->field != F_NONE) {
		if (d == x->field_depth)
			field_end(x);
		else if (x->atype == 2)
			xhtml_end(x, local, prefix);
	} else if (x->item_depth && d == x->item_depth) {
		item_end(x);
	} else if (x->item_depth && d == x->author_depth) {
		person_end(x);
	} else if (d == x->feed_author_depth) {
		x->feed_author_depth = 0;
	} else if (d == x->chan_depth) {
		x->chan_depth = 0; /* later channels are not read */
	}
	if (d < MAX_DEPTH) {
		free(x->own[d]);
		x->own[d] = NULL;
		x->base[d] = NULL;
	}
	x->depth--;
}

static void
on_text(void *ctx, const xmlChar *s, int n)
{
	struct sax *x = ctx;

	if (x->field == F_NONE || n <= 0)
		return;
	if (x->atype == 2) { /* xhtml: text is markup's text, escaped again */
		if (x->depth > x->field_depth && x->first_is_div && !x->in_div)
			return; /* after the div */
		add_escaped(x, (const char *)s, (size_t)n, 0);
	} else if (x->text.len + (size_t)n <= TEXT_CAP) {
		pc_buf_add(&x->text, (const char *)s, (size_t)n);
	}
}

static void
quiet(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

/* Where a wide encoding starts, and how its code units read. */
struct wide {
	size_t unit, skip; /* 2 (UTF-16) or 4 (UTF-32); the byte order mark's length */
	int be;
};

/* UTF-32 or UTF-16, told by a byte order mark or by how "<" (and "<?") is spelled: 1 and *w. */
static int
wide_encoding(const unsigned char *p, size_t n, struct wide *w)
{
	static const struct {
		unsigned char sig[4];
		size_t len;
		struct wide w;
	} sigs[] = {
		{{0x00, 0x00, 0xfe, 0xff}, 4, {4, 4, 1}}, {{0xff, 0xfe, 0x00, 0x00}, 4, {4, 4, 0}},
		{{0x00, 0x00, 0x00, '<'}, 4, {4, 0, 1}}, {{'<', 0x00, 0x00, 0x00}, 4, {4, 0, 0}},
		{{0xfe, 0xff}, 2, {2, 2, 1}}, {{0xff, 0xfe}, 2, {2, 2, 0}},
		{{0x00, '<', 0x00, '?'}, 4, {2, 0, 1}}, {{'<', 0x00, '?', 0x00}, 4, {2, 0, 0}},
	};
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (n >= sigs[i].len && memcmp(p, sigs[i].sig, sigs[i].len) == 0) {
			*w = sigs[i].w;
			return 1;
		}
	return 0;
}

static uint32_t
wide_unit(const unsigned char *p, const struct wide *w)
{
	if (w->unit == 2)
		return w->be ? (uint32_t)p[0] << 8 | p[1] : (uint32_t)p[1] << 8 | p[0];
	return w->be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
	             : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static size_t
put_utf8(unsigned char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (unsigned char)(0xc0 | c >> 6);
		o[1] = (unsigned char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (unsigned char)(0xe0 | c >> 12);
		o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | c >> 18);
	o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * UTF-32 and UTF-16 input decoded to UTF-8 here, malloc'd (*len its length), or NULL when out
 * of memory: libxml2 2.9 takes UTF-32's byte order mark for UTF-16's and lets a declaration
 * ("ISO-10646-UCS-4", "ISO-10646-UCS-2") override what the bytes say.  A unit that is no
 * character (a lone surrogate, past U+10FFFF) becomes U+FFFD.
 */
static char *
wide_to_utf8(const unsigned char *p, size_t n, const struct wide *w, size_t *len)
{
	unsigned char *out = malloc(n / 2 * 3 + 4), *o = out;
	size_t i;

	if (out == NULL)
		return NULL;
	for (i = w->skip; i + w->unit <= n; i += w->unit) {
		uint32_t c = wide_unit(p + i, w), lo;

		if (w->unit == 2 && c >= 0xd800 && c < 0xdc00 && i + 4 <= n &&
		    (lo = wide_unit(p + i + 2, w)) >= 0xdc00 && lo < 0xe000) {
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		} else if ((c >= 0xd800 && c < 0xe000) || c > 0x10ffff) {
			c = 0xfffd;
		}
		o += put_utf8(o, c);
	}
	*o = '\0';
	*len = (size_t)(o - out);
	return (char *)out;
}


/* libxml2's push parser copies what it is handed and frees it once parsed: in pieces, it holds
 * a piece of the document at a time instead of a second copy of all of it, and stops reading
 * when the host wants no more entries. */
static void
parse_in_pieces(xmlParserCtxtPtr ctx, const char *data, size_t len)
{
	const size_t piece = 64 * 1024; /* its buffer grew to 1 MiB with 256 KiB ones */
	size_t off = 0;

	do {
		size_t n = len - off < piece ? len - off : piece;

		xmlParseChunk(ctx, data + off, (int)n, off + n == len);
		off += n;
	} while (off < len && ctx->instate != XML_PARSER_EOF);
}

static int
parse_xml(const struct feedd_host *h, const struct feedd_input *in)
{
	struct sax x;
	xmlSAXHandler sh;
	struct feedd_feed_info fi = {0};
	struct wide w;
	const char *data = in->data;
	char *utf8 = NULL;
	size_t len = in->len;
	int i, opts = XML_PARSE_NONET | XML_PARSE_RECOVER | XML_PARSE_NOERROR |
	              XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;

	if (wide_encoding((const unsigned char *)data, len, &w)) {
		if ((utf8 = wide_to_utf8((const unsigned char *)data, len, &w, &len)) == NULL) {
			h->error(h->ctx, "feed: out of memory");
			return -1;
		}
		data = utf8;
		opts |= XML_PARSE_IGNORE_ENC; /* the bytes said it, and they are UTF-8 now */
	}
	memset(&x, 0, sizeof(x));
	memset(&sh, 0, sizeof(sh));
	sh.initialized = XML_SAX2_MAGIC;
	sh.startElementNs = on_start;
	sh.endElementNs = on_end;
	sh.characters = on_text;
	sh.ignorableWhitespace = on_text;
	sh.cdataBlock = on_text;
	sh.serror = quiet;
	x.h = h;
	x.url = strncmp(in->url, "stdin:", 6) ? in->url : NULL;
	x.ctx = xmlCreatePushParserCtxt(&sh, &x, NULL, 0, in->url);
	if (x.ctx == NULL) {
		free(utf8);
		h->error(h->ctx, "feed: out of memory");
		return -1;
	}
	xmlCtxtUseOptions(x.ctx, opts);
	if (in->charset && utf8 == NULL) {
		xmlCharEncodingHandlerPtr enc = xmlFindCharEncodingHandler(in->charset);

		if (enc)
			xmlSwitchToEncoding(x.ctx, enc);
	}
	parse_in_pieces(x.ctx, data, len);
	if (x.kind == K_NONE) {
		const xmlError *e = xmlCtxtGetLastError(x.ctx);
		char msg[200] = "";

		if (e && e->message)
			snprintf(msg, sizeof(msg), ": %s", e->message);
		h->error(h->ctx, "feed: not XML%s", pc_trim(msg));
		x.rc = -1;
	} else if (x.kind != K_NOTFEED) {
		fi.title = x.title;
		fi.link = x.link;
		fi.author = x.author ? x.author : x.creator;
		fi.subtitle = x.sub;
		h->feed_info(h->ctx, &fi);
	}
	item_reset(&x);
	for (i = 0; i < MAX_DEPTH; i++)
		free(x.own[i]);
	free(x.title);
	free(x.link);
	free(x.author);
	free(x.creator);
	free(x.feed_person);
	free(x.sub);
	free(x.text.p);
	free(x.div.p);
	/* libxml2 keeps a DTD's entity declarations in a document of its own in SAX mode ("for
	 * expat compatibility"); feedd never reads it, and the context does not free it */
	if (x.ctx->myDoc)
		xmlFreeDoc(x.ctx->myDoc);
	xmlFreeParserCtxt(x.ctx);
	free(utf8);
	return x.rc;
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

/* Every author of a JSON Feed object with a name (1.1's authors, else 1.0's author). */
static void
json_people(struct item *it, json_t *o)
{
	json_t *a = json_object_get(o, "authors"), *v;
	const char *name;
	size_t i;

	if (!json_is_array(a) || json_array_size(a) == 0)
		a = json_pack("[O]", json_object_get(o, "author"));
	else
		json_incref(a);
	json_array_foreach(a, i, v)
		if ((name = json_string_value(json_object_get(v, "name"))) != NULL)
			add_person(it, person_line(name, strlen(name), "", 0));
	json_decref(a);
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
	json_people(&it, j);
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
