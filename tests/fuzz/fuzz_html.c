/* Fuzzes the html plugin with typical XPaths + the host + the Atom writer. */
#define FUZZ_OPTS "item=//article | //li", "html.title=.//h2 | .//a", "link=.//a/@href", \
	"content=.//p", "date=.//time/@datetime",
#include "../../plugins/html/html.c"
#include "fuzz_plugin.h"
