"""Two daemons never share a state_dir: the second refuses to start, naming the process that
holds it, and the first goes on serving; once the holder is gone (stopped, or killed -9) the
state_dir is free again."""
import os
import signal
import subprocess

from daemonlib import Daemon
from testlib import FEEDD_CMD, done, eq, ok

a = Daemon()
with open(os.path.join(a.dir, "src.txt"), "w") as f:
    f.write("one line\n")
FEEDS = "[feed f]\nplugin = lines\nsource = %s\ninterval = 1h\n" % os.path.join(a.dir, "src.txt")
a.write_config(FEEDS)
ok(a.start(), "the first daemon is ready")
ok(a.wait_for(lambda: a.feed("f")[0] == 200), "and serves")

b = Daemon()
b.state = a.state
b.write_config(FEEDS)
p = subprocess.run(FEEDD_CMD + ["-c", b.conf], capture_output=True, timeout=30)
err = p.stderr.decode()
ok(p.returncode != 0, "a second daemon on the same state_dir exits non-zero")
ok(("state_dir %s is used by another feedd (pid %d)" % (a.state, a.proc.pid)) in err,
   "saying which process holds it (%r)" % err.strip()[-200:])
eq(a.feed("f")[0], 200, "the first one goes on serving")

eq(a.stop(), 0, "the first one exits 0")
ok(b.start(), "once it is gone the second one starts")
ok(b.wait_for(lambda: b.feed("f")[0] == 200), "and serves")
b.proc.send_signal(signal.SIGKILL)
b.proc.wait()
b.proc = None
b.notify.close()
b.log.close()
c = Daemon()
c.state = a.state
c.write_config(FEEDS)
ok(c.start(), "after a kill -9 the state_dir is free at once")
eq(c.stop(), 0, "exits 0")
for d in (a, b, c):
    d.cleanup()
done()
