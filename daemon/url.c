/* Resolves and screens the links plugins hand over, with libxml2's RFC 3986 resolver. */
#include "config.h"

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
	if (base == NULL || *base == '\0')
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
