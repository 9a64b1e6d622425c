"""WebSub: with websub_hub every feed format names the hub (Atom and RSS rel="hub" links, JSON
Feed hubs), and once a feed's new bytes are saved feedd POSTs hub.mode=publish with hub.url = the
public URL of each feed format to the hub.  Unchanged fetches, 304s and a restart ping nothing; a
failing hub is retried with backoff; a change while a ping waits joins it; a ping still owed
when feedd stops is sent after the restart; /metrics counts pings by result; SIGHUP applies a new
hub; feedd -n refuses a hub without base_url, with FILE:LINE."""
import hashlib
import http.server
import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import checkrss
from daemonlib import Daemon
from testlib import FEEDD_CMD, done, eq, ok, valid_feed

A = "{http://www.w3.org/2005/Atom}"
BASE = "http://pub.example"
lock = threading.Lock()
posts = []           # every POST the hub got: dict(path, time, ctype, form, status, ...)
origin = {"body": b"one\ntwo\n", "answers": [], "fail": 0}
hub = {"fail": 0, "fail_always": False, "hold": None, "retry_after": None}  # hold: an Event the answer waits for
d = Daemon()
page = os.path.join(d.dir, "page.txt")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # the origin of feed a: an ETag, and 304 when it matches
        body = origin["body"]
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        if origin["fail"] > 0:
            origin["fail"] -= 1
            origin["answers"].append(500)
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == etag:
            origin["answers"].append(304)
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        origin["answers"].append(200)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # the hub: records what it is told, and what was saved and served then
        now = time.time()
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        form = urllib.parse.parse_qs(raw.decode("ascii", "replace"), keep_blank_values=True)
        names = [u.rsplit("/", 1)[-1].split(".")[0] for u in form.get("hub.url", [])]
        p = {"path": self.path, "time": now, "raw": raw, "form": form,
             "ctype": self.headers.get("Content-Type"), "names": sorted(set(names)),
             "state": {}, "served": {}}
        for name in set(names):
            try:
                with open(os.path.join(d.state, name + ".state"), "rb") as f:
                    p["state"][name] = f.read()
                with urllib.request.urlopen("http://127.0.0.1:%d/feeds/%s.atom"
                                            % (d.port, name), timeout=10) as r:
                    p["served"][name] = r.read()
            except OSError as e:
                p["served"][name] = repr(e).encode()
        with lock:
            fail = hub["fail_always"] or hub["fail"] > 0
            if hub["fail"] > 0:
                hub["fail"] -= 1
            p["status"] = 503 if fail else 202
            posts.append(p)
            hold = hub["hold"]
            retry_after = hub["retry_after"] if fail else None
        if hold is not None:
            hold.wait(20)
        self.send_response(p["status"])
        if retry_after:
            self.send_header("Retry-After", str(retry_after))
        self.send_header("Content-Length", "0")
        self.end_headers()
        p["done"] = time.time()  # feedd has the answer: its backoff starts about now

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=srv.serve_forever, daemon=True).start()
PORT = srv.server_address[1]
HUB = "http://127.0.0.1:%d/hub" % PORT
HUB2 = "http://127.0.0.1:%d/hub2?x=1&y=2" % PORT


def urls(name):
    return sorted(BASE + "/feeds/" + name + ext for ext in (".atom", ".rss", ".json"))


def since(n, **want):
    with lock:
        got = posts[n:]
    return [p for p in got if all(p[k] == v for k, v in want.items())]


def metric(text, result):
    m = re.search(r'^feedd_websub_pings_total\{result="%s"\} (\d+)$' % result, text, re.M)
    return int(m.group(1)) if m else None


def check(conf_text):
    with open(os.path.join(d.dir, "check.conf"), "w") as f:
        f.write(conf_text)
    return subprocess.run(FEEDD_CMD + ["-n", "-c", os.path.join(d.dir, "check.conf")],
                          capture_output=True, text=True)


