"""A feed's 200, 304 and HEAD replies, byte for byte: the headers evhttp writes, in its order,
for HTTP/1.1, HTTP/1.0 with and without keep-alive and Connection: close (feedd writes an
HTTP/1.1 one itself, and must write what evhttp would); every Content-Length is the body's;
pipelined requests to a client that reads late (a small receive buffer, so that a reply does
not fit in the socket at once) all come back whole and in order, from the response file, its
gzip copy and the heap; clients that reset their connection mid-reply leave the daemon
serving; /metrics counts each 200 and 304."""
import gzip
import os
import re
import socket
import struct
import time

from daemonlib import Daemon
from testlib import SAMPLE, done, eq, ok

d = Daemon()
tiny = os.path.join(d.dir, "tiny.txt")
with open(tiny, "w") as f:
    f.write("A short story\n\nOne paragraph of a few words, for a feed kept in the heap.\n")
d.write_config("[feed news]\nplugin = textdump\nsource = %s\ninterval = 1h\n"
               "[feed tiny]\nplugin = textdump\nsource = %s\ninterval = 1h\n" % (SAMPLE, tiny))
ok(d.start(), "ready")
d.wait_for(lambda: d.feed("news")[0] == 200 and d.feed("tiny")[0] == 200)
_, h, news = d.request("/feeds/news.atom")
_, hgz, news_gz = d.request("/feeds/news.atom", headers={"Accept-Encoding": "gzip"})
_, ht, tiny_atom = d.request("/feeds/tiny.atom")
ok(len(news) >= 2048 and len(news_gz) >= 2048, "news and its gzip are in the response file "
   "(%d, %d bytes)" % (len(news), len(news_gz)))
ok(len(tiny_atom) < 2048, "tiny is in the heap (%d bytes)" % len(tiny_atom))
eq(gzip.decompress(news_gz), news, "the gzip copy is the document")


def send(data, heads, rcvbuf=None, wait=0.0, timeout=10.0):
    """What comes back for data, until the replies to heads (see replies) are whole, the
    server closes, or it is quiet for timeout."""
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(timeout)
    s.connect(("127.0.0.1", d.port))
    s.sendall(data)
    time.sleep(wait)
    out = b""
    at, n = 0, 0  # where the next reply starts, and how many came whole before it
    try:
        while n < len(heads):
            b = s.recv(65536)
            if not b:
                break
            out += b
            while n < len(heads):  # a reply at a time, from where the last ended
                got, rest = replies(out[at:], heads[n:n + 1], strict=True)
                if not got:
                    break
                at, n = len(out) - len(rest), n + 1
    except socket.timeout:
        pass
    s.close()
    return out


def replies(out, heads, strict=False):
    """out split into (status line, [(name, value)], body), one per request; heads: which
    requests were HEADs (no body whatever Content-Length says).  strict: only replies whose
    body is all there."""
    got = []
    for head_only in heads:
        end = out.find(b"\r\n\r\n")
        if end < 0:
            break
        lines = out[:end].decode("latin-1").split("\r\n")
        fields = [tuple(line.split(": ", 1)) for line in lines[1:]]
        n = 0 if head_only or " 304 " in lines[0] else int(dict(fields).get("Content-Length", -1))
        if n < 0:  # HTTP/1.0 without keep-alive: the body runs to the close
            if strict:
                break
            n = len(out) - end - 4
        if strict and len(out) < end + 4 + n:
            break
        got.append((lines[0], fields, out[end + 4:end + 4 + n]))
        out = out[end + 4 + n:]
    return got, out


def req(path, version="1.1", method="GET", extra=""):
    return ("%s %s HTTP/%s\r\nHost: x\r\n%s\r\n" % (method, path, version, extra)).encode()


