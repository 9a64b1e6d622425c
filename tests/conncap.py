"""The connection cap: at max_connections the daemon stops accepting, so descriptors cannot run
out; waiting clients are served as soon as a connection closes; the count never leaks; and the
cap shrinks to what RLIMIT_NOFILE allows."""
import os
import re
import signal
import socket
import time

from daemonlib import Daemon
from testlib import SAMPLE, done, ok, run

FEED = "[feed news]\nplugin = textdump\nsource = %s\ninterval = 1h\n" % SAMPLE


def sockets(pid):
    n = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            if os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith("socket:"):
                n += 1
        except OSError:
            pass
    return n


def metric(d, name):
    _, _, body = d.request("/metrics")
    m = re.search(r"^%s (\d+)$" % name, body.decode(), re.M)
    return int(m.group(1)) if m else None


# a bad value is refused with its line
d = Daemon()
d.write_config(FEED, "max_connections = 0")
r = run(["-n", "-c", d.conf])
ok(r.returncode != 0 and re.match(rb".*feedd\.conf:4: ", r.stderr), "max_connections = 0 refused "
   "with FILE:LINE (%r)" % r.stderr.strip())

d.write_config(FEED, "max_connections = 20")
ok(d.start(), "ready with max_connections = 20")
d.wait_for(lambda: d.feed("news")[0] == 200)
ok(metric(d, "feedd_http_connections_max") == 20, "/metrics shows the cap")
d.wait_for(lambda: metric(d, "feedd_http_connections") == 1)
time.sleep(0.3)  # the last /metrics connection closes too
base = sockets(d.proc.pid)  # the listener, and no client

# the daemon is stopped while they connect, so that it meets all 60 in one pass of its loop, as
# on a busy machine: it pauses at the cap (logged) before any of them waits for its head, and
# resumes once they do, each fresh client then taking the place of the oldest idle one
os.kill(d.proc.pid, signal.SIGSTOP)
idle = [socket.create_connection(("127.0.0.1", d.port)) for _ in range(60)]
os.kill(d.proc.pid, signal.SIGCONT)
time.sleep(0.5)
held = sockets(d.proc.pid) - base
ok(held == 20, "60 idle clients: the daemon holds exactly 20 of them (%d)" % held)
ok("pausing accept" in d.logtext(), "the pause is logged")

# idle clients never sent a head, so they do not hold the cap (slowloris.py): a request made
# now takes the place of the oldest of them and is served at once, the cap still held
t = time.time()
status = d.request("/healthz")[0]
took = time.time() - t
ok(status == 200 and took < 3, "at the cap a request takes an idle client's place (%s in %.2fs)"
   % (status, took))
held = sockets(d.proc.pid) - base
ok(held <= 20, "and the daemon still holds at most 20 (%d)" % held)
for s in idle:
    s.close()
ok(d.wait_for(lambda: metric(d, "feedd_http_connections") == 1, 10),
   "every closed connection is uncounted (only the /metrics one is left)")

# the count does not leak over many requests, kept alive or closed, good or bad
for i in range(300):
    s = socket.create_connection(("127.0.0.1", d.port), timeout=5)
    if i % 3 == 0:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        s.recv(100)
    elif i % 3 == 1:
        s.sendall(b"\x16\x03\x01garbage\r\n\r\n")
        s.recv(100)
    s.close()
ok(d.wait_for(lambda: metric(d, "feedd_http_connections") == 1, 10),
   "after 300 more connections the count is back to 1")
ok(d.proc.poll() is None, "the daemon is alive")
eq_rc = d.stop()
ok(eq_rc == 0, "SIGTERM exits 0")
d.cleanup()

# with 400 open files the default cap shrinks, and 500 clients cannot exhaust descriptors
d = Daemon()
d.write_config(FEED, "workers = 2\n")  # each worker's channel is a socket too
ok(d.start(nofile=400), "ready with RLIMIT_NOFILE 400")
d.wait_for(lambda: d.feed("news")[0] == 200)
cap = metric(d, "feedd_http_connections_max")
ok(cap is not None and 16 <= cap <= 400 - 64, "the cap fits the descriptor limit (%s)" % cap)
base = sockets(d.proc.pid)  # listener, workers' channels, the threads' own before any client
idle = [socket.create_connection(("127.0.0.1", d.port)) for _ in range(500)]
time.sleep(0.5)
held = sockets(d.proc.pid) - base
ok(held <= cap, "500 idle clients: at most the cap held (%d clients, %d sockets before)"
   % (held, base))
ok("out of descriptors" not in d.logtext(), "accept never ran out of descriptors")
for s in idle:
    s.close()
ok(d.wait_for(lambda: d.request("/healthz")[0] == 200, 10), "served again once they leave")
ok(d.proc.poll() is None, "the daemon is alive")
d.cleanup()
done()
