"""The daemon runs plugins in its pool of workers: for every way the evil plugin misbehaves on a
feed's second fetch, the daemon lives, a well-behaved feed keeps answering, /healthz and
/metrics name the plugin and the cause, the feed's last good entries are still served, nothing
connects, no file appears, no process outlives its worker, and no plugin is mapped into the
daemon process."""
import json
import os
import shutil
import signal
import socket
import tempfile
import threading
import time

from daemonlib import Daemon
from testlib import BUILDDIR, done, eq, ok

SANITIZERS = os.environ.get("FEEDD_SANITIZERS") == "yes"
WORKERS = 2

# evil next to a well-behaved plugin in a folder of their own: the workers' command lines name
# it, which is how their processes are told apart
plugins = tempfile.mkdtemp(prefix="feedd-pool-plugins-")
os.chmod(plugins, 0o755)
shutil.copy(os.path.join(BUILDDIR, "tests", "plugins", ".libs", "evil.so"), plugins)
shutil.copy(os.path.join(BUILDDIR, "plugins", ".libs", "lines.so"), plugins)

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(5)
listener.settimeout(0.2)
lport = listener.getsockname()[1]

d = Daemon()
created = os.path.join(d.dir, "created")
good_src = os.path.join(d.dir, "good.txt")
bad_src = os.path.join(d.dir, "bad.txt")
with open(good_src, "w") as f:
    f.write("one\ntwo\nthree\n")
with open(bad_src, "w") as f:
    f.write("good evil:first\n")
d.write_config("[feed good]\nplugin = lines\nsource = good.txt\ninterval = 1h\n"
               "[feed bad]\nplugin = evil\nsource = bad.txt\ninterval = 1s\n",
               "plugin_dir = %s\nworkers = %d\nplugin_timeout = 5s\nplugin_memory = 256M\n"
               % (plugins, WORKERS))
ok(d.start(), "the daemon starts with a pool of %d workers" % WORKERS)
pid = d.proc.pid


def healthz():
    return json.loads(d.request("/healthz")[2])["feeds"]


def bad_body():
    s, _, body = d.feed("bad")
    return body if s == 200 else b""


def workers():
    """(pid, ppid) of the processes started from the plugin folder, and any the plugin forked."""
    found = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                cmd = f.read()
            with open("/proc/%s/stat" % p, "rb") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index(b"(") + 1:stat.rindex(b")")]
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        if plugins.encode() in cmd or comm == b"evil-child":
            found.append((int(p), ppid, comm))
    return found


ok(d.wait_for(lambda: d.feed("good")[0] == 200, 20), "the good feed is served")
ok(d.wait_for(lambda: b"evil:first" in bad_body(), 20), "the evil plugin's feed is served")

maps = open("/proc/%d/maps" % pid).read()
ok(".so" not in "".join(l for l in maps.splitlines() if plugins in l or "/plugins/" in l),
   "/proc/PID/maps of the daemon holds no plugin")
procs = workers()
ok(len(procs) == WORKERS and all(pp == pid for _, pp, _ in procs),
   "%d workers, children of the daemon: %r" % (WORKERS, procs))

lat_all = []


def measure(stop, lat):
    while not stop.is_set():
        t = time.time()
        try:
            s = d.request("/feeds/good.atom")[0]
        except OSError:
            s = None
        lat.append((time.time() - t, s))
        time.sleep(0.01)


cases = [
    ("segv", "plugin evil: killed by SIGSEGV", "signal"),
    ("loop", "plugin evil: no answer in 5 s", "timeout"),
    ("memory", "plugin evil: out of memory", "memory"),
    ("exit", "plugin evil: exited with status 3", "exit"),
    ("fork", "plugin evil: killed for a forbidden system call (clone)", "syscall"),
    ("connect %d" % lport, "plugin evil: killed for a forbidden system call (socket)",
     "syscall"),
    ("file " + created, "plugin evil: killed for a forbidden system call (openat)", "syscall"),
    ("garbage", "plugin evil: malformed answer", "malformed"),
    ("flood", "plugin evil: went on emitting entries after the host asked it to stop", "error"),
]
for n, (mode, want, result) in enumerate(cases):
    name = mode.split()[0]
    if name == "memory" and SANITIZERS:
        print("# skipped memory: AddressSanitizer's shadow memory rules out an address-space "
              "limit in this build")
        continue
    key = "evil:before-%d" % n
    with open(bad_src, "w") as f:
        f.write("good %s\n" % key)
    ok(d.wait_for(lambda: key.encode() in bad_body() and healthz()["bad"]["last_error"] is None,
                  30), "%s: the feed first converts well" % name)
    stop, lat = threading.Event(), []
    t = threading.Thread(target=measure, args=(stop, lat))
    t.start()
    with open(bad_src, "w") as f:
        f.write(mode + "\n")
    got = d.wait_for(lambda: healthz()["bad"]["last_error"], 30)
    time.sleep(0.3)
    stop.set()
    t.join()
    lat_all += lat
    ok(d.proc.poll() is None, "%s: the daemon lives" % name)
    ok(got is not None and got.startswith(want), "%s: /healthz says %r: %r" % (name, want, got))
    ok(key.encode() in bad_body(), "%s: the feed's last good entries are still served" % name)
    worst = max(x for x, _ in lat) if lat else None
    ok(lat and all(s == 200 for _, s in lat) and worst < 1.0,
       "%s: the good feed answered %d times meanwhile, worst %.1f ms"
       % (name, len(lat), (worst or 0) * 1000))
    m = d.request("/metrics")[2].decode()
    line = 'feedd_plugin_jobs_total{plugin="evil",result="%s"}' % result
    ok(any(l.startswith(line) and int(l.split()[-1]) >= 1 for l in m.splitlines()),
       "%s: /metrics counts it: %s" % (name, line))
    ok("feedd_feed_fetches_total{feed=\"bad\",result=\"error\"}" in m, "%s: a failed fetch" % name)
    # the worker is replaced; none stays behind, nothing it forked either
    ok(d.wait_for(lambda: len(workers()) == WORKERS and
                  all(pp == pid and c != b"evil-child" for _, pp, c in workers()), 10),
       "%s: %d workers again, no process outlives its worker: %r" % (name, WORKERS, workers()))

