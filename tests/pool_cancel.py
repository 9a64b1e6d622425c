"""A job cancelled while its worker still runs it (the feed's filter changed, or the feed went, on
a reload) is heard out without the old configuration: the entries its worker sends after the
reload are not run through the filter the reload freed.  With a thousand feeds the old
configuration's array of them is a mapping of its own, so that such a read faults (SIGSEGV) in
a plain build too; the sanitizer build reports a heap-use-after-free in filter_keeps."""
import os
import shutil
import signal
import tempfile
import time

from daemonlib import Daemon
from testlib import BUILDDIR, done, ok

SPIN = 3  # seconds the plugin spins before it answers

plugins = tempfile.mkdtemp(prefix="feedd-pool-cancel-")
os.chmod(plugins, 0o755)
shutil.copy(os.path.join(BUILDDIR, "tests", "plugins", ".libs", "evil.so"), plugins)
shutil.copy(os.path.join(BUILDDIR, "plugins", ".libs", "lines.so"), plugins)

d = Daemon()
with open(os.path.join(d.dir, "late.txt"), "w") as f:
    f.write("late %d\n" % SPIN)
with open(os.path.join(d.dir, "good.txt"), "w") as f:
    f.write("one\ntwo\n")
# enough feeds that the configuration's array of them is a mapping of its own, which the reload
# unmaps: a read of the old filter then faults in a plain build too
PAD = "".join("[feed p%d]\nplugin = lines\nsource = good.txt\ninterval = 1h\n" % i
              for i in range(1000))
GOOD = "[feed good]\nplugin = lines\nsource = good.txt\ninterval = 1h\n" + PAD
SERVER = "plugin_dir = %s\nworkers = 2\n" % plugins


def late(include):
    return "[feed late]\nplugin = evil\nsource = late.txt\ninterval = 1h\ninclude = %s\n" % include


def spinning():
    """The workers of this daemon that used 0.3 s of CPU since seen was taken."""
    now = {}
    for p in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % p, "rb") as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(b")") + 2:].split()
        if int(fields[1]) == d.proc.pid:
            now[p] = int(fields[11]) + int(fields[12])
    for p, t in now.items():
        seen.setdefault(p, t)
    return [p for p, t in now.items() if t - seen[p] >= 30]


def reload_while_spinning(config, what):
    """Reloads with config once a worker spins on the late feed's job."""
    seen.clear()
    spinning()
    ok(d.wait_for(spinning, 10), "%s: the late job runs" % what)
    d.write_config(config, SERVER)
    d.signal(signal.SIGHUP)
    time.sleep(SPIN + 2)  # the worker's answer comes in after the reload
    alive = d.proc.poll() is None
    ok(alive, "%s: the daemon lives after the cancelled job's answer (%s)"
       % (what, "running" if alive else "exit status %d" % d.proc.returncode))
    if not alive:
        log = d.logtext().splitlines()
        at = next((i for i, l in enumerate(log) if "ERROR:" in l), max(len(log) - 30, 0))
        print("".join("# " + l + "\n" for l in log[at:at + 30]))
        done()
    ok(d.request("/feeds/good.atom")[0] == 200, "%s: and serves" % what)


seen = {}
d.write_config(GOOD + late("evil"), SERVER)
ok(d.start(), "the daemon starts")
reload_while_spinning(GOOD + late("late"), "a filter changed")
# a job to cancel again: the feed's filter changes back, then the feed goes
d.write_config(GOOD + late("evil"), SERVER)
d.signal(signal.SIGHUP)
reload_while_spinning(GOOD, "the feed removed")
ok("AddressSanitizer" not in d.logtext(), "no sanitizer report")
d.cleanup()
shutil.rmtree(plugins)
done()
