/* Fuzzes textdump + the host + the Atom writer. */
#define FUZZ_OPTS
#include "../../plugins/textdump/textdump.c"
#include "fuzz_plugin.h"
