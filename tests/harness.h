/* Runs a plugin from the build tree on a string, for the C unit tests. */
#ifndef FEEDD_TEST_HARNESS_H
#define FEEDD_TEST_HARNESS_H

#include <stddef.h>

#include "source.h"

/* Loads plugin NAME from $FEEDD_PLUGIN_DIR once; aborts the test if it is missing. */
const struct plugin *harness_plugin(const char *name);
/* Runs NAME on data with options "k=v" strings (NULL-terminated list, may be NULL).
 * Returns source_run's result; *out holds the entries (harvest_free it). */
int harness_run(const char *name, const char *data, size_t len, const char *const *opts,
    struct harvest *out);
/* Number of non-overlapping occurrences of needle in hay (NULL hay counts 0). */
size_t harness_count(const char *hay, const char *needle);

#endif
