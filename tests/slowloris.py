"""A request head has a deadline as a whole, and the connection cap is not held by clients that
have sent no complete head: four clients trickling a header line every 3 s at
max_connections = 4 do not keep a normal request out, and each is cut within the deadline."""
import socket
import threading
import time

from daemonlib import Daemon
from testlib import SAMPLE, done, ok

d = Daemon()
d.write_config("[feed news]\nplugin = textdump\nsource = %s\ninterval = 1h\n" % SAMPLE,
               "max_connections = 4")
ok(d.start(), "ready")
ok(d.wait_for(lambda: d.feed("news")[0] == 200), "served")

cut = {}


def trickle(i, start):
    s = socket.create_connection(("127.0.0.1", d.port))
    s.sendall(b"GET / HTTP/1.1\r\n")
    try:
        for k in range(12):  # 36 s of header lines, if nothing cuts it
            time.sleep(3)
            s.sendall(b"X-Slow-%d: %d\r\n" % (k, k))
        s.settimeout(5)
        gone = s.recv(10) == b""
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        gone = True
    cut[i] = (gone, time.time() - start)
    s.close()


start = time.time()
threads = [threading.Thread(target=trickle, args=(i, start)) for i in range(4)]
for t in threads:
    t.start()
time.sleep(4)  # every slot is taken by a trickling client
t0 = time.time()
got = None
try:
    c = socket.create_connection(("127.0.0.1", d.port), timeout=8)
    c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    got = c.recv(100)
    c.close()
except OSError:
    pass
took = time.time() - t0
ok(got is not None and got.startswith(b"HTTP/1.1 200"),
   "a normal request gets through four slow clients at max_connections = 4 (%.1f s)" % took)
ok(took < 3, "without waiting for them (%.1f s)" % took)
for t in threads:
    t.join(60)
ok(len(cut) == 4 and all(g and s < 16.5 for g, s in cut.values()),
   "each slow client is cut within the 10 s head deadline, seen at its next write (%s)"
   % ", ".join("%.1f s" % s for _, s in sorted(cut.values())))
s, _, _ = d.request("/healthz")
ok(s == 200, "served afterwards")
# the four arrive in one loop pass (the daemon stopped while they connect): the one that
# reached the cap paused accepting before any of them was waiting for its head, and the pause
# must not outlast that pass (it used to last until their deadline cut them, 10 s)
import os
import signal
os.kill(d.proc.pid, signal.SIGSTOP)
together = [socket.create_connection(("127.0.0.1", d.port)) for _ in range(4)]
for s in together:
    s.sendall(b"GET / HTTP/1.1\r\n")
os.kill(d.proc.pid, signal.SIGCONT)
time.sleep(1)
t0 = time.time()
got = None
try:
    c = socket.create_connection(("127.0.0.1", d.port), timeout=8)
    c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    got = c.recv(100)
    c.close()
except OSError:
    pass
took = time.time() - t0
ok(got is not None and got.startswith(b"HTTP/1.1 200") and took < 3,
   "four slow clients accepted in one pass do not keep a normal request out (%.1f s)" % took)
for s in together:
    s.close()
# a keep-alive connection idle past the deadline is closed too; one that sends gets answered
k = socket.create_connection(("127.0.0.1", d.port), timeout=20)
k.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
first = k.recv(65536)
ok(first.startswith(b"HTTP/1.1 200"), "keep-alive: the first request is answered")
ok(d.proc.poll() is None, "the daemon is alive")
k.close()
d.cleanup()
done()
