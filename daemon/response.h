/* A feed's prepared response: built once when the feed changes, shared by every request. */
#ifndef FEEDD_RESPONSE_H
#define FEEDD_RESPONSE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct evbuffer_file_segment;
struct span;

/* Response files open at once, at most (see the body file in response.c). */
#define RESPONSE_FILES_MAX 8
/* A body (or its gzip) of this many bytes or more lives in the response file, not the heap. */
#define RESPONSE_FILE_MIN 2048

/*
 * A body of RESPONSE_FILE_MIN bytes or more is kept in a file without a name (in the folder
 * response_set_dir names, else a memfd), page-aligned, and every request sends it from there
 * with sendfile(2): the heap holds none of it, and on disk its pages are page cache the kernel
 * may drop.  A smaller one is kept in the heap, exactly its size, and sent by reference.  A
 * request in flight holds a reference to the segment, so a body's pages are given back only
 * once the last request sending it is done.
 */
struct response {
	int refs;
	char *body; /* the document, or NULL when it is in the file (seg) */
	size_t len;
	char *gz; /* gzip of body, or NULL: in the file (gzseg), or none (gzlen 0) */
	size_t gzlen; /* 0: no gzip copy, since it would not be smaller */
	struct evbuffer_file_segment *seg, *gzseg; /* in the file, or NULL: sent by reference */
	struct span *span, *gzspan; /* where in the file, while seg and gzseg live */
	uint64_t hash;          /* of body: its ETag */
	char etag[24];          /* "\"<16 hex>\"", of body */
	char gzetag[24];        /* of gz: a representation of its own */
	char last_modified[40]; /* IMF-fixdate */
	char cache_control[32]; /* "max-age=N" */
	char len_text[24], gzlen_text[24]; /* Content-Length values, for HEAD */
	int64_t mtime;
	long max_age;
	const char *content_type; /* a constant; set by whoever made the response */
};

/* The folder for the response file (the state folder; copied); NULL: a memfd. */
void response_set_dir(const char *dir);
/* Takes body's memory.  refs starts at 1. */
struct response *response_new(struct buf *body, int64_t mtime, long max_age);
/* Appends the body (gz 0) or its gzip (gz 1) to out, from the heap or the file; 0, or -1
 * with errno. */
int response_bytes(const struct response *, int gz, struct buf *out);
/* Where the body (gz 0) or its gzip (gz 1) is in the response file, for a sendfile(2) of
 * its own; -1 if it is in the heap.  Valid while the response (or a segment) is held. */
int response_file_at(const struct response *, int gz, int *fd, int64_t *off);
/* The process is ending: bodies freed from now on leave their pages to the file's close. */
void response_files_closing(void);
/* Bytes the response files hold for bodies not yet given back (page-rounded), for tests. */
size_t response_file_bytes(void);
/* Sets the time Last-Modified says. */
void response_set_mtime(struct response *, int64_t mtime);
void response_ref(struct response *);
/* Drops a reference; the last one frees the response. */
void response_unref(struct response *);

#endif
