/* Entries: copying a plugin's entry into owned, clean storage, and stable ids. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "entry.h"
#include "sanitize.h"
#include "sha1.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

/* feedd's UUIDv5 namespace (random, fixed forever: changing it changes every id). */
static const unsigned char feedd_ns[16] = {0x6b, 0x1e, 0x0c, 0x4a, 0x93, 0x5d, 0x4f, 0x21, 0xa8,
    0x07, 0x3c, 0xd2, 0x51, 0x9e, 0x7f, 0x40};

/* RFC 4122 section 4.3: SHA-1 of the namespace and the name, version 5, variant 10. */
void
entry_make_id(const char *key, char out[ENTRY_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[20];
	struct sha1 s;
	char *p = out + 9;
	int i;

	sha1_init(&s);
	sha1_update(&s, feedd_ns, sizeof(feedd_ns));
	sha1_update(&s, key, strlen(key));
	sha1_final(&s, d);
	d[6] = (unsigned char)((d[6] & 0x0f) | 0x50);
	d[8] = (unsigned char)((d[8] & 0x3f) | 0x80);
	memcpy(out, "urn:uuid:", 9);
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[d[i] >> 4];
		*p++ = hex[d[i] & 15];
	}
	*p = '\0';
}

/* A cleaned copy of s cut to at most max bytes at a character boundary, with "…" if cut. */
static char *
strdup_clean_max(const char *s, size_t max)
{
	struct buf b = BUF_INIT;
	size_t n;

	if (s == NULL || *s == '\0')
		return NULL;
	n = strlen(s);
	if (n <= max && text_is_clean(s, n))
		return xstrndup(s, n);
	text_clean(&b, s, n);
	if (b.len > max) {
		size_t cut = max - 3;

		while (cut > 0 && ((unsigned char)b.data[cut] & 0xc0) == 0x80)
			cut--;
		b.len = cut;
		buf_adds(&b, "\xe2\x80\xa6");
	}
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b, NULL);
}

char *
entry_strdup_clean(const char *s)
{
	return strdup_clean_max(s, ENTRY_SHORT_MAX);
}

char *
entry_strdup_text(const char *s)
{
	return strdup_clean_max(s, ENTRY_TEXT_MAX);
}

char *
entry_strdup_whole(const char *s)
{
	return strdup_clean_max(s, SIZE_MAX);
}

/*
 * Sanitized HTML of at most ENTRY_TEXT_MAX bytes.  Sanitizing can grow a fragment (end tags,
 * quoted attributes), so the cap applies to what comes out: a result too long is cut shorter
 * and sanitized again, which closes what the cut left open.  The caller cuts the input first
 * too, so that the parser's work stays bounded.
 */
static char *
sanitized(const char *html)
{
	char *in, *out = sanitize_html(html);
	size_t keep = ENTRY_TEXT_MAX - 4096; /* room for the end tags a cut leaves open */

	while (out && strlen(out) > ENTRY_TEXT_MAX) {
		in = strdup_clean_max(out, keep);
		free(out);
		out = in ? sanitize_html(in) : NULL;
		free(in);
		keep = keep > 8192 ? keep / 2 : 64; /* nesting deep enough to need more room */
	}
	return out;
}

/* A change detector, not a defence: mixes 8 bytes at a time. */
static uint64_t
mix(uint64_t h, const char *s)
{
	size_t n = s ? strlen(s) : 0, i;
	uint64_t w;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	w = 0;
	if (i < n)
		memcpy(&w, s + i, n - i);
	h = (h ^ w ^ ((uint64_t)n << 56)) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 32);
}

void
entry_rehash(struct entry *e)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	h = mix(h, e->title);
	h = mix(h, e->link);
	h = mix(h, e->author);
	h = mix(h, e->summary);
	h = mix(h, e->content);
	h = mix(h, e->caption);
	for (i = 0; i < e->n_categories; i++)
		h = mix(h, e->categories[i]);
	for (i = 0; i < e->n_enclosures; i++)
		h = mix(h, e->enclosures[i].url);
	e->hash = h;
}

