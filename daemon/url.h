/* Links a reader will click: resolved against the source's URL, http and https only. */
#ifndef FEEDD_URL_H
#define FEEDD_URL_H

#include <stddef.h>

/*
 * href resolved against base (RFC 3986; base may be NULL), white space at its ends trimmed.
 * malloc'd, or NULL if href is empty or cannot be parsed.
 */
char *url_resolve(const char *href, const char *base);
/* Non-zero if url is an absolute http or https URL with a host: the only links feedd writes
 * (a javascript:, data:, file: or relative link would run code, leak a server path or lead
 * nowhere in a reader). */
int url_clickable(const char *url);
/* href resolved against base if it is clickable then, else NULL.  malloc'd. */
char *url_link(const char *href, const char *base);

#endif
