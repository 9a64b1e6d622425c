/* UTF-8 validation, cleaning for XML, and charset decoding of fetched text. */
#ifndef FEEDD_TEXT_H
#define FEEDD_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Length of the valid UTF-8 sequence at s (1..4) with its code point in *cp, or 0 if invalid. */
size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp);
/* Non-zero if s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
int utf8_valid(const char *s, size_t n);
/* Appends code point cp as UTF-8. */
void utf8_put(struct buf *, uint32_t cp);

/*
 * Appends s[0..n) to out as text safe for XML 1.0: invalid UTF-8 becomes U+FFFD, characters
 * XML forbids (C0 controls but tab/LF/CR, U+FFFE, U+FFFF) and C1 controls are dropped.
 * CR and CRLF become LF.  Returns the number of bytes appended.
 */
size_t text_clean(struct buf *out, const char *s, size_t n);
/* Non-zero if s needs no cleaning (fast path for the writer). */
int text_is_clean(const char *s, size_t n);

/*
 * Decodes fetched text to UTF-8 in out, in this order: a UTF-8 or UTF-16 BOM; else `charset`
 * (HTTP or configured) if it names a known charset (a declared UTF-8 that is not valid falls
 * through unless it is mostly UTF-8); else valid UTF-8, or mostly UTF-8 (more valid multi-byte
 * sequences than stray bytes: each stray byte is then read as Windows-1252); else the charset
 * an HTML <meta> names in the first 4 KiB, if iconv knows it; else Windows-1252.  The BOM is dropped; so are NUL, C0 controls
 * other than tab, LF, CR, VT and FF, C1 controls, lone surrogates and bytes the charset does
 * not map, and U+FFFD (an upstream's mark of text already lost).  U+0085 (NEL) becomes a
 * space.  The result is valid UTF-8.  *used, if not NULL, is set to the name of the charset
 * applied: a static string, or `charset` itself when iconv decoded by it (so it lives as long
 * as `charset` does), or the <meta>'s name in a per-thread buffer the next call reuses.
 * Returns 0, or -1 if `charset` is unknown (out is then still filled by the fallback rules).
 */
int text_decode(struct buf *out, const char *s, size_t n, const char *charset, const char **used);

/* Non-zero if text_decode(s, n, charset) would give s unchanged (valid UTF-8 without a BOM
 * or anything it drops), so the caller may use s as it is. */
int text_decode_is_identity(const char *s, size_t n, const char *charset);

#endif
