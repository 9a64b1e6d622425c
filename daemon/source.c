/* The host side of the plugin ABI: what a plugin's callbacks do, and input decoding. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "command.h"
#include "log.h"
#include "source.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

void
optlist_add(struct optlist *l, const char *key, const char *value, int line)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n].key = xstrdup(key);
	l->v[l->n].value = xstrdup(value);
	l->v[l->n].line = line;
	l->n++;
}

const char *
optlist_get(const struct optlist *l, const char *key)
{
	size_t i;

	if (l == NULL)
		return NULL;
	for (i = l->n; i-- > 0;) /* the last one given wins */
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].value;
	return NULL;
}

void
optlist_free(struct optlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
optlist_equal(const struct optlist *a, const struct optlist *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].key, b->v[i].key) || strcmp(a->v[i].value, b->v[i].value))
			return 0;
	return 1;
}

void
harvest_free(struct harvest *h)
{
	size_t i;

	for (i = 0; h->v && i < h->n; i++) /* a sink's harvest counts, but holds none */
		entry_free(h->v[i]);
	free(h->v);
	for (i = 0; h->excluded && i < h->n_excluded; i++)
		entry_free(h->excluded[i]);
	free(h->excluded);
	idkeys_free(&h->keys);
	free(h->feed_title);
	free(h->feed_link);
	free(h->feed_author);
	free(h->feed_subtitle);
	free(h->error);
	free(h->warning);
	memset(h, 0, sizeof(*h));
}

/* The host context behind feedd_host.ctx. */
struct hostctx {
	const struct optlist *opts;
	struct harvest *out;
	struct idset ids;
	int safe_html;
	char **said; /* the last message host->error was given: the error if the call fails,
	              * a warning if it succeeds (an early warning never masks the real error) */
};

static const char *
host_option(void *ctx, const char *key)
{
	struct hostctx *h = ctx;

	return optlist_get(h->opts, key);
}

/* Keeps the id of an entry the filter dropped (the text goes), unless the id repeats. */
static void
exclude(struct harvest *out, struct idset *ids, struct entry *e)
{
	struct entry *stub;

	log_debug("source: entry %zu (%s) excluded by the feed's filter",
	    out->n + out->n_excluded + out->dropped + 1, e->title);
	if (out->sink) { /* only the id is kept, and only to tell a repeat */
		if (!idkeys_add(&out->keys, e->id))
			out->dropped++;
		else
			out->n_excluded++;
		entry_free(e);
		return;
	}
	stub = entry_new();
	memcpy(stub->id, e->id, sizeof(stub->id));
	entry_free(e);
	if (!idset_add(ids, stub)) {
		out->dropped++;
		entry_free(stub);
		return;
	}
	if (out->n_excluded == out->cap_excluded) {
		out->cap_excluded = out->cap_excluded ? out->cap_excluded * 2 : 16;
		out->excluded = xreallocarray(out->excluded, out->cap_excluded,
		    sizeof(*out->excluded));
	}
	out->excluded[out->n_excluded++] = stub;
}

int
harvest_emit(struct harvest *out, struct idset *ids, const struct feedd_entry *pe, int safe_html)
{
	const char *why;
	struct entry *e;

	if (out->max && out->n >= out->max)
		return -1;
	e = out->sink ? entry_from_plugin_unhashed(pe, safe_html, out->base, &out->keys, &why) :
	    entry_from_plugin(pe, safe_html, out->base, &why);
	if (e == NULL) {
		char *title = entry_strdup_clean(pe->title);

		log_debug("source: entry %zu (%s) dropped: it is an %s",
		    out->n + out->n_excluded + out->dropped + 1, title ? title : "untitled", why);
		free(title);
		out->dropped++;
		return 0;
	}
	if (!filter_keeps(out->filter, e)) {
		exclude(out, ids, e);
		return 0;
	}
	if (out->n == out->cap && out->sink == NULL) {
		out->cap = out->cap ? out->cap * 2 : 32;
		out->v = xreallocarray(out->v, out->cap, sizeof(*out->v));
	}
	if (out->sink ? !idkeys_add(&out->keys, e->id) : !idset_add(ids, e)) {
		log_debug("source: entry %zu (%s) dropped: its id key repeats an earlier entry's",
		    out->n + out->n_excluded + out->dropped + 1, e->title);
		out->dropped++;
		entry_free(e);
		return 0;
	}
	e->seq = out->n;
	if (out->sink) {
		out->n++;
		return out->sink(out->sink_ctx, e);
	}
	out->v[out->n++] = e;
	return 0;
}

static int
host_emit(void *ctx, const struct feedd_entry *pe)
{
	struct hostctx *h = ctx;

	if (h->out == NULL)
		return -1; /* emit during open(): not allowed */
	return harvest_emit(h->out, &h->ids, pe, h->safe_html);
}

static void
set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = entry_strdup_clean(s);
}

void
harvest_set_base(struct harvest *out, const char *url)
{
	out->base = url && strcmp(url, "stdin:") && !command_is_source(url) ? url : NULL;
}

void
harvest_feed_info(struct harvest *out, const struct feedd_feed_info *fi)
{
	set_str(&out->feed_title, fi->title);
	set_str(&out->feed_link, fi->link);
	if (out->feed_link) {
		char *u = url_link(out->feed_link, out->base);

		free(out->feed_link);
		out->feed_link = u;
	}
	set_str(&out->feed_author, fi->author);
	set_str(&out->feed_subtitle, fi->subtitle);
}