# ---- feedd -n ----
conf = os.path.join(d.dir, "check.conf")
p = check("[server]\nstate_dir = %s\n# a comment\nwebsub_hub = %s\n" % (d.state, HUB))
ok(p.returncode != 0, "-n refuses websub_hub without base_url")
eq(p.stderr.strip(), "%s:4: websub_hub needs base_url" % conf, "and says where and why")
p = check("[server]\nbase_url = %s\nwebsub_hub = ftp://hub.example/\n" % BASE)
ok(p.returncode != 0 and "%s:3: websub_hub must be an http or https URL" % conf in p.stderr,
   "-n refuses a hub that is not http or https (%s)" % p.stderr.strip())
p = check("[server]\nstate_dir = %s\nwebsub_hub = %s\nbase_url = %s\n" % (d.state, HUB, BASE))
ok(p.returncode == 0 and "configuration OK" in p.stdout,
   "-n accepts websub_hub with base_url, in either order (%s)" % p.stderr.strip())

# ---- the links ----
with open(page, "w") as f:
    f.write("alpha\nbravo\n")
FEEDS = ("[feed a]\nplugin = lines\nsource = http://127.0.0.1:%d/src\ninterval = 1s\n"
         "[feed b]\nplugin = lines\nsource = page.txt\ninterval = 1s\n" % PORT)
d.write_config(FEEDS, "base_url = %s/\nwebsub_hub = %s\n" % (BASE, HUB))
if not ok(d.start(), "daemon ready"):
    print(d.logtext())
    d.cleanup()
    done()
ok(d.wait_for(lambda: d.feed("a")[0] == 200 and d.feed("b")[0] == 200), "both feeds served")
atom = d.feed("a")[2]
ok(valid_feed(atom, "Atom with a hub link") is not None, "the Atom feed still validates")
root = ET.fromstring(atom)
eq([(l.get("rel"), l.get("href")) for l in root.findall(A + "link")
    if l.get("rel") in ("hub", "self")],
   [("self", BASE + "/feeds/a.atom"), ("hub", HUB)], "Atom: rel=hub at feed level, after self")
eq([l.get("href") for l in root.iter(A + "link") if l.get("rel") == "hub"], [HUB],
   "Atom: one hub link, none in the entries")
rss = d.request("/feeds/a.rss")[2]
ch = checkrss.check_rss(rss).find("channel")
eq([l.get("href") for l in ch.findall(A + "link") if l.get("rel") == "hub"], [HUB],
   "RSS: atom:link rel=hub in the channel")
js = checkrss.check_json(d.request("/feeds/a.json")[2])
eq(js.get("hubs"), [{"type": "WebSub", "url": HUB}], "JSON Feed: hubs names the hub")

# ---- the first bytes a feed serves are news too ----
ok(d.wait_for(lambda: len(since(0, names=["a"])) == 1 and len(since(0, names=["b"])) == 1, 10),
   "one publish per feed for its first bytes")
for p in posts:
    eq(p["path"], "/hub", "to the hub's URL")
    eq(p["ctype"], "application/x-www-form-urlencoded", "a form")
    eq(sorted(p["form"]), ["hub.mode", "hub.url"], "hub.mode and hub.url only")
    eq(p["form"].get("hub.mode"), ["publish"], "hub.mode=publish")
    eq(sorted(p["form"].get("hub.url", [])), urls(p["names"][0]),
       "hub.url: each feed format's public URL, once")

# ---- unchanged: same bytes from the file, 304 from the origin ----
n = len(posts)
n304 = origin["answers"].count(304)
time.sleep(3.5)
ok(origin["answers"].count(304) >= n304 + 2, "the origin answered 304 (%d times)"
   % (origin["answers"].count(304) - n304))
eq(len(posts), n, "no ping for fetches that changed nothing")
# a failed fetch, then a 304: the state is saved again (the error came and went), the bytes stay
st = os.stat(os.path.join(d.state, "a.state")).st_mtime_ns
k = len(origin["answers"])
origin["fail"] = 1
ok(d.wait_for(lambda: 304 in origin["answers"][k:] and 500 in origin["answers"][k:], 10),
   "the origin failed once, then answered 304")
