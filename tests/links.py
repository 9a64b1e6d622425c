"""Links a reader will click are http or https, whoever made them: entry links, enclosures and
the feed's link from every bundled plugin and from a plugin that hands links over as it reads
them, the OPML's htmlUrl; relative links are resolved against the source URL by the host; a
file source leaves no file:// path in a served feed, whose entries link to their place in the
feed's HTML view instead.  A state file from before links were screened serves none of its
other links in any format."""
import http.server
import os
import re
import shutil
import tempfile
import threading
import xml.etree.ElementTree as ET

from daemonlib import Daemon
from testlib import BUILDDIR, SAMPLE, convert, done, eq, ok, run, valid_feed

HOSTILE = ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
           "data:text/html,alert(1)", "vbscript:msgbox(1)", "file:///etc/passwd",
           "mailto:x@example.org", "ftp://example.org/x", "http:///nohost", "java script:x"]
pages = {}


class Origin(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body, ctype = pages.get(self.path, (b"", "text/plain"))
        self.send_response(200 if self.path in pages else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Origin)
threading.Thread(target=srv.serve_forever, daemon=True).start()
ORIGIN = "http://127.0.0.1:%d" % srv.server_address[1]


def xml_attr(s):
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def hrefs(data):
    root = ET.fromstring(data)
    return [el.get("href") for el in root.iter() if el.get("href") is not None]


def clickable(u):
    return (u.startswith("http://") or u.startswith("https://")) and "/" not in u[8:9] and \
        not u.startswith("http:///")


def check(data, what, want=()):
    feed = valid_feed(data, what)
    if feed is None:
        return
    links = hrefs(data)
    bad = [u for u in links if not clickable(u)]
    eq(bad, [], what + ": every link is http or https")
    eq([w for w in want if w not in links], [], what + ": relative links resolved by the host")
    ok(b"file://" not in data, what + ": no file:// anywhere")


# ---- the feed plugin: RSS, Atom and JSON Feed ----
items = "".join("<item><title>i%d</title><link>%s</link><description>d</description>"
                "<enclosure url=\"%s\" type=\"audio/mpeg\" length=\"1\"/></item>"
                % (i, xml_attr(u), xml_attr(u)) for i, u in enumerate(HOSTILE))
pages["/rss.xml"] = (("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>"
                      "<link>javascript:alert(2)</link><description>x</description>%s"
                      "</channel></rss>" % items).encode(), "application/rss+xml")
# without a channel link, relative links resolve against the source URL
pages["/rel.xml"] = (b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>"
                     b"<description>x</description><item><title>rel</title>"
                     b"<link>rel/page.html</link><description>d</description></item>"
                     b"</channel></rss>", "application/rss+xml")
entries = "".join("<entry><id>urn:x:%d</id><title>e%d</title><updated>2026-01-01T00:00:00Z"
                  "</updated><link href=\"%s\"/><link rel=\"enclosure\" href=\"%s\"/>"
                  "<summary>s</summary></entry>" % (i, i, xml_attr(u), xml_attr(u))
                  for i, u in enumerate(HOSTILE))
pages["/atom.xml"] = (("<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">"
                       "<id>urn:x</id><title>t</title><updated>2026-01-01T00:00:00Z</updated>"
                       "<link href=\"data:text/html,x\"/>%s</feed>" % entries).encode(),
                      "application/atom+xml")
import json  # noqa: E402
pages["/feed.json"] = (json.dumps({
    "version": "https://jsonfeed.org/version/1.1", "title": "t",
    "home_page_url": "javascript:alert(3)",
    "items": [{"id": str(i), "url": u, "content_text": "x",
               "attachments": [{"url": u, "mime_type": "audio/mpeg"}]}
              for i, u in enumerate(HOSTILE)]}).encode(), "application/feed+json")
for path in ("/rss.xml", "/rel.xml", "/atom.xml", "/feed.json"):
    p = convert(["-p", "feed", ORIGIN + path])
    eq(p.returncode, 0, "feed %s converts" % path)
    check(p.stdout, "feed plugin, " + path,
          [ORIGIN + "/rel/page.html"] if path == "/rel.xml" else ())

# ---- html: link= takes whatever the page has ----
anchors = "".join("<article><h2><a href=\"%s\">a%d</a></h2></article>" % (xml_attr(u), i)
                  for i, u in enumerate(HOSTILE + ["sub/story.html"]))
pages["/page.html"] = (("<html><head><title>p</title></head><body>%s</body></html>"
                        % anchors).encode(), "text/html")
p = convert(["-p", "html", "-s", "item=//article", "-s", "title=.//h2", "-s",
             "link=.//a/@href", ORIGIN + "/page.html"])
eq(p.returncode, 0, "html converts")
check(p.stdout, "html plugin", [ORIGIN + "/sub/story.html"])

# ---- textdump and lines from files and stdin: nothing to link to ----
p = convert(["-p", "textdump", SAMPLE])
check(p.stdout, "textdump on a file")
p = convert(["-p", "lines"], stdin=b"one\ntwo\n")
check(p.stdout, "lines on stdin")

# ---- a plugin that hands links over unresolved and unchecked ----
tmp = tempfile.mkdtemp(prefix="feedd-links-")
pdir = os.path.join(tmp, "plugins")
os.mkdir(pdir, 0o755)
os.chmod(pdir, 0o755)
shutil.copy(os.path.join(BUILDDIR, "tests", "plugins", ".libs", "linkplugin.so"), pdir)
env = dict(os.environ, FEEDD_PLUGIN_DIR=pdir)
rel = ["a/b.html", "/root.html", "?q=1", "#frag", "//other.example/x", "../up.html"]
lines = ["%s %s" % (u.strip().replace(" ", "") or "-", u.strip().replace(" ", "") or "-")
         for u in HOSTILE] + ["%s %s" % (u, u) for u in rel]
pages["/dir/list.txt"] = ("\n".join(lines).encode(), "text/plain")
want = [ORIGIN + "/dir/a/b.html", ORIGIN + "/root.html", ORIGIN + "/dir/list.txt?q=1",
        ORIGIN + "/dir/list.txt#frag", "http://other.example/x", ORIGIN + "/up.html"]
import subprocess  # noqa: E402
from testlib import FEEDD_CMD  # noqa: E402
p = subprocess.run(FEEDD_CMD + ["convert", "-p", "linkplugin", ORIGIN + "/dir/list.txt"],
                   env=env, capture_output=True)
eq(p.returncode, 0, "linkplugin converts")
check(p.stdout, "plugin-supplied links", want)
enc = [el.get("href") for el in ET.fromstring(p.stdout).iter()
       if el.get("rel") == "enclosure"]
eq(sorted(enc), sorted(want), "enclosures resolved the same way, the others dropped")
p = subprocess.run(FEEDD_CMD + ["convert", "-p", "linkplugin", "-"], env=env,
                   input="\n".join(lines).encode(), capture_output=True)
check(p.stdout, "plugin-supplied links on stdin (no base)")

# ---- the daemon: the OPML and the served feeds ----
d = Daemon(workdir=tmp)
rss = os.path.join(tmp, "rss.xml")
with open(rss, "wb") as f:
    f.write(pages["/rss.xml"][0])
shutil.copy(SAMPLE, os.path.join(tmp, "page.txt"))
d.write_config("[feed rss]\nplugin = feed\nsource = rss.xml\ninterval = 1h\n"
               "[feed page]\nplugin = textdump\nsource = page.txt\ninterval = 1h\n"
               "[feed web]\nplugin = feed\nsource = %s/rss.xml\ninterval = 1h\n"
               "[feed rel]\nplugin = feed\nsource = %s/rel.xml\ninterval = 1h\n"
               % (ORIGIN, ORIGIN))
ok(d.start(), "the daemon starts")
for name in ("rss", "page", "web", "rel"):
    ok(d.wait_for(lambda: d.request("/feeds/%s.atom" % name)[0] == 200), name + " served")
    check(d.feed(name)[2], "served feed " + name,
          [ORIGIN + "/rel/page.html"] if name == "rel" else ())
# an entry without a link of its own links to its place in the feed's HTML view
atom = d.feed("page")[2]
A = "{http://www.w3.org/2005/Atom}"
view = d.request("/feeds/page.html")[2].decode()
ents = ET.fromstring(atom).findall(A + "entry")
alts = [[l.get("href") for l in e.findall(A + "link") if l.get("rel", "alternate") ==
         "alternate"] for e in ents]
want_alts = [["http://127.0.0.1:%d/feeds/page.html#%s" % (d.port, e.findtext(A + "id")[9:])]
             for e in ents]
eq(alts, want_alts, "every entry of a file source, the lead article too, links to its place "
   "in /feeds/page.html")
ok(ents and all('id="%s"' % e.findtext(A + "id")[9:] in view for e in ents),
   "the HTML view has each entry at that place")
rss = d.request("/feeds/page.rss")[2]
ok(rss.count(b"<link>http://127.0.0.1:%d/feeds/page.html#" % d.port) == len(ents),
   "the RSS items link there too")
status, _, body = d.request("/feeds.opml")
urls = [(o.get("xmlUrl"), o.get("htmlUrl")) for o in ET.fromstring(body).iter("outline")]
eq([u for pair in urls for u in pair if not clickable(u)], [],
   "OPML: xmlUrl and htmlUrl are http: %r" % urls)
d.cleanup()

# ---- a state file from before the links were screened (the feed's own too): none served ----
import gzip  # noqa: E402
import json as jsonlib  # noqa: E402
d = Daemon()
os.makedirs(d.state, exist_ok=True)
GOOD = "http://example.org/ok"
lines = ["feedd-state 1", "meta\tlast_success\t1764547200", "meta\tseq\t%d" % (len(HOSTILE) + 1),
         "meta\torder\tfirst-seen", "meta\tfeed_link\tjavascript:alert(4)"]
for i, u in enumerate(HOSTILE + [GOOD]):
    uid = "urn:uuid:00000000-0000-5000-8000-%012d" % i
    lines.append("\t".join(["entry", uid, "1764547200", "1764547200", "0", "0", "0",
                             "0000000000000000", str(i), "old:%d" % i, "old %d" % i, u, "",
                             "s", "", ""]))
    lines.append("enc\t%s\taudio/mpeg\t1" % u)
lines.append("end\t%d" % (len(HOSTILE) + 1))
with open(os.path.join(d.state, "old.state"), "w") as f:
    f.write("\n".join(lines) + "\n")
d.write_config("[feed old]\nplugin = feed\nsource = %s/missing.xml\ninterval = 1h\n" % ORIGIN)
ok(d.start(), "the daemon starts on an old state")
for ext in ("atom", "rss", "json", "html"):
    ok(d.wait_for(lambda: d.request("/feeds/old." + ext)[0] == 200), "old state: ." + ext)
    status, headers, body = d.request("/feeds/old." + ext)
    if headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    if ext == "json":
        doc = jsonlib.loads(body)
        items = doc["items"]
        urls = [doc.get("home_page_url")] + [it.get("url") for it in items] + \
            [a["url"] for it in items for a in it.get("attachments", [])]
    elif ext == "html":
        # the view's own links aside: its icon and the other formats
        urls = [u for u in re.findall(r'href="([^"]*)"', body.decode())
                if u != "data:," and not u.startswith("old.")]
    else:
        urls = [el.get("href") or el.get("url") or el.text for el in ET.fromstring(body).iter()
                if el.tag.split("}")[-1] in ("link", "enclosure")]
    urls = [u for u in urls if u and "/feeds/" not in u and "127.0.0.1" not in u]
    eq(sorted(set(urls)), [GOOD], "old state, %s: only the http link and enclosure (%d %r)"
       % (ext, status, urls))
d.cleanup()
srv.shutdown()
done()
