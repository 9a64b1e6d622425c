"""Crash safety: SIGKILL at random moments while the source changes every fraction of a second;
after each restart every entry ever served is there with the same id and published date.
A truncated, empty or garbage state file is moved aside and the feed rebuilt."""
import glob
import os
import random
import re
import signal
import threading
import time

from daemonlib import Daemon
from testlib import SAMPLE, done, eq, ok

ROUNDS = 12
d = Daemon()
src = os.path.join(d.dir, "page.txt")
with open(SAMPLE, "rb") as f:
    base = f.read()
with open(src, "wb") as f:
    f.write(base)
d.write_config("[feed news]\nplugin = textdump\nsource = page.txt\ninterval = 1s\n"
               "max_entries = 10000\n")
stop = False


def writer():
    i = 0
    while not stop:
        i += 1
        line = ("\nStory %d: harbour officials said on Tuesday that the plan to rebuild the old "
                "pier would go ahead despite the objections of residents who gathered outside "
                "the town hall again to demand that the council" % i)
        with open(src + ".new", "wb") as f:
            f.write(open(src, "rb").read() + line.encode())
        os.replace(src + ".new", src)
        time.sleep(0.3)


served = {}
ENTRY = re.compile(rb"<entry><id>(urn:uuid:[0-9a-f-]+)</id>.*?<published>([^<]+)</published>", re.S)


def poll():
    s, _, body = d.feed("news")
    if s == 200:
        for eid, pub in ENTRY.findall(body):
            served.setdefault(eid, pub)
    return s


t = threading.Thread(target=writer, daemon=True)
t.start()
rng = random.Random(42)
lost, moved = [], []
for r in range(ROUNDS):
    ok(d.start(), "round %d: ready" % (r + 1))
    d.wait_for(lambda: poll() == 200, 10)
    s, _, body = d.feed("news")
    now = dict(ENTRY.findall(body))
    for eid, pub in served.items():
        if eid not in now:
            lost.append(eid)
        elif now[eid] != pub:
            moved.append(eid)
    end = time.time() + rng.uniform(0.3, 2.0)
    while time.time() < end:
        poll()
        time.sleep(0.05)
    d.proc.send_signal(signal.SIGKILL)
    d.proc.wait()
    d.notify.close()
    d.log.close()
    d.proc = None
stop = True
ok(d.start(), "final start")
d.wait_for(lambda: poll() == 200, 10)
s, _, body = d.feed("news")
now = dict(ENTRY.findall(body))
lost += [e for e in served if e not in now]
moved += [e for e in served if e in now and now[e] != served[e]]
ok(len(served) > 20, "%d distinct entries were served across %d kills" % (len(served), ROUNDS))
eq(sorted(set(lost)), [], "no entry that was served is lost")
eq(sorted(set(moved)), [], "no published date changed")
ok(not glob.glob(os.path.join(d.state, "*.corrupt-*")), "no state file was ever corrupt")
d.stop()

# broken state files at start
for what, data in (("truncated", None), ("empty", b""), ("garbage", os.urandom(4096))):
    path = os.path.join(d.state, "news.state")
    good = open(path, "rb").read()
    with open(path, "wb") as f:
        f.write(good[:len(good) // 2] if data is None else data)
    for g in glob.glob(path + ".corrupt-*"):
        os.unlink(g)
    ok(d.start(), "%s state: the daemon starts" % what)
    ok(glob.glob(path + ".corrupt-*"), "%s state: moved aside" % what)
    ok("moved aside" in d.logtext(), "%s state: a log line says so" % what)
    ok(d.wait_for(lambda: d.feed("news")[0] == 200 and b"<entry>" in d.feed("news")[2], 10),
       "%s state: the feed is rebuilt" % what)
    d.stop()
d.cleanup()
done()
