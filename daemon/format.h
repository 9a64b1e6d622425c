/* The feed formats feedd writes, behind one table: name, extension, media type, writer. */
#ifndef FEEDD_FORMAT_H
#define FEEDD_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "atom.h"
#include "buf.h"
#include "entry.h"

/* Hands n > 0 bytes of the document on; returns n, or -1 to fail the document. */
typedef int format_out(void *ctx, const char *p, int n);
/* Writes the document for the feed f and its entries v[0..n) (strings as struct atom_feed
 * and struct entry say).  Returns 0, or -1 if out failed or the library under it did. */
typedef int format_writer(format_out *out, void *ctx, const struct atom_feed *f,
    struct entry *const *v, size_t n);

/*
 * A document in three parts: head (all before the first entry), one entry at a time, and tail
 * (n is how many entries there were).  A format that has them is written by
 * format_write_parts, and `feedd convert` spools its entries before it knows the head (the
 * feed's title and newest date are known only once the last entry is in).
 */
struct format_parts {
	void (*head)(struct buf *, const struct atom_feed *);
	void (*entry)(struct buf *, struct buf *scratch, const struct atom_feed *,
	    const struct entry *);
	void (*tail)(struct buf *, const struct atom_feed *, size_t n);
};

struct format {
	const char *name;    /* for `convert -f`: "atom" */
	const char *ext;     /* served as /feeds/NAME.ext: ".atom" */
	const char *type;    /* media type, for autodiscovery links: "application/atom+xml" */
	const char *ctype;   /* Content-Type header */
	const char *label;   /* for people: "Atom" */
	int is_feed;         /* a feed readers subscribe to (else a page to read) */
	format_writer *write;
	const struct format_parts *parts; /* or NULL: written only whole (JSON Feed) */
};

/* Every format; formats[FORMAT_ATOM] is the one OPML and `convert` default to.  Adding a
 * format: its writer in a file of its own, a row in format.c, FORMAT_N one more. */
#define FORMAT_ATOM 0
#define FORMAT_N 4
extern const struct format formats[FORMAT_N];

/* The format called name, or NULL. */
const struct format *format_find(const char *name);
/* The index of the format whose extension ends path[0..len), with *stem_len set to the part
 * before it; -1 if none does. */
int format_by_path(const char *path, size_t len, size_t *stem_len);

/* The writers. */
format_writer atom_write_to, rss_write, jsonfeed_write, htmlview_write;
extern const struct format_parts atom_parts, rss_parts, htmlview_parts;
/* head, the entries v[0..n) each handed to out as it is made, tail: the format_writer of a
 * format with parts. */
int format_write_parts(const struct format_parts *, format_out *out, void *ctx,
    const struct atom_feed *f, struct entry *const *v, size_t n);

/* Helpers the writers share. */
/* A string constant, with its length known when compiled: ADD(b, "<entry>"). */
#define ADD(b, lit) buf_add(b, lit, sizeof(lit) - 1)
/* <name>text</name> (text escaped) when s is set; name is a constant: LEAF(b, "id", s). */
#define LEAF(b, name, s)                                                                           \
	do {                                                                                       \
		if ((s) != NULL) {                                                                 \
			ADD(b, "<" name ">");                                                      \
			xml_text(b, s);                                                            \
			ADD(b, "</" name ">");                                                     \
		}                                                                                  \
	} while (0)
/* XML text content (escapes <, >, & and CR); s is clean UTF-8. */
void xml_text(struct buf *, const char *s);
/* An attribute value s[0..n), for between double quotes. */
void xml_attr(struct buf *, const char *s, size_t n);
/* The entry's HTML as readers get it: its content, with its caption as a figcaption after it;
 * nothing if it has neither.  Returns 1 if it appended anything. */
int format_content_html(struct buf *, const struct entry *);
/* A caption as HTML: <figure><figcaption>caption</figcaption></figure>. */
void format_caption_html(struct buf *, const char *caption);
/* The link an entry shows, into b: its own, else its place in the feed's HTML view
 * (entry_page "#" uuid), else when it has no content (RFC 4287 wants a link then) entry_base,
 * the http(s) source page, with "#" and its uuid.  Returns 0 if none. */
int format_entry_link(struct buf *, const struct atom_feed *, const struct entry *);
/* A format_out appending to the struct buf ctx. */
format_out format_to_buf;
/* Hands b's bytes to out and empties b; 0, or -1 if out failed. */
int format_flush(format_out *out, void *ctx, struct buf *b);
/* t as an RFC 822 / IMF-fixdate date in GMT ("Tue, 01 Dec 2026 08:39:31 GMT"), clamped like
 * atom_time; returns out. */
char *format_rfc822(int64_t t, char out[40]);

#endif
