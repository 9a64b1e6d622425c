/* HTML hygiene for entry content, with libxml2's HTML parser. */
#ifndef FEEDD_SANITIZE_H
#define FEEDD_SANITIZE_H

/*
 * Returns a malloc'd copy of the HTML fragment html (valid UTF-8) without what is dangerous in
 * a reader: script, style, iframe, object, embed, form and similar elements, on* and style
 * attributes, and javascript:, vbscript: or data: URLs (data:image/ is kept in src).
 */
char *sanitize_html(const char *html);
/* The fragment's text content with tags dropped (malloc'd), or NULL for NULL. */
char *sanitize_html_text(const char *html);

#endif
