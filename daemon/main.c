/* feedd's command line: the daemon, `convert`, `plugins`, and the configuration check. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "convert.h"
#include "log.h"
#include "plugins.h"
#include "server.h"
#include "worker.h"
#include "wproc.h"

static void
usage(FILE *fp, int code)
{
	fprintf(fp,
	    "usage: feedd [-v] -c FILE           run the daemon in the foreground\n"
	    "       feedd -n -c FILE             check the configuration\n"
	    "       feedd convert [-v] -p PLUGIN [-s KEY=VALUE]... [-f atom|rss|json|html]\n"
	    "                    [-w [-t TIMEOUT] [-m MEMORY]] [SOURCE]\n"
	    "                                    write the feed of one source on stdout\n"
	    "       feedd plugins                list the plugins found\n"
	    "       feedd --version | --help\n");
	exit(code);
}

/* The plugins as a worker describes them: the daemon's view, and none is loaded here. */
static int
plugins_main(void)
{
	struct plugin_set set = {0};
	struct wproc w = {0, -1, {BUF_INIT, 0}, 0};
	const char *dir = plugins_default_dir(NULL);
	char err[512];
	size_t i;

	log_init(0, "feedd plugins");
	if (wproc_start(&w, dir, WPROC_MEMORY_DEFAULT, WPROC_START_TIMEOUT, &set, err,
	        sizeof(err)) == -1) {
		log_warnx("%s", err);
		return 1;
	}
	wproc_close(&w);
	for (i = 0; i < set.n; i++)
		printf("%s\t%s\t%s\n", set.v[i].p->name, set.v[i].p->version ? set.v[i].p->version : "",
		    set.v[i].p->description ? set.v[i].p->description : "");
	plugins_free(&set);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *conf = NULL;
	int ch, check = 0, verbose = 0;
	static const struct option longopts[] = {
	    {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int rc;

	LIBXML_TEST_VERSION
	/* an ignored SIGCHLD, inherited from whoever started feedd, would have the kernel reap
	 * exec: commands and workers before feedd could see how they ended */
	signal(SIGCHLD, SIG_DFL);
	if (argc > 1 && strcmp(argv[1], "convert") == 0) {
		rc = convert_main(argc - 1, argv + 1);
		xmlCleanupParser();
		return rc;
	}
	if (argc > 1 && strcmp(argv[1], "worker") == 0) /* started by feedd itself */
		return worker_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "plugins") == 0)
		return plugins_main();
	while ((ch = getopt_long(argc, argv, "c:nvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("feedd %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (conf == NULL || optind != argc)
		usage(stderr, 2);
	if (check)
		return server_check(conf);
	return server_main(conf, verbose);
}
