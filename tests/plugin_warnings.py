"""Plugin warnings: a message a plugin reports in a run that succeeds reaches the log (once
while it repeats) and /healthz (the feed's last warning); when a run fails, the error shown
is the last message, so an early warning never masks the real error."""
import json
import os
import subprocess

from daemonlib import Daemon
from testlib import BUILDDIR, FEEDD_CMD, done, eq, ok

PLUGINS = os.path.abspath(os.path.join(BUILDDIR, "tests", "plugins", ".libs"))
d = Daemon()
src = os.path.join(d.dir, "in.txt")


def put(text):
    with open(src + ".new", "w") as f:
        f.write(text)
    os.rename(src + ".new", src)


def feed_health():
    return json.loads(d.request("/healthz")[2])["feeds"]["w"]


put("warn line 3\n")
d.write_config("[feed w]\nplugin = testplugin\nsource = in.txt\ninterval = 1s\n",
               "plugin_dir = %s\n" % PLUGINS)
ok(d.start(), "daemon ready")
h = d.wait_for(lambda: (lambda x: x if x.get("warning") else None)(feed_health()), 10)
eq(h and h["warning"], "testplugin: a warning about  line 3", "/healthz shows the warning")
eq(h and h["last_error"], None, "a warning is not an error")
ok(d.wait_for(lambda: d.feed("w")[0] == 200), "the feed is served")
d.wait_for(lambda: False, 2.5)  # two more runs with the same warning
eq(d.logtext().count("a warning about  line 3"), 1, "the log has it once while it repeats")

put("fail\n")
h = d.wait_for(lambda: (lambda x: x if x.get("last_error") else None)(feed_health()), 10)
eq(h and h["last_error"], "testplugin: the real error", "the real error is shown, not the "
   "early warning")
ok("testplugin: the real error" in d.logtext(), "the real error is logged")

put("fine\n")
h = d.wait_for(lambda: (lambda x: x if x.get("last_error") is None else None)(feed_health()), 10)
eq(h and h.get("warning", "missing"), None, "a clean run shows no warning")
eq(d.stop(), 0, "exits 0")

env = dict(os.environ, FEEDD_PLUGIN_DIR=PLUGINS)
put("fail\n")
for worker in ([], ["-w"]):
    p = subprocess.run(FEEDD_CMD + ["convert"] + worker + ["-p", "testplugin", src], env=env,
                       capture_output=True)
    err = p.stderr.decode()
    ok(p.returncode == 1 and "the real error" in err and "early warning" not in err,
       "convert %sreports the real error (%r)" % ("-w " if worker else "", err))
d.cleanup()
done()
