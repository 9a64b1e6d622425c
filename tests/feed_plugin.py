"""Fixtures for the feed and html plugins: formats, dates and zones, missing titles, relative
links, enclosures, Latin-1, xhtml content, JSON Feed, hostile XML, XPath options."""
import re

from testlib import convert, done, eq, ok, valid_feed


def conv(data, plugin="feed", opts=(), what="", allow_fffd=False):
    args = ["-p", plugin]
    for o in opts:
        args += ["-s", o]
    p = convert(args, stdin=data if isinstance(data, bytes) else data.encode("utf-8"))
    if not ok(p.returncode == 0, what + ": converts (%s)" % p.stderr.decode().strip()):
        return None
    return valid_feed(p.stdout, what, allow_fffd=allow_fffd)


RSS = """<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Harbour News</title><link>https://example.org/news/</link>
<description>All about &lt;b&gt;the&lt;/b&gt; harbour</description>
<managingEditor>desk@example.org (News Desk)</managingEditor>
<item><title>EST item</title><link>a/1.html</link><guid>urn:x:1</guid>
  <pubDate>Tue, 01 Dec 2026 08:00:00 EST</pubDate><description>Short &lt;i&gt;one&lt;/i&gt;</description>
  <content:encoded><![CDATA[<p>Full <b>one</b><script>alert(1)</script></p>]]></content:encoded>
  <category>port</category><category>city</category>
  <enclosure url="/media/1.mp3" length="12345" type="audio/mpeg"/></item>
<item><link>https://example.org/2</link><pubDate>01 Dec 2026 10:30 +0530</pubDate>
  <description>No title here, the text of the second item is all there is to go by.</description>
  <dc:creator>Ana Ruiz</dc:creator></item>
<item><title>GMT</title><guid isPermaLink="true">https://example.org/3</guid>
  <pubDate>Wed, 02 Dec 2026 00:00:00 GMT</pubDate><description>three</description></item>
<item><title>PDT</title><guid>g4</guid><dc:date>2026-12-01T12:00:00-08:00</dc:date>
  <description>four</description></item>
</channel></rss>"""
f = conv(RSS, what="RSS 2.0")
if f:
    e = f["entries"]
    eq(len(e), 4, "RSS: 4 items")
    eq(f["title"], "Harbour News", "RSS: channel title")
    eq(f["author"], "desk@example.org (News Desk)", "RSS: managingEditor is the author")
    eq(e[0]["link"], "https://example.org/news/a/1.html", "RSS: relative link resolved")
    eq(e[0]["published"], "2026-12-01T13:00:00Z", "RSS: EST -> UTC")
    eq(e[1]["published"], "2026-12-01T05:00:00Z", "RSS: +0530 -> UTC, no seconds")
    eq(e[2]["published"], "2026-12-02T00:00:00Z", "RSS: GMT")
    eq(e[3]["published"], "2026-12-01T20:00:00Z", "RSS: dc:date with offset")
    ok("Full &lt;b&gt;one" in e[0]["content"] or "Full <b>one" in e[0]["content"],
       "RSS: content:encoded is the content")
    ok("script" not in e[0]["content"] and "alert" not in e[0]["content"], "RSS: script removed")
    eq(e[0]["summary"], "Short one", "RSS: description becomes the plain summary")
    ok(e[1]["title"].startswith("No title here, the text"), "RSS: missing title derived")
    eq(e[2]["link"], "https://example.org/3", "RSS: permalink guid is the link")
p = convert(["-p", "feed"], stdin=RSS.encode())
ok(b'rel="enclosure" type="audio/mpeg" href="https://example.org/media/1.mp3" length="12345"'
   in p.stdout, "RSS: enclosure with type, resolved href and length")
ok(b'<category term="port"/>' in p.stdout and b'<category term="city"/>' in p.stdout,
   "RSS: categories")
