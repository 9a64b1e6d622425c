/* WebSub publishing: tells a hub which feeds changed, by POSTs on the fetcher's curl multi. */
#ifndef FEEDD_WEBSUB_H
#define FEEDD_WEBSUB_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define WEBSUB_ATTEMPTS 12     /* POSTs of one ping before it is given up */
#define WEBSUB_BACKOFF_CAP 300 /* seconds between attempts, at most (1 s, doubling) */

struct event_base;
struct fetcher;
struct websub;

/* Called on the loop when the hub has taken the last ping for key. */
typedef void websub_delivered_cb(void *arg, const char *key);

/* A publisher for the hub at hub (copied; NULL: none, pings are dropped), whose POSTs go
 * through fetcher (borrowed: it must outlive the publisher). */
struct websub *websub_new(struct event_base *, struct fetcher *, const char *hub,
    websub_delivered_cb *delivered, void *arg);
/* Cancels every ping not yet delivered, and frees w. */
void websub_free(struct websub *w);
/* A new hub (a reload), or NULL: pings not yet delivered to the old one are dropped.  Returns 1
 * if the hub changed. */
int websub_set_hub(struct websub *w, const char *hub);
/*
 * Tells the hub that the documents at topics[0..n) changed: one POST of hub.mode=publish and a
 * hub.url for each topic, sent now, retried while it fails (a connection error or a status
 * other than 2xx) WEBSUB_ATTEMPTS times in all, 1 s after the first failure, doubling up to
 * WEBSUB_BACKOFF_CAP (or after the hub's Retry-After, if longer, up to the cap).  One ping per
 * key (a feed's name): a new one for a key whose ping waits for a retry joins it (the topics
 * given last are sent); one for a key whose POST is under way is sent once that POST succeeds
 * (the hub may have fetched the old bytes already).  The strings are copied.  Once the hub has
 * taken the key's last ping, delivered is called; never for a ping dropped or given up.
 */
void websub_publish(struct websub *w, const char *key, const char *const *topics, size_t n);
/* Appends the pings' counters to b in Prometheus' text format. */
void websub_metrics(const struct websub *w, struct buf *b);

#endif
