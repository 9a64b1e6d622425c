/* A feed's prepared response: built once when the feed changes, shared by every request. */
#ifndef FEEDD_RESPONSE_H
#define FEEDD_RESPONSE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct evbuffer_file_segment;

/* Response memfds open at once, at most (see file_segment in response.c). */
#define RESPONSE_SEGMENTS_MAX 256

/*
 * A large body also lives in a memfd, so that every request sends it with sendfile(2) from
 * one shared file segment: no copy per request, and none through user space
 * (RESPONSE_SEGMENTS_MAX bounds them).  A request in flight holds a reference.
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
/* Drops a reference; the last one frees the response. */
void response_unref(struct response *);

#endif
