/* A feed's include and exclude regexes: compiled once per configuration load, run per entry. */
#ifndef FEEDD_FILTER_H
#define FEEDD_FILTER_H

#include <stddef.h>

#include "entry.h"

struct filter_re; /* a compiled regex and its source text */

/*
 * What a [feed] section's include = and exclude = say (one of each), or convert's -i and -x
 * (any number).  An entry is kept if no include is given or one of them matches it, and none
 * of the excludes matches it.  A regex matches an entry if it matches (POSIX extended, case-insensitive) the title, the
 * summary, the text of the content (tags stripped, entities decoded), one author line or one
 * category.  A zeroed filter keeps everything; the filter owns what it holds.
 */
struct filter {
	struct filter_re **inc, **exc;
	size_t n_inc, n_exc;
};

/*
 * What regcomp's memory and time are held to.  A regex may compile to FILTER_STATES_MAX states
 * at most (an upper bound counted from its text before regcomp is called), and the regexes of one
 * configuration (or of one convert) to FILTER_BUDGET together; real filters are far below
 * (^(live|update|breaking)s?: is 25), while stacked or nested repetitions grow without limit.
 */
#define FILTER_STATES_MAX 1000
#define FILTER_BUDGET 50000

/* Compiles src and adds it as an include (exclude = 0) or an exclude, taking its states from
 * *budget.  Returns 0, or -1 with the reason in why: regerror's, a regex too large or over
 * the budget, or an empty regex (it would match everything). */
int filter_add(struct filter *, int exclude, const char *src, size_t *budget, char *why,
    size_t whylen);
/* Non-zero if the filter holds a regex. */
int filter_is_set(const struct filter *);
/* Non-zero if e passes the filter (NULL or zeroed keeps everything). */
int filter_keeps(const struct filter *, const struct entry *e);
/* Non-zero if both hold the same regexes, written the same, in the same order. */
int filter_equal(const struct filter *, const struct filter *);
void filter_free(struct filter *);

#endif
