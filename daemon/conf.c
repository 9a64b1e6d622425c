/*
 * Reads feedd.conf: INI read here line by line, so that every error has its line, a line may
 * be as long as a URL or an XPath needs (libinih as Debian builds it stops at 200 bytes, fixed
 * when it is compiled) and a key given twice in a section is refused.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "conf.h"
#include "command.h"
#include "sourceurl.h"
#include "str.h"
#include "fetch.h"
#include "folder.h"
#include "text.h"
#include "xmalloc.h"

struct parse {
	struct config *cfg;
	FILE *fp;
	const char *path;
	char *dir; /* the config file's folder */
	int line;
	int in_server;
	struct feed_conf *cur; /* the [feed] being read */
	struct keys {
		struct seen {
			char *key;
			int line;
		} *v;
		size_t n;
	} server_keys, feed_keys; /* the keys given in [server] (however many such sections
	                             there are) and in this [feed], to refuse a repeated one */
	/* the [feed]s by name, open addressing (index + 1, 0 empty), to refuse a repeated name
	 * without comparing each with every one before it (10,000 feeds: 50 M strcmp) */
	size_t *names, names_cap;
	size_t feeds_cap; /* room in cfg->feeds */
	size_t re_budget; /* the regex states its filters may still take (filter.h) */
	char err[1024];
};

static void perr(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
perr(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->err[0])
		return; /* the first error is the one to fix */
	n = snprintf(p->err, sizeof(p->err), "%s:%d: ", p->path, p->line);
	va_start(ap, fmt);
	vsnprintf(p->err + n, sizeof(p->err) - (size_t)n, fmt, ap);
	va_end(ap);
}

long
config_parse_duration(const char *s)
{
	char *end;
	long n, mult = 1;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || n <= 0)
		return -1;
	if (*end != '\0') {
		switch (*end) {
		case 's': mult = 1; break;
		case 'm': mult = 60; break;
		case 'h': mult = 3600; break;
		case 'd': mult = 86400; break;
		default: return -1;
		}
		if (end[1] != '\0')
			return -1;
	}
	if (n > LONG_MAX / mult || n * mult > 365L * 86400)
		return -1;
	return n * mult;
}

long long
config_parse_size(const char *s)
{
	char *end;
	long long n, mult = 1;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno || n <= 0)
		return -1;
	if (*end != '\0') {
		switch (*end) {
		case 'K': case 'k': mult = 1LL << 10; break;
		case 'M': mult = 1LL << 20; break;
		case 'G': mult = 1LL << 30; break;
		case 'T': mult = 1LL << 40; break;
		default: return -1;
		}
		if (end[1] != '\0')
			return -1;
	}
	if (n > (1LL << 50) / mult)
		return -1;
	return n * mult;
}

static char *
resolve_path(const struct parse *p, const char *v)
{
	char *r;

	if (v[0] == '/')
		return xstrdup(v);
	xasprintf(&r, "%s/%s", p->dir, v);
	return r;
}

static int
valid_name(const char *s)
{
	return *s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
	                 strlen(s);
}

static void
forget_keys(struct keys *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->v[i].key);
	free(k->v);
	k->v = NULL;
	k->n = 0;
}

