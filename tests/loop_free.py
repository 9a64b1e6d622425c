"""The loop never waits on slow I/O: a file source that blocks (a FIFO with no writer: open()
waits for one) and a state save that blocks (its temporary file is a FIFO: open() waits for a
reader) hold a thread beside the loop, never the loop: /healthz and another feed keep
answering at once, and each feed goes on once its I/O does.  A structural check, not a timing
one: on a loop that does the I/O itself, the requests get no answer at all.  A big feed's
other format, first asked for, is written on that thread too (503 Retry-After 1 meanwhile)."""
import http.client
import os
import signal
import subprocess
import threading
import time

from daemonlib import Daemon
from testlib import SAMPLE, done, eq, ok


def quick(d, path):
    """status of path, or None if the daemon does not answer within 3 s."""
    try:
        c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=3)
        c.request("GET", path)
        s = c.getresponse().status
        c.close()
        return s
    except OSError:
        return None


def answers_throughout(d, seconds, what):
    end, n, bad = time.time() + seconds, 0, 0
    while time.time() < end:
        for path in ("/healthz", "/feeds/small.atom"):
            s = quick(d, path)
            n += 1
            bad += s is None or (path != "/healthz" and s != 200)
        time.sleep(0.05)
    eq(bad, 0, "%s: every one of %d requests answered at once" % (what, n))


def entries(d, name):
    s, _, body = d.feed(name)
    return body.count(b"<entry>") if s == 200 else -1


class Writer(threading.Thread):
    """Opens the FIFO for writing whenever someone reads it, once released."""

    def __init__(self, path, data):
        super().__init__(daemon=True)
        self.path, self.data, self.go, self.stop = path, data, threading.Event(), False

    def run(self):
        self.go.wait()
        while not self.stop:
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: no reader yet
                time.sleep(0.02)
                continue
            os.set_blocking(fd, True)
            try:
                os.write(fd, self.data)
            except OSError:
                pass
            os.close(fd)


# ---- a file source that blocks in open() ----
d = Daemon()
os.makedirs(d.dir, exist_ok=True)
fifo = os.path.join(d.dir, "source.fifo")
os.mkfifo(fifo)
w = Writer(fifo, b"alpha\nbravo\ncharlie\n")
w.start()
d.write_config("[feed small]\nplugin = textdump\nsource = %s\ninterval = 1h\n"
               "[feed slow]\nplugin = lines\nsource = %s\ninterval = 1s\n" % (SAMPLE, fifo))
ok(d.start(), "daemon ready")
ok(d.wait_for(lambda: entries(d, "small") > 0, 15), "the small feed is served")
time.sleep(1)  # the FIFO's fetch has started (the first fetches spread over a few ms here)
eq(quick(d, "/feeds/slow.atom"), 503, "the feed whose source blocks has nothing yet")
answers_throughout(d, 2, "while a file source blocks in open()")
w.go.set()
ok(d.wait_for(lambda: entries(d, "slow") == 3, 15), "the blocked source is served once written")
w.stop = True
d.cleanup()

# ---- SIGTERM while a file source blocks in open(): the daemon still exits 0 ----
d = Daemon()
os.makedirs(d.dir, exist_ok=True)
fifo = os.path.join(d.dir, "source.fifo")
os.mkfifo(fifo)  # nobody ever writes it
d.write_config("[feed small]\nplugin = textdump\nsource = %s\ninterval = 1h\n"
               "[feed stuck]\nplugin = lines\nsource = %s\ninterval = 1h\n" % (SAMPLE, fifo))
ok(d.start(), "daemon ready")
ok(d.wait_for(lambda: entries(d, "small") > 0, 15), "the small feed is served")
time.sleep(1)  # the FIFO's read has started and waits for a writer
d.proc.send_signal(signal.SIGTERM)
try:
    rc = d.proc.wait(10)
except subprocess.TimeoutExpired:
    rc = None
eq(rc, 0, "SIGTERM while a file source blocks: the daemon exits 0 (its reader is interrupted)")
d.cleanup()

