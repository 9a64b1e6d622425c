/* The configuration file: INI read line by line, checked with file:line reasons. */
#ifndef FEEDD_CONF_H
#define FEEDD_CONF_H

#include <stddef.h>

#include "filter.h"
#include "plugins.h"
#include "source.h"

#define CONFIG_MAX_ENTRIES_DEFAULT 200
#define CONFIG_INTERVAL_DEFAULT (15 * 60)
#define CONFIG_LINE_MAX 65536 /* bytes of a line, its newline included */
#define CONFIG_MAX_CONNECTIONS_DEFAULT 1024
#define CONFIG_MIN_INTERVAL_DEFAULT 60 /* an http(s) source is fetched at most this often */
#define CONFIG_WORKERS_MAX 256
#define CONFIG_PLUGIN_TIMEOUT_DEFAULT 30                       /* seconds */
#define CONFIG_PLUGIN_MEMORY_DEFAULT (1024LL * 1024 * 1024)     /* bytes */
#define CONFIG_PLUGIN_MEMORY_MIN (64LL * 1024 * 1024)

struct feed_conf {
	char *name;
	char *plugin;
	char *source; /* as written */
	char *url;    /* resolved: http(s) URL, file:// URL of an absolute path, or exec:COMMAND */
	char *dir;    /* exec: the folder the command runs in (the config file's), else NULL */
	long interval; /* seconds */
	long timeout;  /* seconds */
	size_t max_entries;
	char *title, *author; /* or NULL */
	struct filter filter; /* include = and exclude =, compiled */
	struct optlist opts;  /* every other key, for the plugin */
	int line;             /* of the [feed NAME] header */
	int plugin_line, source_line, interval_line;
	char *warning; /* "FILE:LINE: ..." for a value feedd changed (interval below the floor), or
	                  NULL: logged at every load, printed by -n */
};

struct config {
	char *path;
	char *listen_host; /* "127.0.0.1", "::1" */
	char *listen_port; /* "8080" */
	char *state_dir;   /* absolute */
	char *plugin_dir;  /* absolute, or NULL for the default */
	char *base_url;    /* without a trailing slash, or NULL */
	char *export_dir;  /* or NULL */
	char *websub_hub;  /* an http or https URL, as written, or NULL; only with base_url */
	long max_parallel;
	long max_per_host;
	long max_connections; /* HTTP clients at once */
	long min_interval;    /* seconds; the floor of an http(s) feed's interval */
	long workers;         /* worker processes that run plugins */
	long plugin_timeout;  /* seconds a job may take */
	long long plugin_memory; /* bytes of address space a worker may have */
	int state_dir_line, export_dir_line, websub_hub_line; /* 0 if not given */
	struct feed_conf *feeds;
	size_t n_feeds;
};

/*
 * Parses path into cfg (zeroed by the call).  On error returns -1 with "FILE:LINE: reason" in
 * err (the config is freed).  Relative paths resolve against the file's folder.
 */
int config_load(const char *path, struct config *cfg, char *err, size_t errlen);
/*
 * Checks each feed's plugin exists and knows its options' names; then, if opener is given,
 * that the plugin's open() accepts their values (which runs plugin code: a worker's job).
 * opener returns 0, or -1 with *why (freed by the caller).
 */
typedef int (*config_opener)(void *arg, const struct plugin *, const struct optlist *,
    char **why);
int config_check_plugins(const struct config *, const struct plugin_set *, config_opener,
    void *arg, char *err, size_t errlen);
/* Checks that state_dir and export_dir are writable folders or can be made (changing nothing);
 * the error names the key and its line. */
int config_check_folders(const struct config *, char *err, size_t errlen);
void config_free(struct config *);
int feed_conf_equal(const struct feed_conf *, const struct feed_conf *);
/* "90", "30s", "15m", "2h", "1d" -> seconds; -1 if malformed or not positive. */
long config_parse_duration(const char *);
/* "4096", "64K", "256M", "1G" (powers of 1024) -> bytes; -1 if malformed or not positive. */
long long config_parse_size(const char *);

#endif
