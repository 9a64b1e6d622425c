/* Logging to stderr with a level prefix systemd understands (<N>) when under journald. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static int log_verbosity;
static int log_journal; /* prefix lines with <N> for journald */
static const char *log_prog = "feedd";
static void (*log_sink)(int, const char *); /* instead of stderr, when set */

void
log_set_sink(void (*sink)(int prio, const char *line))
{
	log_sink = sink;
}

void
log_init(int verbosity, const char *progname)
{
	log_verbosity = verbosity;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
	if (progname != NULL)
		log_prog = progname;
}

static void log_emit(int prio, const char *fmt, va_list ap, const char *suffix) LOG_ATTR(2, 0);

static void
log_emit(int prio, const char *fmt, va_list ap, const char *suffix)
{
	char line[2048];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_sink != NULL) {
		if (suffix != NULL) {
			size_t n = strlen(line);

			snprintf(line + n, sizeof(line) - n, ": %s", suffix);
		}
		log_sink(prio, line);
	} else if (log_journal)
		fprintf(stderr, "<%d>%s%s%s\n", prio, line, suffix ? ": " : "", suffix ? suffix : "");
	else
		fprintf(stderr, "%s: %s%s%s\n", log_prog, line, suffix ? ": " : "",
		    suffix ? suffix : "");
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	const char *err = strerror(errno);

	va_start(ap, fmt);
	log_emit(4, fmt, ap, err);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(4, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(6, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbosity < 1)
		return;
	va_start(ap, fmt);
	log_emit(7, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	const char *err = strerror(errno);

	va_start(ap, fmt);
	log_emit(2, fmt, ap, err);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(2, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
