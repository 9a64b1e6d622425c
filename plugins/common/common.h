/* Helpers the bundled plugins share (linked into each module; not part of the ABI). */
#ifndef FEEDD_PLUGIN_COMMON_H
#define FEEDD_PLUGIN_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

/*
 * Parses a date: RFC 3339 / ISO 8601 / W3CDTF ("2026-12-01T08:39:31.5+01:00", "2026-12-01"),
 * or RFC 822/1123 with a numeric offset or UT, GMT, Z, EST, EDT, CST, CDT, MST, MDT, PST, PDT
 * (a day name is optional, two-digit years are taken as 19xx/20xx).  Returns seconds since the
 * epoch (UTC), or 0 if s is not a date.
 */
int64_t pc_parse_date(const char *s);
/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (m 1 to 12, d 1 to 31). */
int64_t pc_days_from_civil(int64_t y, unsigned m, unsigned d);

/* A growable string; every append can fail (then oom is set and appends stop). */
struct pc_buf {
	char *p;
	size_t len, cap;
	int oom;
};
void pc_buf_add(struct pc_buf *, const char *, size_t);
/* s[0..n) with <, > and & escaped, and " too if attr (for an attribute value). */
void pc_buf_add_escaped(struct pc_buf *, const char *s, size_t n, int attr);

/* The text of a node and its descendants, without expanding entity references (so no
 * entity, internal or external, can inflate or leak into it).  malloc'd; NULL on no memory. */
char *pc_node_text(xmlNodePtr n);
/* The children of n serialized as HTML (for xhtml content).  malloc'd. */
char *pc_node_inner_html(xmlDocPtr doc, xmlNodePtr n);
/* The text of an HTML fragment, tags, scripts and style sheets dropped, white space folded.
 * malloc'd. */
char *pc_html_text(const char *html);
/* href resolved against base (either may be relative or NULL).  malloc'd, or NULL. */
char *pc_resolve(const char *href, const char *base);
/* The bytes base64 (or base64url) text s stands for, white space ignored, malloc'd and
 * NUL-terminated, their number in *len; NULL if s is not base64 or out of memory. */
char *pc_base64_decode(const char *s, size_t *len);
/* s[0..n) is text: valid UTF-8 without NUL or C0 controls other than tab, LF and CR. */
int pc_is_text(const char *s, size_t n);
/* Trims white space at both ends in place; returns s. */
char *pc_trim(char *s);

#endif
