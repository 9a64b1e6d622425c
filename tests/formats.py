"""Every format from one store: `convert -f`, RSS 2.0 and JSON Feed 1.1 checked against their
specs, feedparser, sfeed and newsboat reading them with Atom's titles and ids, and the daemon
serving each with ETag, Last-Modified, Cache-Control, gzip, 304 and HEAD, exporting each, and
linking each from the index."""
import calendar
import gzip
import json
import os
import shutil
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET

import checkrss
from daemonlib import Daemon
from testlib import DATA, SAMPLE, convert, done, eq, ok, valid_feed

RICH = os.path.join(DATA, "formats", "rich.atom")
PY = "/usr/bin/python3"
FEEDPARSER = os.path.exists(PY) and subprocess.run(
    [PY, "-c", "import feedparser"], capture_output=True).returncode == 0


def checked(fn, data, what):
    try:
        doc = fn(data)
    except checkrss.FormatError as e:
        ok(False, "%s: %s" % (what, e))
        return None
    ok(True, what)
    return doc


def parsed(data):
    """feedparser's view: (bozo, [(id, title, link, published)]) of a document."""
    code = ("import feedparser,json,sys,calendar; d=feedparser.parse(sys.stdin.buffer.read()); "
            "print(json.dumps([bool(d.bozo), [[e.get('id'), e.get('title'), e.get('link'), "
            "calendar.timegm(e.published_parsed) if e.get('published_parsed') else None, "
            "e.get('author')] for e in d.entries]]))")
    r = subprocess.run([PY, "-c", code], input=data, capture_output=True)
    return json.loads(r.stdout) if r.returncode == 0 else (True, [])


# ---- convert -f ----
p = convert(["-p", "textdump", "-f", "nope", SAMPLE])
ok(p.returncode != 0 and p.stdout == b"" and p.stderr.count(b"\n") == 1
   and b"unknown format 'nope'" in p.stderr, "an unknown format: one line, no output")
docs = {}
for src, plugin in ((SAMPLE, "textdump"), (RICH, "feed")):
    name = os.path.basename(src)
    out = {}
    for fmt in ("atom", "rss", "json", "html"):
        p = convert(["-p", plugin, "-f", fmt, src])
        eq((p.returncode, p.stderr), (0, b""), "%s -f %s exits 0" % (name, fmt))
        out[fmt] = p.stdout
    eq(convert(["-p", plugin, src]).stdout, out["atom"], "%s: atom is the default" % name)
    valid_feed(out["atom"], name + " Atom")
    checked(checkrss.check_rss, out["rss"], name + ": RSS passes the RSS 2.0 rules")
    checked(checkrss.check_json, out["json"], name + ": JSON passes the JSON Feed 1.1 rules")
    docs[name] = out

rich = docs["rich.atom"]
j = json.loads(rich["json"])
eq(j["title"], "Rich & <varied> feed", "JSON title")
eq(j.get("home_page_url"), "https://example.org/", "JSON home_page_url")
it = j["items"][0]
eq(it.get("tags"), ["Local", "Politics & Power"], "JSON tags")
eq(it.get("authors"), [{"name": "Ana Ruiz"}], "JSON authors")
eq(it.get("attachments"), [{"url": "https://example.org/harbour.mp3", "mime_type": "audio/mpeg",
                            "size_in_bytes": 12345}], "JSON attachments")
eq((it.get("date_published"), it.get("date_modified")),
   ("2026-11-29T08:00:00Z", "2026-11-30T09:30:00Z"), "JSON dates in RFC 3339")
ok("<script" not in it.get("content_html", "x<script") and "Residents" in it["content_html"],
   "JSON content_html is the sanitized HTML")
eq(it.get("summary"), "Officials said the plan would go ahead.", "JSON summary")
rss = ET.fromstring(rich["rss"])
ri = rss.find("channel/item")
eq(ri.find("guid").get("isPermaLink"), "false", "RSS guid is no permalink")
eq(ri.findtext(checkrss.DC + "creator"), "Ana Ruiz", "RSS dc:creator")
eq([c.text for c in ri.findall("category")], ["Local", "Politics & Power"], "RSS categories")
eq(ri.find("enclosure").attrib, {"url": "https://example.org/harbour.mp3", "length": "12345",
                                 "type": "audio/mpeg"}, "RSS enclosure")
