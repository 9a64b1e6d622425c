"""Abusive clients: hundreds of idle connections, huge header blocks, thousands of header lines,
a 70 KB request line, garbage, a TLS hello, pipelining, a slow client; the daemon answers each
with a 4xx or a closed connection, never crashes, and its memory does not grow with requests."""
import socket
import time

from daemonlib import Daemon
from testlib import SAMPLE, done, ok

d = Daemon()
d.write_config("[feed news]\nplugin = textdump\nsource = %s\ninterval = 1h\n" % SAMPLE)
ok(d.start(), "ready")
d.wait_for(lambda: d.feed("news")[0] == 200)


def raw(data, wait=3.0):
    s = socket.create_connection(("127.0.0.1", d.port), timeout=wait)
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return out


def status(resp):
    return int(resp.split(b" ", 2)[1]) if resp.startswith(b"HTTP/1.") else None


idle = [socket.create_connection(("127.0.0.1", d.port)) for _ in range(300)]
t = time.time()
s, _, _ = d.feed("news")
ok(s == 200 and time.time() - t < 1.0, "a request is served while 300 idle connections wait")

cases = {
    "100 KB header block": b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n",
    "5,000 header lines": b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 5000 + b"\r\n",
    "70 KB request line": b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "garbage": bytes(range(256)) * 16,
    "TLS hello": bytes.fromhex("16030100f8010000f40303") + b"\x00" * 240,
    "request with a body": b"POST /feeds/news.atom HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
    "bad version": b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
}
for what, data in cases.items():
    resp = raw(data)
    st = status(resp)
    ok(st is None or 400 <= st < 500, "%s: a 4xx or a closed connection (%s)" % (what, st))
    ok(d.proc.poll() is None, "%s: the daemon is alive" % what)

# RFC 7230 absolute-form: served as our own resource, never fetched from elsewhere
resp = raw(b"GET http://evil.example/feeds/news.atom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
ok(status(resp) == 200 and b"<feed" in resp, "an absolute URI is served locally, not proxied")
pipe = raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" * 2 +
           b"GET /feeds/nope.atom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", wait=5)
ok(pipe.count(b"HTTP/1.1 200") == 2 and pipe.count(b"HTTP/1.1 404") == 1,
   "pipelined requests are answered in order")

slow = socket.create_connection(("127.0.0.1", d.port))
slow.sendall(b"GET / HTTP/1.1\r\nHo")
slow.settimeout(15)
t = time.time()
try:
    got = slow.recv(100)
except (socket.timeout, ConnectionResetError):
    got = b"timeout"
ok(got != b"timeout" and time.time() - t < 14, "a slow client is cut by the timeout (%.1fs)"
   % (time.time() - t))
for s in idle:
    s.close()


def rss():
    with open("/proc/%d/status" % d.proc.pid) as f:
        return [int(l.split()[1]) for l in f if l.startswith("VmRSS")][0]


import http.client  # noqa: E402


def hammer(n):
    c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
    for i in range(n):
        c.request("GET", "/feeds/news.atom" if i % 3 else "/healthz",
                  headers={"Accept-Encoding": "gzip"} if i % 2 else {})
        c.getresponse().read()
    c.close()


hammer(2000)
before = rss()
hammer(6000)
after = rss()
with open("/proc/%d/maps" % d.proc.pid) as f:
    asan = "libasan" in f.read()
if asan:  # ASan's quarantine holds freed memory on purpose
    print("# ASan build: RSS %d -> %d KiB not judged" % (before, after))
else:
    ok(after - before < 2048, "memory does not grow with requests: %d -> %d KiB"
       % (before, after))
ok(d.proc.poll() is None, "alive at the end")
d.cleanup()
done()
