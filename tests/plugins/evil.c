/* A plugin that misbehaves as its input's first line says, for the containment tests:
 * "good", "segv", "loop", "memory", "exit", "fork", "connect PORT", "file PATH", "garbage",
 * "flood", "many N" (N entries of 4 KiB of text each, and the first once more: a
 * plugin that stops when asked, with more than any host should hold at once), "late SECONDS"
 * (answers only after spinning that long), "where" (one entry whose title names the mapping
 * its input lies in, from /proc/self/maps: "anonymous" for the heap).  Built without sanitizers, so that its faults are
 * the kernel's to report. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <feedd/plugin.h>

static int
emit_one(const struct feedd_host *h, const char *key)
{
	struct feedd_entry e = {0};

	e.id_key = key;
	e.title = key;
	e.summary = "an entry of the evil test plugin";
	return h->emit(h->ctx, &e);
}

/* Allocates and touches 4 GiB in 64 MiB pieces, never checking malloc: a runaway plugin. */
static void
hog(void)
{
	size_t i, piece = (size_t)64 << 20;

	for (i = 0; i < 64; i++) {
		char *p = malloc(piece);

		memset(p, 1, piece);
	}
}

static void
forks(void)
{
	int i;

	for (i = 0; i < 20; i++)
		if (fork() == 0) {
			prctl(PR_SET_NAME, "evil-child");
			pause();
			_exit(0);
		}
}

static void
connects(const char *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
	int s = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s != -1 && connect(s, (struct sockaddr *)&sin, sizeof(sin)) == 0)
		(void)!write(s, "evil\n", 5);
}

static void
creates(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd != -1) {
		(void)!write(fd, "evil\n", 5);
		close(fd);
	}
}

/* Writes bytes no protocol frame starts with to every descriptor that may be a channel. */
static void
garbage(void)
{
	static const char junk[] = "\xff\xfe garbage from a plugin \x01\x02\x03";
	int fd;

	for (fd = 3; fd < 64; fd++)
		(void)!write(fd, junk, sizeof(junk));
}

/* N distinct entries of 4 KiB of text, then the first again (a duplicate, to be dropped). */
static int
many(const struct feedd_host *h, long n)
{
	static char text[4097];
	struct feedd_entry e = {0};
	char key[32], link[64];
	long i;

	memset(text, 'w', sizeof(text) - 1);
	for (i = 0; i < 4096; i += 64)
		text[i] = ' ';
	e.summary = text;
	for (i = 0; i <= n; i++) {
		snprintf(key, sizeof(key), "evil:%ld", i < n ? i : 0);
		snprintf(link, sizeof(link), "https://example.org/%ld", i < n ? i : 0);
		e.id_key = e.title = key;
		e.link = link;
		if (h->emit(h->ctx, &e) != 0)
			break;
	}
	return 0;
}

/* The name of the mapping p lies in ("/memfd:feedd-input (deleted)"), "anonymous" if it has
 * none, "unknown" if it is not found. */
static void
mapping_of(const void *p, char *name, size_t len)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	snprintf(name, len, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		int at = 0;

		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &lo, &hi, &at) < 2 ||
		    (unsigned long)p < lo || (unsigned long)p >= hi)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(name, len, "%s", at && line[at] ? line + at : "anonymous");
		break;
	}
	if (f)
		fclose(f);
}

static int
segment(void *state, const struct feedd_host *h, const struct feedd_input *in)
{
	char mode[32] = "", arg[256] = "";
	long i;

	(void)state;
	sscanf(in->data, "%31s %255s", mode, arg);
	if (strcmp(mode, "segv") == 0) {
		volatile int *volatile p = NULL;

		*p = 1;
	} else if (strcmp(mode, "loop") == 0) {
		volatile unsigned long n = 0;

		for (;;)
			n++;
	} else if (strcmp(mode, "memory") == 0) {
		hog();
	} else if (strcmp(mode, "exit") == 0) {
		exit(3);
	} else if (strcmp(mode, "fork") == 0) {
		forks();
	} else if (strcmp(mode, "connect") == 0) {
		connects(arg);
	} else if (strcmp(mode, "file") == 0) {
		creates(arg);
	} else if (strcmp(mode, "garbage") == 0) {
		garbage();
	} else if (strcmp(mode, "many") == 0) {
		return many(h, atol(arg));
	} else if (strcmp(mode, "late") == 0) {
		/* spins (time() makes no system call), then sends more than one piece of answer */
		time_t end = time(NULL) + atoi(arg);
		char key[32];

		while (time(NULL) < end)
			;
		for (i = 0; i < 10000; i++) {
			snprintf(key, sizeof(key), "evil:late-%ld", i);
			emit_one(h, key);
		}
		return 0;
	} else if (strcmp(mode, "where") == 0) {
		char name[256];

		mapping_of(in->data, name, sizeof(name));
		return emit_one(h, name);
	} else if (strcmp(mode, "flood") == 0) {
		char key[32];

		for (i = 0; i < 10000000; i++) { /* ignoring what emit says */
			snprintf(key, sizeof(key), "evil:%ld", i);
			emit_one(h, key);
		}
		return 0;
	}
	return emit_one(h, arg[0] ? arg : "evil:good");
}

FEEDD_PLUGIN_DEFINE = {
	.abi = FEEDD_PLUGIN_ABI,
	.size = sizeof(struct feedd_plugin),
	.name = "evil",
	.version = "0",
	.description = "misbehaves on request, for the containment tests",
	.flags = FEEDD_PLUGIN_TEXT,
	.segment = segment,
};