eq(ri.findtext("pubDate"), "Sun, 29 Nov 2026 08:00:00 GMT", "RSS pubDate in RFC 822")
eq(ri.findtext("description"), "Officials said the plan would go ahead.", "RSS description")
ok("Residents" in (ri.findtext(checkrss.CONTENT + "encoded") or ""), "RSS content:encoded")
html = rich["html"].decode()
ok(html.startswith("<!DOCTYPE html>") and "Harbour officials said on Tuesday" in html
   and "Politics &amp; Power" in html and "Untitled notes &lt;3" in html,
   "HTML view: the entries' titles and text, escaped")
ok("<script" not in html.lower(), "HTML view: no script")

for name, out in docs.items():
    # feedd's own feed plugin reads both back: the same titles as the Atom
    titles = {}
    for f in ("atom", "rss", "json"):
        with tempfile.NamedTemporaryFile(suffix="." + f) as t:
            t.write(out[f])
            t.flush()
            back = convert(["-p", "feed", t.name])
        titles[f] = [e.findtext("{http://www.w3.org/2005/Atom}title")
                     for e in ET.fromstring(back.stdout).iter("{http://www.w3.org/2005/Atom}entry")]
    ok(titles["atom"] and titles["rss"] == titles["atom"] == titles["json"],
       "%s: the feed plugin reads RSS and JSON back with Atom's titles" % name)
    j = json.loads(out["json"])
    jview = [(i["id"], i["title"], i["date_published"]) for i in j["items"]]
    if not FEEDPARSER:
        continue
    views = {f: parsed(out[f]) for f in ("atom", "rss")}
    for f, (bozo, es) in views.items():
        ok(not bozo and es, "%s: feedparser reads the %s without complaint" % (name, f))
    want = [(e[0], e[1], e[3]) for e in views["atom"][1]]
    eq([(e[0], e[1], e[3]) for e in views["rss"][1]], want,
       "%s: feedparser: RSS has Atom's ids, titles and dates" % name)
    eq([e[4] for e in views["rss"][1]], [e[4] for e in views["atom"][1]],
       "%s: feedparser: RSS has Atom's authors" % name)
    # Debian's feedparser (6.0) has no JSON Feed parser: the JSON is held to its Atom view
    eq([(i, t, calendar.timegm(time.strptime(d, "%Y-%m-%dT%H:%M:%SZ"))) for i, t, d in jview],
       want, "%s: JSON has the ids, titles and dates feedparser reads in the Atom" % name)
if not FEEDPARSER:
    print("# python3-feedparser not installed: its checks are skipped")
if shutil.which("sfeed"):
    r = subprocess.run(["sfeed"], input=docs["news-page-dump.txt"]["rss"], capture_output=True)
    lines = [x.split("\t") for x in r.stdout.decode().split("\n") if x]
    a = subprocess.run(["sfeed"], input=docs["news-page-dump.txt"]["atom"], capture_output=True)
    alines = [x.split("\t") for x in a.stdout.decode().split("\n") if x]
    eq(len(lines), 5, "sfeed reads 5 items from the RSS")
    eq([(x[0], x[1], x[5]) for x in lines], [(x[0], x[1], x[5]) for x in alines],
       "sfeed: the RSS has Atom's dates, titles and ids")
else:
    print("# sfeed not installed: its check is skipped")

# ---- served ----
d = Daemon()
exp = os.path.join(d.dir, "export")
d.write_config("[feed news]\nplugin = textdump\nsource = %s\ninterval = 1h\n"
               "[feed rich.x]\nplugin = feed\nsource = %s\ninterval = 1h\n" % (SAMPLE, RICH),
               "export_dir = %s\n" % exp)
ok(d.start(), "ready")
ok(d.wait_for(lambda: d.request("/feeds/news.atom")[0] == 200
              and d.request("/feeds/rich.x.atom")[0] == 200), "both feeds served")
TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml",
         "json": "application/feed+json", "html": "text/html"}
