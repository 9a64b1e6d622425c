"""The daemon end to end: READY, serving, conditional requests, index, OPML, healthz, refresh,
restart, SIGHUP, config errors, an http origin with ETags, newsboat across a restart."""
import gzip
import http.server
import json
import re
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

from daemonlib import Daemon
from testlib import FEEDD, SAMPLE, done, eq, ok, run, valid_feed

TEASER = ("Harbour officials said on Tuesday that the plan to rebuild the old harbour would go "
          "ahead despite the objections of residents who had gathered outside the town hall for "
          "the third week in a row to demand that the council")

d = Daemon()
src = os.path.join(d.dir, "page.txt")
shutil.copy(SAMPLE, src)
d.write_config("[feed news]\nplugin = textdump\nsource = page.txt\ninterval = 1s\n"
               "title = News & <Views>\n")
p = run(["-n", "-c", d.conf])
eq((p.returncode, p.stdout), (0, b"configuration OK\n"), "feedd -n accepts the config")

ok(d.start(), "READY=1 arrives on NOTIFY_SOCKET")
ok(d.wait_for(lambda: d.request("/feeds/news.atom")[0] == 200), "the feed is served")
status, h, body = d.feed("news")
feed = valid_feed(body, "served feed")
eq(len(feed["entries"]) if feed else 0, 5, "5 entries served")
eq(feed and feed["title"], "News & <Views>", "config title, escaped")
eq(feed and feed["self"], ["http://127.0.0.1:%d/feeds/news.atom" % d.port], "self link")
eq(h.get("content-type"), "application/atom+xml; charset=utf-8", "content type")
ok(h.get("etag", "").startswith('"') and h.get("last-modified"), "ETag and Last-Modified")
ok(h.get("cache-control", "").startswith("max-age="), "Cache-Control max-age")
first_ids = [(e["id"], e["published"]) for e in feed["entries"]] if feed else []

s, h2, b = d.request("/feeds/news.atom", headers={"If-None-Match": h["etag"]})
eq((s, b), (304, b""), "If-None-Match gives 304")
s, _, b = d.request("/feeds/news.atom", headers={"If-Modified-Since": h["last-modified"]})
eq(s, 304, "If-Modified-Since gives 304")
s, hh, b = d.request("/feeds/news.atom", method="HEAD")
eq((s, b, hh.get("content-length")), (200, b"", str(len(body))), "HEAD: headers, no body")
s, hg, b = d.request("/feeds/news.atom", headers={"Accept-Encoding": "gzip, deflate"})
ok(hg.get("content-encoding") == "gzip" and gzip.decompress(b) == body, "gzip copy")
ok("Accept-Encoding" in hg.get("vary", ""), "Vary: Accept-Encoding")
s, hg, b = d.request("/feeds/news.atom", headers={"Accept-Encoding": "gzip;q=0"})
ok("content-encoding" not in hg and b == body, "gzip;q=0 gets identity")
for path in ("/nope", "/feeds/nope.atom", "/feeds/.atom", "/feeds/news.atom/x",
             "/feeds/../feeds/news.atom", "/etc/passwd", "/feeds/news.xml"):
    eq(d.request(path)[0], 404, "404 for %s" % path)
s, h405, _ = d.request("/feeds/news.atom", method="POST")
eq((s, h405.get("allow")), (405, "GET, HEAD"), "POST gets 405 with Allow")
eq(d.request("/", method="DELETE")[0], 405, "DELETE gets 405")

s, hi, index = d.request("/")
ok(s == 200 and hi["content-type"].startswith("text/html"), "index is HTML")
ok(b'<link rel="alternate" type="application/atom+xml"' in index, "index autodiscovery link")
ok(b"News &amp; &lt;Views&gt;" in index and b"<Views>" not in index, "index escapes titles")
s, _, opml = d.request("/feeds.opml")
root = ET.fromstring(opml)
outs = root.findall("./body/outline")
ok(s == 200 and root.get("version") == "2.0" and len(outs) == 1, "OPML 2.0 with one outline")
ok(outs and outs[0].get("xmlUrl") == "http://127.0.0.1:%d/feeds/news.atom" % d.port
   and outs[0].get("type") == "rss" and outs[0].get("title") == "News & <Views>",
   "OPML outline: absolute xmlUrl, type, title")
s, _, hz = d.request("/healthz")
j = json.loads(hz)
ok(j["status"] == "ok" and j["feeds"]["news"]["entries"] == 5
   and j["feeds"]["news"]["last_error"] is None and j["feeds"]["news"]["last_success"],
   "healthz JSON")

s, hm, metrics = d.request("/metrics")
mt = metrics.decode()
ok(s == 200 and hm["content-type"].startswith("text/plain; version=0.0.4"), "/metrics is served")
ok('feedd_feed_entries{feed="news"} 5' in mt and "feedd_feeds 1" in mt, "/metrics: entries")
ok(re.search(r'feedd_http_responses_total\{code="304"\} [1-9]', mt) and
   re.search(r'feedd_http_responses_total\{code="405"\} [1-9]', mt), "/metrics: responses")
