"""The daemon keeps at most max_entries of a feed's entries at any moment, never the whole
document's worth: a plugin with 1,000,000 entries of 4 KiB (4 GB of text) to give, on a feed of
max_entries = 10, with and without a filter dropping nine in ten, is served its 10 entries while
the daemon and its worker stay small."""
import os
import re
import shutil
import tempfile

from daemonlib import Daemon
from testlib import BUILDDIR, done, eq, ok

SANITIZERS = os.environ.get("FEEDD_SANITIZERS") == "yes"
LIMIT = 64  # MiB of peak RSS, daemon and worker each; the text is 4 GB

plugins = tempfile.mkdtemp(prefix="feedd-bound-plugins-")
os.chmod(plugins, 0o755)
shutil.copy(os.path.join(BUILDDIR, "tests", "plugins", ".libs", "evil.so"), plugins)

d = Daemon()
with open(os.path.join(d.dir, "many.txt"), "w") as f:
    f.write("many 1000000\n")
d.write_config("[feed plain]\nplugin = evil\nsource = many.txt\ninterval = 1h\nmax_entries = 10\n"
               "[feed filtered]\nplugin = evil\nsource = many.txt\ninterval = 1h\n"
               "max_entries = 10\nexclude = ^evil:[0-9]*[1-9]$\n",
               "plugin_dir = %s\nworkers = 1\nplugin_timeout = 60s\nplugin_memory = 512M\n"
               % plugins)
ok(d.start(), "the daemon starts")


def titles(name):
    s, _, body = d.feed(name)
    return re.findall(rb"<title>(evil:[0-9]+)</title>", body) if s == 200 else []


def peak(pid):
    """VmHWM of pid in MiB (0 if gone)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def worker_pids():
    out = []
    for p in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                if plugins.encode() in f.read():
                    out.append(int(p))
        except (OSError, ValueError):
            pass
    return out


ok(d.wait_for(lambda: len(titles("plain")) == 10 and len(titles("filtered")) == 10, 60),
   "both feeds are served")
eq(titles("plain"), [b"evil:%d" % i for i in range(10)], "plain: its first 10 entries")
eq(titles("filtered"), [b"evil:%d" % (i * 10) for i in range(10)],
   "filtered: the first 10 the filter keeps")
if not SANITIZERS:  # their shadow memory makes RSS meaningless
    ok(peak(d.proc.pid) < LIMIT, "the daemon's peak RSS %d MiB < %d MiB" % (peak(d.proc.pid), LIMIT))
    ws = worker_pids()
    ok(ws and all(peak(w) < LIMIT for w in ws),
       "the worker's peak RSS %s MiB < %d MiB" % ([peak(w) for w in ws], LIMIT))
eq(d.stop(), 0, "the daemon exits 0")
shutil.rmtree(plugins)
done()
