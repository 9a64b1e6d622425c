"""The host's services reach a plugin (feedd_plugin.bind): its date parser and URL resolver,
the ones the bundled plugins use, in `feedd convert` in-process and through a worker, and in
the daemon's workers."""
import calendar
import os
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

from daemonlib import Daemon
from testlib import BUILDDIR, FEEDD_CMD, done, eq, ok

A = "{http://www.w3.org/2005/Atom}"
tmp = tempfile.mkdtemp(prefix="feedd-services-")
pdir = os.path.join(tmp, "plugins")
os.mkdir(pdir, 0o755)
os.chmod(pdir, 0o755)
shutil.copy(os.path.join(BUILDDIR, "tests", "plugins", ".libs", "svcplugin.so"), pdir)
env = dict(os.environ, FEEDD_PLUGIN_DIR=pdir)
src = os.path.join(tmp, "in.txt")
CASES = [("Tue, 01 Dec 2026 08:39:31 GMT", "https://example.org/a/b/", "../c?d=1",
          calendar.timegm((2026, 12, 1, 8, 39, 31)), "https://example.org/a/c?d=1"),
         ("2026-12-01T09:39:31+01:00", "https://example.org/x", "  /top#f ",
          calendar.timegm((2026, 12, 1, 8, 39, 31)), "https://example.org/top#f"),
         ("not a date", "http://h.example/p/q", "//other.example/r",
          0, "http://other.example/r")]
with open(src, "w") as f:
    for date, base, href, _, _ in CASES:
        f.write("%s|%s|%s\n" % (date, base, href))
want = ["date=%d url=%s" % (t, u) for _, _, _, t, u in CASES]


def summaries(atom):
    root = ET.fromstring(atom)
    return [e.find(A + "summary").text for e in root.iter(A + "entry")]


for what, extra in (("in-process", []), ("through a worker", ["-w"])):
    p = subprocess.run(FEEDD_CMD + ["convert"] + extra + ["-p", "svc", src], env=env,
                       capture_output=True)
    eq((p.returncode, p.stderr), (0, b""), "convert %s exits 0" % what)
    eq(p.returncode == 0 and summaries(p.stdout), want,
       "convert %s: the plugin got the host's dates and links" % what)

d = Daemon()
d.write_config("[feed s]\nplugin = svc\nsource = %s\ninterval = 1h\n" % src,
               "plugin_dir = %s" % pdir)
ok(d.start(), "the daemon is ready")
ok(d.wait_for(lambda: d.feed("s")[0] == 200), "the feed is served")
eq(summaries(d.feed("s")[2]), want, "the daemon's workers offer them too")
eq(d.stop(), 0, "exits 0")
d.cleanup()
shutil.rmtree(tmp)
done()