ok(re.search(r'feedd_feed_fetches_total\{feed="news",result="ok"\} [1-9]', mt), "/metrics: fetches")

# a changed source is picked up on the next interval; old entries keep ids and dates
with open(src, "a") as f:
    f.write("\n" + TEASER + "\n")
new = d.wait_for(lambda: (lambda f: f if f and len(f["entries"]) == 6 else None)(
    valid_feed(d.feed("news")[2], "refreshed feed")))
ok(new is not None, "the new teaser appears")
if new:
    kept = {e["id"]: e["published"] for e in new["entries"]}
    ok(all(kept.get(i) == p for i, p in first_ids), "old entries keep ids and published")
    eq(new["entries"][0]["summary"][:20] if new["entries"] else None, TEASER[:20],
       "an entry first seen in a later fetch sorts first")
    eq([e["id"] for e in new["entries"][1:]], [i for i, _ in first_ids],
       "the earlier entries keep their page order below it")

# the teaser disappears from the page: it stays in the feed (history)
shutil.copy(SAMPLE, src)
with open(src, "a") as f:
    f.write("\nSecond headline\nThe council met on Monday to discuss the harbour.\n")
hist = d.wait_for(lambda: (lambda f: f if f and len(f["entries"]) == 7 else None)(
    valid_feed(d.feed("news")[2], "feed with history")))
ok(hist is not None, "removed entries stay as history")
before = hist["entries"] if hist else []

# restart keeps ids and dates
eq(d.stop(), 0, "SIGTERM exits 0")
ok(d.start(), "restarts")
status, _, body = d.feed("news")
after = valid_feed(body, "feed after restart")
eq([(e["id"], e["published"]) for e in after["entries"]] if after else None,
   [(e["id"], e["published"]) for e in before], "restart keeps ids and published dates")

# SIGHUP adds a feed
d.write_config("[feed news]\nplugin = textdump\nsource = page.txt\ninterval = 1s\n"
               "title = News & <Views>\n[feed second]\nplugin = textdump\nsource = %s\n"
               "interval = 1h\n" % SAMPLE)
d.signal(signal.SIGHUP)
ok(d.wait_message("READY=1", 10), "READY=1 again after the reload")
ok(d.wait_for(lambda: d.request("/feeds/second.atom")[0] == 200), "SIGHUP adds a feed")

# a broken config is refused by -n with a line number, and on SIGHUP
d.write_config("[feed news]\nplugin = textdump\nsource = page.txt\ninterval = often\n")
p = run(["-n", "-c", d.conf])
err = p.stderr.decode().strip()
ok(p.returncode != 0 and err.startswith(d.conf + ":8: ") and "interval" in err,
   "-n refuses a bad interval with FILE:LINE: %r" % err)
d.signal(signal.SIGHUP)
ok(d.wait_message("READY=1", 10), "READY after a refused reload")
ok(d.proc.poll() is None, "still running")
ok("reload refused" in d.logtext(), "refusal logged")
eq(d.request("/feeds/second.atom")[0], 200, "the old configuration keeps running")
eq(d.stop(), 0, "SIGTERM exits 0 again")

for conf, want, what in (
        ("[server]\nlisten = 127.0.0.1:1\nfrobnicate = 1\n", ":3:", "unknown key in [server]"),
        ("[feed a]\nplugin = textdump\nsource = %s\n[feed a]\n" % SAMPLE, ":4:", "duplicate feed"),
        ("[feed a]\nplugin = nosuch\nsource = %s\n" % SAMPLE, ":2:", "missing plugin"),
        ("[feed a]\nplugin = textdump\nsource = /nonexistent/x.txt\n", ":3:", "missing source"),
        ("[feed a b]\nplugin = textdump\n", ":1:", "bad feed name"),
        ("[feed a]\nplugin = textdump\nsource = %s\nteaser_min_words = x\n" % SAMPLE, ":4:",
         "bad plugin option"),
        ("[feed a]\nplugin = textdump\nsource = gopher://x/\n", ":3:", "bad scheme")):
    bad = os.path.join(d.dir, "bad.conf")
    with open(bad, "w") as f:
        f.write(conf)
    p = run(["-n", "-c", bad])
    err = p.stderr.decode().strip()
    ok(p.returncode != 0 and err.startswith(bad + want) and "\n" not in err,
       "-n: %s -> %r" % (what, err))


# an http source behind a loopback origin with ETags: the refetch is conditional
class Origin(http.server.BaseHTTPRequestHandler):
    seen = []
    body = open(SAMPLE, "rb").read()

    def do_GET(self):
        Origin.seen.append(self.headers.get("If-None-Match"))
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Origin)
threading.Thread(target=srv.serve_forever, daemon=True).start()
d2 = Daemon()
d2.write_config("[feed web]\nplugin = textdump\nsource = http://127.0.0.1:%d/page\n"
                "interval = 1s\n" % srv.server_address[1])