/* s is the header without its brackets. */
static void
section(struct parse *p, char *s)
{
	struct config *c = p->cfg;
	char *name;
	size_t i;

	forget_keys(&p->feed_keys);
	p->in_server = 0;
	p->cur = NULL;
	if (strcmp(s, "server") == 0) {
		p->in_server = 1;
		return;
	}
	if (strncmp(s, "feed", 4) != 0 || (s[4] != ' ' && s[4] != '\t')) {
		perr(p, "unknown section [%s] (want [server] or [feed NAME])", s);
		return;
	}
	for (name = s + 4; *name == ' ' || *name == '\t'; name++)
		;
	if (!valid_name(name)) {
		perr(p, "feed name '%s' is not [A-Za-z0-9._-]+", name);
		return;
	}
	if (2 * (c->n_feeds + 1) > p->names_cap) { /* at most half full */
		size_t cap = p->names_cap ? 2 * p->names_cap : 64;

		free(p->names);
		p->names = xcalloc(cap, sizeof(*p->names));
		p->names_cap = cap;
		for (i = 0; i < c->n_feeds; i++) {
			const char *n = c->feeds[i].name;
			size_t j = hash_bytes(n, strlen(n)) & (cap - 1);

			while (p->names[j])
				j = (j + 1) & (cap - 1);
			p->names[j] = i + 1;
		}
	}
	for (i = hash_bytes(name, strlen(name)) & (p->names_cap - 1); p->names[i];
	     i = (i + 1) & (p->names_cap - 1)) {
		const struct feed_conf *f = &c->feeds[p->names[i] - 1];

		if (strcmp(f->name, name) == 0) {
			perr(p, "duplicate feed '%s' (first at line %d)", name, f->line);
			return;
		}
	}
	p->names[i] = c->n_feeds + 1;
	if (c->n_feeds == p->feeds_cap) {
		p->feeds_cap = p->feeds_cap ? 2 * p->feeds_cap : 16;
		c->feeds = xreallocarray(c->feeds, p->feeds_cap, sizeof(*c->feeds));
	}
	p->cur = &c->feeds[c->n_feeds++];
	memset(p->cur, 0, sizeof(*p->cur));
	p->cur->name = xstrdup(name);
	p->cur->line = p->line;
	p->cur->interval = CONFIG_INTERVAL_DEFAULT;
	p->cur->timeout = 30;
	p->cur->max_entries = CONFIG_MAX_ENTRIES_DEFAULT;
}

static int
set_long(struct parse *p, const char *key, const char *v, long min, long max, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end != '\0' || n < min || n > max) {
		perr(p, "%s must be a whole number from %ld to %ld, not '%s'", key, min, max, v);
		return 0;
	}
	*out = n;
	return 1;
}

static int
set_duration(struct parse *p, const char *key, const char *v, long *out)
{
	long n = config_parse_duration(v);

	if (n < 0) {
		perr(p, "%s: bad duration '%s' (want e.g. 90, 30s, 15m, 2h, 1d)", key, v);
		return 0;
	}
	*out = n;
	return 1;
}

static void
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static int
parse_listen(struct parse *p, const char *v)
{
	struct config *c = p->cfg;
	const char *colon;
	char *host;

	if (v[0] == '[') {
		const char *close = strchr(v, ']');

		if (close == NULL || close[1] != ':') {
			perr(p, "listen: want [ADDRESS]:PORT, not '%s'", v);
			return 0;
		}
		host = xstrndup(v + 1, (size_t)(close - v - 1));
		colon = close + 1;
	} else {
		if ((colon = strrchr(v, ':')) == NULL) {
			perr(p, "listen: want ADDRESS:PORT, not '%s'", v);
			return 0;
		}
		host = xstrndup(v, (size_t)(colon - v));
	}
	if (colon[1] == '\0' || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    atol(colon + 1) > 65535) {
		perr(p, "listen: bad port in '%s'", v);
		free(host);
		return 0;
	}
	free(c->listen_host);
	free(c->listen_port);
	c->listen_host = host[0] ? host : (free(host), xstrdup("127.0.0.1"));
	c->listen_port = xstrdup(colon + 1);
	return 1;
}

