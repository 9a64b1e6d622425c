"""What the feed plugin keeps of what a feed says, one small feed per cause in tests/data/feeds:
base64 content, RSS 2.0 in the UserLand namespace and without a channel, RSS 0.90, dcterms
dates, dc:title and dc:description in RSS 2.0, UTF-32 and UCS-2 input, categories holding
markup, script text kept out of titles, authors with e-mail and several authors."""
import json
import os
import xml.etree.ElementTree as ET

from testlib import DATA, convert, done, eq, ok, valid_feed

A = "{http://www.w3.org/2005/Atom}"
FEEDS = os.path.join(DATA, "feeds")


def conv(name):
    """Converts tests/data/feeds/NAME; returns (checkfeed's dict, the Atom tree) or (None, None)."""
    with open(os.path.join(FEEDS, name), "rb") as f:
        p = convert(["-p", "feed", "-"], stdin=f.read())
    if not ok(p.returncode == 0, name + ": converts (%s)" % p.stderr.decode().strip()):
        return None, None
    feed = valid_feed(p.stdout, name)
    return feed, ET.fromstring(p.stdout) if feed else None


def entries(tree):
    return tree.findall(A + "entry") if tree is not None else []


def content(entry):
    return entry.findtext(A + "content") or ""


# base64: Atom 0.3 mode="base64", Atom 1.0 content of a non-text type
f, t = conv("atom03-base64.xml")
if f:
    e = f["entries"]
    ok("<p>Decoded <b>markup</b> from Atom 0.3</p>" in (e[0]["content"] or ""),
       "Atom 0.3 base64 text/html content decoded (%r)" % e[0]["content"])
    eq(e[0]["title"], "Decoded markup from Atom 0.3", "Atom 0.3: title derived from the decoded text")
    eq(e[1]["title"], "A base64 title", "Atom 0.3: base64 title decoded")
    ok("Plain 1 &lt; 2 &amp; so on" in (e[1]["content"] or ""),
       "Atom 0.3: base64 text/plain summary decoded, escaped (%r)" % e[1]["content"])
f, t = conv("atom10-base64.xml")
if f:
    e = f["entries"]
    ok("Text sent as octets" in (e[0]["content"] or ""),
       "Atom 1.0 application/octet-stream content decoded (%r)" % e[0]["content"])
    eq(e[0]["title"], "Text sent as octets", "Atom 1.0: title derived from the decoded text")
    ok("iVBOR" not in (e[1]["content"] or "") and "iVBOR" not in e[1]["title"],
       "Atom 1.0 image/png: the base64 is neither content nor title (%r, %r)"
       % (e[1]["content"], e[1]["title"]))
    eq(e[1]["title"], "(untitled)", "Atom 1.0 image/png: binary does not make a title")
    ok("Plain text content, not base64" in (e[2]["content"] or ""), "Atom 1.0 text/plain kept as is")

# RSS 2.0 in the UserLand namespace; <rss> without a channel; <rss> of another namespace
f, t = conv("rss2-userland.xml")
if f:
    e = f["entries"]
    eq(f["title"], "UserLand namespace", "UserLand RSS: channel title")
    eq([x["title"] for x in e], ["First", "Second"], "UserLand RSS: items")
    eq(e[0]["link"], "https://userland.example/1", "UserLand RSS: link")
    eq(e[1]["link"], "https://userland.example/2", "UserLand RSS: permalink guid")
    eq(e[0]["published"], "2026-12-01T08:00:00Z", "UserLand RSS: pubDate")
    eq(e[0]["author"], "ed@userland.example", "UserLand RSS: author")
    eq([x["href"] for x in e[0]["enclosures"]], ["https://userland.example/1.mp3"],
       "UserLand RSS: enclosure")
    eq([c.get("term") for c in entries(t)[0].findall(A + "category")], ["scripting"],
       "UserLand RSS: category")
f, t = conv("rss-no-channel.xml")
if f:
    eq(f["entries"], [], "<rss> without <channel>: an empty feed")
with open(os.path.join(FEEDS, "rss-other-namespace.xml"), "rb") as fh:
    p = convert(["-p", "feed", "-"], stdin=fh.read())
err = p.stderr.decode()
ok(p.returncode == 1 and "https://not-rss.example/ns" in err and "not RSS" not in err,
   "<rss> in an unknown namespace: the error names the namespace (%r)" % err)

# RSS 0.90
f, t = conv("rss090.rdf")
if f:
    eq(f["title"], "RSS 0.90", "RSS 0.90: channel title")
    eq([(x["title"], x["link"]) for x in f["entries"]],
       [("Oldest item", "https://rss090.example/1"), ("Older item", "https://rss090.example/2")],
       "RSS 0.90: items")