static void
host_feed_info(void *ctx, const struct feedd_feed_info *fi)
{
	struct hostctx *h = ctx;

	if (h->out == NULL || fi == NULL)
		return;
	harvest_feed_info(h->out, fi);
}

static void host_error(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
host_error(void *ctx, const char *fmt, ...)
{
	struct hostctx *h = ctx;
	char line[1024], *nl;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (nl = line; (nl = strpbrk(nl, "\r\n")) != NULL;)
		*nl = ' '; /* errors are one line */
	for (nl = line + strlen(line); nl > line && nl[-1] == ' '; nl--)
		nl[-1] = '\0';
	free(*h->said);
	*h->said = entry_strdup_clean(line[0] ? line : "unknown error");
	log_debug("source: the plugin says: %s", *h->said); /* all of them, for -v */
}

static void
host_init(struct feedd_host *host, struct hostctx *ctx)
{
	host->ctx = ctx;
	host->option = host_option;
	host->emit = host_emit;
	host->feed_info = host_feed_info;
	host->error = host_error;
}

static int
unknown_option(struct source *src, const char *key)
{
	const char *name = src->plugin->p->name, *dot = strchr(key, '.');

	if (dot && (strncmp(key, name, (size_t)(dot - key)) != 0 || name[dot - key] != '\0'))
		xasprintf(&src->error, "option '%s' is for plugin %.*s, but this feed's plugin is %s",
		    key, (int)(dot - key), key, name);
	else
		xasprintf(&src->error, "plugin %s has no option '%s'", name, key);
	return -1;
}

/* The declared PLUGIN.KEY for a bare key, or NULL. */
static const char *
qualified_option(const struct plugin *pl, const char *key)
{
	const char *const *o;
	size_t n = strlen(pl->p->name);

	for (o = pl->p->options; o && *o; o++)
		if (strncmp(*o, pl->p->name, n) == 0 && (*o)[n] == '.' && strcmp(*o + n + 1, key) == 0)
			return *o;
	return NULL;
}

void
source_qualify_bare(struct optlist *l, const struct plugin *pl)
{
	const char *q;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strchr(l->v[i].key, '.') == NULL && (q = qualified_option(pl, l->v[i].key))) {
			free(l->v[i].key);
			l->v[i].key = xstrdup(q);
		}
}

static int
check_options(struct source *src)
{
	const char *const *names = src->plugin->p->options;
	size_t i, j;

	for (i = 0; src->opts && i < src->opts->n; i++) {
		const char *key = src->opts->v[i].key;

		/* the host consumes `charset` for text plugins */
		if ((src->plugin->p->flags & FEEDD_PLUGIN_TEXT) && strcmp(key, "charset") == 0)
			continue;
		for (j = 0; names && names[j]; j++)
			if (strcmp(names[j], key) == 0)
				break;
		if (names == NULL || names[j] == NULL)
			return unknown_option(src, key);
	}
	return 0;
}

int
source_open(struct source *src, const struct plugin *pl, const struct optlist *opts)
{
	struct hostctx ctx = {opts, NULL, {NULL, 0, 0}, 0, &src->warning};
	struct feedd_host host;

	memset(src, 0, sizeof(*src));
	src->plugin = pl;
	src->opts = opts;
	if (check_options(src) == -1)
		return -1;
	if (pl->p->open == NULL)
		return 0;
	host_init(&host, &ctx);
	if (pl->p->open(&host, &src->state) != 0) {
		src->error = src->warning;
		src->warning = NULL;
		if (src->error == NULL)
			xasprintf(&src->error, "plugin %s refused its options", pl->p->name);
		src->state = NULL;
		return -1;
	}
	return 0;
}

void
source_close(struct source *src)
{
	if (src->plugin && src->plugin->p->close && src->state)
		src->plugin->p->close(src->state);
	free(src->error);
	free(src->warning);
	src->state = NULL;
	src->error = src->warning = NULL;
}

int
source_segment(struct source *src, const struct input *in, const struct feedd_host *host)
{
	const struct feedd_plugin *p = src->plugin->p;
	struct feedd_input fi = {in->data, in->len, in->url, in->content_type, in->charset};
	struct buf text = BUF_INIT;
	int rc;

	if (p->flags & FEEDD_PLUGIN_TEXT) {
		const char *cs = optlist_get(src->opts, "charset");

		if (cs == NULL)
			cs = in->charset;
		if (!text_decode_is_identity(in->data, in->len, cs)) {
			if (text_decode(&text, in->data, in->len, cs, NULL) == -1)
				log_debug("source: unknown charset '%s', detected instead", cs);
			buf_reserve(&text, 0);
			fi.data = text.data;
			fi.len = text.len;
		}
		fi.charset = "UTF-8";
	}
	rc = p->segment(src->state, host, &fi);
	buf_free(&text);
	return rc;
}

int
source_run(struct source *src, const struct input *in, struct harvest *out)
{
	const struct feedd_plugin *p = src->plugin->p;
	struct hostctx ctx = {src->opts, out, {NULL, 0, 0}, (p->flags & FEEDD_PLUGIN_SAFE_HTML) != 0,
	    &out->warning};
	struct feedd_host host;
	int rc;

	harvest_set_base(out, in->url);
	host_init(&host, &ctx);
	rc = source_segment(src, in, &host);
	idset_free(&ctx.ids);
	if (rc != 0) {
		out->error = out->warning;
		out->warning = NULL;
		if (out->error == NULL)
			xasprintf(&out->error, "plugin %s failed", p->name);
		return -1;
	}
	return 0;
}
