/* The worker protocol's frames (feedd-worker(5)): writing them into a buf, reading them back. */
#ifndef FEEDD_WIRE_H
#define FEEDD_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* A frame is a type byte, a 4-byte big-endian payload length, then the payload. */
#define WIRE_HEADER 5

enum wire_type {
	/* worker -> daemon, once at start */
	WIRE_PLUGIN = 'P', /* name, version, description, u32 flags, u32 n, n option names */
	WIRE_LOG = 'L',    /* a line for the daemon's log (a plugin file refused) */
	WIRE_READY = 'R',  /* the sandbox is on; jobs may come (empty) */
	/* daemon -> worker */
	WIRE_JOB = 'J',    /* plugin, u32 max, u32 n, n (key, value), url, type, charset, input */
	WIRE_JOB_FD = 'F', /* as J, but its last field is the input's u32 length alone: the bytes
	                      are in a memfd that comes with the frame (SCM_RIGHTS) */
	WIRE_OPEN = 'O',   /* plugin, u32 n, n (key, value): open and close only (answer W?, D) */
	WIRE_STOP = 'X',   /* during a J: enough entries, emit says no from now on (empty) */
	/* worker -> daemon, per job */
	WIRE_ENTRY = 'E',  /* see wire_put_entry */
	WIRE_INFO = 'I',   /* title, link, author, subtitle */
	WIRE_ERROR = 'W',  /* a line the plugin gave host->error */
	WIRE_DONE = 'D',   /* u32 0 (segment returned 0) or 1 (failed) */
	/* worker -> daemon, from its fault handlers, just before it dies */
	WIRE_SYSCALL = 'S', /* u32 number of the forbidden system call */
	WIRE_NOMEM = 'M',   /* crashed with its address space exhausted (empty) */
};

/* Caps a worker keeps to, so that the daemon can refuse anything larger as malformed. */
#define WIRE_CATEGORIES_MAX 100
#define WIRE_ENCLOSURES_MAX 100
#define WIRE_ENTRY_MAX (4u * 1024 * 1024) /* one entry frame */
#define WIRE_SMALL_MAX (64u * 1024)       /* every other worker frame */

/* Writing: begin a frame, append its fields, end it (which fills in the length). */
size_t wire_begin(struct buf *, int type);
void wire_end(struct buf *, size_t start);
/* Ends a frame whose last more bytes are sent after it from elsewhere (a job's input). */
void wire_end_plus(struct buf *, size_t start, size_t more);
void wire_u32(struct buf *, uint32_t);
void wire_i64(struct buf *, int64_t);
/* A string field: u32 length and the bytes; NULL is written as the empty string. */
void wire_str(struct buf *, const char *);
void wire_bytes(struct buf *, const void *, size_t);

struct feedd_entry;
struct feedd_feed_info;
struct feedd_enclosure;
/* An entry, fields in the order of feedd-worker(5); strings past the caps are cut by the
 * caller before (wire_put_entry writes what it is given, capping only the list lengths). */
void wire_put_entry(struct buf *, const struct feedd_entry *);
void wire_put_info(struct buf *, const struct feedd_feed_info *);

/*
 * Reading one payload.  The cursor fails, and stays failed, on any field running past the
 * end; strings are NUL-terminated in place (the payload is mutable for that), "" gives NULL.
 */
struct wire_rd {
	char *p, *end;
	int bad;
};
uint32_t wire_get_u32(struct wire_rd *);
int64_t wire_get_i64(struct wire_rd *);
char *wire_get_str(struct wire_rd *, size_t max);
/* A byte field left where it is: *len bytes at the returned pointer (not NUL-terminated). */
char *wire_get_bytes(struct wire_rd *, size_t *len);
/* Non-zero when every byte of the payload was read and nothing was malformed. */
int wire_rd_done(const struct wire_rd *);

/*
 * An entry read back into e, pointing into the payload; categories and enclosures go into the
 * arrays given (WIRE_*_MAX + 1 and WIRE_ENCLOSURES_MAX long).  Returns 0 or -1 if malformed.
 */
int wire_get_entry(struct wire_rd *, struct feedd_entry *e, const char **cats,
    struct feedd_enclosure *encs);
int wire_get_info(struct wire_rd *, struct feedd_feed_info *);

/* A byte stream cut into frames. */
struct wire_in {
	struct buf b;
	size_t off; /* start of the first frame not yet taken */
};
/* Room for at least want more bytes at b.data + b.len. */
char *wire_in_space(struct wire_in *, size_t want);
/*
 * Takes the next whole frame: returns 1 with its type and a cursor over its payload, 0 when
 * more bytes are needed, or -1 when the frame announces more than max bytes.  The payload
 * stays valid until the next call.
 */
int wire_next(struct wire_in *, size_t max, int *type, struct wire_rd *);
void wire_in_free(struct wire_in *);

#endif
