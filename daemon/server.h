/* The daemon: event loop, signals, configuration (re)loads and the commit of changed feeds. */
#ifndef FEEDD_SERVER_H
#define FEEDD_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

struct feedd;
struct feed;
struct fetcher;
struct event_base;

/* `feedd -c FILE`: runs until SIGTERM/SIGINT; returns the exit code. */
int server_main(const char *conf_path, int verbose);
/* `feedd -n -c FILE`: prints "configuration OK" or FILE:LINE: reason; returns the exit code. */
int server_check(const char *conf_path);

/* For the other roles. */
struct event_base *feedd_base(struct feedd *);
struct fetcher *feedd_fetcher(struct feedd *);
const char *feedd_state_dir(const struct feedd *);
/* base_url, else the listener's origin ("http://127.0.0.1:8080"). */
const char *feedd_base_url(const struct feedd *);
const struct config *feedd_config(const struct feedd *);
/* The feed called name[0..len), or NULL. */
struct feed *feedd_find(const struct feedd *, const char *name, size_t len);
/* The feeds in config order. */
struct feed **feedd_feeds(const struct feedd *, size_t *n);
/* Queues f for the next commit: its state is saved, then its response rebuilt. */
void feedd_mark_dirty(struct feedd *, struct feed *);
/* Called after f's response is rebuilt: writes the export_dir copy if configured. */
void feedd_exported(struct feedd *, struct feed *);

#endif
