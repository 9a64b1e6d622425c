/* The HTTP endpoint on evhttp: prepared feed responses, the index, OPML, /healthz. */
#ifndef FEEDD_HTTP_H
#define FEEDD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct feedd;
struct event_base;

struct evbuffer_file_segment;

/* Response memfds open at once, at most (see file_segment in http.c). */
#define HTTP_SEGMENTS_MAX 256

/*
 * A feed's response, built once when the feed changes.  A large body also lives in a memfd,
 * so that every request sends it with sendfile(2) from one shared file segment: no copy per
 * request, and none through user space (HTTP_SEGMENTS_MAX bounds them).
 */
struct response {
	int refs;
	char *body; /* the document */
	size_t len;
	char *gz; /* gzip of body, or NULL if it would not be smaller */
	size_t gzlen;
	struct evbuffer_file_segment *seg, *gzseg; /* or NULL: then sent by reference */
	char etag[24];          /* "\"<16 hex>\"", of body */
	char gzetag[24];        /* of gz: a representation of its own */
	char last_modified[40]; /* IMF-fixdate */
	char cache_control[32]; /* "max-age=N" */
	char len_text[24], gzlen_text[24]; /* Content-Length values, for HEAD */
	int64_t mtime;
	long max_age;
	const char *content_type; /* a constant; set by whoever made the response */
};

/* Takes body's memory.  refs starts at 1. */
struct response *response_new(struct buf *body, int64_t mtime, long max_age);
/* Sets the time Last-Modified says. */
void response_set_mtime(struct response *, int64_t mtime);
void response_ref(struct response *);
void response_unref(struct response *);

struct http;
/* Binds host:port.  Returns NULL with a logged reason. */
struct http *http_new(struct event_base *, struct feedd *, const char *host, const char *port);
void http_free(struct http *);
/* At most n clients connected at once; further ones wait in the listen backlog. */
void http_set_max_connections(struct http *, long n);
/* The origin a client would use without base_url, e.g. "http://127.0.0.1:8080". */
const char *http_origin(const struct http *);

#endif
