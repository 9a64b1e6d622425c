"""textdump on HTML pages (plugins/textdump/dom.c): the article is one entry, first, with its
paragraphs in order, headline, link, date and author; teasers after it with their links;
boilerplate out; bad input is valid Atom or a one-line error."""
import os
import re
import tempfile

from testlib import convert, done, eq, ok, valid_feed

TMP = tempfile.mkdtemp(prefix="feedd-html-")

BODY = " ".join(["The council voted on Tuesday to rebuild the old bridge, which has been closed "
                 "since the flood, at a cost of four million euros."] * 2)
ARTICLE = """<!DOCTYPE html>
<html><head><title>Bridge to be rebuilt | Town Gazette</title>
<link rel="canonical" href="https://example.org/news/bridge">
<meta property="og:title" content="Bridge to be rebuilt, council says">
<meta name="author" content="Ana Ruiz">
<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2026-11-30T08:15:00Z"}</script>
<style>p { color: red }</style><script>var x = "script text";</script></head>
<body>
<header><a href="/">Town Gazette</a><nav><ul><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<div class="cookie-banner">We use cookies to improve your experience on this site.</div>
<main><article>
<h1>Bridge to be rebuilt</h1>
<p>%(body)s</p>
<p>Work starts in March,<br>the mayor said, and should take two years. %(body)s</p>
<div class="share-buttons"><a href="https://x.example/share">Share on X</a></div>
<ul><li>First, the old deck is taken down, piece by piece, in the spring.</li>
<li>Then the new piers go in, which is the longest part of the work.</li></ul>
<p hidden>Hidden text that must not show.</p>
<p style="display: none">Invisible text that must not show either.</p>
<template><p>Template text.</p></template><noscript>Enable JavaScript.</noscript>
<p>%(body)s</p>
</article></main>
<aside class="related"><h2>Related stories</h2>
<a href="https://example.org/news/floods-return-to-the-valley">Floods return to the valley after a wet autumn</a>
<a href="https://example.org/news/mayor-wins-second-term">The mayor wins a second term with a clear lead</a>
</aside>
<section class="comments"><p>Great news, about time, I have waited for years, really.</p></section>
<footer><p>Copyright 2026 Town Gazette. All rights reserved, every one of them.</p></footer>
</body></html>
""" % {"body": BODY}


def write(name, data):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def plain(s):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", s or "")).strip()


# the article
p = convert(["-p", "textdump", write("article.html", ARTICLE)])
ok(p.returncode == 0, "article: converts")
feed = valid_feed(p.stdout, "article")
if feed:
    es = feed["entries"]
    ok(len(es) >= 1, "article: has entries")
    a = es[0]
    text = plain(a["content"])
    eq(a["title"], "Bridge to be rebuilt", "article: the h1 is the headline")
    ok(a["link"].endswith("/news/bridge"), "article: link is rel=canonical (%s)" % a["link"])
    ok(a["published"] is not None and a["published"].startswith("2026-11-30T08:15:00"),
       "article: JSON-LD datePublished (%s)" % a["published"])
    eq(a["author"], "Ana Ruiz", "article: meta author")
    ok(text.startswith("The council voted"), "article: starts with its first paragraph")
    ok("Work starts in March, the mayor said" in text, "article: <br> inside a paragraph")
    ok(a["content"].count("<br") == 1, "article: the <br> is kept as a line break")
    ok("the old deck" in text and "new piers" in text, "article: its list items")
    ok(text.count("four million euros") == 6, "article: all its paragraphs")
    for bad in ("News Sport", "cookies", "Share on X", "Hidden text", "Invisible text",
                "Template text", "Enable JavaScript", "script text", "color: red",
                "Great news", "Copyright", "Related stories", "Floods return"):
        ok(bad not in text, "article: no %r" % bad)
    teasers = es[1:]
    links = [t["link"] for t in teasers]
    ok(any(l.endswith("/news/floods-return-to-the-valley") for l in links),
       "teasers: the related story, with its link (%s)" % links)
    ok(any(l.endswith("/news/mayor-wins-second-term") for l in links),
       "teasers: the second one")
    ok(all("Share" not in (t["title"] or "") for t in teasers), "teasers: no share link")
    ok(all(t["summary"].endswith("…") for t in teasers), "teasers: summaries end in …")

