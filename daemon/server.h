/* The daemon: event loop, signals, configuration (re)loads and the commit of changed feeds. */
#ifndef FEEDD_SERVER_H
#define FEEDD_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

/* `feedd -c FILE`: runs until SIGTERM/SIGINT; returns the exit code. */
int server_main(const char *conf_path, int verbose);
/* `feedd -n -c FILE`: prints "configuration OK" or FILE:LINE: reason; returns the exit code. */
int server_check(const char *conf_path);

#endif