ok(d.wait_for(lambda: os.stat(os.path.join(d.state, "a.state")).st_mtime_ns != st, 5),
   "feedd saved the state again")
time.sleep(0.5)
eq(len(posts), n, "a save that leaves the served bytes as they were pings nothing")

# ---- a change: pinged once it is saved, and served ----
with open(page, "a") as f:
    f.write("charlie\n")
ok(d.wait_for(lambda: since(n), 10), "a changed feed is pinged")
got = since(n)
eq([p["names"] for p in got], [["b"]], "only the changed feed, once")
if got:
    eq(sorted(got[0]["form"]["hub.url"]), urls("b"), "with b's three URLs")
    ok(b"charlie" in got[0]["state"].get("b", b""), "its state file held the new entry then")
    ok(b"charlie" in got[0]["served"].get("b", b""), "and feedd served it then")
n = len(posts)
origin["body"] = b"one\ntwo\nthree\n"
ok(d.wait_for(lambda: since(n), 10), "a changed origin (a 200 after 304s) is pinged")
eq([p["names"] for p in since(n)], [["a"]], "only feed a")

# ---- a failing hub: retried with backoff, counted ----
time.sleep(0.5)
m = d.request("/metrics")[2].decode()
ok0, err0 = metric(m, "ok"), metric(m, "error")
eq((ok0, err0), (len(since(0, status=202)), 0), "/metrics counts the pings so far")
n = len(posts)
hub["fail"] = 2
with open(page, "a") as f:
    f.write("delta\n")
ok(d.wait_for(lambda: since(n, status=202), 15), "a hub failing twice gets the ping at last")
time.sleep(0.3)
got = since(n)
eq([p["status"] for p in got], [503, 503, 202], "two failures, then one success")
if len(got) == 3:
    gaps = [got[1]["time"] - got[0]["done"], got[2]["time"] - got[1]["done"]]
    ok(0.8 < gaps[0] < 1.8 and 1.8 < gaps[1] < 3.0, "retried after 1 s, then 2 s (%s)" % gaps)
    eq(got[2]["form"], got[0]["form"], "the retry says the same")
m = d.request("/metrics")[2].decode()
eq((metric(m, "ok") - ok0, metric(m, "error") - err0), (1, 2), "/metrics: error +2, ok +1")

# ---- a failing hub's Retry-After is honoured ----
n = len(posts)
hub["fail"], hub["retry_after"] = 1, 3
with open(page, "a") as f:
    f.write("delta2\n")
ok(d.wait_for(lambda: since(n, status=202), 15), "a hub asking for 3 s gets the ping")
hub["retry_after"] = None
got = since(n)
eq([p["status"] for p in got], [503, 202], "after one failure")
if len(got) == 2:
    gap = got[1]["time"] - got[0]["done"]
    ok(2.9 < gap < 4.5, "retried after the 3 s the hub asked for, not 1 s (%.2f)" % gap)

# ---- changes while a ping waits join it ----
n = len(posts)
hub["fail_always"] = True
with open(page, "a") as f:
    f.write("echo\n")
ok(d.wait_for(lambda: since(n), 10), "the hub is failing")
with open(page, "a") as f:
    f.write("foxtrot\n")
ok(d.wait_for(lambda: b"foxtrot" in d.feed("b")[2], 10), "a second change while the ping waits")
with open(page, "a") as f:
    f.write("golf\n")
ok(d.wait_for(lambda: b"golf" in d.feed("b")[2], 10), "and a third")
time.sleep(0.3)
with lock:
    hub["fail_always"] = False
    k = len(posts)
ok(d.wait_for(lambda: since(k, status=202), 15), "the hub is back and gets the ping")
time.sleep(3)
eq([p["names"] for p in since(k)], [["b"]], "one ping for the three changes")
eq(len(since(n, status=202)), 1, "one success in all")
p = since(k, status=202)
ok(p and b"golf" in p[0]["state"].get("b", b""), "it came after the last change was saved")

# ---- a change while the POST is under way: one more ping once it succeeds ----
time.sleep(0.5)
n = len(posts)
hub["hold"] = threading.Event()
with open(page, "a") as f:
    f.write("golf2\n")
