/* Resolves and screens the links plugins hand over, with libxml2's RFC 3986 resolver. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/uri.h>

#include "url.h"
#include "xmalloc.h"

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * Whether h[0..n) is an absolute http(s) URI of a plain form (a host name, a port, then only
 * RFC 3986's path, query and fragment characters, each % with two hex digits, one # at most):
 * one that xmlBuildURI, which returns an absolute reference as it is, would parse and copy.
 * Most links in feeds are; this saves its parse and allocations per link.
 */
static int
plain_absolute(const char *h, size_t n)
{
	static const char path[] = "-._~!$&'()*+,;=:@/?";
	const char *p = h, *end = h + n;
	int fragment = 0;

	if (n > 7 && memcmp(p, "http://", 7) == 0)
		p += 7;
	else if (n > 8 && memcmp(p, "https://", 8) == 0)
		p += 8;
	else
		return 0;
	if (p == end || !(isalnum((unsigned char)*p)))
		return 0;
	while (p < end && (isalnum((unsigned char)*p) || *p == '.' || *p == '-'))
		p++;
	if (p < end && *p == ':') {
		if (++p == end || !isdigit((unsigned char)*p))
			return 0;
		while (p < end && isdigit((unsigned char)*p))
			p++;
	}
	if (p < end && *p != '/' && *p != '?' && *p != '#')
		return 0;
	for (; p < end; p++) {
		if (isalnum((unsigned char)*p) || strchr(path, *p) != NULL)
			continue;
		if (*p == '%' && end - p >= 3 && is_hex(p[1]) && is_hex(p[2]))
			p += 2;
		else if (*p == '#' && !fragment)
			fragment = 1;
		else
			return 0;
	}
	return 1;
}

char *
url_resolve(const char *href, const char *base)
{
	xmlChar *u;
	char *h, *out;
	size_t n;

	if (href == NULL)
		return NULL;
	while (is_space(*href))
		href++;
	for (n = strlen(href); n > 0 && is_space(href[n - 1]); n--)
		;
	if (n == 0)
		return NULL;
	h = xstrndup(href, n);
	if (base == NULL || *base == '\0' || plain_absolute(h, n))
		return h;
	u = xmlBuildURI((const xmlChar *)h, (const xmlChar *)base);
	free(h);
	if (u == NULL)
		return NULL;
	out = xstrdup((const char *)u);
	xmlFree(u);
	return out;
}

int
url_clickable(const char *url)
{
	size_t n;

	if (url == NULL)
		return 0;
	if (strncasecmp(url, "http://", 7) == 0)
		n = 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		n = 8;
	else
		return 0;
	if (url[n] == '\0' || strchr("/?#@:", url[n]) != NULL)
		return 0; /* no host */
	/* no white space or control a reader might strip, reading another URL than this one */
	for (; *url; url++)
		if ((unsigned char)*url <= ' ' || *url == 0x7f)
			return 0;
	return 1;
}

char *
url_link(const char *href, const char *base)
{
	char *u = url_resolve(href, base);

	if (u != NULL && !url_clickable(u)) {
		free(u);
		return NULL;
	}
	return u;
}