served, etags = {}, set()
for fmt, ctype in TYPES.items():
    path = "/feeds/news.%s" % fmt
    s, h, body = d.request(path)
    eq((s, h.get("content-type")), (200, ctype + "; charset=utf-8"), path + ": 200, its type")
    served[fmt] = body
    et = h.get("etag", "")
    ok(et.startswith('"') and et.endswith('"'), path + ": a strong ETag")
    etags.add(et)
    ok(h.get("last-modified") and h.get("cache-control", "").startswith("max-age="),
       path + ": Last-Modified and Cache-Control")
    eq(d.request(path, headers={"If-None-Match": et})[:3:2], (304, b""), path + ": 304 by ETag")
    eq(d.request(path, headers={"If-Modified-Since": h["last-modified"]})[0], 304,
       path + ": 304 by date")
    s, hh, b = d.request(path, method="HEAD")
    eq((s, b, hh.get("content-length")), (200, b"", str(len(body))), path + ": HEAD")
    s, hg, b = d.request(path, headers={"Accept-Encoding": "gzip"})
    ok(hg.get("content-encoding") == "gzip" and gzip.decompress(b) == body, path + ": gzip")
    ok(os.path.exists(os.path.join(exp, "news." + fmt))
       and open(os.path.join(exp, "news." + fmt), "rb").read() == body
       and gzip.decompress(open(os.path.join(exp, "news.%s.gz" % fmt), "rb").read()) == body,
       path + ": export_dir holds it and its gzip copy")
eq(len(etags), 4, "each format has its own ETag")
eq(d.request("/feeds/news.xml")[0], 404, "an unknown extension is 404")
eq(d.request("/feeds/rich.x.rss")[0], 200, "a feed name with a dot is found")
checked(checkrss.check_rss, served["rss"], "served RSS passes the RSS 2.0 rules")
sj = checked(checkrss.check_json, served["json"], "served JSON passes the JSON Feed 1.1 rules")
base = "http://127.0.0.1:%d/feeds/news" % d.port
eq(sj and sj.get("feed_url"), base + ".json", "JSON feed_url is its public URL")
selfs = [l.get("href") for l in ET.fromstring(served["rss"]).findall(
    "channel/" + checkrss.ATOM + "link") if l.get("rel") == "self"]
eq(selfs, [base + ".rss"], "RSS atom:link rel=self is its public URL")
feed = valid_feed(served["atom"], "served Atom")
page = served["html"].decode()
for fmt in ("atom", "rss", "json"):
    ok('href="news.%s"' % fmt in page, "HTML view links the %s feed" % fmt)
ok(feed and all(e["title"].replace("&", "&amp;") in page for e in feed["entries"]),
   "HTML view shows every entry's title")
ok("<script" not in page.lower(), "served HTML view has no script")

s, _, index = d.request("/")
index = index.decode()
for fmt in ("atom", "rss", "json"):
    ok('<link rel="alternate" type="%s"' % TYPES[fmt] in index
       and 'href="http://127.0.0.1:%d/feeds/news.%s"' % (d.port, fmt) in index,
       "index: autodiscovery for %s" % fmt)
    ok('href="/feeds/news.%s"' % fmt in index, "index links the %s feed" % fmt)
ok('href="/feeds/news.html"' in index, "index links the feed's page")
outs = ET.fromstring(d.request("/feeds.opml")[2]).findall("./body/outline")
eq([o.get("xmlUrl") for o in outs], ["http://127.0.0.1:%d/feeds/%s.atom" % (d.port, n)
                                     for n in ("news", "rich.x")], "OPML points at Atom")

if shutil.which("newsboat"):
    tmp = tempfile.mkdtemp()
    urls, cache = os.path.join(tmp, "urls"), os.path.join(tmp, "cache.db")
    with open(urls, "w") as f:
        f.write(base + ".rss\n")
    subprocess.run(["newsboat", "-u", urls, "-c", cache, "-x", "reload"],
                   env=dict(os.environ, HOME=tmp), capture_output=True, timeout=60)
    q = subprocess.run([PY, "-c", "import sqlite3,sys,json; c=sqlite3.connect(sys.argv[1]); "
                        "print(json.dumps(c.execute('select guid, title from rss_item "
                        "order by pubDate desc').fetchall()))", cache], capture_output=True)
    got = json.loads(q.stdout or b"[]")
    eq(sorted(g for g, _ in got), sorted(e["id"] for e in feed["entries"]) if feed else [],
       "newsboat reads the RSS: Atom's ids")
    eq(sorted(t for _, t in got), sorted(e["title"] for e in feed["entries"]) if feed else [],
       "newsboat reads the RSS: Atom's titles")
    shutil.rmtree(tmp, ignore_errors=True)
else:
    print("# newsboat not installed: its check is skipped")
ok(d.proc.poll() is None, "alive at the end")
d.cleanup()
done()