ids1 = re.findall(rb"<id>(.*?)</id>", p.stdout)
ids2 = re.findall(rb"<id>(.*?)</id>", convert(["-p", "feed"], stdin=RSS.encode()).stdout)
eq(ids1, ids2, "RSS: ids are stable")

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://example.org/"><title>RDF Site</title><link>https://example.org/</link>
<description>d</description></channel>
<item rdf:about="https://example.org/r1"><title>First</title><link>https://example.org/r1</link>
<dc:date>2026-11-30</dc:date><dc:creator>Li Wei</dc:creator><description>one</description></item>
<item rdf:about="https://example.org/r2"><title>Second</title><link>https://example.org/r2</link>
<description>two</description></item></rdf:RDF>"""
f = conv(RDF, what="RSS 1.0")
if f:
    eq([x["title"] for x in f["entries"]], ["First", "Second"], "RDF: items")
    eq(f["entries"][0]["published"], "2026-11-30T00:00:00Z", "RDF: date-only dc:date")
    eq(f["title"], "RDF Site", "RDF: channel title")

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.org/blog/">
<title type="html">Ana &amp;lt;3 harbours</title><id>urn:x:feed</id>
<updated>2026-12-01T00:00:00Z</updated><author><name>Ana</name></author>
<link href="./"/>
<entry><id>tag:example.org,2026:1</id><title>X</title><updated>2026-12-01T01:02:03.45+01:00</updated>
 <link rel="alternate" href="posts/1"/><link rel="enclosure" href="v.mp4" type="video/mp4"/>
 <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi <em>there</em></p></div></content>
 <category term="boats"/></entry>
<entry xml:base="https://other.example/"><id>tag:example.org,2026:2</id><title>Y</title>
 <updated>2026-12-01T00:00:00Z</updated><link href="p2"/><summary>plain &lt;tag&gt;</summary></entry>
</feed>"""
f = conv(ATOM, what="Atom")
if f:
    e = f["entries"]
    eq(e[0]["link"], "https://example.org/blog/posts/1", "Atom: xml:base resolves links")
    eq(e[1]["link"], "https://other.example/p2", "Atom: entry xml:base")
    ok("<p>Hi <em>there</em></p>" in (e[0]["content"] or ""), "Atom: xhtml content as HTML")
    eq(e[0]["updated"], "2026-12-01T00:02:03Z", "Atom: fractional seconds and offset")
    eq(f["title"], "Ana <3 harbours", "Atom: html title as text")
    ok("plain &lt;tag&gt;" in (e[1]["content"] or ""), "Atom: text summary escaped into HTML")

JSONF = """{"version": "https://jsonfeed.org/version/1.1", "title": "JF",
 "home_page_url": "https://example.org/", "authors": [{"name": "Kim"}],
 "items": [{"id": "1", "content_text": "Only text, no title, & an ampersand in it.",
            "date_published": "2026-12-01T08:00:00+02:00", "url": "/j/1",
            "tags": ["t1"], "attachments": [{"url": "a.mp3", "mime_type": "audio/mpeg",
            "size_in_bytes": 99}]},
           {"id": 2, "title": "Two", "content_html": "<p>two</p>"}]}"""
f = conv(JSONF, what="JSON Feed")
if f:
    e = f["entries"]
    eq(len(e), 2, "JSON Feed: 2 items")
    ok(e[0]["title"].startswith("Only text, no title"), "JSON Feed: title derived from text")
    eq(e[0]["published"], "2026-12-01T06:00:00Z", "JSON Feed: date to UTC")
    eq(e[0]["link"], "https://example.org/j/1", "JSON Feed: relative url resolved")
    eq(f["author"], "Kim", "JSON Feed: authors")

LATIN1 = ('<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Caf\xe9'
          '</title><item><title>Cr\xe8me br\xfbl\xe9e</title><guid>l1</guid><description>d'
          '</description></item></channel></rss>').encode("latin-1")
f = conv(LATIN1, what="Latin-1 RSS")
if f:
    eq((f["title"], f["entries"][0]["title"]), ("Café", "Crème brûlée"), "Latin-1 decoded")

# hostile XML: entities are never expanded, files never read
XXE = """<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">
<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>
<rss version="2.0"><channel><title>t&x;</title><item><title>i&x;</title><guid>1</guid>
<description>d&x;</description></item></channel></rss>"""
p = convert(["-p", "feed"], stdin=XXE.encode())
ok(b"root:" not in p.stdout and b"/bin/" not in p.stdout, "XXE: /etc/passwd never appears")
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
          "".join('<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1) if i else "&lol;") * 10)
                  for i in range(10)) +
          ']><rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
          '<guid>1</guid><description>x</description></item></channel></rss>')
p = convert(["-p", "feed"], stdin=LAUGHS.encode())
ok(p.returncode in (0, 1) and len(p.stdout) < 100000, "billion laughs: small output")
deep = b"<rss><channel>" + b"<x>" * 200000 + b"</x>" * 200000 + b"</channel></rss>"
p = convert(["-p", "feed"], stdin=deep)
ok(p.returncode in (0, 1), "200,000-deep XML: no crash (exit %d)" % p.returncode)
for bad, what in ((b"", "empty"), (b"not a feed at all", "text"), (b"<html><body>x</body></html>",
                                                                   "HTML"),
                  (b'{"items": 3}', "JSON that is not a feed"), (b"\x00\xff\xfe" * 100, "binary")):
    p = convert(["-p", "feed"], stdin=bad)
    ok(p.returncode == 1 and p.stdout == b"" and p.stderr.count(b"\n") == 1,
       "feed: %s gives a one-line error (%r)" % (what, p.stderr))

# html
PAGE = """<html><head><meta charset="windows-1252"><title>Site</title></head><body>
<article><h2><a href="one.html">Caf\x92s \x93open\x94</a></h2><time datetime="2026-12-01T09:00:00Z">x</time>
<p class="s">First \x85 story</p></article>
<article><h2><a href="/two.html">Two</a></h2><time datetime="2026-11-30T09:00:00Z">y</time>
<p class="s">Second <script>x()</script></p></article></body></html>""".encode("latin-1")
opts = ["item=//article", "title=.//h2", "link=.//h2/a/@href", "date=.//time/@datetime",
        "summary=.//p[@class='s']", "base_url=https://example.org/news/"]
