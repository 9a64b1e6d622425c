/* The core's copy of an entry: cleaned, owned, with its stable id. */
#ifndef FEEDD_ENTRY_H
#define FEEDD_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include <feedd/plugin.h>

#define ENTRY_ID_LEN 45 /* "urn:uuid:" + 36 */
/* Caps on what one entry may carry, so that no reader meets a text node it refuses (libxml2
 * stops at 10 MB) and one entry cannot hold the feed hostage: longer text is cut at a
 * character boundary and ends in "…".  Content is capped after sanitizing (sanitized HTML can
 * be longer than its source), so the cap is applied once and a stored entry is never cut again. */
#define ENTRY_TEXT_MAX (1024 * 1024)
#define ENTRY_SHORT_MAX 2048 /* title, author, link, caption, category, id key */
/* Dates are kept within the years RFC 3339 and HTTP dates can write: 0001 to 9999. */
#define ENTRY_TIME_MIN INT64_C(-62135596800) /* 0001-01-01T00:00:00Z */
#define ENTRY_TIME_MAX INT64_C(253402300799) /* 9999-12-31T23:59:59Z */

struct enclosure {
	char *url;  /* http or https, as link */
	char *type; /* or NULL */
	int64_t length; /* -1 unknown */
};

struct idkeys;

/* Every string is owned by the entry, valid UTF-8 fit for XML, and freed by entry_free. */
struct entry {
	char id[ENTRY_ID_LEN + 1]; /* urn:uuid:… (UUIDv5 of id_key) */
	char *id_key;
	char *title;   /* never NULL */
	char *link;    /* or NULL; http or https (url_clickable): entry_from_plugin and store_load
	                  screen links, so that the writers need not */
	char *author;  /* or NULL: one person per line, as feedd_entry.author (entry_person) */
	char *summary; /* or NULL */
	char *content; /* sanitized HTML, or NULL */
	char *caption; /* or NULL */
	char **categories;
	size_t n_categories;
	struct enclosure *enclosures;
	size_t n_enclosures;
	int64_t src_published; /* what the source said, 0 if nothing */
	int64_t src_updated;
	int64_t published; /* what the feed says (store: first seen, unless the source says) */
	int64_t updated;
	int truncated;
	uint64_t hash; /* of the text fields, to notice a change */
	uint64_t seq;  /* harvest: page position; store: first-seen order, higher is newer */
};

/*
 * Copies a plugin's entry, its links screened as entry_screen_links does against base (the
 * source URL, or NULL), and hashes it.  Returns NULL (and sets *why to a static reason) if it
 * is unusable (no id key).  safe_html: the content came from a FEEDD_PLUGIN_SAFE_HTML plugin,
 * and is kept as it is if sanitize_is_plain agrees (else it is sanitized like any other).
 */
struct entry *entry_from_plugin(const struct feedd_entry *, int safe_html, const char *base,
    const char **why);
/* The same without the hash (e->hash is 0): for an entry that is written and dropped, never
 * stored or compared (convert's sink).  lookup (or NULL) is where its id is looked up next:
 * the slot that lookup reads first is fetched while the strings are copied. */
struct entry *entry_from_plugin_unhashed(const struct feedd_entry *, int safe_html,
    const char *base, const struct idkeys *lookup, const char **why);
/* Resolves the entry's link and enclosures against base (the source URL, or NULL) and drops
 * those that are then not http or https (url_clickable); rehashes. */
void entry_screen_links(struct entry *, const char *base);
struct entry *entry_new(void);
void entry_free(struct entry *);
/* Dates an entry new to the feed: published is what the source says, else fallback; updated
 * is the source's if later, else published. */
void entry_stamp(struct entry *, int64_t fallback);
/* Recomputes e->hash from the text fields. */
void entry_rehash(struct entry *);
/* Writes "urn:uuid:…", the UUIDv5 of key in feedd's namespace, into out. */
void entry_make_id(const char *key, char out[ENTRY_ID_LEN + 1]);
/* A person of an author field, as struct feedd_entry describes it. */
struct person {
	const char *name, *email; /* NUL-terminated; email NULL if none, name never empty */
	char buf[ENTRY_SHORT_MAX + 1];
};
/* Reads the next person of *authors into p and moves *authors past it; 0 when none is left. */
int entry_person(const char **authors, struct person *p);
/* A title from the first words of text (plain), at most max bytes, cut at a word with "…". */
char *entry_derive_title(const char *text, size_t max);
/* A cleaned, owned copy of a plugin string (NULL and "" give NULL), cut past ENTRY_SHORT_MAX;
 * entry_strdup_text cuts past ENTRY_TEXT_MAX (for summaries and content). */
char *entry_strdup_clean(const char *);
char *entry_strdup_text(const char *);
/* A cleaned, owned copy that is never cut: what the store reads back is what it wrote. */
char *entry_strdup_whole(const char *);

/* Entries by id, open addressing: de-duplication in a harvest, lookups in a merge.  The set
 * borrows the entries; they must outlive it. */
struct idset {
	struct entry **slots;
	size_t cap, n;
};
/* Adds e under e->id; returns 1 if the id was new, 0 if present (e not added). */
int idset_add(struct idset *, struct entry *e);
/* The entry with this id, or NULL. */
struct entry *idset_find(const struct idset *, const char *id);
void idset_free(struct idset *);

/* Ids alone (the 16 bytes of each urn:uuid), for a harvest whose entries go on as they come
 * (harvest.sink): the keys back to back, and a table of their places (an id costs 16 bytes
 * and 11 to 21 of table; the entries themselves are gone).  At most 4 Gi of them. */
struct idkeys {
	unsigned char (*keys)[16];
	size_t n, cap_keys;
	uint64_t *slots; /* 0 empty, else 32 bits of the key and its index + 1 */
	size_t cap;
};
/* Adds id (an entry's, entry_make_id's form); returns 1 if it was new, 0 if present. */
int idkeys_add(struct idkeys *, const char *id);
/* Starts loading the slot idkeys_add(s, id) reads first (the table is larger than the cache,
 * and the parse and the writer stream past it between two entries: that read was a miss and
 * two thirds of idkeys_add's time). */
void idkeys_prefetch(const struct idkeys *, const char *id);
void idkeys_free(struct idkeys *);

#endif
