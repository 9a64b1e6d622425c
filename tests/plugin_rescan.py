"""SIGHUP looks at plugin_dir again: a plugin installed after the start can be used by a reload
(before, the reload was refused with "no plugin named ..." though `feedd -n` had said OK); an
unchanged plugin_dir changes nothing, and feeds keep being served across both."""
import os
import shutil
import signal

from daemonlib import Daemon
from testlib import BUILDDIR, SAMPLE, done, eq, ok, run

LIBS = os.path.join(BUILDDIR, "plugins", ".libs")
d = Daemon()
pdir = os.path.join(d.dir, "plugins")
os.mkdir(pdir, 0o755)
shutil.copy(os.path.join(LIBS, "lines.so"), pdir)
with open(os.path.join(d.dir, "src.txt"), "w") as f:
    f.write("alpha\nbravo\n")
A = "[feed a]\nplugin = lines\nsource = src.txt\ninterval = 1h\n"
B = "[feed b]\nplugin = textdump\nsource = %s\ninterval = 1h\n" % SAMPLE
d.write_config(A, "plugin_dir = %s" % pdir)
ok(d.start(), "ready with lines alone")
ok(d.wait_for(lambda: d.feed("a")[0] == 200), "a is served")
_, h1, body_a = d.feed("a")

d.signal(signal.SIGHUP)
ok(d.wait_message("READY=1", 20), "a reload with nothing new")
ok("plugin_dir" not in d.logtext() and "configuration changed" not in d.logtext(),
   "changes nothing: no plugin_dir line, no feed reopened")

shutil.copy(os.path.join(LIBS, "textdump.so"), pdir)
d.write_config(A + B, "plugin_dir = %s" % pdir)
eq(run(["-n", "-c", d.conf]).stdout, b"configuration OK\n", "-n sees the new plugin")
d.signal(signal.SIGHUP)
ok(d.wait_message("READY=1", 20), "reloaded")
log = d.logtext()
ok("reload refused" not in log, "the reload is not refused (%s)" % log.strip().splitlines()[-1])
ok("plugins now lines, textdump" in log, "the log names the plugins now there")
ok(d.wait_for(lambda: d.feed("b")[0] == 200), "the feed using the new plugin is served")
ok(d.wait_for(lambda: d.feed("a")[0] == 200 and d.feed("a")[2] == body_a),
   "the old feed is served as before")
st = d.request("/healthz")
eq(st[0], 200, "/healthz is ok")

os.unlink(os.path.join(pdir, "textdump.so"))
d.signal(signal.SIGHUP)
ok(d.wait_message("READY=1", 20), "a reload after the plugin went")
ok(d.logtext().count("reload refused") == 1, "is refused, as b's plugin is gone")
ok(d.feed("b")[0] == 200 and d.feed("a")[0] == 200, "and both feeds go on being served")
eq(d.stop(), 0, "exits 0")
d.cleanup()
done()
