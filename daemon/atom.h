/* The Atom 1.0 (RFC 4287) writer: libxml2's xmlTextWriter around entries serialized in atom.c. */
#ifndef FEEDD_ATOM_H
#define FEEDD_ATOM_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "entry.h"

/* Feed-level data, for every format's writer (format.h); strings are borrowed for the call
 * and may be NULL unless said. */
struct atom_feed {
	const char *id;       /* urn:uuid:… ; required */
	const char *title;    /* required */
	const char *subtitle;
	const char *author;   /* required: RFC 4287 wants an author on the feed or every entry */
	const char *self_url; /* public URL of this document, if known */
	const char *alt_url;  /* the source page (http/https), if any */
	const char *entry_base; /* an http(s) source page: without an entry_page, an entry with
	                           neither link nor content links to it with a fragment; if NULL,
	                           it gets no link */
	int64_t updated;      /* seconds since the epoch */
	const char *feed_base; /* the public URL of the feed less its extension, e.g.
	                          "https://host/feeds/NAME", if known: for links to the other
	                          formats */
	const char *entry_page; /* the feed's HTML view, where each entry is found by its uuid:
	                           an entry without a link of its own links to it with the uuid
	                           as fragment */
	const char *hub_url;  /* the WebSub hub the feed formats name, or NULL */
};

/*
 * Appends the feed document to out.  Entries are written in the order given; an entry's
 * strings must be clean and its links http or https (struct entry guarantees both).  An entry's alternate link is its own, else entry_page with "#" and its
 * uuid; one with no content links to entry_base that way when there is no entry_page; else
 * its summary (or title) is its content too, as RFC 4287 wants a link or content.
 * Returns 0, or -1 if libxml2 failed (out is then unspecified).
 */
int atom_write(struct buf *out, const struct atom_feed *, struct entry *const *, size_t n);
/* The same, handing the bytes to write(ctx, p, n) as they come (n > 0; it returns n, or -1 to
 * fail the document). */
int atom_write_to(int (*write)(void *ctx, const char *p, int n), void *ctx,
    const struct atom_feed *, struct entry *const *, size_t n);
/* Formats t as RFC 3339 UTC ("2026-12-01T08:39:31Z"), clamped to ENTRY_TIME_MIN and
 * ENTRY_TIME_MAX (0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z); returns out. */
char *atom_time(int64_t t, char out[32]);
/* Makes the feed id: urn:uuid: v5 of key (the source URL or feed name). */
void atom_feed_id(const char *key, char out[ENTRY_ID_LEN + 1]);

#endif