# a blog post as WordPress writes one: the article's classes list its topics (one of them
# names a newsletter), the lead sits beside the headline in the post's header while the text
# is in a sibling, and a heading introduces a list of links that is taken out
POST = """<!doctype html><html><head><title>River ferry returns - Town Blog</title></head>
<body class="single single-post no-sidebar has-cookie-banner"><div class="site">
<article class="category-newsletter-tips tag-ferries status-publish">
<div class="row"><div class="col"><h1>River ferry returns</h1>
<ul class="share-buttons">%(share)s</ul>
<div class="post-date">Tuesday, 1 December 2026, 09:12</div>
<p>After six years away the ferry is back on the river, and the town is glad of it.</p></div></div>
<div class="row"><div class="col"><div class="prose">
<p>%(body)s</p><p>%(body)s</p><p>Read also: what the ferry's captain says</p><p>%(body)s</p>
<h2>More on this</h2>
<ul><li><a href="https://example.org/news/floods-return">Floods return to the valley</a></li>
<li><a href="https://example.org/news/mayor-wins">The mayor wins a second term</a></li></ul>
<h2>What happens next</h2><p>%(body)s</p></div></div></div>
</article>
<div class="about"><p>%(about)s</p></div></div>
<footer><p>%(legal)s</p></footer></body></html>
""" % {"body": BODY, "share": "".join("<li><a href='/share/%d'>Share %d</a></li>" % (i, i)
                                     for i in range(14)),
       "about": "This blog is written by people of the town, for the "
       "people of the town, about what happens on the river, in the harbour and in the old "
       "streets, and it has been since the year the bridge was closed, which is a long time. "
       "Write to us if you have a story, a photograph or a complaint, and we will read it.",
       "legal": "Terms of use: what you read here is ours, and you may quote it. " * 30}
p = convert(["-p", "textdump", write("post.html", POST)])
ok(p.returncode == 0, "post: converts")
feed = valid_feed(p.stdout, "post")
if feed and feed["entries"]:
    a = feed["entries"][0]
    text = plain(a["content"])
    eq(a["title"], "River ferry returns", "post: the h1 is the headline")
    eq(a["published"], "2026-12-01T09:12:00Z", "post: the dateline under the headline is "
       "the date, with no date in the head")
    ok(text.count("four million euros") == 8, "post: all its paragraphs, though its class "
       "names a newsletter")
    ok(text.startswith("After six years away"), "post: the lead beside the headline first")
    ok("What happens next" in text, "post: a heading over text stays")
    ok("More on this" not in text, "post: a heading over nothing left goes")
    ok("Read also" not in text, "post: a pointer to another story goes")
else:
    ok(False, "post: has an article")

# labels and cookie text inside the article's container go (textdump's rule 11); a line that
# only holds a label's letters inside a word ("suche" in "Besucher") stays
LABELS = """<!doctype html><html><head><title>Old mill reopens</title></head><body>
<article><h1>Old mill reopens</h1><p>%(body)s</p><p>Anzeige</p><p>%(body)s</p>
<p>This site uses cookies to count its readers, as the law allows it to do.</p>
<p>Liebe Besucher und Leser</p><div>Getty Images / Ana Ruiz Garcia</div><p>%(body)s</p>
<div>The mill, which was built in 1850, has a wheel, a loft, a shop and, since May, <a
href="/cafe">a small cafe by the water for the walkers</a>, the owners said.</div>
<p class="editorial-disclaimer-text">The disclaimer below does not apply to this article, which
our editors wrote.</p><div class="author-bio"><p>Ana Ruiz writes about the harbour and its boats
for the paper, every week, and has done so for years.</p></div>
<div class="entry-utility">This entry was posted in News, Harbour, Boats and Mills.</div>
<p>Foto: Ana Ruiz / Stadtarchiv</p><p>%(body)s</p><p>(Quelle: Stadtarchiv Hameln)</p>
<p>Bilder: the mill's wheel, its loft and its shop, as the owners showed them to us.</p>
<p>Visitors can download the mill's timetable at the gate, and the cafe opens at nine.</p>
<p>%(body)s</p>
<p>Get the latest news straight to your phone with the Town Gazette app.</p>
<p>Did you like this article? Support our newsroom with a donation.</p>
<p>Updated: 02.12.2026, 10:40</p>
</article></body></html>
""" % {"body": BODY}
p = convert(["-p", "textdump", write("labels.html", LABELS)])
feed = valid_feed(p.stdout, "labels")
if feed and feed["entries"]:
    text = plain(feed["entries"][0]["content"])
    ok(text.count("four million euros") == 10, "labels: the article's paragraphs stay")
    ok("straight to your phone" not in text, "labels: the app's prompt at the end goes")
    ok("Did you like" not in text, "labels: an appeal at the end goes")
    ok("download the mill's timetable" in text, "labels: the same words inside the text stay")
    ok("Foto: Ana Ruiz" not in text, "labels: a credit written as a paragraph goes")
    ok("Quelle: Stadtarchiv" not in text, "labels: a credit in brackets goes")
    ok("Bilder: the mill's wheel" in text, "labels: a sentence of more than 10 words after "
       "a credit's label stays")
    ok("Anzeige" not in text, "labels: an ad label inside the article goes")
    ok("cookies" not in text, "labels: cookie text inside the article goes")
    ok("Liebe Besucher" in text, "labels: a line with no label word stays")
    ok("disclaimer" not in text, "labels: a disclaimer by its class goes")
    ok("writes about the harbour" not in text, "labels: the author's bio by its class goes")
    ok("This entry was posted" not in text, "labels: the post's meta line by its class goes")
    ok("Updated" not in text, "labels: a dateline at the end goes")
    ok("Getty" not in text, "labels: a box of under 40 characters goes")
    ok("which was built in 1850" in text, "labels: a box of prose with a link and five "
       "commas or more stays")
