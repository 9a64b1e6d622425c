"""SIGHUP and [server]: every key is either applied (base_url, export_dir, max_parallel,
max_per_host, max_connections) or named in one log line as taking a restart (listen, state_dir,
plugin_dir), and then the running value stays everywhere."""
import os
import signal

from daemonlib import Daemon, free_port
from testlib import done, eq, ok, valid_feed

d = Daemon()
page = os.path.join(d.dir, "page.txt")
with open(page, "w") as f:
    f.write("alpha\nbravo\n")
exp1, exp2 = os.path.join(d.dir, "exp1"), os.path.join(d.dir, "exp2")
state2 = os.path.join(d.dir, "state2")
FEED_A = "[feed a]\nplugin = lines\nsource = page.txt\ninterval = 1h\n"
FEED_B = "[feed b]\nplugin = lines\nsource = page.txt\ninterval = 1h\n"
d.write_config(FEED_A, "base_url = http://old.example\nexport_dir = %s\nmax_parallel = 4\n"
               "max_per_host = 2\nmax_connections = 50\n" % exp1)
ok(d.start(), "daemon ready")
ok(d.wait_for(lambda: d.feed("a")[0] == 200), "feed a served")
fa = valid_feed(d.feed("a")[2], "feed a before the reload")
eq(fa and fa["self"], ["http://old.example/feeds/a.atom"], "self link from the first base_url")

port = d.port
with open(d.conf, "w") as f:
    f.write("[server]\nlisten = 127.0.0.1:%d\nstate_dir = %s\nplugin_dir = %s\n"
            "base_url = http://new.example/\nexport_dir = %s\nmax_parallel = 2\n"
            "max_per_host = 1\nmax_connections = 60\n%s%s"
            % (free_port(), state2, d.dir, exp2, FEED_A, FEED_B))
d.signal(signal.SIGHUP)
ok(d.wait_message("RELOADING=1", 10) and d.wait_message("READY=1", 10), "reloaded")
log = d.logtext()
for key in ("listen", "state_dir", "plugin_dir"):
    lines = [l for l in log.splitlines() if "reload: " + key in l]
    ok(len(lines) == 1 and "restart" in lines[0],
       "%s: one log line says it takes a restart (%s)" % (key, lines))
for key in ("base_url", "export_dir", "max_parallel", "max_per_host", "max_connections"):
    lines = [l for l in log.splitlines() if "reload: " + key in l]
    ok(len(lines) == 1 and "restart" not in lines[0],
       "%s: applied, in one log line (%s)" % (key, lines))

# applied: base_url everywhere
ok(d.wait_for(lambda: b"http://new.example/feeds/a.atom" in d.feed("a")[2], 5),
   "the self link follows the new base_url")
fa = valid_feed(d.feed("a")[2], "feed a after the reload")
eq(fa and fa["self"], ["http://new.example/feeds/a.atom"], "exactly the new self link")
opml = d.request("/feeds.opml")[2].decode()
ok('xmlUrl="http://new.example/feeds/a.atom"' in opml and "old.example" not in opml,
   "OPML uses the new base_url")
index = d.request("/")[2].decode()
ok("http://new.example/feeds/a.atom" in index and "old.example" not in index,
   "the index uses the new base_url")
# applied: export_dir, made and filled at once
ok(d.wait_for(lambda: os.path.exists(os.path.join(exp2, "a.atom")) and
              os.path.exists(os.path.join(exp2, "b.atom")), 5), "the new export_dir is filled")
# applied: max_connections
m = d.request("/metrics")[2].decode()
ok("feedd_http_connections_max 60" in m, "the new max_connections is the cap")
# kept: state_dir, so the feed added in the same reload lives in the running one
ok(d.wait_for(lambda: d.feed("b")[0] == 200, 10), "a feed added in the same reload is served")
ok(os.path.exists(os.path.join(d.state, "b.state")), "its state is in the running state_dir")
ok(not os.path.exists(state2), "the new state_dir is not used")
# kept: listen
eq(d.port, port, "still the same port")
eq(d.request("/healthz")[0], 200, "still answering on the running address")
# a second reload of the same file names the same keys again, and changes nothing else
d.signal(signal.SIGHUP)
ok(d.wait_message("READY=1", 10), "reloaded again")
eq(len([l for l in d.logtext().splitlines() if "reload: state_dir" in l]), 2,
   "state_dir is named again: it still differs from the running one")
eq(len([l for l in d.logtext().splitlines() if "reload: base_url" in l]), 1,
   "base_url is not named again: it is the running one now")
eq(d.stop(), 0, "exits 0")
d.cleanup()
done()
