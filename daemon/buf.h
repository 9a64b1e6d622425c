/* A growable byte buffer, always NUL-terminated, for building output in the core. */
#ifndef FEEDD_BUF_H
#define FEEDD_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	char *data; /* NUL-terminated; owned by the buf; NULL until the first append */
	size_t len;
	size_t cap;
};

#define BUF_INIT {NULL, 0, 0}

/* Room for extra more bytes and the NUL; after it data is never NULL. */
void buf_reserve(struct buf *, size_t extra);
void buf_add(struct buf *, const void *, size_t);
void buf_adds(struct buf *, const char *);
void buf_addc(struct buf *, char);
void buf_printf(struct buf *, const char *, ...) __attribute__((format(printf, 2, 3)));
void buf_add_u64(struct buf *, uint64_t); /* in decimal */
/* Appends everything fd has until end of file; -1 with errno on a read error. */
int buf_read_fd(struct buf *, int fd);
void buf_reset(struct buf *);           /* empties, keeps the memory */
void buf_free(struct buf *);            /* frees and re-initialises */
char *buf_steal(struct buf *, size_t *); /* hands the memory to the caller (never NULL) */
/* Escapes <, >, &, " and ' for HTML/XML text and attributes. */
void buf_add_html(struct buf *, const char *, size_t);
/* Appends a JSON string literal with its quotes. */
void buf_add_json(struct buf *, const char *);
/* A 64-bit hash of p[0..n): ETags, id maps and name lookups (not a defence against collisions). */
uint64_t hash_bytes(const void *p, size_t n);

#endif