# ---- two file sources that block in open() take both reader threads: their timeout ends them ----
d = Daemon()
os.makedirs(d.dir, exist_ok=True)
fifos = [os.path.join(d.dir, "stuck%d.fifo" % i) for i in (1, 2)]
for p in fifos:
    os.mkfifo(p)  # nobody ever writes them
plain = os.path.join(d.dir, "plain.txt")
with open(plain, "w") as f:
    f.write("one\n")
d.write_config("[feed stuck1]\nplugin = lines\nsource = %s\ninterval = 1h\ntimeout = 2s\n"
               "[feed stuck2]\nplugin = lines\nsource = %s\ninterval = 1h\ntimeout = 2s\n"
               "[feed plain]\nplugin = lines\nsource = %s\ninterval = 1s\n"
               % (fifos[0], fifos[1], plain))
ok(d.start(), "daemon ready")
ok(d.wait_for(lambda: entries(d, "plain") == 1, 15), "the plain file feed is served")
time.sleep(0.5)  # both FIFOs' reads have started: they hold the two reader threads
with open(plain, "a") as f:
    f.write("two\n")
t0 = time.time()
ok(d.wait_for(lambda: entries(d, "plain") == 2, 8),
   "a changed plain file feed is served within seconds while two FIFO sources block (%.1f s)"
   % (time.time() - t0))
def healthz_errors():
    s, _, body = d.request("/healthz")
    return body if b"timed out after 2 s" in body and body.count(b"timed out") >= 2 else None
ok(d.wait_for(healthz_errors, 8) is not None, "/healthz says both blocked reads timed out")
log = d.logtext()
for name in ("stuck1", "stuck2"):
    ok("feed %s: file read timed out after 2 s" % name in log,
       "the log has one line for %s's timeout" % name)
d.proc.send_signal(signal.SIGTERM)
try:
    rc = d.proc.wait(10)
except subprocess.TimeoutExpired:
    rc = None
eq(rc, 0, "and the daemon still exits 0")
d.cleanup()

# ---- a state save that blocks in open(): NAME.state.tmp is a FIFO nobody reads ----
d = Daemon()
os.makedirs(d.state, 0o700)
tmp = os.path.join(d.state, "slow.state.tmp")
os.mkfifo(tmp, 0o600)
d.write_config("[feed small]\nplugin = textdump\nsource = %s\ninterval = 1h\n"
               "[feed slow]\nplugin = lines\nsource = %s\ninterval = 1h\n"
               % (SAMPLE, os.path.join(d.dir, "slow.txt")))
with open(os.path.join(d.dir, "slow.txt"), "w") as f:
    f.write("delta\necho\n")
ok(d.start(), "daemon ready")
time.sleep(1.5)  # both fetched; their first save waits on the FIFO
ok(os.path.exists(tmp), "the save has not gone past the FIFO")
s = quick(d, "/healthz")
ok(s is not None, "/healthz answers while a state save blocks (%s)" % s)
ok(quick(d, "/feeds/slow.atom") == 503, "the feed whose state is not saved is not served")
answers = [quick(d, "/healthz") for _ in range(10)]
eq(answers.count(None), 0, "/healthz answered 10 times out of 10 while the save blocks")
fd = os.open(tmp, os.O_RDONLY | os.O_NONBLOCK)  # the save goes on: its write, then a flush a
got = b""                                       # FIFO refuses, so it is retried (a file then)
end = time.time() + 10
while time.time() < end:
    try:
        chunk = os.read(fd, 65536)
    except BlockingIOError:
        chunk = None
    if chunk == b"" and got:
        break
    got += chunk or b""
    time.sleep(0.01)
os.close(fd)
ok(got.startswith(b"feedd-state 1\n"), "the blocked save was writing a state (%d bytes)" % len(got))
ok(d.wait_for(lambda: entries(d, "slow") == 2, 15), "the feed is served once its save succeeds")
ok(d.wait_for(lambda: entries(d, "small") > 0, 5), "and the small feed")
d.cleanup()

# ---- another format of a big feed, first asked for, is written beside the loop too ----
d = Daemon()
os.makedirs(d.dir, exist_ok=True)
big = os.path.join(d.dir, "big.txt")
with open(big, "w") as f:
    for i in range(3000):
        f.write("line %d of a big feed, long enough that its Atom passes 128 KiB\n" % i)