/* An http or https URL with a host, as libcurl (which will POST to it) parses it. */
static int
http_url_ok(const char *v)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int good = 0;

	if (u && curl_url_set(u, CURLUPART_URL, v, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		good = (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) && *host;
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return good;
}

static int
server_key(struct parse *p, const char *k, const char *v)
{
	struct config *c = p->cfg;

	if (strcmp(k, "listen") == 0)
		return parse_listen(p, v);
	if (strcmp(k, "state_dir") == 0) {
		free(c->state_dir);
		c->state_dir = resolve_path(p, v);
		c->state_dir_line = p->line;
	} else if (strcmp(k, "plugin_dir") == 0) {
		free(c->plugin_dir);
		c->plugin_dir = resolve_path(p, v);
	} else if (strcmp(k, "export_dir") == 0) {
		free(c->export_dir);
		c->export_dir = resolve_path(p, v);
		c->export_dir_line = p->line;
	} else if (strcmp(k, "base_url") == 0) {
		size_t n = strlen(v);

		if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) {
			perr(p, "base_url must be an http or https URL");
			return 0;
		}
		while (n > 0 && v[n - 1] == '/')
			n--;
		free(c->base_url);
		c->base_url = xstrndup(v, n);
	} else if (strcmp(k, "websub_hub") == 0) {
		if (!http_url_ok(v)) {
			perr(p, "websub_hub must be an http or https URL");
			return 0;
		}
		free(c->websub_hub);
		c->websub_hub = xstrdup(v);
		c->websub_hub_line = p->line;
	} else if (strcmp(k, "max_parallel") == 0) {
		return set_long(p, k, v, 1, 10000, &c->max_parallel);
	} else if (strcmp(k, "max_per_host") == 0) {
		return set_long(p, k, v, 1, 10000, &c->max_per_host);
	} else if (strcmp(k, "max_connections") == 0) {
		return set_long(p, k, v, 1, 1000000, &c->max_connections);
	} else if (strcmp(k, "min_interval") == 0) {
		return set_duration(p, k, v, &c->min_interval);
	} else if (strcmp(k, "workers") == 0) {
		return set_long(p, k, v, 1, CONFIG_WORKERS_MAX, &c->workers);
	} else if (strcmp(k, "plugin_timeout") == 0) {
		return set_duration(p, k, v, &c->plugin_timeout);
	} else if (strcmp(k, "plugin_memory") == 0) {
		if ((c->plugin_memory = config_parse_size(v)) < CONFIG_PLUGIN_MEMORY_MIN) {
			perr(p, "plugin_memory: want a size of 64M or more, such as 256M or 1G, not '%s'",
			    v);
			return 0;
		}
	} else {
		perr(p, "unknown key '%s' in [server]", k);
		return 0;
	}
	return 1;
}

static int
feed_key(struct parse *p, const char *k, const char *v)
{
	struct feed_conf *f = p->cur;
	long n;

	if (strcmp(k, "plugin") == 0) {
		set_str(&f->plugin, v);
		f->plugin_line = p->line;
	} else if (strcmp(k, "source") == 0) {
		set_str(&f->source, v);
		f->source_line = p->line;
	} else if (strcmp(k, "interval") == 0) {
		f->interval_line = p->line;
		return set_duration(p, k, v, &f->interval);
	} else if (strcmp(k, "timeout") == 0) {
		return set_duration(p, k, v, &f->timeout);
	} else if (strcmp(k, "title") == 0) {
		set_str(&f->title, v);
	} else if (strcmp(k, "author") == 0) {
		set_str(&f->author, v);
	} else if (strcmp(k, "max_entries") == 0) {
		if (!set_long(p, k, v, 1, 100000, &n))
			return 0;
		f->max_entries = (size_t)n;
	} else if (strcmp(k, "include") == 0 || strcmp(k, "exclude") == 0) {
		char why[256];

		if (filter_add(&f->filter, k[0] == 'e', v, &p->re_budget, why, sizeof(why)) == -1) {
			perr(p, "%s '%s': %s", k, v, why);
			return 0;
		}
	} else {
		optlist_add(&f->opts, k, v, p->line);
	}
	return 1;
}

static int
handler(struct parse *p, const char *key, const char *value)
{
	struct keys *k;
	size_t i;

	if (p->err[0])
		return 0;
	/* titles, authors and URLs go into every feed and /feeds.opml as they are: refused here,
	 * with their line, rather than cleaned into something the user did not write */
	if (!text_is_clean(key, strlen(key)) || !text_is_clean(value, strlen(value))) {
		perr(p, "'%s' is not valid UTF-8 or holds control characters (the configuration "
		        "is read as UTF-8)", text_is_clean(key, strlen(key)) ? key : "key");
		return 0;
	}
	if (!p->in_server && p->cur == NULL) {
		perr(p, "key '%s' outside a section", key);
		return 0;
	}
	k = p->in_server ? &p->server_keys : &p->feed_keys;
	for (i = 0; i < k->n; i++)
		if (strcmp(k->v[i].key, key) == 0) {
			perr(p, "'%s' given twice in [%s] (first at line %d)", key,
			    p->in_server ? "server" : "feed", k->v[i].line);
			return 0;
		}
	k->v = xreallocarray(k->v, k->n + 1, sizeof(*k->v));
	k->v[k->n++] = (struct seen){xstrdup(key), p->line};
	return p->in_server ? server_key(p, key, value) : feed_key(p, key, value);
}

