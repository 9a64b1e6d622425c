/* `feedd convert`: one source through one plugin to a feed (Atom by default) on stdout. */
#ifndef FEEDD_CONVERT_H
#define FEEDD_CONVERT_H

#include <stddef.h>
#include <stdint.h>

#include "atom.h"
#include "source.h"

int convert_main(int argc, char **argv);

/*
 * Stamps entries first seen together: a date the source gives wins, else `seen` minus the
 * entry's position in seconds, so a reader sorting by date keeps the page's order.
 */
void convert_stamp(struct entry **v, size_t n, int64_t seen);

#endif
