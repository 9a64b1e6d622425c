/* Parses and writes the HTTP header values whose rules evhttp leaves to its user. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sys/queue.h>

#include <event2/keyvalq_struct.h>

#include "httphdr.h"

static const char *
ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), as thousandths; -1 if not. */
static int
qvalue(const char **pp)
{
	const char *p = *pp;
	int v, scale = 100, n = 0;

	if (*p != '0' && *p != '1')
		return -1;
	v = (*p++ - '0') * 1000;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9' && n < 3; p++, n++, scale /= 10)
			v += (*p - '0') * scale;
	if (v > 1000 || (*p >= '0' && *p <= '9'))
		return -1;
	*pp = p;
	return v;
}

/* One list element "coding *( OWS ; OWS param )": its weight (1000 if none), or -1 if it does
 * not parse.  The name is [name, *end). */
static int
element(const char **pp, const char **end)
{
	const char *p = *pp;
	int q = 1000;

	p += strcspn(p, " \t;,");
	*end = p;
	for (p = ows(p); *p == ';'; p = ows(p)) {
		p = ows(p + 1);
		if ((*p == 'q' || *p == 'Q') && p[1] == '=') {
			p += 2;
			if ((q = qvalue(&p)) < 0)
				break;
		} else {
			p += strcspn(p, ";,"); /* another parameter: not defined for codings, skipped */
		}
	}
	if (*p != ',' && *p != '\0')
		q = -1;
	p += strcspn(p, ",");
	*pp = p;
	return q;
}

/* The weight Accept-Encoding gives coding by name into *named, and "*" into *star (-1: none). */
static void
weights(const char *ae, const char *coding, int *named, int *star)
{
	size_t n = strlen(coding);
	const char *p = ae, *name, *end;
	int q;

	*named = *star = -1;
	while (p && *p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		name = p;
		if ((q = element(&p, &end)) < 0)
			continue;
		if ((size_t)(end - name) == n && strncasecmp(name, coding, n) == 0)
			*named = q > *named ? q : *named;
		else if (end - name == 1 && *name == '*')
			*star = q;
	}
}

int
hdr_coding_weight(const char *ae, const char *coding)
{
	int named, star;

	weights(ae, coding, &named, &star);
	return named >= 0 ? named : star;
}

int
hdr_accepts_gzip(const char *ae)
{
	int q, star;

	if (ae == NULL)
		return 0;
	weights(ae, "gzip", &q, &star);
	if (q < 0) /* RFC 9110 12.5.3: x-gzip is gzip */
		weights(ae, "x-gzip", &q, &star);
	return (q >= 0 ? q : star) > 0;
}

int
hdr_etag_match(const char *inm, const char *etag)
{
	size_t n = strlen(etag);
	const char *p = inm;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			return 0;
		if (*p == '*')
			return 1;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p != '"')
			return 0; /* not a list of entity tags */
		if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' ' ||
		                                 p[n] == '\t'))
			return 1;
		p = strchr(p + 1, '"');
		if (p == NULL)
			return 0;
		p++;
	}
}

void
hdr_date(int64_t t, char out[40])
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const int64_t min = INT64_C(-62135596800), max = INT64_C(253402300799);
	struct tm tm;
	time_t tt;

	if (t < min)
		t = min;
	if (t > max)
		t = max;
	tt = (time_t)t;
	gmtime_r(&tt, &tm);
	snprintf(out, 40, "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT", days + 3 * tm.tm_wday,
	    tm.tm_mday, months + 3 * tm.tm_mon, tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
}

/* RFC 9110 5.6.2: token = 1*tchar */
static int
is_token(const char *s)
{
	static const char tchar[] = "!#$%&'*+-.^_`|~0123456789"
	                            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

	return *s != '\0' && strspn(s, tchar) == strlen(s);
}

const char *
hdr_refusal(const struct evkeyvalq *headers)
{
	const struct evkeyval *kv;
	int lengths = 0, chunked = 0;

	TAILQ_FOREACH(kv, headers, next) {
		if (!is_token(kv->key))
			return "a header name that is not a token";
		if (strcasecmp(kv->key, "Transfer-Encoding") == 0)
			chunked = 1;
		if (strcasecmp(kv->key, "Content-Length") != 0)
			continue;
		if (++lengths > 1)
			return "more than one Content-Length";
		if (kv->value[0] == '\0' || strspn(kv->value, "0123456789") != strlen(kv->value))
			return "a Content-Length that is not digits";
	}
	if (lengths && chunked)
		return "Content-Length with Transfer-Encoding";
	return NULL;
}
