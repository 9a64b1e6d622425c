/* Runs a source plugin over fetched bytes: decoding, the host callbacks, collected entries. */
#ifndef FEEDD_SOURCE_H
#define FEEDD_SOURCE_H

#include <stddef.h>

#include "entry.h"
#include "filter.h"
#include "plugins.h"

/* KEY=VALUE options handed to a plugin (both strings owned by the list). */
struct opt {
	char *key;
	char *value;
	int line; /* config line, 0 from the command line */
};

struct optlist {
	struct opt *v;
	size_t n;
};

void optlist_add(struct optlist *, const char *key, const char *value, int line);
const char *optlist_get(const struct optlist *, const char *key);
void optlist_free(struct optlist *);
int optlist_equal(const struct optlist *, const struct optlist *);

/* What one run of a plugin gave.  Everything is owned by the harvest. */
struct harvest {
	struct entry **v; /* in source order, ids unique (later duplicates dropped) */
	size_t n, cap;
	char *feed_title, *feed_link, *feed_author, *feed_subtitle;
	char *error;      /* if the run failed: the last message the plugin reported, or NULL */
	char *warning;    /* if it succeeded: likewise, a warning */
	size_t dropped;   /* entries refused (no id key) or duplicate */
	size_t max;       /* stop after this many entries kept; 0 means no limit */
	const char *base; /* borrowed: what relative links resolve against, or NULL */
	const struct filter *filter; /* borrowed, or NULL: entries it drops take no room (max) */
	struct entry **excluded; /* what the filter dropped, only their ids kept (a store drops
	                            an entry it held that has changed so as to be dropped) */
	size_t n_excluded, cap_excluded;
	/* If set, each entry kept goes to sink as it comes, which owns it from then on, instead
	 * of into v (which stays empty; n still counts them, and e->seq is its place), and only
	 * the ids seen stay, in keys (excluded stays empty too): one entry in memory at a time.
	 * sink returns 0, or -1 to take no more (harvest_emit returns -1). */
	int (*sink)(void *ctx, struct entry *e);
	void *sink_ctx;
	struct idkeys keys;
};

void harvest_free(struct harvest *);
/* Sets what the run's relative links resolve against: the source URL (none for stdin: and
 * exec:). */
void harvest_set_base(struct harvest *out, const char *url);
/* What host->emit does: copies and cleans pe into out, de-duplicating by id through ids, its
 * links resolved against out->base and screened (entry_screen_links); an entry out->filter
 * drops goes to out->excluded (as its id) instead.
 * Returns 0, or -1 when out holds out->max entries already. */
int harvest_emit(struct harvest *out, struct idset *ids, const struct feedd_entry *pe,
    int safe_html);
/* What host->feed_info does: keeps cleaned copies of the facts given (the link screened). */
void harvest_feed_info(struct harvest *out, const struct feedd_feed_info *);

/* A plugin with its options and its open state: one per feed, or one per convert run. */
struct source {
	const struct plugin *plugin;
	const struct optlist *opts; /* borrowed; must outlive the source */
	void *state;
	char *error;   /* why open() failed */
	char *warning; /* what an open() that succeeded reported last, or NULL */
};

/*
 * Opens the plugin with opts (checking unknown keys against the plugin's list first).
 * Returns 0, or -1 with src->error set to a one-line reason (freed by source_close).
 */
int source_open(struct source *src, const struct plugin *, const struct optlist *opts);
/*
 * For `feedd convert`, which has no feed title or author: renames each bare KEY the plugin
 * declares only as PLUGIN.KEY to that (-s title= is html's html.title, as before it was
 * qualified).  The daemon never does this: there a bare core key is the feed's own.
 */
void source_qualify_bare(struct optlist *, const struct plugin *);
void source_close(struct source *);

/* What was fetched.  All borrowed. */
struct input {
	const char *data; /* data[len] must be a NUL byte (struct buf guarantees it) */
	size_t len;
	const char *url;
	const char *content_type; /* without parameters, or NULL */
	const char *charset;      /* from HTTP, or NULL */
};

/*
 * Runs the plugin on in into out (which must be zeroed, with out->max set as wished).
 * Returns 0 (with out->warning set if the plugin reported something), or -1 with out->error
 * set.
 */
int source_run(struct source *, const struct input *in, struct harvest *out);
/* The plugin's segment() on in, decoded first for a FEEDD_PLUGIN_TEXT plugin, with the host
 * given (a worker's, which sends what it is handed).  Returns what segment() returned. */
int source_segment(struct source *, const struct input *in, const struct feedd_host *host);

#endif