ok(d.wait_for(lambda: since(n), 10), "the hub has the POST and holds its answer")
with open(page, "a") as f:
    f.write("golf3\n")
ok(d.wait_for(lambda: b"golf3" in d.feed("b")[2], 10), "the feed changes again meanwhile")
time.sleep(0.3)
hold, hub["hold"] = hub["hold"], None
hold.set()
ok(d.wait_for(lambda: len(since(n)) >= 2, 10), "a second ping follows the first")
time.sleep(2)
got = since(n)
eq([(p["names"], p["status"]) for p in got], [(["b"], 202), (["b"], 202)], "two in all")
ok(len(got) == 2 and b"golf3" in got[1]["served"].get("b", b"")
   and b"golf3" not in got[0]["served"].get("b", b""), "the second after the second change")

# ---- a ping the hub has not taken when feedd stops is sent after the restart ----
time.sleep(0.5)
n = len(posts)
hub["fail_always"] = True
with open(page, "a") as f:
    f.write("hotel\n")
ok(d.wait_for(lambda: since(n), 10), "the hub fails the ping for a change")
eq(d.stop(), 0, "exits 0 with the ping owed")
hub["fail_always"] = False
n = len(posts)
ok(d.start(), "restarted")
ok(d.wait_for(lambda: since(n, status=202), 10), "the owed ping is sent after the restart")
time.sleep(2)
got = since(n)
eq([(p["names"], p["status"]) for p in got], [(["b"], 202)], "once, for feed b alone")
if got:
    eq(sorted(got[0]["form"].get("hub.url", [])), urls("b"), "with b's URLs")
    ok(b"hotel" in got[0]["served"].get("b", b""), "serving the change")

# ---- a restart with nothing new pings nothing ----
eq(d.stop(), 0, "exits 0")
n = len(posts)
n304 = origin["answers"].count(304)
ok(d.start(), "restarted")
ok(d.wait_for(lambda: d.feed("a")[0] == 200 and d.feed("b")[0] == 200), "feeds served again")
time.sleep(3.5)
ok(origin["answers"].count(304) > n304, "the origin answered 304 after the restart")
eq(len(posts), n, "a restart that finds nothing changed pings nothing")

# ---- SIGHUP applies a new hub ----
d.write_config(FEEDS, "base_url = %s\nwebsub_hub = %s\n" % (BASE, HUB2))
d.signal(signal.SIGHUP)
ok(d.wait_message("READY=1", 10), "reloaded")
lines = [l for l in d.logtext().splitlines() if "reload: websub_hub" in l]
ok(len(lines) == 1 and HUB2 in lines[0], "one log line names the new hub (%s)" % lines)
ok(d.wait_for(lambda: ('rel="hub" href="%s"' % HUB2.replace("&", "&amp;")).encode()
              in d.feed("a")[2], 5), "the feeds name the new hub")
ok(d.wait_for(lambda: sorted(sum((p["names"] for p in since(n)), [])) == ["a", "b"], 10),
   "the new hub is told of both feeds, whose bytes changed")
ok(all(p["path"] == "/hub2?x=1&y=2" for p in since(n)), "at its URL, query and all")
ok(valid_feed(d.feed("b")[2], "Atom after the reload") is not None, "still valid")
eq(json.loads(d.request("/feeds/b.json")[2]).get("hubs"), [{"type": "WebSub", "url": HUB2}],
   "JSON Feed names the new hub")
time.sleep(0.5)
n = len(posts)
d.write_config(FEEDS, "base_url = %s\n" % BASE)
d.signal(signal.SIGHUP)
ok(d.wait_message("READY=1", 10), "reloaded without a hub")
ok(d.wait_for(lambda: b'rel="hub"' not in d.feed("a")[2], 5), "the hub link is gone")
ok("hubs" not in json.loads(d.request("/feeds/a.json")[2]), "and JSON Feed has no hubs")
time.sleep(2)
eq(len(posts), n, "no hub, no pings")
eq(d.stop(), 0, "exits 0")
d.cleanup()
srv.shutdown()
done()
