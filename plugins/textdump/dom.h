/* textdump's reader for HTML pages: the page rendered as text, its article picked by the DOM. */
#ifndef FEEDD_TEXTDUMP_DOM_H
#define FEEDD_TEXTDUMP_DOM_H

#include <feedd/plugin.h>

/* Rule H1: is the input an HTML page (by its Content-Type, or by how it opens)? */
int dom_is_html(const struct feedd_input *in);

/*
 * Emits the page's article (one entry, first) and the teasers around it (one entry each, with
 * its link).  title_max and id_words are textdump's options of those names.  Returns 0, or -1
 * after host->error.
 */
int dom_segment(const struct feedd_host *h, const struct feedd_input *in, long title_max,
    long id_words);

#endif