# dcterms dates
f, t = conv("dcterms-dates.xml")
if f:
    e = f["entries"]
    eq(e[0]["updated"], "2026-11-02T10:00:00Z", "dcterms:modified is updated")
    eq(e[1]["published"], "2026-11-03T09:00:00Z", "dcterms:issued is published")
    eq(e[2]["published"], "2026-11-04T00:00:00Z", "dcterms:created is published without another")
    eq((e[3]["published"], e[3]["updated"]), ("2026-10-02T00:00:00Z", "2026-10-03T00:00:00Z"),
       "dcterms: issued before created, modified as updated")

# dc:title and dc:description in RSS 2.0
f, t = conv("rss2-dc-title.xml")
if f:
    e = f["entries"]
    eq(e[0]["title"], "Title from dc:title", "RSS 2.0: dc:title")
    ok("Summary from dc:description" in (e[0]["content"] or ""), "RSS 2.0: dc:description")
    eq(e[1]["title"], "RSS title wins", "RSS 2.0: title before dc:title")
    ok("RSS description wins" in (e[1]["content"] or "") and "not this" not in (e[1]["content"] or ""),
       "RSS 2.0: description before dc:description")

# UTF-32 (with and without a byte order mark) and UCS-2
for name in ("utf32le.xml", "utf32be-bom.xml", "utf32le-bom.xml", "ucs2-bom.xml"):
    f, t = conv(name)
    if f:
        eq(f["title"], "Café UTF-32", name + ": channel title decoded")
        ok(f["entries"][0]["title"].startswith("été"), name + ": item title decoded")

# a category holding markup: its text
f, t = conv("category-markup.xml")
if f:
    eq([c.get("term") for c in entries(t)[0].findall(A + "category")],
       ["Jazz and blues", "Folk", "Less < more"], "categories: the text of their markup")

# script and style text never reaches a title
f, t = conv("title-script.xml")
if f:
    e = f["entries"]
    eq(f["title"], "Feed title", "feed title: no script text")
    eq(e[0]["title"], "Safe title", "html title: no script or style text")
    eq(e[1]["title"], "Derived title text", "derived title: no script or style text")

def people(entry):
    """Each atom:author of an entry as (name, email)."""
    return [(a.findtext(A + "name"), a.findtext(A + "email")) for a in entry.findall(A + "author")]


# authors: RSS e-mail split into name and e-mail, several authors kept in order
f, t = conv("rss2-authors.xml")
if f:
    p = [people(x) for x in entries(t)]
    eq(p[0], [("Example editor", "me@au.example")], "RSS author: address (Name)")
    eq(p[1], [("Example Editor", "ed@au.example")], "RSS author: Name <address>")
    eq(p[2], [("Ana Ruiz", "ana@au.example")], "RSS author: Name (address)")
    eq(p[3], [("solo@au.example", "solo@au.example")], "RSS author: an address alone")
    eq(p[4], [("First Writer", None), ("Second Writer", None), ("Third Writer", None)],
       "several dc:creator: all, the first first")
    eq(p[5], [("News Desk", "desk@au.example")], "an item without author: the feed's, split")
    eq(p[6], [("Just A Name", None)], "RSS author: a name alone")
    eq(f["author"], "desk@au.example (News Desk)", "the feed's own author as it was")
f, t = conv("atom-authors.xml")
if f:
    p = [people(x) for x in entries(t)]
    eq(p[0], [("First Author", "first@aa.example"), ("Second Author", None)],
       "two atom:author: both, the first first, with e-mail")
    eq(p[1], [("mail@aa.example", "mail@aa.example")], "atom:author with only an e-mail")
# the other formats carry every author too (names: RSS's dc:creator and JSON Feed have no e-mail)
with open(os.path.join(FEEDS, "rss2-authors.xml"), "rb") as fh:
    src = fh.read()
p = convert(["-p", "feed", "-f", "rss", "-"], stdin=src)
items = ET.fromstring(p.stdout).findall("channel/item") if p.returncode == 0 else []
eq([c.text for c in items[4].findall("{http://purl.org/dc/elements/1.1/}creator")] if items else None,
   ["First Writer", "Second Writer", "Third Writer"], "RSS out: one dc:creator per author")
p = convert(["-p", "feed", "-f", "json", "-"], stdin=src)
items = json.loads(p.stdout)["items"] if p.returncode == 0 else []
eq([x.get("authors") for x in items[:2] + items[4:5]],
   [[{"name": "Example editor"}], [{"name": "Example Editor"}],
    [{"name": "First Writer"}, {"name": "Second Writer"}, {"name": "Third Writer"}]],
   "JSON Feed out: every author by name")
done()
