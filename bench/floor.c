/* The idle benchmark's reference: a program that only links and initialises the libraries
 * feedd is built on (libcurl with Debian's TLS, libxml2, libevent, zlib) and prints its RSS. */
#include <curl/curl.h>
#include <event2/event.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

int
main(void)
{
	struct event_base *base;
	char line[256];
	FILE *f;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	xmlInitParser();
	base = event_base_new();
	(void)zlibVersion();
	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return 1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			fputs(line + 6, stdout);
	fclose(f);
	event_base_free(base);
	return 0;
}