f = conv(PAGE, "html", opts, what="html page")
if f:
    e = f["entries"]
    eq([x["title"] for x in e], ["Caf’s “open”", "Two"], "html: titles, Windows-1252 decoded")
    eq([x["link"] for x in e], ["https://example.org/news/one.html", "https://example.org/two.html"],
       "html: links resolved against base_url")
    eq(e[0]["published"], "2026-12-01T09:00:00Z", "html: ISO date")
    eq(e[0]["summary"], "First … story", "html: 0x85 is an ellipsis")
f = conv(PAGE, "html", ["item=//article", "title=.//h2", "date=.//time", "date_format=%d"],
         what="html date_format")
p = convert(["-p", "html", "-s", "item=//article[", "-"], stdin=PAGE)
err = p.stderr.decode()
ok(p.returncode == 1 and "item" in err and "XPath" in err and err.count("\n") == 1,
   "html: invalid XPath names the option: %r" % err)
p = convert(["-p", "html", "-"], stdin=PAGE)
ok(p.returncode == 1 and b"item" in p.stderr, "html: item is required")

# inputs the fuzzers found, kept: each converts (and under ASan, leaks nothing)
import glob  # noqa: E402
import os  # noqa: E402
from testlib import DATA  # noqa: E402
for path in sorted(glob.glob(os.path.join(DATA, "regress", "feed-*"))):
    with open(path, "rb") as fh:
        conv(fh.read(), what="regress/" + os.path.basename(path), allow_fffd=True)

# xml:base on the feed, the entry and a link, as a streaming parser must track them
f = conv("""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/x/">
<title>B</title><author><name>N</name></author><id>urn:b</id><updated>2026-12-01T00:00:00Z</updated>
<entry xml:base="y/"><id>urn:1</id><title>one</title><updated>2026-12-01T00:00:00Z</updated>
<link href="p1"/></entry>
<entry><id>urn:2</id><title>two</title><updated>2026-12-01T00:00:00Z</updated>
<link xml:base="/z/" href="p2"/></entry>
<entry><id>urn:3</id><title>three</title><updated>2026-12-01T00:00:00Z</updated>
<link href="p3"/></entry></feed>""", what="xml:base scopes")
if f:
    eq([x["link"] for x in f["entries"]],
       ["https://a.example/x/y/p1", "https://a.example/z/p2", "https://a.example/x/p3"],
       "xml:base: each scope ends with its element")

# '&' and references in attribute values (libxml2's SAX2 hands '&' over as "&#38;")
f = conv("""<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id>
<author><name>N</name></author><updated>2026-12-01T00:00:00Z</updated>
<entry><id>urn:1</id><title>one</title><updated>2026-12-01T00:00:00Z</updated>
<link href="https://e.example/?a=1&amp;b=2&#38;c=&lt;3&#x3E;"/>
<link rel="enclosure" type="audio/mpeg" href="https://e.example/m.mp3?x=1&amp;y=2"/>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><a href="/p?q=1&amp;r=2">x</a></div></content>
</entry></feed>""", what="attribute references")
if f:
    e = f["entries"][0]
    eq(e["link"], "https://e.example/?a=1&b=2&c=<3>", "attributes: &amp; &#38; &lt; &#x3E; decoded")
    eq([x["href"] for x in e["enclosures"]], ["https://e.example/m.mp3?x=1&y=2"],
       "attributes: enclosure URL decoded")
    ok('href="/p?q=1&amp;r=2"' in (e["content"] or ""), "attributes: xhtml attribute escaped once "
       "(%r)" % e["content"])

# a document larger than the pieces the parser is handed (256 KiB): items, multi-byte text and
# an entity cut at every kind of boundary come out whole, and the channel title stays
items = "".join("<item><title>Ærø %d – “ø”</title><guid>urn:big:%d</guid><description>%s &amp; "
                "%s</description></item>\n" % (i, i, "Ωmega ≠ alpha " * (i % 7 + 1), "é" * (i % 5))
                for i in range(6000))
big = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Big ✓</title>' \
      "<link>https://example.org/</link><description>d</description>%s</channel></rss>" % items
f = conv(big, what="1 MB RSS")
if f:
    ok(len(big.encode()) > 1 << 20, "big RSS: over 1 MiB (%d bytes)" % len(big.encode()))
    eq(f["title"], "Big ✓", "big RSS: channel title")
    eq(len(f["entries"]), 6000, "big RSS: every item")
    eq([e["title"] for e in f["entries"][::997]], ["Ærø %d – “ø”" % i for i in range(0, 6000, 997)],
       "big RSS: titles whole across pieces")
    eq([e["content"] for e in f["entries"][::997]],
       [("%s &amp; %s" % ("Ωmega ≠ alpha " * (i % 7 + 1), "é" * (i % 5))).strip()
        for i in range(0, 6000, 997)],
       "big RSS: texts whole across pieces")

# lines, the example plugin
f = conv("alpha\r\n\nbeta\n", "lines", ["prefix=> "], what="lines")
eq([x["title"] for x in f["entries"]] if f else None, ["> alpha", "> beta"], "lines: one per line")
done()
