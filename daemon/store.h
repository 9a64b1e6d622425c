/* The entry store: each feed's entries and history, merged per fetch, saved atomically. */
#ifndef FEEDD_STORE_H
#define FEEDD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "entry.h"
#include "filter.h"
#include "source.h"

struct store {
	struct entry **v; /* first seen first (seq desc: a later fetch, else page order); owned */
	size_t n;
	uint64_t seq;     /* next entry sequence number; never depends on the clock */
	/* from the source */
	char *etag, *last_modified; /* validators for a conditional GET */
	char *feed_title, *feed_link, *feed_author, *feed_subtitle;
	/* bookkeeping shown on /healthz */
	int64_t last_success; /* 0: never */
	int64_t last_change;  /* when the entries last changed */
	uint64_t body_hash;   /* of the feed body served, and */
	int64_t body_time;    /* when it last changed (Last-Modified); 0: not known */
	int websub_owed;      /* the hub has not taken the ping for these bytes yet */
	char *last_error;     /* or NULL */
	long http_status;     /* 0: none */
};

/*
 * Merges one fetch's entries into s, taking them out of h.  A new entry's published date is
 * the source's, else now minus its position among the new ones (pushed past the newest entry
 * already kept, at most 60 s ahead of now, so new entries sort first and in page order); a
 * known entry whose text changed gets the new text and updated = the source's, else now (a
 * second past the old one if the clock went back; published stays), except that a teaser never replaces a
 * full text.  New entries get sequence numbers above every kept one (the page's first the
 * highest), and the store is in sequence order; entries beyond max_entries are dropped, the
 * first seen first.  Neither depends on dates or the clock.  A kept entry whose id is in
 * h->excluded (it changed, and the feed's filter now drops it) is dropped.  Returns the number
 * of entries added, changed or dropped.
 */
size_t store_merge(struct store *s, struct harvest *h, int64_t now, size_t max_entries);
/* Drops the entries f does not keep (a filter that changed since they were stored).  Returns
 * how many went; if any did, last_change is now. */
size_t store_filter(struct store *s, const struct filter *f, int64_t now);
/* Frees everything s holds and zeroes it. */
void store_clear(struct store *s);

/*
 * Loads path into s, exactly as it was saved but for links that are not http or https, the
 * entries' and the feed's (entry_screen_links, url_link: states from before links were
 * screened).  s is zeroed
 * first, not freed: clear it before.  Returns 0; 1 if there is no such file; -1 with a reason in err if the file is corrupt or truncated (it parses wrong);
 * -2 with a reason in err if it cannot be opened or read (EACCES, EIO, EMFILE, a folder…):
 * the file may be fine, so it must be kept and the load retried, never rebuilt over.
 */
int store_load(struct store *s, const char *path, char *err, size_t errlen);
/* Moves a corrupt state file aside (PATH.corrupt-TIME); returns the new name (static). */
const char *store_quarantine(const char *path);

/* One state file to write; see store_save_batch. */
struct store_job {
	const struct store *s;
	const char *path; /* final name, in the folder given to store_save_batch */
	int ok;           /* set by store_save_batch */
	char why[256];    /* if not ok: "rename FILE: reason" */
};

/*
 * Saves several stores durably at the cost of few flushes: each is written to PATH.tmp, the
 * data reaches the disk (fdatasync each, or one syncfs for a large batch), each is renamed
 * into place, then the folder is fsync'ed once.  On return every job with ok = 1 is on disk;
 * a failed job says why in its why, unlogged, so that the caller can log a failure streak once.
 * Returns the number of jobs that failed.
 */
size_t store_save_batch(struct store_job *jobs, size_t n, const char *dir);

#endif