static char *
strip(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/*
 * One line: blank, a comment ('#' or ';' first), "[section]" or "key = value" (':' works as
 * '='); in a value, " ;" or "\t;" starts a comment, as libinih took it.
 */
static void
parse_line(struct parse *p, char *line)
{
	char *s = strip(line), *eq, *end, *c;

	if (*s == '\0' || *s == '#' || *s == ';')
		return;
	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL) {
			perr(p, "section header without ']'");
			return;
		}
		*end = '\0';
		section(p, s + 1);
		return;
	}
	if ((eq = strpbrk(s, "=:")) == NULL) {
		perr(p, "want 'key = value', a [section] or a comment");
		return;
	}
	*eq = '\0';
	for (c = eq + 1; (c = strchr(c, ';')) != NULL; c++)
		if (c[-1] == ' ' || c[-1] == '\t') {
			*c = '\0';
			break;
		}
	s = strip(s);
	if (*s == '\0') {
		perr(p, "a value without a key");
		return;
	}
	handler(p, s, strip(eq + 1));
}

/* Reads every line of p->fp; stops at the first error. */
static void
parse_file(struct parse *p)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while (p->err[0] == '\0' && (n = getline(&line, &cap, p->fp)) != -1) {
		char *s = line;

		p->line++;
		if (n > CONFIG_LINE_MAX) {
			perr(p, "line longer than %d bytes", CONFIG_LINE_MAX);
			break;
		}
		if ((size_t)n != strlen(line)) {
			perr(p, "a NUL byte in the line");
			break;
		}
		if (p->line == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3; /* a byte order mark */
		parse_line(p, s);
	}
	if (ferror(p->fp))
		perr(p, "%s", strerror(errno));
	free(line);
	forget_keys(&p->server_keys);
	forget_keys(&p->feed_keys);
	free(p->names);
	p->names = NULL;
}

/* The origin is somebody else's: an interval below min_interval (which [server] may lower) is
 * raised to it, with a warning. */
static void
apply_floor(struct parse *p, struct feed_conf *f, const char *what)
{
	long floor = p->cfg->min_interval ? p->cfg->min_interval : CONFIG_MIN_INTERVAL_DEFAULT;

	if (f->interval >= floor)
		return;
	xasprintf(&f->warning, "%s:%d: feed %s: interval %lds is below min_interval (%lds) for %s "
	    "source; %lds is used", p->path, f->interval_line ? f->interval_line : f->line, f->name,
	    f->interval, floor, what, floor);
	f->interval = floor;
}

static void
check_feed(struct parse *p, struct feed_conf *f)
{
	struct stat st;

	p->line = f->line;
	if (f->plugin == NULL) {
		perr(p, "feed '%s' has no plugin", f->name);
		return;
	}
	if (f->source == NULL) {
		perr(p, "feed '%s' has no source", f->name);
		return;
	}
	p->line = f->source_line;
	if (command_is_source(f->source)) {
		if (*command_text(f->source) == '\0')
			perr(p, "source exec: wants a command (exec:COMMAND, run by /bin/sh -c)");
		f->url = xstrdup(f->source);
		f->dir = xstrdup(p->dir);
		/* feedd cannot tell whose site a command reads (w3m -dump URL): floored too */
		apply_floor(p, f, "an exec:");
		return;
	}
	if (fetch_is_url(f->source)) {
		if (strncasecmp(f->source, "file://", 7) == 0 && stat(f->source + 7, &st) == -1)
			perr(p, "source %s: %s", f->source, strerror(errno));
		f->url = xstrdup(f->source);
		if (strncasecmp(f->source, "file://", 7) != 0)
			apply_floor(p, f, "an http");
		return;
	}
	if (strstr(f->source, "://") != NULL) {
		perr(p, "source '%s': only http, https and file URLs, paths or exec:COMMAND",
		    f->source);
		return;
	}
	{
		char *path = resolve_path(p, f->source);

		char real[PATH_MAX];

		if (stat(path, &st) == -1)
			perr(p, "source %s: %s", path, strerror(errno));
		else if (S_ISDIR(st.st_mode))
			perr(p, "source %s: is a directory", path);
		f->url = sourceurl_resolve(realpath(path, real) ? real : path, NULL);
		free(path);
	}
}

