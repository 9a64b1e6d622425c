/* libcurl, loaded when feedd first calls it.  feedd is not linked with libcurl: the functions
 * it uses are defined here (hidden, so the library's own calls never come back here) and
 * forward to the library, opened by its soname (CURL_SONAME, from configure) the first time
 * one of them is called.  A `feedd convert` of a file or stdin and every `feedd worker` then
 * never load libcurl and the thirty-odd libraries it brings (TLS, SSH, LDAP, Kerberos, IDN,
 * RTMP): mapping and relocating them was about 9 ms of the 13 such a process took to start.
 * A function feedd starts to use is added to CURL_FUNCS (the linker names any it misses). */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>

#define CURL_DISABLE_TYPECHECK /* its macros would rename the variadic definitions below */
#include <curl/curl.h>

#include "log.h"

/* return type, name, parameters, arguments: every fixed-argument function feedd calls */
#define CURL_FUNCS(X) \
	X(CURLcode, curl_global_init, (long flags), (flags)) \
	X(void, curl_global_cleanup, (void), ()) \
	X(void, curl_free, (void *p), (p)) \
	X(CURL *, curl_easy_init, (void), ()) \
	X(void, curl_easy_cleanup, (CURL *e), (e)) \
	X(void, curl_easy_reset, (CURL *e), (e)) \
	X(CURLcode, curl_easy_perform, (CURL *e), (e)) \
	X(const char *, curl_easy_strerror, (CURLcode c), (c)) \
	X(char *, curl_easy_escape, (CURL *e, const char *s, int n), (e, s, n)) \
	X(CURLHcode, curl_easy_header, (CURL *e, const char *name, size_t i, unsigned int origin, \
	    int request, struct curl_header **hout), (e, name, i, origin, request, hout)) \
	X(CURLM *, curl_multi_init, (void), ()) \
	X(CURLMcode, curl_multi_cleanup, (CURLM *m), (m)) \
	X(CURLMcode, curl_multi_add_handle, (CURLM *m, CURL *e), (m, e)) \
	X(CURLMcode, curl_multi_remove_handle, (CURLM *m, CURL *e), (m, e)) \
	X(CURLMcode, curl_multi_assign, (CURLM *m, curl_socket_t s, void *p), (m, s, p)) \
	X(CURLMcode, curl_multi_socket_action, (CURLM *m, curl_socket_t s, int ev, int *running), \
	    (m, s, ev, running)) \
	X(CURLMsg *, curl_multi_info_read, (CURLM *m, int *left), (m, left)) \
	X(struct curl_slist *, curl_slist_append, (struct curl_slist *l, const char *s), (l, s)) \
	X(void, curl_slist_free_all, (struct curl_slist *l), (l)) \
	X(CURLU *, curl_url, (void), ()) \
	X(void, curl_url_cleanup, (CURLU *u), (u)) \
	X(CURLUcode, curl_url_get, (CURLU *u, CURLUPart what, char **part, unsigned int flags), \
	    (u, what, part, flags)) \
	X(CURLUcode, curl_url_set, (CURLU *u, CURLUPart what, const char *part, \
	    unsigned int flags), (u, what, part, flags))

/* and the three variadic ones, whose one argument after the option is passed on as its type */
#define CURL_VFUNCS(X) \
	X(CURLcode, curl_easy_setopt, CURL *, CURLoption) \
	X(CURLcode, curl_easy_getinfo, CURL *, CURLINFO) \
	X(CURLMcode, curl_multi_setopt, CURLM *, CURLMoption)

#define X_PTR(ret, name, params, args) ret (*name) params;
#define XV_PTR(ret, name, handle, opt) ret (*name)(handle, opt, ...);
static struct {
	CURL_FUNCS(X_PTR)
	CURL_VFUNCS(XV_PTR)
} lib;

static pthread_once_t loaded = PTHREAD_ONCE_INIT;

/* Every symbol found, or feedd ends: without it nothing that needs libcurl could work, as it
 * would not have started, linked with it, where the library was missing. */
static void
load(void)
{
	void *h = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL), *sym;

	if (h == NULL)
		fatalx("cannot load libcurl: %s", dlerror());
#define X_SYM(name) \
	if ((sym = dlsym(h, #name)) == NULL) \
		fatalx("%s has no %s", CURL_SONAME, #name); \
	memcpy(&lib.name, &sym, sizeof(sym));
#define X_LOAD(ret, name, params, args) X_SYM(name)
#define XV_LOAD(ret, name, handle, opt) X_SYM(name)
	CURL_FUNCS(X_LOAD)
	CURL_VFUNCS(XV_LOAD)
	/* never closed: OpenSSL and GnuTLS set exit handlers up in it */
}

#define HIDDEN __attribute__((visibility("hidden")))

#define X_DEF(ret, name, params, args) \
	HIDDEN ret name params \
	{ \
		pthread_once(&loaded, load); \
		return lib.name args; \
	}
CURL_FUNCS(X_DEF)

/* curl_easy_setopt's and curl_multi_setopt's argument, by the option's type (its thousands:
 * CURLOPTTYPE_*), read and passed on as libcurl reads it. */
#define SETOPT(fn, h, opt, ap) \
	((opt) < CURLOPTTYPE_OBJECTPOINT ? lib.fn(h, opt, va_arg(ap, long)) : \
	 (opt) < CURLOPTTYPE_FUNCTIONPOINT ? lib.fn(h, opt, va_arg(ap, void *)) : \
	 (opt) < CURLOPTTYPE_OFF_T ? lib.fn(h, opt, va_arg(ap, void (*)(void))) : \
	 (opt) < CURLOPTTYPE_BLOB ? lib.fn(h, opt, va_arg(ap, curl_off_t)) : \
	 lib.fn(h, opt, va_arg(ap, void *)))

HIDDEN CURLcode
curl_easy_setopt(CURL *e, CURLoption opt, ...)
{
	CURLcode rc;
	va_list ap;

	pthread_once(&loaded, load);
	va_start(ap, opt);
	rc = SETOPT(curl_easy_setopt, e, opt, ap);
	va_end(ap);
	return rc;
}

HIDDEN CURLMcode
curl_multi_setopt(CURLM *m, CURLMoption opt, ...)
{
	CURLMcode rc;
	va_list ap;

	pthread_once(&loaded, load);
	va_start(ap, opt);
	rc = SETOPT(curl_multi_setopt, m, opt, ap);
	va_end(ap);
	return rc;
}

/* every CURLINFO_* is answered through a pointer */
HIDDEN CURLcode
curl_easy_getinfo(CURL *e, CURLINFO info, ...)
{
	CURLcode rc;
	va_list ap;

	pthread_once(&loaded, load);
	va_start(ap, info);
	rc = lib.curl_easy_getinfo(e, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}