ok(d2.start(), "daemon with an http source is ready")
ok(d2.wait_for(lambda: len(Origin.seen) >= 3, 20), "the origin is polled")
ok(Origin.seen[0] is None and Origin.seen[1] == '"v1"', "refetch sends If-None-Match")
s, _, body = d2.feed("web")
wf = valid_feed(body, "feed from http")
eq(len(wf["entries"]) if wf else 0, 5, "http source: 5 entries")
ok(wf and all(e["link"] is None or e["link"].startswith("http://127.0.0.1") for e in wf["entries"]),
   "teaser links point at the origin")
hz = json.loads(d2.request("/healthz")[2])
eq(hz["feeds"]["web"]["http_status"], 304, "healthz shows the last HTTP status")
d2.cleanup()
srv.shutdown()

# a story seen first as a teaser, then in full: same entry, content replaces the summary
d3 = Daemon()
page = os.path.join(d3.dir, "page.txt")
kicked = open(SAMPLE, encoding="utf-8").read().split("\n")[-1]
with open(page, "w") as f:
    f.write(kicked)
d3.write_config("[feed s]\nplugin = textdump\nsource = page.txt\ninterval = 1s\n")
ok(d3.start(), "teaser daemon ready")
d3.wait_for(lambda: d3.feed("s")[0] == 200)
t1 = valid_feed(d3.feed("s")[2], "teaser feed")
time.sleep(1.2)  # so that "updated" can move
with open(page, "w") as f:
    f.write("Signs of escalation in Donbas\n"
            "Russian forces have been aiming to capture Ukraine’s eastern Donbas province and "
            "have been capturing new villages as they move toward Pokrovsk.\n"
            "Ukrainian commanders said the situation was difficult.\n")
d3.wait_for(lambda: b"&lt;p&gt;Russian forces" in d3.feed("s")[2])
t2 = valid_feed(d3.feed("s")[2], "full feed")
ok(t1 and t2 and len(t2["entries"]) == 1, "the full story replaces the teaser: one entry")
if t1 and t2 and t2["entries"]:
    a, b = t1["entries"][0], t2["entries"][0]
    eq(b["id"], a["id"], "same id")
    eq(b["published"], a["published"], "published stays")
    ok(b["updated"] > a["updated"], "updated moves")
    ok(b["summary"] is None and "<p>Russian forces" in b["content"], "content replaces summary")
    eq(b["title"], "Signs of escalation in Donbas", "the headline is the title")
d3.cleanup()

# export_dir: every feed also as NAME.atom and NAME.atom.gz
d4 = Daemon()
exp = os.path.join(d4.dir, "export")
d4.write_config("[feed x]\nplugin = textdump\nsource = %s\ninterval = 1h\n" % SAMPLE,
                "export_dir = %s\n" % exp)
ok(d4.start(), "export daemon ready")
d4.wait_for(lambda: d4.feed("x")[0] == 200)
served = d4.feed("x")[2]
ok(os.path.exists(os.path.join(exp, "x.atom")) and open(os.path.join(exp, "x.atom"), "rb").read()
   == served, "export_dir holds the served bytes")
ok(gzip.decompress(open(os.path.join(exp, "x.atom.gz"), "rb").read()) == served,
   "export_dir holds the gzip copy")
d4.cleanup()

# newsboat subscribed across a restart stores no duplicates
if shutil.which("newsboat"):
    d.write_config("[feed news]\nplugin = textdump\nsource = page.txt\ninterval = 1s\n")
    ok(d.start(), "restarts for newsboat")
    url = "http://127.0.0.1:%d/feeds/news.atom" % d.port
    tmp = tempfile.mkdtemp()
    urls, cache = os.path.join(tmp, "urls"), os.path.join(tmp, "cache.db")
    with open(urls, "w") as f:
        f.write(url + "\n")
    env = dict(os.environ, HOME=tmp)
    subprocess.run(["newsboat", "-u", urls, "-c", cache, "-x", "reload"], env=env,
                   capture_output=True, timeout=60)
    d.stop()
    d.start()
    d.wait_for(lambda: d.request("/feeds/news.atom")[0] == 200)
    subprocess.run(["newsboat", "-u", urls, "-c", cache, "-x", "reload"], env=env,
                   capture_output=True, timeout=60)
    q = subprocess.run(["/usr/bin/python3", "-c",
                        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
                        "print(c.execute('select count(*), count(distinct guid) from rss_item')"
                        ".fetchone())", cache], capture_output=True)
    got = q.stdout.decode().strip()
    eq(got, "(7, 7)", "newsboat: 7 items, no duplicates across a restart")
    shutil.rmtree(tmp, ignore_errors=True)
else:
    print("# newsboat not installed: that check is skipped")
d.cleanup()
done()