static void
defaults(struct config *c)
{
	const char *sd = getenv("STATE_DIRECTORY");

	if (c->listen_host == NULL) {
		c->listen_host = xstrdup("127.0.0.1");
		c->listen_port = xstrdup("8080");
	}
	if (c->state_dir == NULL)
		c->state_dir = xstrdup(sd && *sd ? sd : FEEDD_STATEDIR);
	if (c->max_parallel == 0)
		c->max_parallel = 16;
	if (c->max_per_host == 0)
		c->max_per_host = 4;
	if (c->max_connections == 0)
		c->max_connections = CONFIG_MAX_CONNECTIONS_DEFAULT;
	if (c->min_interval == 0)
		c->min_interval = CONFIG_MIN_INTERVAL_DEFAULT;
	if (c->workers == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		c->workers = n < 1 ? 1 : n > CONFIG_WORKERS_MAX ? CONFIG_WORKERS_MAX : n;
	}
	if (c->plugin_timeout == 0)
		c->plugin_timeout = CONFIG_PLUGIN_TIMEOUT_DEFAULT;
	if (c->plugin_memory == 0)
		c->plugin_memory = CONFIG_PLUGIN_MEMORY_DEFAULT;
}

int
config_load(const char *path, struct config *cfg, char *err, size_t errlen)
{
	struct parse p = {0};
	char *slash;
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	p.cfg = cfg;
	p.path = path;
	p.re_budget = FILTER_BUDGET;
	if ((p.fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	cfg->path = xstrdup(path);
	if (path[0] == '/') {
		p.dir = xstrdup(path);
	} else {
		char cwd[PATH_MAX];

		xasprintf(&p.dir, "%s/%s", getcwd(cwd, sizeof(cwd)) ? cwd : ".", path);
	}
	slash = strrchr(p.dir, '/');
	*slash = '\0';
	parse_file(&p);
	fclose(p.fp);
	for (i = 0; i < cfg->n_feeds && p.err[0] == '\0'; i++)
		check_feed(&p, &cfg->feeds[i]);
	if (cfg->websub_hub && cfg->base_url == NULL) {
		/* the hub fetches the feeds at the URLs it is told: the listener's own may be
		 * 127.0.0.1, which means nothing to it */
		p.line = cfg->websub_hub_line;
		perr(&p, "websub_hub needs base_url");
	}
	free(p.dir);
	if (p.err[0]) {
		snprintf(err, errlen, "%s", p.err);
		config_free(cfg);
		return -1;
	}
	defaults(cfg);
	return 0;
}

/* The line a message about f's options points at: the option's it names, or the plugin's. */
static int
option_line(const struct feed_conf *f, const char *msg)
{
	size_t j;
	int line = f->plugin_line;

	for (j = 0; j < f->opts.n; j++)
		if (strstr(msg, f->opts.v[j].key))
			line = f->opts.v[j].line;
	return line;
}

/* Feeds whose plugin's open() already accepted the same options: asked once per set, since
 * each question is a round trip to a worker and thousands of feeds often share a few. */
struct asked {
	const struct feed_conf **v;
	size_t cap;
};

static uint64_t
asked_hash(const struct feed_conf *f)
{
	uint64_t h = hash_bytes(f->plugin, strlen(f->plugin));
	size_t i;

	for (i = 0; i < f->opts.n; i++)
		h = (h ^ hash_bytes(f->opts.v[i].key, strlen(f->opts.v[i].key)) ^
		     hash_bytes(f->opts.v[i].value, strlen(f->opts.v[i].value)) * 31) * 0x100000001b3ULL;
	return h;
}

/* Returns 1 if a feed like f was accepted already, else notes f (as accepted once asked). */
static int
asked_before(struct asked *a, const struct feed_conf *f)
{
	size_t j = asked_hash(f) & (a->cap - 1);

	for (; a->v[j]; j = (j + 1) & (a->cap - 1))
		if (strcmp(a->v[j]->plugin, f->plugin) == 0 && optlist_equal(&a->v[j]->opts, &f->opts))
			return 1;
	a->v[j] = f;
	return 0;
}

int
config_check_plugins(const struct config *c, const struct plugin_set *set, config_opener opener,
    void *arg, char *err, size_t errlen)
{
	struct asked asked = {NULL, 16};
	size_t i;
	int rc = 0;

	while (asked.cap < c->n_feeds * 2)
		asked.cap *= 2;
	asked.v = xcalloc(asked.cap, sizeof(*asked.v));
	for (i = 0; i < c->n_feeds && rc == 0; i++) {
		const struct feed_conf *f = &c->feeds[i];
		const struct plugin *pl = plugins_find(set, f->plugin);
		struct source src;
		char *why = NULL;

		if (pl == NULL) {
			char names[512];

			snprintf(err, errlen, "%s:%d: no plugin named '%s' (there are: %s)", c->path,
			    f->plugin_line, f->plugin, plugins_names(set, names, sizeof(names)));
			rc = -1;
		} else if (source_open(&src, pl, &f->opts) == -1) {
			snprintf(err, errlen, "%s:%d: %s", c->path, option_line(f, src.error), src.error);
			rc = -1;
		} else if (opener && !asked_before(&asked, f) &&
		           opener(arg, pl, &f->opts, &why) == -1) {
			snprintf(err, errlen, "%s:%d: %s", c->path, option_line(f, why ? why : ""),
			    why ? why : "the plugin refused its options");
			rc = -1;
		}
		if (pl)
			source_close(&src);
		free(why);
	}
	free(asked.v);
	return rc;
}

static int
check_folder(const struct config *c, const char *what, const char *dir, int line, char *err,
    size_t errlen)
{
	char why[PATH_MAX + 256];

	if (dir == NULL || folder_check(what, dir, why, sizeof(why)) == 0)
		return 0;
	if (line)
		snprintf(err, errlen, "%s:%d: %s", c->path, line, why);
	else
		snprintf(err, errlen, "%s: %s (the default)", c->path, why);
	return -1;
}

int
config_check_folders(const struct config *c, char *err, size_t errlen)
{
	if (check_folder(c, "state_dir", c->state_dir, c->state_dir_line, err, errlen) == -1)
		return -1;
	return check_folder(c, "export_dir", c->export_dir, c->export_dir_line, err, errlen);
}

static void
feed_conf_free(struct feed_conf *f)
{
	free(f->name);
	free(f->plugin);
	free(f->source);
	free(f->url);
	free(f->dir);
	free(f->title);
	free(f->author);
	free(f->warning);
	filter_free(&f->filter);
	optlist_free(&f->opts);
}

void
config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < c->n_feeds; i++)
		feed_conf_free(&c->feeds[i]);
	free(c->feeds);
	free(c->path);
	free(c->listen_host);
	free(c->listen_port);
	free(c->state_dir);
	free(c->plugin_dir);
	free(c->base_url);
	free(c->export_dir);
	free(c->websub_hub);
	memset(c, 0, sizeof(*c));
}

int
feed_conf_equal(const struct feed_conf *a, const struct feed_conf *b)
{
	return streq(a->name, b->name) && streq(a->plugin, b->plugin) && streq(a->url, b->url) &&
	       a->interval == b->interval && a->timeout == b->timeout &&
	       a->max_entries == b->max_entries && streq(a->title, b->title) &&
	       streq(a->author, b->author) && filter_equal(&a->filter, &b->filter) &&
	       optlist_equal(&a->opts, &b->opts);
}
