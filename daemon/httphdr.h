/* HTTP header rules feedd applies itself: content codings, entity tags and dates. */
#ifndef FEEDD_HTTPHDR_H
#define FEEDD_HTTPHDR_H

#include <stdint.h>

struct evkeyvalq;

/* The weight (0..1000) Accept-Encoding gives coding, by name (case-insensitive) else by "*";
 * -1 if neither is listed.  Elements that do not parse (a bad qvalue) are skipped. */
int hdr_coding_weight(const char *accept_encoding, const char *coding);
/* Non-zero if the client takes gzip: gzip or x-gzip, else "*", with a weight above 0. */
int hdr_accepts_gzip(const char *accept_encoding);
/* If-None-Match against etag (with its quotes): "*", or a listed tag equal to it by weak
 * comparison (RFC 9110 13.1.2: a W/ prefix is ignored). */
int hdr_etag_match(const char *if_none_match, const char *etag);
/* An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), t clamped to the years it can write
 * (0001 to 9999). */
void hdr_date(int64_t t, char out[40]);
/*
 * Why a request's headers are refused (a static reason), or NULL: a name that is not a token
 * (whitespace before the colon), more than one Content-Length, one that is not 1*DIGIT ("+0"),
 * or Content-Length with Transfer-Encoding (RFC 9112 6.3: each is a smuggling risk behind a
 * proxy that reads them otherwise).  evhttp takes all of these.
 */
const char *hdr_refusal(const struct evkeyvalq *headers);

#endif
