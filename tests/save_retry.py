"""A failed state save strands nothing: the feed stays dirty and the save is retried with a
backoff, logged once per failure streak and shown on /healthz and /metrics as a store error;
the new entries are served as soon as a save succeeds and not before."""
import http.server
import json
import os
import shutil
import threading

from daemonlib import Daemon
from testlib import done, eq, ok, valid_feed

lines = ["alpha", "bravo", "charlie"]


class Origin(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = ("\n".join(lines) + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def served():
    s, _, body = d.feed("x")
    return body.count(b"<entry>") if s == 200 else -1


def health():
    return json.loads(d.request("/healthz")[2])


def metric(name):
    for l in d.request("/metrics")[2].decode().splitlines():
        if l.startswith(name + '{feed="x"') and not l.startswith("#"):
            return float(l.split()[-1])
    return None


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Origin)
threading.Thread(target=srv.serve_forever, daemon=True).start()
d = Daemon()
d.write_config("[feed x]\nplugin = lines\nsource = http://127.0.0.1:%d/x\ninterval = 1s\n"
               % srv.server_address[1])
ok(d.start(), "daemon ready")
ok(d.wait_for(lambda: served() == 3), "three entries served")

# the state file's name becomes a folder that is not empty: every rename onto it fails
state = os.path.join(d.state, "x.state")
os.unlink(state)
os.mkdir(state)
open(os.path.join(state, "block"), "w").close()
lines += ["delta", "echo"]
h = d.wait_for(lambda: (lambda j: j if j["feeds"]["x"].get("store_error") else None)(health()), 10)
ok(h is not None, "/healthz shows the store error")
if h:
    ok(h["status"] != "ok", "/healthz status is not ok while a state cannot be saved (%s)"
       % h["status"])
    eq(h["feeds"]["x"]["entries"], 3, "/healthz counts the entries served, not those in memory")
eq(served(), 3, "entries that are not saved are not served")
eq(metric("feedd_feed_store_error"), 1.0, "/metrics shows the store error")
eq(metric("feedd_feed_entries"), 3.0, "/metrics counts the entries served")
d.wait_for(lambda: False, 4)  # retries at about 1, 2, 4 s
ok((metric("feedd_feed_save_failures_total") or 0) >= 2, "the save is retried (%s failures)"
   % metric("feedd_feed_save_failures_total"))
eq(served(), 3, "still nothing served before it is saved")
eq(d.logtext().count("cannot save"), 1, "one log line for the failure streak")

shutil.rmtree(state)
ok(d.wait_for(lambda: served() == 5, 20), "the five entries are served once a save succeeds")
h = health()
eq(h["feeds"]["x"].get("store_error", "missing"), None, "/healthz: the store error is gone")
eq(h["status"], "ok", "/healthz status is ok again")
eq(h["feeds"]["x"]["entries"], 5, "/healthz counts five")
eq(metric("feedd_feed_store_error"), 0.0, "/metrics: the store error is gone")
ok("saved again" in d.logtext(), "the recovery is logged")
ok(os.path.isfile(state), "the state file is back")
f = valid_feed(d.feed("x")[2], "feed after the retry")
eq(d.stop(), 0, "exits 0")
d.cleanup()
srv.shutdown()
done()
