/* Fuzzes textdump (its dump and HTML readers) + the host + the Atom writer. */
#define FUZZ_OPTS
#include "../../plugins/textdump/textdump.c"
#include "../../plugins/textdump/dom.c"
#include "fuzz_plugin.h"