void
entry_stamp(struct entry *e, int64_t fallback)
{
	e->published = e->src_published ? e->src_published
	             : e->src_updated  ? e->src_updated
	                               : fallback;
	e->updated = e->src_updated > e->published ? e->src_updated : e->published;
}

int
entry_person(const char **authors, struct person *p)
{
	const char *s = *authors, *end;
	char *lt, *gt;
	size_t n;

	for (; s && *s == '\n'; s++)
		;
	if (s == NULL || *s == '\0')
		return 0;
	end = strchr(s, '\n');
	n = end ? (size_t)(end - s) : strlen(s);
	*authors = s + n;
	if (n > ENTRY_SHORT_MAX)
		n = ENTRY_SHORT_MAX;
	memcpy(p->buf, s, n);
	p->buf[n] = '\0';
	p->name = p->buf;
	p->email = NULL;
	gt = n ? p->buf + n - 1 : NULL;
	/* "<email>" at the end, with an address in it (atom.rng wants something@something) */
	if (gt && *gt == '>' && (lt = strrchr(p->buf, '<')) != NULL && lt + 2 < gt &&
	    strchr(lt, '@') && lt[1] != '@' && gt[-1] != '@') {
		*gt = '\0';
		p->email = lt + 1;
		while (lt > p->buf && lt[-1] == ' ')
			lt--;
		*lt = '\0';
		if (p->buf[0] == '\0')
			p->name = p->email; /* atom:name is required */
	}
	return 1;
}

struct entry *
entry_new(void)
{
	return xcalloc(1, sizeof(struct entry));
}

/* Collapses whitespace of plain text into single spaces, for titles. */
static void
add_words(struct buf *b, const char *s)
{
	int space = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = b->len > 0;
			continue;
		}
		if (space)
			buf_addc(b, ' ');
		space = 0;
		buf_addc(b, *s);
	}
}

char *
entry_derive_title(const char *text, size_t max)
{
	struct buf b = BUF_INIT;
	size_t cut;

	if (text == NULL)
		return xstrdup("(untitled)");
	add_words(&b, text);
	if (b.len == 0) {
		buf_free(&b);
		return xstrdup("(untitled)");
	}
	if (b.len <= max)
		return buf_steal(&b, NULL);
	cut = max;
	while (cut > 0 && b.data[cut] != ' ')
		cut--;
	if (cut == 0) { /* one long word: cut at a character boundary */
		cut = max;
		while (cut > 0 && ((unsigned char)b.data[cut] & 0xc0) == 0x80)
			cut--;
	}
	while (cut > 0 && strchr(" ,;:-", b.data[cut - 1]))
		cut--;
	b.len = cut;
	b.data[cut] = '\0';
	buf_adds(&b, "\xe2\x80\xa6");
	return buf_steal(&b, NULL);
}

static int64_t
clamp_date(int64_t t)
{
	return t == 0 ? 0 : t < ENTRY_TIME_MIN ? ENTRY_TIME_MIN : t > ENTRY_TIME_MAX ? ENTRY_TIME_MAX : t;
}

/* entry_screen_links without the hash: each caller hashes once, when the entry is whole. */
static void
screen_links(struct entry *e, const char *base)
{
	char *u;
	size_t i, n = 0;

	u = e->link ? url_link(e->link, base) : NULL;
	free(e->link);
	e->link = u;
	for (i = 0; i < e->n_enclosures; i++) {
		struct enclosure en = e->enclosures[i];

		u = url_link(en.url, base);
		free(en.url);
		if (u == NULL) {
			free(en.type);
			continue;
		}
		en.url = u;
		e->enclosures[n++] = en;
	}
	e->n_enclosures = n;
}

struct entry *
entry_from_plugin(const struct feedd_entry *pe, int safe_html, const char *base,
    const char **why)
{
	struct entry *e = entry_from_plugin_unhashed(pe, safe_html, base, NULL, why);

	if (e)
		entry_rehash(e);
	return e;
}

