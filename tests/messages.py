"""Errors that say what went wrong: a plugin's warnings and the entries the host drops (feedd
convert, -v), the html plugin's item XPath that matches nothing and dates that do not parse, a
plugin name that does not exist, a feed whose fetch failed (502 with the error, not "not
fetched yet") and /healthz's status, computed from the feeds."""
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading

from daemonlib import Daemon
from testlib import BUILDDIR, FEEDD_CMD, SAMPLE, convert, done, eq, ok, run, valid_feed

tmp = tempfile.mkdtemp(prefix="feedd-messages-")


def lines(b):
    return [l for l in b.decode().split("\n") if l]


# ---- convert: warnings always, drops with -v ----
pdir = os.path.join(tmp, "plugins")
os.mkdir(pdir, 0o755)
os.chmod(pdir, 0o755)
shutil.copy(os.path.join(BUILDDIR, "tests", "plugins", ".libs", "linkplugin.so"), pdir)
env = dict(os.environ, FEEDD_PLUGIN_DIR=pdir)
script = b"- -\n!first warning\n!second warning\nnoid\n- -\n"
p = subprocess.run(FEEDD_CMD + ["convert", "-p", "linkplugin"], env=env, input=script,
                   capture_output=True)
eq((p.returncode, lines(p.stderr)), (0, ["feedd convert: warning: second warning"]),
   "a plugin's warning (its last message) is on stderr, once, and the feed is written")
ok(p.stdout.count(b"<entry>") == 2, "the two entries with an id key are in the feed")
p = subprocess.run(FEEDD_CMD + ["convert", "-v", "-p", "linkplugin"], env=env, input=script,
                   capture_output=True)
err = p.stderr.decode()
ok(p.returncode == 0 and "says: first warning" in err and "says: second warning" in err,
   "-v: every warning: %r" % err)
ok("entry 2 (line 2) dropped: it is an entry without an id key" in err,
   "-v: the entry dropped for its empty id key, by position and title")
ok("linkplugin gave 3 entries, 1 dropped" in err, "-v: what the plugin gave")
p = convert(["-v", "-p", "lines"], stdin=b"alpha\nbeta\nalpha\n")
err = p.stderr.decode()
ok("entry 3 (alpha) dropped: its id key repeats an earlier entry's" in err,
   "-v: the entry dropped for a repeated id key: %r" % err)
ok(p.stdout.count(b"<entry>") == 2, "and the feed has the other two")
p = convert(["-p", "lines"], stdin=b"alpha\nbeta\nalpha\n")
eq(p.stderr, b"", "without -v, a run with nothing to warn about says nothing")

# ---- html: an item XPath that matches nothing, dates that do not parse ----
page = os.path.join(tmp, "page.html")
with open(page, "w") as f:
    f.write("<html><body><article><h2>a</h2><time>yesterday</time></article>"
            "<article><h2>b</h2><time>2026-01-01</time></article></body></html>")
p = convert(["-p", "html", "-s", "item=//articel", page])
eq((p.returncode, lines(p.stderr)),
   (0, ["feedd convert: warning: html: item '//articel' matched nothing in the page"]),
   "html: an item XPath matching nothing says so")
valid_feed(p.stdout, "html, nothing matched")
p = convert(["-p", "html", "-s", "item=//article", "-s", "title=.//h2", "-s", "date=.//time",
             page])
eq(lines(p.stderr), ["feedd convert: warning: html: 1 of 2 dates are not ISO 8601 or RFC 822 "
                     "(set date_format), e.g. 'yesterday'"], "html: dates that do not parse")
ok(p.stdout.count(b"<entry>") == 2, "both entries are still there")
p = convert(["-p", "html", "-s", "item=//article", "-s", "date=.//time", "-s",
             "date_format=%d.%m.%Y", page])
ok("2 of 2 dates do not match date_format '%d.%m.%Y', e.g. 'yesterday'" in p.stderr.decode(),
   "html: dates that do not match date_format: %r" % p.stderr)
p = convert(["-p", "html", "-s", "item=//article", "-s", "date=.//time[2]", page])
eq(p.stderr, b"", "html: no warning when every date given parses (none here)")

# ---- a plugin name that does not exist ----
p = convert(["-p", "csv", SAMPLE])
eq(lines(p.stderr)[-1:] and lines(p.stderr)[-1].endswith(
    "no plugin named 'csv' in %s (there are: feed, html, lines, textdump)"
    % os.environ.get("FEEDD_PLUGIN_DIR", "")), True,
   "convert: a typo'd plugin name lists the plugins there are: %r" % p.stderr)
conf = os.path.join(tmp, "typo.conf")
with open(conf, "w") as f:
    f.write("[server]\nstate_dir = %s/state\n[feed x]\nplugin = csv\nsource = %s\n"
            % (tmp, SAMPLE))
p = run(["-n", "-c", conf])
eq((p.returncode, lines(p.stderr)),
   (1, ["%s:4: no plugin named 'csv' (there are: feed, html, lines, textdump)" % conf]),
   "-n: a typo'd plugin name lists the plugins there are")


# ---- the daemon: a feed that fails, /healthz ----
class Origin(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Origin)
threading.Thread(target=srv.serve_forever, daemon=True).start()
d = Daemon()
shutil.copy(SAMPLE, os.path.join(d.dir, "page.txt"))
d.write_config("[feed good]\nplugin = textdump\nsource = page.txt\ninterval = 1h\n")
ok(d.start(), "a daemon with one good feed starts")
s, _, body = d.request("/healthz")
eq((s, json.loads(body)["status"]), (200, "ok"), "/healthz: 200 ok before the first fetch")
ok(d.wait_for(lambda: d.request("/feeds/good.atom")[0] == 200), "the good feed is served")
s, _, body = d.request("/healthz")
eq((s, json.loads(body)["status"]), (200, "ok"), "/healthz: 200 ok while every feed is fine")
d.stop()
d.write_config("[feed good]\nplugin = textdump\nsource = page.txt\ninterval = 1h\n"
               "[feed gone]\nplugin = feed\nsource = http://127.0.0.1:%d/feed.xml\n"
               "interval = 1h\n" % srv.server_address[1])
ok(d.start(), "the daemon starts with a feed whose source 404s")
got = d.wait_for(lambda: (lambda r: r if r[0] != 503 else None)(d.request("/feeds/gone.atom")))
status, headers, body = got or (None, {}, b"")
eq(status, 502, "a feed whose fetch failed is a 502, not 503 Feed Not Fetched Yet")
ok(b"404" in body and b"feed gone:" in body, "its body says what failed: %r" % body)
ok(int(headers.get("retry-after", "0")) > 60, "Retry-After is the next fetch, not 5 s: %r"
   % headers.get("retry-after"))
s, _, body = d.request("/healthz")
h = json.loads(body)
eq((s, h["status"]), (503, "degraded"), "/healthz: 503 degraded while a feed fails")
ok(h["feeds"]["gone"]["last_error"] and h["feeds"]["good"]["last_error"] is None,
   "/healthz says which")
eq(d.request("/healthz", method="HEAD")[0], 503, "HEAD /healthz: the same status")
d.cleanup()
srv.shutdown()
shutil.rmtree(tmp)
done()