d.write_config("[feed big]\nplugin = lines\nsource = %s\ninterval = 1h\nmax_entries = 5000\n" % big)
ok(d.start(), "daemon ready")
ok(d.wait_for(lambda: entries(d, "big") == 3000, 20), "the big feed is served")
s, h, _ = d.request("/feeds/big.json")
eq((s, h.get("retry-after")), (503, "1"),
   "its JSON Feed, first asked for, is being written: 503, Retry-After 1")
got = d.wait_for(lambda: (lambda r: r if r[0] == 200 else None)(d.request("/feeds/big.json")), 10)
ok(got is not None and got[2].count(b'"id"') == 3000, "then served, every entry in it")
if got:
    eq(got[1].get("last-modified"), d.feed("big")[1].get("last-modified"),
       "with the Last-Modified of the Atom feed it was written beside")
eq(d.request("/feeds/big.json")[0], 200, "and kept")
d.cleanup()

# ---- an export that blocks in open(): export_dir's .NAME.atom.tmp is a FIFO nobody reads ----
d = Daemon()
exp = os.path.join(d.dir, "www")
os.makedirs(exp)
xfifo = os.path.join(exp, ".small.atom.tmp")
os.mkfifo(xfifo)
d.write_config("[feed small]\nplugin = textdump\nsource = %s\ninterval = 1h\n" % SAMPLE,
               "export_dir = %s" % exp)
ok(d.start(), "daemon ready")
ok(d.wait_for(lambda: entries(d, "small") > 0, 15), "the feed is served while its export blocks")
answers_throughout(d, 1, "while an export blocks in open()")
fd = os.open(xfifo, os.O_RDONLY | os.O_NONBLOCK)
got, end = b"", time.time() + 10
while time.time() < end:
    try:
        chunk = os.read(fd, 65536)
    except BlockingIOError:
        chunk = None
    if chunk == b"" and got:
        break
    got += chunk or b""
    time.sleep(0.01)
os.close(fd)
ok(got.startswith(b"<?xml") and b"<feed" in got, "the blocked export was writing the Atom feed")
names = ["small" + ext + gz for ext in (".atom", ".rss", ".json", ".html") for gz in ("", ".gz")]
ok(d.wait_for(lambda: all(os.path.exists(os.path.join(exp, n)) for n in names), 10),
   "then every format is exported")
d.cleanup()

# ---- a big merge (2,000 entries or more) runs beside the loop: it must merge as the loop did ----
d = Daemon()
os.makedirs(d.dir, exist_ok=True)
src = os.path.join(d.dir, "many.txt")
with open(src, "w") as f:
    for i in range(2500):
        f.write("line %d of many\n" % i)
d.write_config("[feed many]\nplugin = lines\nsource = %s\ninterval = 1s\nmax_entries = 2505\n" % src)
ok(d.start(), "daemon ready")
ok(d.wait_for(lambda: entries(d, "many") == 2500, 20), "the 2,500-entry feed is served")
with open(src) as f:
    old = f.read()
with open(src + ".new", "w") as f:  # on top: the plugin is asked for max_entries at most
    f.write("".join("new %d of many\n" % i for i in range(10)) + old)
os.rename(src + ".new", src)
ok(d.wait_for(lambda: entries(d, "many") == 2505, 20), "10 new entries merged, max_entries kept")
body = d.feed("many")[2]
titles = [t.split(b"</title>")[0] for t in body.split(b"<entry>")[1:]]
firsts = [t[t.find(b"<title>") + 7:] for t in titles[:10]]
eq(firsts, [b"new %d of many" % i for i in range(10)], "the new entries first, in page order")
ok(b"line 2494 of many" in body and b"line 2495 of many" not in body,
   "the first seen beyond max_entries dropped (the page's last five)")
eq(d.stop(), 0, "stopped")
with open(os.path.join(d.state, "many.state"), "rb") as f:
    eq(f.read().count(b"\nentry\t"), 2505, "and its state holds what was served")
d.cleanup()

done()
