/* What textdump.c shares with dom.c: its string buffer and its title and id rules. */
#ifndef FEEDD_TEXTDUMP_H
#define FEEDD_TEXTDUMP_H

#include <stddef.h>
#include <stdint.h>

/* A growable string; plugins return errors instead of aborting, so every append can fail. */
struct str {
	char *p;
	size_t len, cap;
	int oom;
};

void str_add(struct str *, const char *, size_t);
void str_adds(struct str *, const char *);
/* s[0..n) with <, > and & escaped. */
void str_add_html(struct str *, const char *s, size_t n);
void str_reset(struct str *);

/* Rule 4: does s[0..n) end a sentence: in . ? ! … 。 ！ or ？, possibly followed by closing
 * quotes or brackets (” ’ » › " ' ) ])? */
int ends_complete(const char *s, size_t n);
/* Rule 8's fallback: the first sentence of s[0..n), cut at a word boundary past max bytes. */
void derive_title(struct str *t, const char *s, size_t n, size_t max);
/* Rule 9: the id key of a text, its first `words` words lower-cased without punctuation. */
void make_id_key(struct str *k, const char *s, size_t n, long words);

/* Rules 5 and 12: the time a short line such as "Tuesday, December 1, 2026 09:12",
 * "Publiziert: 01.12.2026" or "1 de diciembre de 2026" names (seconds since the epoch, UTC: the
 * line names no zone), or 0 if s[0..n) names no day. */
int64_t dateline_time(const char *s, size_t n);
/* Rule 11: does s[0..n) open with a pointer to another story ("Read also:", "Lesen Sie auch",
 * "Lea también")? */
int is_related_pointer(const char *s, size_t n);
/* H10: is s[0..n) of `words` words a short unfinished line made of one of rule 11's UI labels
 * ("Share", "Sign in", "Advertisement", "Related"), the label starting one of its words? */
int is_ui_label(const char *s, size_t n, size_t words);
/* Rule 11: is it legal or cookie text ("cookie", "©", "all rights reserved": up to 80 words)? */
int is_legal(const char *s, size_t n, size_t words);
/* Rule 12: is s[0..n) of `words` words a social or subscription prompt ("Follow us on
 * Twitter", "Subscribe to read on")? */
int is_prompt(const char *s, size_t n, size_t words);
/* H10 (dom.c) and rule 12: appeals to the reader that close an article ("download our app",
 * "Did you like this article?", "Support us"), lower-case, NULL-terminated. */
extern const char *const appeal_phrases[];

#endif
