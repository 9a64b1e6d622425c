/*
 * Fuzzes the HTTP request path: each input is sent as raw bytes to the real endpoint (evhttp
 * plus feedd's routes) on a loopback socket; the daemon side must neither crash nor leak.
 * The feed registry handed to http_new is one prepared feed; server.c is not linked.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "feed.h"
#include "http.h"

static struct event_base *base;
static struct http *http;
static struct feed feed;
static struct feed_conf conf;
static const struct feed_env env = {.base_url = "http://example.org"};
static const struct feed *const feeds[1] = {&feed};
static int port;

static struct feed *
find(void *arg, const char *name, size_t len)
{
	(void)arg;
	return len == 4 && memcmp(name, "news", 4) == 0 ? &feed : NULL;
}

static const struct feed *const *
all(void *arg, size_t *n)
{
	(void)arg;
	*n = 1;
	return feeds;
}

static const char *
no_base_url(void *arg)
{
	(void)arg;
	return NULL;
}

static const struct http_feeds registry = {find, all, no_base_url, NULL};

static void
setup(void)
{
	struct buf atom = BUF_INIT;
	const char *origin;

	base = event_base_new();
	conf.name = "news";
	conf.title = "News <&>";
	conf.url = "http://example.org/";
	conf.interval = 60;
	feed.conf = &conf;
	feed.env = &env; /* the other formats are built from its empty store when asked for */
	feed.label = "example.org";
	buf_adds(&atom, "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"/>");
	for (int i = 0; i < 2000; i++)
		buf_adds(&atom, "<!-- padding so that the gzip copy and sendfile are used -->");
	feed.resp[FORMAT_ATOM] = response_new(&atom, 1700000000, 60);
	feed.resp[FORMAT_ATOM]->content_type = formats[FORMAT_ATOM].ctype;
	http = http_new(base, &registry, "127.0.0.1", "0");
	origin = strrchr(http_origin(http), ':');
	port = atoi(origin + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in sa;
	char sink[65536];
	int fd, i;
	size_t off = 0;

	if (base == NULL)
		setup();
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 0;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		close(fd);
		return 0;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (i = 0; i < 400; i++) {
		ssize_t n;

		if (off < size && (n = send(fd, data + off, size - off, MSG_NOSIGNAL)) > 0)
			off += (size_t)n;
		if (off == size)
			shutdown(fd, SHUT_WR);
		event_base_loop(base, EVLOOP_NONBLOCK | EVLOOP_ONCE);
		n = recv(fd, sink, sizeof(sink), 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			break; /* the server answered and closed, or reset */
	}
	close(fd);
	for (i = 0; i < 4; i++) /* let the server see the close */
		event_base_loop(base, EVLOOP_NONBLOCK | EVLOOP_ONCE);
	return 0;
}