try:
    c, _ = listener.accept()
    ok(False, "connect: the plugin reached the listening port")
    c.close()
except socket.timeout:
    ok(True, "connect: nothing connected to the listening port")
ok(not os.path.exists(created), "file: no file appeared")
lat_all.sort()
if lat_all:
    print("# good feed during the bad jobs: %d requests, p50 %.1f ms, p99 %.1f ms, worst %.1f ms"
          % (len(lat_all), lat_all[len(lat_all) // 2][0] * 1000,
             lat_all[len(lat_all) * 99 // 100][0] * 1000, lat_all[-1][0] * 1000))
ok("plugin evil: killed by SIGSEGV" in d.logtext(), "the log has the one-line cause")

# a worker that cannot start (plugin_dir now writable by others, which a worker refuses) is
# retried after a growing delay, never in a tight loop; the good feed is served meanwhile and
# the pool recovers once the folder is fixed


def metric(name):
    for l in d.request("/metrics")[2].decode().splitlines():
        if l.startswith(name + " "):
            return int(l.split()[-1])
    return None


def own_cpu():
    with open("/proc/%d/stat" % pid) as f:
        st = f.read()
    fields = st[st.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


os.chmod(plugins, 0o777)
with open(bad_src, "w") as f:
    f.write("segv\n")  # kills a worker; its replacement cannot start
ok(d.wait_for(lambda: metric("feedd_workers") < WORKERS, 20), "crash loop: a worker is gone")
starts, cpu = metric("feedd_worker_starts_total"), own_cpu()
time.sleep(4)
starts, cpu = metric("feedd_worker_starts_total") - starts, own_cpu() - cpu
ok(starts <= 2 * 8, "crash loop: %d worker starts in 4 s (at most 16: a growing delay)" % starts)
ok(cpu < 1.0, "crash loop: the daemon used %.2f s of CPU in 4 s" % cpu)
ok(d.feed("good")[0] == 200 and d.proc.poll() is None, "crash loop: the good feed is served")
os.chmod(plugins, 0o755)
with open(bad_src, "w") as f:
    f.write("good evil:recovered\n")
ok(d.wait_for(lambda: metric("feedd_workers") == WORKERS, 30),
   "crash loop: %d workers again once the folder is fixed" % WORKERS)
ok(d.wait_for(lambda: b"evil:recovered" in bad_body(), 30), "crash loop: the feed converts again")

# SIGHUP applies workers and plugin_memory: more start at once, surplus idle ones end, and a
# new memory limit restarts each one
conf = open(d.conf).read()
for want, memory in ((3, "256M"), (1, "256M"), (1, "128M")):
    key = "evil:after-%d-%s" % (want, memory)
    with open(bad_src, "w") as f:
        f.write("good %s\n" % key)
    with open(d.conf, "w") as f:
        f.write(conf.replace("workers = %d" % WORKERS, "workers = %d" % want)
                .replace("plugin_memory = 256M", "plugin_memory = " + memory))
    d.signal(signal.SIGHUP)
    ok(d.wait_for(lambda: len(workers()) == want and
                  all(pp == pid for _, pp, _ in workers()), 15),
       "reload: workers = %d, plugin_memory = %s: %d workers (%r)" % (want, memory, want,
                                                                   workers()))
    if memory == "128M":
        ok(d.wait_for(lambda: all(open("/proc/%d/cmdline" % w).read().split("\0")[3] ==
                                  str(128 << 20) for w, _, _ in workers()), 15),
           "reload: a new plugin_memory restarts the worker with it")
    ok(d.wait_for(lambda: key.encode() in bad_body(), 20),
       "reload: with %d workers the feeds still convert" % want)
eq(d.stop(), 0, "SIGTERM exits 0")
ok(d.wait_for(lambda: workers() == [], 10), "no worker outlives the daemon: %r" % workers())
d.cleanup()
shutil.rmtree(plugins)
done()
