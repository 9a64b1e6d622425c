/* Logging to stderr (journald captures it), in the manner of OpenBSD's log.h. */
#ifndef FEEDD_LOG_H
#define FEEDD_LOG_H

#include <stdarg.h>

#define LOG_ATTR(a, b) __attribute__((format(printf, a, b)))

/* verbosity: 0 warnings and info, 1 adds debug. */
void log_init(int verbosity, const char *progname);
/* Hands every line to sink (priority as syslog's, line without a newline) instead of stderr:
 * a worker's lines go to the daemon over its channel. */
void log_set_sink(void (*sink)(int prio, const char *line));
void log_warn(const char *fmt, ...) LOG_ATTR(1, 2);  /* appends ": strerror(errno)" */
void log_warnx(const char *fmt, ...) LOG_ATTR(1, 2);
void log_info(const char *fmt, ...) LOG_ATTR(1, 2);
void log_debug(const char *fmt, ...) LOG_ATTR(1, 2);
__attribute__((noreturn)) void fatal(const char *fmt, ...) LOG_ATTR(1, 2);
__attribute__((noreturn)) void fatalx(const char *fmt, ...) LOG_ATTR(1, 2);

#endif
