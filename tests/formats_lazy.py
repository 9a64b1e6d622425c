"""A format is built once somebody asks for it: a feed whose readers take only Atom holds only
Atom in memory (/metrics feedd_feed_response_bytes), the first request for RSS builds it with the
same entries and Last-Modified, and from then on every change rebuilds it too.  A format first
asked for while a change awaits its save is 503 with Retry-After, never the unsaved entries."""
import gzip
import http.server
import json
import os
import shutil
import threading
import xml.etree.ElementTree as ET

from daemonlib import Daemon
from testlib import done, eq, ok

A = "{http://www.w3.org/2005/Atom}"
lines = {"x": ["alpha", "bravo", "charlie"], "y": ["one", "two"]}


class Origin(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = ("\n".join(lines[self.path.strip("/")]) + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def size(path):
    """The bytes of a response, plain plus gzip (0 if feedd keeps no gzip copy)."""
    s, h, plain = d.request(path)
    s2, h2, z = d.request(path, headers={"Accept-Encoding": "gzip"})
    if s != 200 or s2 != 200:
        return None
    return len(plain) + (len(z) if h2.get("content-encoding") == "gzip" else 0)


def held(feed):
    for l in d.request("/metrics")[2].decode().splitlines():
        if l.startswith('feedd_feed_response_bytes{feed="%s"}' % feed):
            return int(l.split()[-1])
    return None


def atom_ids(feed):
    s, h, body = d.feed(feed)
    if s != 200:
        return None, None
    root = ET.fromstring(body)
    return [e.find(A + "id").text for e in root.iter(A + "entry")], h.get("last-modified")


def rss_items(feed):
    s, h, body = d.request("/feeds/%s.rss" % feed)
    if s != 200:
        return s, None, None
    return s, [i.find("guid").text for i in ET.fromstring(body).iter("item")], h


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Origin)
threading.Thread(target=srv.serve_forever, daemon=True).start()
port = srv.server_address[1]
d = Daemon()
d.write_config("[feed x]\nplugin = lines\nsource = http://127.0.0.1:%d/x\ninterval = 1s\n"
               "[feed y]\nplugin = lines\nsource = http://127.0.0.1:%d/y\ninterval = 1s\n"
               % (port, port))
ok(d.start(), "daemon ready")
ok(d.wait_for(lambda: len(atom_ids("x")[0] or []) == 3 and len(atom_ids("y")[0] or []) == 2),
   "both feeds served")

atom_x = size("/feeds/x.atom")
eq(held("x"), atom_x, "a feed read only as Atom holds Atom alone")
eq(held("y"), size("/feeds/y.atom"), "so does the other one")

ids, lm = atom_ids("x")
s, guids, h = rss_items("x")
eq(s, 200, "the first request for RSS is answered")
eq(guids, ids, "with Atom's entries")
eq(h and h.get("last-modified"), lm, "and Atom's Last-Modified")
eq(held("x"), atom_x + size("/feeds/x.rss"), "RSS is held once asked for")
eq(held("y"), size("/feeds/y.atom"), "the other feed still holds Atom alone")

lines["x"].append("delta")
ok(d.wait_for(lambda: len(atom_ids("x")[0] or []) == 4), "a new line reaches Atom")
ids, lm = atom_ids("x")
s, guids, h = rss_items("x")
eq(guids, ids, "and RSS, rebuilt with the change")
eq(h and h.get("last-modified"), lm, "with Atom's new Last-Modified")
eq(held("x"), size("/feeds/x.atom") + size("/feeds/x.rss"), "both are held")

# y's saves fail from here (its state file's name is a folder that is not empty), so its
# change waits: JSON, never asked for, has nothing it may serve until the save succeeds
state = os.path.join(d.state, "y.state")
os.unlink(state)
os.mkdir(state)
open(os.path.join(state, "block"), "w").close()
lines["y"].append("three")
ok(d.wait_for(lambda: "cannot save" in d.logtext()), "y's save fails")
s, h, body = d.request("/feeds/y.json")
eq((s, h.get("retry-after")), (503, "1"), "JSON first asked for then: 503, Retry-After 1")
eq(len(atom_ids("y")[0]), 2, "Atom still serves the saved entries")
shutil.rmtree(state)


def json_items():
    s, _, body = d.request("/feeds/y.json")
    return [i["id"] for i in json.loads(body)["items"]] if s == 200 else None


ok(d.wait_for(lambda: len(json_items() or []) == 3, 20), "once saved, JSON has the new entry")
eq(json_items(), atom_ids("y")[0], "with Atom's ids")
eq(held("y"), size("/feeds/y.atom") + size("/feeds/y.json"), "y holds Atom and JSON")
eq(d.stop(), 0, "exits 0")
d.cleanup()
srv.shutdown()
done()
