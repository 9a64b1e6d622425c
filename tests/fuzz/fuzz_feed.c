/* Fuzzes the feed plugin (XML and JSON) + the host + the Atom writer. */
#define FUZZ_OPTS
#include "../../plugins/feed/feed.c"
#include "fuzz_plugin.h"
