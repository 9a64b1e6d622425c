/* Source URLs: a config or command-line source as the URL plugins are handed, and its label. */
#include "config.h"

#include <limits.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "command.h"
#include "fetch.h"
#include "sourceurl.h"
#include "xmalloc.h"

char *
sourceurl_label(const char *url)
{
	const char *p, *end;

	if (strcmp(url, "stdin:") == 0)
		return xstrdup("stdin");
	if (command_is_source(url)) { /* the program's name: exec:/opt/x/scrape -v is scrape */
		const char *cmd = command_text(url);
		size_t n = strcspn(cmd, " \t;|&<>()");

		for (p = cmd + n; p > cmd && p[-1] != '/'; p--)
			;
		return n > (size_t)(p - cmd) ? xstrndup(p, n - (size_t)(p - cmd)) : xstrdup("exec");
	}
	if (strncasecmp(url, "file://", 7) == 0) {
		p = strrchr(url, '/');
		return xstrdup(p && p[1] ? p + 1 : url);
	}
	if ((p = strstr(url, "://")) == NULL)
		return xstrdup(url);
	p += 3;
	end = p + strcspn(p, "/?#:");
	return end > p ? xstrndup(p, (size_t)(end - p)) : xstrdup(url);
}

/* Percent-encodes what a file:// URL cannot hold as is. */
static void
add_path_url(struct buf *b, const char *path)
{
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p; p++) {
		if (*p <= ' ' || *p >= 0x7f || strchr("%#?\"<>\\^`{|}", *p))
			buf_printf(b, "%%%02X", *p);
		else
			buf_addc(b, (char)*p);
	}
}

char *
sourceurl_resolve(const char *source, const char *base_dir)
{
	struct buf b = BUF_INIT;
	char cwd[PATH_MAX];

	if (fetch_is_url(source) || command_is_source(source))
		return xstrdup(source);
	buf_adds(&b, "file://");
	if (source[0] != '/') {
		if (base_dir == NULL)
			base_dir = getcwd(cwd, sizeof(cwd)) ? cwd : "/";
		add_path_url(&b, base_dir);
		if (b.len == 0 || b.data[b.len - 1] != '/')
			buf_addc(&b, '/');
	}
	add_path_url(&b, source);
	return buf_steal(&b, NULL);
}
