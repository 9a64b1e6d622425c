"""An http source is not fetched more often than min_interval (default 60 s): a shorter
interval is raised to it, with a FILE:LINE warning from `feedd -n` and in the log; file
sources have no floor, and [server] min_interval lowers it."""
import http.server
import os
import threading
import time

from daemonlib import Daemon
from testlib import done, eq, ok, run

hits = []


class Origin(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        hits.append(time.time())
        body = b"one\ntwo\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Origin)
threading.Thread(target=srv.serve_forever, daemon=True).start()
d = Daemon()
with open(os.path.join(d.dir, "src.txt"), "w") as f:
    f.write("one line\n")
FEEDS = ("[feed web]\nplugin = lines\nsource = http://127.0.0.1:%d/\ninterval = 1s\n"
         "[feed local]\nplugin = lines\nsource = src.txt\ninterval = 1s\n" % srv.server_address[1])

d.write_config(FEEDS, "min_interval = 1m")
p = run(["-n", "-c", d.conf])
err = p.stderr.decode().strip().splitlines()
eq((p.returncode, p.stdout), (0, b"configuration OK\n"), "-n: a short interval is not an error")
eq(err, ["%s:8: feed web: interval 1s is below min_interval (60s) for an http source; 60s is "
         "used" % d.conf], "-n warns once, with FILE:LINE, for the http source alone")

d.write_config(FEEDS, "min_interval = often")
p = run(["-n", "-c", d.conf])
ok(p.returncode != 0 and p.stderr.decode().startswith("%s:4: min_interval" % d.conf),
   "a bad min_interval is refused with its line")

d.write_config(FEEDS, "min_interval = 3s")
ok(d.start(), "ready")
ok(d.wait_for(lambda: d.feed("web")[0] == 200), "served")
first = len(hits)
time.sleep(7)
n = len(hits) - first
ok(1 <= n <= 3, "with interval 1s and min_interval 3s, %d fetches in 7 s (1 s apart: 7)" % n)
gaps = [b - a for a, b in zip(hits, hits[1:])]
ok(gaps and min(gaps) >= 2.5, "no two fetches less than 3 s - 10%% apart (%s)"
   % ["%.1f" % g for g in gaps])
ok("feed web: interval 1s is below min_interval (3s)" in d.logtext(), "the log says so")
ok("feed local: interval" not in d.logtext(), "a file source has no floor")
eq(d.stop(), 0, "exits 0")
d.cleanup()
srv.shutdown()
done()
