/* String predicates the core's files share. */
#ifndef FEEDD_STR_H
#define FEEDD_STR_H

#include <string.h>

/* Two optional strings are equal: both NULL, or both set with the same bytes. */
static inline int
streq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

#endif
