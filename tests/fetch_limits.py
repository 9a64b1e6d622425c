"""The fetch limits hold where transfers wait (feedd's per-host queues, not libcurl's): against
a slow loopback origin, max_per_host caps how many of one host's fetches run at once, max_parallel
caps them all, and a SIGHUP that changes either applies to the transfers that start after it.  A
SIGHUP that removes feeds cancels their transfers, waiting or running, and the others go on."""
import http.server
import signal
import socketserver
import threading
import time

from daemonlib import Daemon
from testlib import done, eq, ok

RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://x/</link>'
       b"<description>d</description><item><title>one</title><guid>g1</guid></item>"
       b"</channel></rss>")
lock = threading.Lock()
state = {"now": 0, "most": 0, "asked": []}


class Slow(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
            state["asked"].append((time.time(), self.path))
        time.sleep(0.6)
        with lock:
            state["now"] -= 1
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(RSS)))
            self.end_headers()
            self.wfile.write(RSS)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the daemon stopped mid-answer


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Slow)
threading.Thread(target=srv.serve_forever, daemon=True).start()
base = "http://127.0.0.1:%d" % srv.server_address[1]
FEEDS = "".join("[feed f%d]\nplugin = feed\nsource = %s/%d.xml\ninterval = 1s\n" % (i, base, i)
                for i in range(8))


def most_at_once(seconds):
    with lock:
        state["most"] = state["now"]
    time.sleep(seconds)
    with lock:
        return state["most"]


d = Daemon()
d.write_config(FEEDS, "max_parallel = 8\nmax_per_host = 1\n")
ok(d.start(), "ready")
eq(most_at_once(4), 1, "max_per_host = 1: one fetch of the host at a time")

d.write_config(FEEDS, "max_parallel = 8\nmax_per_host = 3\n")
d.signal(signal.SIGHUP)
ok(d.wait_for(lambda: "max_per_host is now 3" in d.logtext(), 10), "reload logged")
time.sleep(1.5)  # the transfers admitted under the old limit finish
eq(most_at_once(4), 3, "after SIGHUP, max_per_host = 3: three at a time")

d.write_config(FEEDS, "max_parallel = 2\nmax_per_host = 3\n")
d.signal(signal.SIGHUP)
ok(d.wait_for(lambda: "max_parallel is now 2" in d.logtext(), 10), "reload logged")
time.sleep(1.5)
eq(most_at_once(4), 2, "after SIGHUP, max_parallel = 2 caps them below max_per_host")

# six of the eight feeds go, with transfers of theirs running and more waiting behind them
d.write_config(FEEDS[:FEEDS.index("[feed f2]")], "max_parallel = 2\nmax_per_host = 3\n")
d.signal(signal.SIGHUP)
ok(d.wait_for(lambda: "feed f7: removed" in d.logtext(), 10), "reload logged")
time.sleep(1)  # what the origin was still answering
since = time.time()
time.sleep(3)
with lock:
    asked = sorted(set(p for t, p in state["asked"] if t >= since))
eq(asked, ["/0.xml", "/1.xml"], "after the feeds went, only the two left are fetched")
ok(d.proc.poll() is None, "the daemon runs on")
eq(d.stop(), 0, "stops")
d.cleanup()
srv.shutdown()
done()
