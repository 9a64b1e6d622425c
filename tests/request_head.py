"""Request hygiene the daemon checks itself where evhttp does not: two Content-Length headers,
a signed Content-Length, whitespace before a header's colon and an unknown HTTP/1.x version are
refused and the connection closed (no second request smuggled in a body); a refused CONNECT
closes its socket at once; a normal request still gets through."""
import socket
import time

from daemonlib import Daemon
from testlib import SAMPLE, done, ok

d = Daemon()
d.write_config("[feed news]\nplugin = textdump\nsource = %s\ninterval = 1h\n" % SAMPLE)
ok(d.start(), "ready")
d.wait_for(lambda: d.feed("news")[0] == 200)


def raw(data, wait=3.0):
    """Sends data; returns what came back and how long the server took to close."""
    s = socket.create_connection(("127.0.0.1", d.port), timeout=wait)
    t = time.time()
    s.sendall(data)
    out = b""
    closed = None
    try:
        while True:
            b = s.recv(65536)
            if not b:
                closed = time.time() - t
                break
            out += b
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return out, closed


SMUGGLED = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
cases = {
    "two Content-Length headers": (b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                                   b"Content-Length: %d\r\n\r\n" % len(SMUGGLED) + SMUGGLED, 400),
    "Content-Length: +0": (b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: +0\r\n\r\n", 400),
    "Content-Length: -1": (b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
    "a space before a colon": (b"GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", 400),
    "a tab before a colon": (b"GET /healthz HTTP/1.1\r\nHost\t: x\r\n\r\n", 400),
    "Content-Length with Transfer-Encoding": (
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n", 400),
    "HTTP/1.9": (b"GET /healthz HTTP/1.9\r\nHost: x\r\n\r\n", 505),
}
for what, (data, want) in cases.items():
    out, closed = raw(data)
    ok(out.startswith(b"HTTP/1.1 %d " % want) or out.startswith(b"HTTP/1.0 %d " % want)
       or (want == 505 and out.startswith(b"HTTP/1.1 400 ")),
       "%s: %d (%r)" % (what, want, out[:40]))
    ok(out.count(b"HTTP/1.") == 1, "%s: one answer, nothing smuggled" % what)
    ok(closed is not None and closed < 1.0, "%s: the connection is closed at once" % what)

out, closed = raw(b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n", wait=5)
ok(b" 405 " in out.split(b"\r\n")[0] or b" 400 " in out.split(b"\r\n")[0],
   "CONNECT is refused (%r)" % out[:40])
ok(closed is not None and closed < 1.0, "a refused CONNECT closes its socket at once (%s)" % closed)

out, _ = raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
ok(out.startswith(b"HTTP/1.1 200 "), "a normal request with Content-Length: 0 is served")
out, _ = raw(b"GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n")
ok(out.startswith(b"HTTP/1.0 200 ") or out.startswith(b"HTTP/1.1 200 "), "HTTP/1.0 is served")
ok(d.proc.poll() is None, "the daemon is alive")
d.cleanup()
done()