else:
    ok(False, "labels: has an article")

# short lines in a box after the article's last long paragraph go; a short line inside the
# text's own container (a signature) stays
TAIL = """<!doctype html><html><head><title>Old mill reopens</title></head><body><article>
<h1>Old mill reopens</h1><div class="prose"><p>%(body)s</p><p>%(body)s</p><p>%(body)s</p>
<p>Yours, Hans Ehrlich</p></div>
<div class="box"><p>Ana Ruiz</p><p>Editor of the harbour desk</p>
<p>Writes about boats and mills</p></div></article></body></html>
""" % {"body": BODY}
p = convert(["-p", "textdump", write("tail.html", TAIL)])
feed = valid_feed(p.stdout, "tail")
text = plain(feed["entries"][0]["content"]) if feed and feed["entries"] else ""
ok(text.count("four million euros") == 6, "tail: the text stays")
ok("Yours, Hans Ehrlich" in text, "tail: a short line in the text's container stays")
ok("harbour desk" not in text and "boats and mills" not in text,
   "tail: short lines in a box after the text go (got %r)" % text[-80:])

# the headline inside a boilerplate name ("masthead"): it does not join, but the lead between
# it and the text does
MAST = """<!doctype html><html><head><title>Old mill reopens</title></head><body>
<div class="hero"><div class="masthead"><h1>Old mill reopens</h1></div>
<div class="deck"><p>The old mill by the river opens its doors again on Saturday, after
two years of work.</p></div></div>
<div class="row"><div class="prose"><p>%(body)s</p><p>%(body)s</p><p>%(body)s</p></div></div>
</body></html>
""" % {"body": BODY}
p = convert(["-p", "textdump", write("masthead.html", MAST)])
feed = valid_feed(p.stdout, "masthead")
if feed and feed["entries"]:
    text = plain(feed["entries"][0]["content"])
    ok(text.startswith("The old mill by the river"), "masthead: the lead under the headline "
       "comes first (got %r)" % text[:40])
    ok(text.count("four million euros") == 6, "masthead: then the text")
else:
    ok(False, "masthead: has an article")

# the headline 16 paragraphs before the text (a box of facts between): the lead under it joins
FACTS = """<!doctype html><html><head><title>Old mill reopens</title></head><body>
<div class="hero"><h1>Old mill reopens</h1>
<div class="deck"><p>The old mill by the river opens its doors again on Saturday, after
two years of work.</p></div>
<div class="facts">%(facts)s</div></div>
<div class="row"><div class="prose"><p>%(body)s</p><p>%(body)s</p><p>%(body)s</p></div></div>
</body></html>
""" % {"body": BODY, "facts": "".join("<p>Fact %d of the mill</p>" % k for k in range(15))}
p = convert(["-p", "textdump", write("facts.html", FACTS)])
feed = valid_feed(p.stdout, "facts")
if feed and feed["entries"]:
    text = plain(feed["entries"][0]["content"])
    ok(text.startswith("The old mill by the river"), "facts: the lead under a headline 16 "
       "paragraphs up comes first (got %r)" % text[:40])
else:
    ok(False, "facts: has an article")

# the headline 40 paragraphs before the text: found as the page's title (og:title or <title>),
# it still marks where the lead starts; an h1 that is not the title that far up does not
for name, h1, n, lead in (("far", "Old mill reopens", 40, True),
                          ("not the title", "Town news", 20, False)):
    page = FACTS.replace("<h1>Old mill reopens</h1>", "<h1>%s</h1>" % h1).replace(
        "".join("<p>Fact %d of the mill</p>" % k for k in range(15)),
        "".join("<p>Fact %d of the mill</p>" % k for k in range(n)))
    p = convert(["-p", "textdump", write("facts-%d.html" % n, page)])
    feed = valid_feed(p.stdout, "facts " + name)
    text = plain(feed["entries"][0]["content"]) if feed and feed["entries"] else ""
    eq(text.startswith("The old mill by the river"), lead, "facts %s: an h1 %d paragraphs up "
       "%s the lead (got %r)" % (name, n + 1, "joins with" if lead else "is not", text[:40]))

