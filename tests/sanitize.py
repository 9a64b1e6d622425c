"""The HTML sanitizer (daemon/sanitize.c) on content from the feeds in tests/data/feeds: a void
<embed> swallows nothing after it, the fallback inside <object> and <applet> is kept, MathML and
SVG are kept without scripts, event attributes, external references or embedded HTML."""
import os

from testlib import DATA, convert, done, eq, ok, valid_feed

FEEDS = os.path.join(DATA, "feeds")


def entries(name):
    with open(os.path.join(FEEDS, name), "rb") as f:
        p = convert(["-p", "feed", "-"], stdin=f.read())
    if not ok(p.returncode == 0, name + ": converts (%s)" % p.stderr.decode().strip()):
        return None
    feed = valid_feed(p.stdout, name)
    return feed["entries"] if feed else None


e = entries("sanitize-embed-object.xml")
if e:
    c = [x["content"] or "" for x in e]
    ok("<p>Before the movie  and after it.</p>" in c[0] and "<p>The next paragraph.</p>" in c[0],
       "embed: the text after a void <embed> is kept, in its paragraph (%r)" % c[0])
    ok("Fallback text for readers without the plugin." in c[1] and "After the object." in c[1],
       "object: the fallback text is kept (%r)" % c[1])
    ok(not any(t in x for x in c for t in ("<embed", "<object", "<param", "<applet", "movie.swf")),
       "embed, object, param and applet themselves are gone")
    eq(e[2]["title"], "Applet fallback is the title", "applet fallback and text after embed "
       "make the derived title")

e = entries("sanitize-foreign.xml")
if e:
    c = [x["content"] or "" for x in e]
    ok("<math" in c[0] and "<msup><mi>e</mi>" in c[0] and "<mn>0</mn>" in c[0],
       "MathML in xhtml content is kept (%r)" % c[0])
    eq(e[1]["title"], "A red dot", "xhtml title holding SVG keeps its text")
    ok("<svg" in c[1] and "<circle" in c[1] and 'fill="url(#g)"' in c[1] and
       "safe svg text" in c[1], "inline SVG is kept, with references into itself (%r)" % c[1])
    low = c[2].lower()
    for bad in ("script", "alert", "onload", "onclick", "foreignobject", "html again",
                "evil.example", "javascript:", "<animate", "<set", "<use", "<image", "maction",
                "annotation-xml", "style="):
        ok(bad not in low, "hostile SVG/MathML: no %r" % bad)
    ok("kept link text" in c[2] and "safe math" in c[2] and "<mi>x</mi>" in c[2] and "<svg" in c[2] and "<math" in c[2],
       "hostile SVG/MathML: the harmless rest stays (%r)" % c[2])
done()