struct entry *
entry_from_plugin_unhashed(const struct feedd_entry *pe, int safe_html, const char *base,
    const struct idkeys *lookup, const char **why)
{
	struct entry *e;
	size_t i, n;

	if (pe->id_key == NULL || pe->id_key[0] == '\0') {
		*why = "entry without an id key";
		return NULL;
	}
	e = entry_new();
	e->id_key = entry_strdup_clean(pe->id_key);
	if (e->id_key == NULL) {
		free(e);
		*why = "entry whose id key is empty after cleaning";
		return NULL;
	}
	entry_make_id(e->id_key, e->id);
	if (lookup)
		idkeys_prefetch(lookup, e->id);
	e->link = entry_strdup_clean(pe->link);
	e->author = entry_strdup_clean(pe->author);
	e->summary = entry_strdup_text(pe->summary);
	e->caption = entry_strdup_clean(pe->caption);
	if (pe->content != NULL && pe->content[0] != '\0') {
		char *clean = entry_strdup_text(pe->content);

		/* a plugin's promise is checked, not trusted: a worker running it may be hostile */
		if (clean == NULL || (safe_html && sanitize_is_plain(clean))) {
			e->content = clean;
		} else {
			e->content = sanitized(clean);
			free(clean);
		}
	}
	e->title = entry_strdup_clean(pe->title);
	if (e->title == NULL) {
		char *plain = e->summary ? NULL : sanitize_html_text(e->content);

		e->title = entry_derive_title(e->summary ? e->summary : plain, 100);
		free(plain);
	}
	for (n = 0; pe->categories && pe->categories[n]; n++)
		;
	if (n) {
		e->categories = xcalloc(n, sizeof(char *));
		for (i = 0; i < n; i++)
			if ((e->categories[e->n_categories] = entry_strdup_clean(pe->categories[i])))
				e->n_categories++;
	}
	if (pe->n_enclosures && pe->enclosures) {
		e->enclosures = xcalloc(pe->n_enclosures, sizeof(struct enclosure));
		for (i = 0; i < pe->n_enclosures; i++) {
			struct enclosure *en = &e->enclosures[e->n_enclosures];

			if ((en->url = entry_strdup_clean(pe->enclosures[i].url)) == NULL)
				continue;
			en->type = entry_strdup_clean(pe->enclosures[i].type);
			en->length = pe->enclosures[i].length;
			e->n_enclosures++;
		}
	}
	/* 0 is "no date"; before 1970 is a date (clamped to what Atom and HTTP can write) */
	e->src_published = clamp_date(pe->published);
	e->src_updated = clamp_date(pe->updated);
	e->truncated = pe->truncated != 0;
	screen_links(e, base);
	return e;
}

void
entry_screen_links(struct entry *e, const char *base)
{
	screen_links(e, base);
	entry_rehash(e);
}

void
entry_free(struct entry *e)
{
	size_t i;

	if (e == NULL)
		return;
	free(e->id_key);
	free(e->title);
	free(e->link);
	free(e->author);
	free(e->summary);
	free(e->content);
	free(e->caption);
	for (i = 0; i < e->n_categories; i++)
		free(e->categories[i]);
	free(e->categories);
	for (i = 0; i < e->n_enclosures; i++) {
		free(e->enclosures[i].url);
		free(e->enclosures[i].type);
	}
	free(e->enclosures);
	free(e);
}

static uint64_t
idhash(const char *id)
{
	return hash_bytes(id, strlen(id));
}

struct entry *
idset_find(const struct idset *s, const char *id)
{
	size_t i, mask;

	if (s->cap == 0)
		return NULL;
	mask = s->cap - 1;
	for (i = idhash(id) & mask; s->slots[i]; i = (i + 1) & mask)
		if (strcmp(s->slots[i]->id, id) == 0)
			return s->slots[i];
	return NULL;
}