# a name that takes the whole article away (an opinion piece's "commentary" names comments):
# the article without the names, three times longer than what they leave, wins
OPINION = """<!doctype html><html><head><title>Why the bridge matters</title></head><body>
<div class="main"><div class="story commentary"><h1>Why the bridge matters</h1>
<p>%(body)s</p><p>%(body)s</p><p>%(body)s</p><p>%(body)s</p></div>
<div class="about"><p>%(about)s</p></div></div>
<footer><p>%(legal)s</p></footer></body></html>
""" % {"body": BODY, "about": "This blog is written by people of the town, for the people "
       "of the town, about what happens on the river, in the harbour and in the old streets, "
       "and it has been since the year the bridge was closed, which is a long time now. "
       "Write to us with a story or a photograph, and we will read it.",
       "legal": "Terms of use: what you read here is ours, and you may quote it. " * 12}
p = convert(["-p", "textdump", write("opinion.html", OPINION)])
feed = valid_feed(p.stdout, "opinion") if p.returncode == 0 else None
ok(feed is not None and feed["entries"] and
   plain(feed["entries"][0]["content"]).count("four million euros") == 8,
   "opinion: the article whose class names comments, not the blurb beside it")

# H14: one teaser per URL, in page order, none for the article's own URL, over many links
# (each story linked three times, relative and absolute; the article's canonical URL too)
MANY = ("<!doctype html><html><head><link rel='canonical' href='https://example.org/a'>"
        "<base href='https://example.org/x/'></head><body><article><h1>Bridge</h1><p>%s</p>"
        "</article><ul>" % BODY +
        "".join("<li><a href='%s'>Story number %d of the day</a></li>" % (
            ("/s%d" if k % 2 else "https://example.org/s%d") % (k % 1500), k)
            for k in range(4500)) +
        "<li><a href='/a'>The same article once more, here</a></li></ul></body></html>")
p = convert(["-p", "textdump", write("many.html", MANY)])
feed = valid_feed(p.stdout, "many links") if p.returncode == 0 else None
if feed:
    links = [e["link"] for e in feed["entries"][1:]]
    eq(links, ["https://example.org/s%d" % k for k in range(1500)],
       "many links: one teaser per URL, in page order")
    eq([e["title"] for e in feed["entries"][1:3]], ["Story number 0 of the day",
                                                    "Story number 1 of the day"],
       "many links: a URL's first link gives its teaser")
else:
    ok(False, "many links: converts")

# only navigation: an empty feed, no error
NAV = ("<!doctype html><html><body><nav><ul>" +
       "".join("<li><a href='/s%d'>Section number %d of the site</a></li>" % (i, i)
               for i in range(30)) + "</ul></nav><footer>About us</footer></body></html>")
p = convert(["-p", "textdump", write("nav.html", NAV)])
ok(p.returncode == 0, "navigation only: converts")
feed = valid_feed(p.stdout, "navigation only")
if feed:
    eq(len(feed["entries"]), 0, "navigation only: no entries")

# 300,000 nested divs: no stack blown, valid Atom or a one-line error
deep = "<html><body>" + "<div>" * 300000 + ("<p>%s</p>" % BODY) + "</div>" * 300000 + \
    "</body></html>"
p = convert(["-p", "textdump", write("deep.html", deep)])
ok(p.returncode in (0, 1), "300,000 nested divs: exits cleanly (%d)" % p.returncode)
if p.returncode == 0:
    valid_feed(p.stdout, "300,000 nested divs")
else:
    ok(len(p.stderr.decode().strip().splitlines()) == 1, "300,000 nested divs: one-line error")

# not HTML, though it opens like HTML
for name, data in (("binary", b"<html>" + bytes(range(256)) * 64),
                   ("text", "<html>\n" + "just some words, no markup at all\n" * 50),
                   ("empty", "<!doctype html>"),
                   ("tags only", "<html><body><div><span></span></div></body></html>")):
    p = convert(["-p", "textdump", write(name.replace(" ", "-") + ".html", data)])
    if p.returncode == 0:
        valid_feed(p.stdout, "not HTML (%s)" % name)
    else:
        ok(len(p.stderr.decode().strip().splitlines()) == 1,
           "not HTML (%s): a one-line error" % name)

# a dump that merely mentions <html> later is still a text dump
p = convert(["-p", "textdump", write("dump.txt", "A line of text about <html> tags.\n")])
ok(p.returncode == 0 and b"&lt;html&gt;" in p.stdout, "a text dump stays a text dump")
done()
