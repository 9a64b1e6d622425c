/* HTML hygiene for entry content, with libxml2's HTML parser. */
#ifndef FEEDD_SANITIZE_H
#define FEEDD_SANITIZE_H

/*
 * Returns a malloc'd copy of the HTML fragment html (valid UTF-8) without what is dangerous in
 * a reader: script, style, iframe, form and similar elements, on* and style attributes, and
 * javascript:, vbscript: or data: URLs (data:image/ is kept in src).  object, embed and applet
 * go but keep their fallback content; SVG and MathML stay without what runs code or fetches.
 */
char *sanitize_html(const char *html);
/*
 * Non-zero if html holds nothing the sanitizer would change the meaning of: text, character
 * and entity references, and a few tags without attributes (p, br, figure, figcaption, em,
 * strong, b, i, blockquote, ul, ol, li, pre, code, h1 to h6).  A linear scan, for content a
 * FEEDD_PLUGIN_SAFE_HTML plugin says it escaped.
 */
int sanitize_is_plain(const char *html);
/* The fragment's text content with tags dropped (malloc'd), or NULL for NULL. */
char *sanitize_html_text(const char *html);

#endif