int
idset_add(struct idset *s, struct entry *e)
{
	size_t i, mask;

	if ((s->n + 1) * 2 > s->cap) {
		struct idset g = {NULL, s->cap ? s->cap * 2 : 64, 0};

		g.slots = xcalloc(g.cap, sizeof(*g.slots));
		for (i = 0; i < s->cap; i++)
			if (s->slots[i])
				idset_add(&g, s->slots[i]);
		free(s->slots);
		*s = g;
	}
	mask = s->cap - 1;
	for (i = idhash(e->id) & mask; s->slots[i]; i = (i + 1) & mask)
		if (strcmp(s->slots[i]->id, e->id) == 0)
			return 0;
	s->slots[i] = e;
	s->n++;
	return 1;
}

void
idset_free(struct idset *s)
{
	free(s->slots);
	s->slots = NULL;
	s->cap = s->n = 0;
}

/* The uuid's 16 bytes, its hex digits at fixed places (8-4-4-4-12) after "urn:uuid:". */
static void
id_bytes(const char *id, unsigned char out[16])
{
	static const unsigned char at[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30,
	    32, 34};
	static const unsigned char hex[256] = {['1'] = 1, ['2'] = 2, ['3'] = 3, ['4'] = 4,
	    ['5'] = 5, ['6'] = 6, ['7'] = 7, ['8'] = 8, ['9'] = 9, ['a'] = 10, ['b'] = 11,
	    ['c'] = 12, ['d'] = 13, ['e'] = 14, ['f'] = 15};
	const unsigned char *p = (const unsigned char *)id + 9;
	int i;

	for (i = 0; i < 16; i++)
		out[i] = (unsigned char)(hex[p[at[i]]] << 4 | hex[p[at[i] + 1]]);
}

/* A slot: the key's index + 1 in its low half (0: empty), 32 more bits of the key above, so
 * that a probe reads the key itself only when those match. */
static uint64_t
key_slot(const unsigned char k[16], size_t index)
{
	uint32_t fp;

	memcpy(&fp, k + 8, 4);
	return (uint64_t)fp << 32 | (uint64_t)(index + 1);
}

static size_t
key_home(const unsigned char k[16], size_t mask)
{
	uint64_t h;

	memcpy(&h, k, 8); /* SHA-1 bytes: as good a hash as any */
	return (size_t)h & mask;
}

int
idkeys_add(struct idkeys *s, const char *id)
{
	unsigned char k[16];
	uint64_t want;
	size_t i, mask;

	if ((s->n + 1) * 4 > s->cap * 3) { /* at 3/4 full: the 32 bits keep probes cheap */
		free(s->slots);
		s->cap = s->cap ? s->cap * 2 : 64;
		s->slots = xcalloc(s->cap, sizeof(*s->slots));
		mask = s->cap - 1;
		for (size_t j = 0; j < s->n; j++) {
			for (i = key_home(s->keys[j], mask); s->slots[i]; i = (i + 1) & mask)
				;
			s->slots[i] = key_slot(s->keys[j], j);
		}
	}
	id_bytes(id, k);
	want = key_slot(k, 0) >> 32;
	mask = s->cap - 1;
	for (i = key_home(k, mask); s->slots[i]; i = (i + 1) & mask)
		if (s->slots[i] >> 32 == want &&
		    memcmp(s->keys[(uint32_t)s->slots[i] - 1], k, 16) == 0)
			return 0;
	if (s->n == s->cap_keys) {
		s->cap_keys = s->cap_keys ? s->cap_keys * 2 : 32;
		s->keys = xreallocarray(s->keys, s->cap_keys, sizeof(*s->keys));
	}
	memcpy(s->keys[s->n], k, 16);
	s->slots[i] = key_slot(k, s->n++);
	return 1;
}

void
idkeys_prefetch(const struct idkeys *s, const char *id)
{
	unsigned char k[16];

	if (s->cap == 0)
		return;
	id_bytes(id, k);
	__builtin_prefetch(&s->slots[key_home(k, s->cap - 1)]);
}

void
idkeys_free(struct idkeys *s)
{
	free(s->keys);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}
