"""Failing upstreams against a loopback origin: 500, 404, 429/503 with Retry-After, a hang past
the timeout, a slow drip, a 150 MiB body, a body cut short, a redirect loop, redirects to file:
and ftp:, a charset that lies.  Each time the last good feed stays served unchanged and fast,
the error and status show on /healthz and the index, retries back off, memory stays bounded."""
import http.server
import json
import os
import socketserver
import threading
import time

from daemonlib import Daemon
from testlib import SAMPLE, done, eq, ok, valid_feed

GOOD = open(SAMPLE, "rb").read()
hits = {}


class Origin(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        if not any(k == "Content-Length" for k, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        mode = self.path.strip("/")
        hits[mode] = hits.get(mode, 0) + 1
        if mode == "liar":
            body = "Caf\u00e9 owners said on Tuesday \u201cthey would stay\u201d and they did.".encode("cp1252")
            return self.send(200, body, [("Content-Type", "text/plain; charset=utf-8")])
        if hits[mode] == 1:
            return self.send(200, GOOD, [("Content-Type", "text/plain; charset=utf-8")])
        try:
            self.bad(mode)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def bad(self, mode):
        if mode == "e500":
            self.send(500, b"oops")
        elif mode == "e404":
            self.send(404, b"gone")
        elif mode == "e429":
            self.send(429, b"slow down", [("Retry-After", "120")])
        elif mode == "e503":
            self.send(503, b"busy", [("Retry-After", "90")])
        elif mode == "hang":
            time.sleep(6)
            self.send(200, GOOD)
        elif mode == "drip":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(20):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.4)
        elif mode == "huge":
            self.send_response(200)
            self.send_header("Content-Length", str(150 << 20))
            self.end_headers()
            chunk = b"word " * 200000
            for _ in range(150):
                self.wfile.write(chunk)
        elif mode == "cut":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(GOOD[:3000])
            self.wfile.flush()
            self.connection.shutdown(2)
        elif mode == "loop":
            self.send(302, b"", [("Location", "/loop")])
        elif mode == "tofile":
            self.send(302, b"", [("Location", "file:///etc/passwd")])
        elif mode == "toftp":
            self.send(301, b"", [("Location", "ftp://127.0.0.1/x")])


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Origin)
threading.Thread(target=srv.serve_forever, daemon=True).start()
port = srv.server_address[1]
MODES = {"e500": "HTTP status 500", "e404": "HTTP status 404", "e429": "HTTP status 429",
         "e503": "HTTP status 503", "hang": "timed out", "drip": "timed out",
         "huge": "body larger than", "cut": "", "loop": "redirect", "tofile": "",
         "toftp": ""}
d = Daemon()
d.write_config("".join("[feed %s]\nplugin = textdump\nsource = http://127.0.0.1:%d/%s\n"
                       "interval = 1s\ntimeout = 2s\n" % (m, port, m) for m in MODES) +
               "[feed liar]\nplugin = textdump\nsource = http://127.0.0.1:%d/liar\n"
               "interval = 1h\n" % port)
ok(d.start(), "daemon ready")
good = {}
for m in MODES:
    good[m] = d.wait_for(lambda: (lambda r: r[2] if r[0] == 200 else None)(d.feed(m)), 20)
ok(all(good.values()), "every feed served once from a good first fetch")


def health():
    return json.loads(d.request("/healthz")[2])["feeds"]


errs = d.wait_for(lambda: (lambda h: h if all(h[m]["last_error"] for m in MODES) else None)(
    health()), 40)
ok(errs is not None, "every bad upstream shows an error on /healthz")
h = health()
for m, want in MODES.items():
    err = h[m]["last_error"] or ""
    ok(want.lower() in err.lower(), "%s: error %r mentions %r" % (m, err, want))
eq(h["e500"]["http_status"], 500, "healthz shows HTTP 500")
eq(h["e429"]["http_status"], 429, "healthz shows HTTP 429")
now = time.time()


def ts(s):
    return time.mktime(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone


ok(ts(h["e429"]["next_fetch"]) - now > 100, "429 Retry-After: 120 is honoured")
ok(ts(h["e503"]["next_fetch"]) - now > 70, "503 Retry-After: 90 is honoured")
for m in ("tofile", "toftp"):
    ok("protocol" in (h[m]["last_error"] or "").lower() or "redirect" in
       (h[m]["last_error"] or "").lower(), "%s: refused (%s)" % (m, h[m]["last_error"]))
index = d.request("/")[2].decode()
ok("HTTP status 500" in index, "the index page shows the error")

# the last good feed is still served, unchanged and quickly, while upstreams misbehave
slow = []
for m in MODES:
    t = time.time()
    s, _, body = d.feed(m)
    if time.time() - t > 1.0:
        slow.append(m)
    ok(s == 200 and body == good[m], "%s: the last good feed is served unchanged" % m)
ok(not slow, "every request answered in under a second: %s" % slow)

# backoff: with a 1 s interval, 12 s of failures bring at most a handful of retries
before = hits.get("e500", 0)
time.sleep(12)
retries = hits.get("e500", 0) - before
ok(retries <= 5, "retries back off: %d requests in 12 s at a 1 s interval" % retries)
ok(health()["e500"]["failures"] >= 3, "failures are counted")

# a charset that lies: declared UTF-8, sent Windows-1252 -> no mojibake, no U+FFFD
lf = valid_feed(d.feed("liar")[2], "feed from a lying charset")
ok(lf and "Café owners said on Tuesday “they would stay”" in
   (lf["entries"][0]["content"] or ""), "the lying charset is decoded right")

# memory stays bounded after a 150 MiB body (cap 16 MiB)
with open("/proc/%d/maps" % d.proc.pid) as f:
    asan = "libasan" in f.read()
with open("/proc/%d/status" % d.proc.pid) as f:
    hwm = [int(l.split()[1]) // 1024 for l in f if l.startswith("VmHWM")][0]
if asan:
    print("# ASan build: peak RSS %d MiB not judged" % hwm)
else:
    ok(hwm < 16 * 3 + 40, "peak RSS %d MiB stays near the 16 MiB body cap" % hwm)
eq(d.stop(), 0, "exits 0")
d.cleanup()
srv.shutdown()
done()
