/* Source URLs: what a source is called in feeds, and the URL a path becomes. */
#ifndef FEEDD_SOURCEURL_H
#define FEEDD_SOURCEURL_H

/* A feed title from a source URL when nothing better is known: its host or file name, or an
 * exec: command's program name (malloc'd). */
char *sourceurl_label(const char *url);
/* Turns a path into an absolute file:// URL, relative ones against base_dir (NULL: the working
 * folder), percent-encoding what a URL cannot hold (malloc'd); URLs and exec: sources are returned
 * copied. */
char *sourceurl_resolve(const char *source, const char *base_dir);

#endif
