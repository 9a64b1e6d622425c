"""A 304 changes nothing: after an RSS origin answers Not Modified, the feed keeps its title,
link, author and subtitle, serves the same bytes under the same ETag, and its state file is not
rewritten."""
import http.server
import os
import threading

from daemonlib import Daemon
from testlib import done, eq, ok, valid_feed

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>My Blog</title><link>http://blog.example/</link>
<description>Notes from the harbour</description><dc:creator>Ana Ruiz</dc:creator>
<item><title>First post</title><link>http://blog.example/1</link><guid>p1</guid>
<description>One</description></item>
<item><title>Second post</title><link>http://blog.example/2</link><guid>p2</guid>
<description>Two</description></item>
</channel></rss>
"""
answers = []


class Origin(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.headers.get("If-None-Match") == '"r1"':
            answers.append(304)
            self.send_response(304)
            self.send_header("ETag", '"r1"')
            self.end_headers()
            return
        answers.append(200)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("ETag", '"r1"')
        self.send_header("Content-Length", str(len(RSS)))
        self.end_headers()
        self.wfile.write(RSS)

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Origin)
threading.Thread(target=srv.serve_forever, daemon=True).start()
d = Daemon()
d.write_config("[feed blog]\nplugin = feed\nsource = http://127.0.0.1:%d/rss\ninterval = 1s\n"
               % srv.server_address[1])
ok(d.start(), "daemon ready")
ok(d.wait_for(lambda: d.feed("blog")[0] == 200), "the feed is served after the 200")
_, h1, b1 = d.feed("blog")
f1 = valid_feed(b1, "feed after the 200")
eq(f1 and f1["title"], "My Blog", "after the 200 the feed has the channel title")
state = os.path.join(d.state, "blog.state")
st1 = os.stat(state)
data1 = open(state, "rb").read()

n = len(answers)
ok(d.wait_for(lambda: answers.count(304) >= 3 and len(answers) >= n + 3, 20),
   "the origin answered 304 three times")
d.wait_for(lambda: False, 0.5)  # the last 304 is handled
_, h2, b2 = d.feed("blog")
f2 = valid_feed(b2, "feed after the 304s")
eq(f2 and f2["title"], "My Blog", "a 304 keeps the title")
eq(f2 and f2.get("link"), f1 and f1.get("link"), "a 304 keeps the link")
eq(f2 and f2.get("author"), f1 and f1.get("author"), "a 304 keeps the author")
eq(f2 and f2.get("subtitle"), f1 and f1.get("subtitle"), "a 304 keeps the subtitle")
eq(f2 and len(f2["entries"]), 2, "a 304 keeps the entries")
ok(b2 == b1, "a 304 keeps the served bytes")
eq(h2.get("etag"), h1.get("etag"), "a 304 keeps the ETag")
s, _, _ = d.request("/feeds/blog.atom", headers={"If-None-Match": h1.get("etag", "")})
eq(s, 304, "a reader holding the first ETag still gets 304")
st2 = os.stat(state)
eq((st2.st_ino, st2.st_mtime_ns), (st1.st_ino, st1.st_mtime_ns), "a 304 writes no state")
ok(open(state, "rb").read() == data1, "the state file is unchanged")
eq(d.stop(), 0, "exits 0")
d.cleanup()
srv.shutdown()
done()
