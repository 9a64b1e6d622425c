/* A growable byte buffer, always NUL-terminated, for building output in the core. */
#ifndef FEEDD_BUF_H
#define FEEDD_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf {
	char *data; /* NUL-terminated; owned by the buf; NULL until the first append */
	size_t len;
	size_t cap;
};

#define BUF_INIT {NULL, 0, 0}

/* Room for extra more bytes and the NUL; after it data is never NULL. */
void buf_reserve(struct buf *, size_t extra);

/* The appends are inline: nearly all fit, and a conversion makes millions of them (calls to
 * them and to buf_reserve were 3% of convert's instructions). */
static inline void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap)
		buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static inline void
buf_addc(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

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
