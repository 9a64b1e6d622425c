"""SIGTERM while a state save blocks (NAME.state.tmp is a FIFO nobody reads: open() waits for a
reader): feedd waits for it a bounded time (EXIT_SAVE_WAIT_MS, 10 s), then exits 0 all the
same, naming in its log the feed whose save it abandoned; that feed's state file is the one its
last finished save wrote (a save replaces it only by a rename of a whole temporary file)."""
import os
import signal
import subprocess
import time

from daemonlib import Daemon
from testlib import done, eq, ok


def entries(d, name):
    s, _, body = d.feed(name)
    return body.count(b"<entry>") if s == 200 else -1


d = Daemon()
os.makedirs(d.dir, exist_ok=True)
src = os.path.join(d.dir, "slow.txt")
with open(src, "w") as f:
    f.write("delta\necho\n")
d.write_config("[feed slow]\nplugin = lines\nsource = %s\ninterval = 1s\n" % src)
ok(d.start(), "daemon ready")
ok(d.wait_for(lambda: entries(d, "slow") == 2, 15), "the feed is served, so its state is saved")
eq(d.stop(), 0, "a first run exits 0")
state = os.path.join(d.state, "slow.state")
with open(state, "rb") as f:
    before = f.read()
ok(before.startswith(b"feedd-state 1\n") and before.count(b"\nentry\t") == 2,
   "the first run's state holds both entries")

tmp = state + ".tmp"
os.mkfifo(tmp, 0o600)
with open(src, "a") as f:
    f.write("foxtrot\n")
ok(d.start(), "daemon ready again")
ok(d.wait_for(lambda: entries(d, "slow") == 2, 15), "the saved entries are served")
time.sleep(2.5)  # the changed file is fetched (every second) and its save waits on the FIFO
eq(entries(d, "slow"), 2, "the new entry is not served: its save has not finished")
t0 = time.time()
d.proc.send_signal(signal.SIGTERM)
try:
    rc = d.proc.wait(25)
except subprocess.TimeoutExpired:
    rc = None
took = time.time() - t0
eq(rc, 0, "SIGTERM while a save blocks: the daemon exits 0")
ok(rc is not None and 9 <= took <= 15,
   "after waiting about 10 s for the save (%.1f s)" % took)
log = d.logtext()
ok("exiting: the save of feed slow abandoned after 10 s" in log,
   "the log says which feed's save was abandoned")
with open(state, "rb") as f:
    eq(f.read() == before, True, "its state file is the one the last finished save wrote")
ok(os.path.exists(tmp), "the temporary file (the FIFO) was never renamed over it")
d.proc = None if rc is not None else d.proc
if d.proc is None:
    d.notify.close()
    d.log.close()
d.cleanup()

done()