BASE = ["ETag", "Last-Modified", "Cache-Control", "Vary"]
CT = ["Content-Type"]
GZ = ["Content-Type", "Content-Encoding"]
cases = [
    ("HTTP/1.1 GET", req("/feeds/news.atom"), False, news,
     "HTTP/1.1 200 OK", BASE + CT + ["Date", "Content-Length"]),
    ("HTTP/1.1 GET, gzip", req("/feeds/news.atom", extra="Accept-Encoding: gzip\r\n"), False,
     news_gz, "HTTP/1.1 200 OK", BASE + GZ + ["Date", "Content-Length"]),
    ("HTTP/1.1 HEAD", req("/feeds/news.atom", method="HEAD"), True, b"",
     "HTTP/1.1 200 OK", BASE + CT + ["Content-Length", "Date"]),
    ("HTTP/1.1 HEAD, gzip", req("/feeds/news.atom", method="HEAD",
                                extra="Accept-Encoding: gzip\r\n"), True, b"",
     "HTTP/1.1 200 OK", BASE + GZ + ["Content-Length", "Date"]),
    ("HTTP/1.1 If-None-Match", req("/feeds/news.atom", extra="If-None-Match: %s\r\n"
                                   % h["etag"]), False, b"",
     "HTTP/1.1 304 Not Modified", BASE + ["Date"]),
    ("HTTP/1.1 If-Modified-Since", req("/feeds/news.atom", extra="If-Modified-Since: %s\r\n"
                                       % h["last-modified"]), False, b"",
     "HTTP/1.1 304 Not Modified", BASE + ["Date"]),
    ("HTTP/1.1 GET, heap body", req("/feeds/tiny.atom"), False, tiny_atom,
     "HTTP/1.1 200 OK", BASE + CT + ["Date", "Content-Length"]),
    ("HTTP/1.1 Connection: close", req("/feeds/news.atom", extra="Connection: close\r\n"),
     False, news, "HTTP/1.1 200 OK", BASE + CT + ["Date", "Content-Length", "Connection"]),
    ("HTTP/1.0 GET", req("/feeds/news.atom", "1.0"), False, news,
     "HTTP/1.0 200 OK", BASE + CT),
    ("HTTP/1.0 keep-alive", req("/feeds/news.atom", "1.0", extra="Connection: keep-alive\r\n"),
     False, news, "HTTP/1.0 200 OK", BASE + CT + ["Connection", "Content-Length"]),
    ("HTTP/1.0 If-None-Match", req("/feeds/news.atom", "1.0", extra="If-None-Match: %s\r\n"
                                   % h["etag"]), False, b"",
     "HTTP/1.0 304 Not Modified", BASE),
]
for what, data, head_only, body, status, names in cases:
    got, rest = replies(send(data, [head_only]), [head_only])
    ok(len(got) == 1 and rest == b"", "%s: one reply" % what)
    if not got:
        continue
    line, fields, b = got[0]
    eq(line, status, "%s: status line" % what)
    eq([k for k, _ in fields], names, "%s: headers, in evhttp's order" % what)
    eq(b, body, "%s: the body" % what)
    v = dict(fields)
    if "Content-Length" in v:
        eq(int(v["Content-Length"]), len(news_gz if "Content-Encoding" in v else news)
           if head_only else len(body), "%s: Content-Length" % what)
    ok(re.match(r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$",
                v.get("Date", "Thu, 01 Jan 1970 00:00:00 GMT")), "%s: Date" % what)
    eq(v["Vary"], "Accept-Encoding", "%s: Vary" % what)
    eq(v["ETag"], hgz["etag"] if "gzip" in data.decode() else
       ht["etag"] if b"tiny" in data else h["etag"], "%s: ETag" % what)

# pipelined, to a client whose receive buffer holds a fraction of one reply
seq = [(req("/feeds/news.atom"), False, news),
       (req("/feeds/news.atom", extra="Accept-Encoding: gzip\r\n"), False, news_gz),
       (req("/feeds/news.atom", method="HEAD"), True, b""),
       (req("/feeds/tiny.atom"), False, tiny_atom),
       (req("/feeds/news.atom", extra="If-None-Match: %s\r\n" % h["etag"]), False, b""),
       (req("/healthz"), False, None),
       (req("/feeds/news.atom"), False, news)]
# more than a socket's send buffer holds (tcp_wmem at most 4 MiB by default: 6 MB here), so
# that replies are left half written and the bufferevent sends the rest
seq = seq + [(req("/feeds/news.atom"), False, news), (req("/feeds/tiny.atom"), False, tiny_atom),
             (req("/feeds/news.atom", extra="Accept-Encoding: gzip\r\n"), False, news_gz)] * 400
for rounds in range(3):
    out = send(b"".join(r for r, _, _ in seq), [hd for _, hd, _ in seq], rcvbuf=2048, wait=0.5)
    got, rest = replies(out, [hd for _, hd, _ in seq])
    eq(len(got), len(seq), "pipelined to a slow reader, round %d: every reply" % rounds)
    bad = [i for i, ((_, _, body), g) in enumerate(zip(seq, got)) if body is not None and
           g[2] != body]
    ok(not bad, "pipelined, round %d: every body whole (not: %s)" % (rounds, bad[:5]))
    ok(rest == b"", "pipelined, round %d: nothing after them" % rounds)

# clients that reset their connection with replies in flight
for _ in range(20):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    s.connect(("127.0.0.1", d.port))
    s.sendall(req("/feeds/news.atom") * 20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
time.sleep(0.3)
ok(d.proc.poll() is None, "the daemon lives after clients reset mid-reply")
eq(d.feed("news")[2], news, "and serves the feed")


def counts():
    _, _, m = d.request("/metrics")
    return {c: int(v) for c, v in re.findall(rb'feedd_http_responses_total\{code="(\w+)"\} (\d+)',
                                             m)}


before = counts()
send(req("/feeds/news.atom") * 5 + req("/feeds/news.atom", extra="If-None-Match: %s\r\n"
                                       % h["etag"]) * 3 + req("/feeds/none.atom"), [False] * 9)
after = counts()
eq(after[b"200"] - before[b"200"], 5 + 1, "/metrics: 5 more 200s (and its own)")
eq(after[b"304"] - before[b"304"], 3, "/metrics: 3 more 304s")
eq(after[b"404"] - before[b"404"], 1, "/metrics: 1 more 404")
ok(d.proc.poll() is None, "the daemon is alive")
d.cleanup()
done()
