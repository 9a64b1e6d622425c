"""exec: sources: `source = exec:COMMAND` runs COMMAND through /bin/sh -c on the loop and hands
its standard output to the plugin.  A dump and a JSON Feed are served; a failing command fails
the fetch with the last line of its stderr (on /healthz and in the log) while the last good
entries stay served; the feed's timeout and the 16 MiB cap kill the command's whole process
group; stdin is /dev/null, the environment is exactly the documented one, no descriptor of the
daemon leaks, a slow command does not hold up the daemon, and commands count against
max_parallel.  `feedd -n` refuses an empty
command and `feedd convert` takes exec: too."""
import json
import os
import signal
import time
import xml.etree.ElementTree as ET

from daemonlib import Daemon
from testlib import SAMPLE, convert, done, eq, ok, run

ATOM = "{http://www.w3.org/2005/Atom}"
MARK = "%d" % os.getpid()  # in the sleeps' arguments, to find what is left of a command


def procs(marker):
    """Processes whose command line holds marker (a command's, or what it left behind)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
            with open("/proc/%s/stat" % pid) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmd and state != "Z":
            found.append((int(pid), cmd))
    return found


def zombies(d):
    """The daemon's children that exited and were never reaped."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] == "Z" and int(fields[1]) == d.proc.pid:
            found.append(int(pid))
    return found


def health(d):
    status, _, body = d.request("/healthz")
    return json.loads(body)["feeds"]


def titles(d, name):
    status, _, body = d.feed(name)
    if status != 200:
        return None
    return [e.findtext(ATOM + "title") for e in ET.fromstring(body).iter(ATOM + "entry")]


d = Daemon()
flag = os.path.join(d.dir, "broken")
jsonfeed = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "From a script",
                       "items": [{"id": "a1", "title": "Scripted one", "content_text": "x"},
                                 {"id": "a2", "title": "Scripted two", "content_text": "y"}]})
with open(os.path.join(d.dir, "feed.json"), "w") as f:
    f.write(jsonfeed)
FEEDS = (
    "[feed dump]\nplugin = textdump\nsource = exec:cat %s\ninterval = 1h\n" % SAMPLE +
    # run in the config file's folder; a ';' right after a word is no comment
    "[feed json]\nplugin = feed\nsource = exec:cat feed.json\ninterval = 1h\n"
    "[feed flaky]\nplugin = textdump\ninterval = 1s\nsource = exec:if [ -e %s ]; then "
    "echo 'not this line' >&2; echo 'flaky: the site said no' >&2; exit 3; fi; cat %s\n"
    % (flag, SAMPLE) +
    # the shell's descriptors, listed while it waits for ls (a redirection would have dash
    # keep a copy of its own, at 10), one entry a line
    "[feed fds]\nplugin = lines\ninterval = 1h\nsource = exec:ls -l /proc/$$/fd\n"
    "[feed probe]\nplugin = textdump\ninterval = 1h\nsource = exec:"
    "tr '\\0' '\\n' < /proc/$$/environ > env.txt; readlink /proc/$$/fd/0 > stdin.txt; "
    "cat %s\n" % SAMPLE +
    "[feed slow]\nplugin = textdump\ninterval = 1h\ntimeout = 2s\n"
    "source = exec:sleep 1001.%s & sleep 1002.%s\n" % (MARK, MARK) +
    "[feed big]\nplugin = textdump\ninterval = 1h\nsource = exec:yes %s-yes\n" % MARK +
    "[feed lazy]\nplugin = textdump\ninterval = 1h\nsource = exec:sleep 6; cat %s\n" % SAMPLE)
d.write_config(FEEDS)
if not ok(d.start(), "ready with exec: sources"):
    print(d.logtext())
    d.cleanup()
    done()
t0 = time.time()

# ---- a slow command does not stall the daemon ----
time.sleep(0.5)
t = time.time()
status, _, _ = d.request("/healthz")
ok(time.time() - t < 1.0, "/healthz answers at once while 'lazy' sleeps (%.2f s)" % (time.time() - t))
ok(procs("sleep 6"), "'lazy' is running meanwhile")

# ---- a dump and a JSON Feed ----
dump = d.wait_for(lambda: titles(d, "dump"))
ok(dump and len(dump) > 3, "a dump printed by a command is served (%d entries)"
   % len(dump or []))
file_titles = None
p = convert(["-p", "textdump", SAMPLE])
if p.returncode == 0:
    file_titles = [e.findtext(ATOM + "title") for e in ET.fromstring(p.stdout).iter(ATOM + "entry")]
eq(dump, file_titles, "the same entries as the file itself gives")
eq(ET.fromstring(d.feed("dump")[2]).findtext(ATOM + "title"), "cat",
   "a feed whose output names nothing is named after the program")
eq(d.wait_for(lambda: titles(d, "json")), ["Scripted one", "Scripted two"],
   "a JSON Feed printed by a command, through plugin = feed")
_, _, body = d.feed("json")
eq(ET.fromstring(body).findtext(ATOM + "title"), "From a script", "its title")
ok(b"exec:" not in body and b"cat feed.json" not in body,
   "the command is not in the feed (no link to it)")
ok(not [l for l in ET.fromstring(body).iter(ATOM + "link") if l.get("rel") == "alternate" and
        not l.get("href", "").startswith("http://127.0.0.1:%d/" % d.port)],
   "no alternate link but the feed's own HTML view")

# ---- stdin, environment, descriptors ----
ok(d.wait_for(lambda: os.path.exists(os.path.join(d.dir, "stdin.txt")) and
              titles(d, "probe")), "the probe ran in the config file's folder")
with open(os.path.join(d.dir, "stdin.txt")) as f:
    eq(f.read().strip(), "/dev/null", "stdin is /dev/null")
with open(os.path.join(d.dir, "env.txt")) as f:
    env = sorted(l for l in f.read().split("\n") if l)
eq(env, sorted(["PATH=/usr/local/bin:/usr/bin:/bin", "HOME=%s" % d.state, "LANG=C.UTF-8",
                "FEEDD_FEED=probe"]), "the environment is exactly the documented one")
fds = d.wait_for(lambda: titles(d, "fds"))
eq(sorted(" ".join(l.split()[-3:]).split(":")[0] for l in fds or [] if " -> " in l),
   ["0 -> /dev/null", "1 -> pipe", "2 -> pipe"],
   "no descriptor of the daemon reaches the command: %r" % fds)

# ---- the timeout kills the whole process group ----
h = d.wait_for(lambda: health(d)["slow"]["last_error"], 10)
eq(h, "exec: killed after 2 s", "past its timeout the command is killed")
ok(time.time() - t0 < 8, "within about its timeout (%.1f s after start)" % (time.time() - t0))
ok(d.wait_for(lambda: not procs("sleep 100"), 3), "no process of it outlives it (the "
   "background sleep too): %r" % procs("sleep 100"))

# ---- output over 16 MiB ----
eq(d.wait_for(lambda: health(d)["big"]["last_error"], 20), "exec: output over 16 MiB",
   "output past 16 MiB is refused")
ok(d.wait_for(lambda: not procs(MARK + "-yes"), 3), "and the command killed")
eq(zombies(d), [], "no zombie is left by the commands that ran, failed or were killed")
eq(health(d)["big"]["entries"], 0, "nothing served from it")

# ---- a failing command: the last stderr line, the last good entries kept ----
good = d.wait_for(lambda: titles(d, "flaky"))
ok(good, "flaky serves while it works")
open(flag, "w").close()
err = d.wait_for(lambda: health(d)["flaky"]["last_error"], 10)
eq(err, "exec: exit status 3: flaky: the site said no",
   "a non-zero exit fails the fetch with the last line of stderr")
ok("feed flaky: exec: exit status 3: flaky: the site said no" in d.logtext(), "and says so in the log")
eq(titles(d, "flaky"), good, "the last good entries are still served")
ok(d.wait_for(lambda: health(d)["flaky"]["failures"] >= 2, 10), "failures count up (backoff)")
st = health(d)["flaky"]
ok(st["entries"] == len(good), "healthz counts the served entries")
os.unlink(flag)
ok(d.wait_for(lambda: health(d)["flaky"]["last_error"] is None, 20), "it recovers")

# ---- stopping the daemon kills a running command ----
d.write_config(FEEDS + "[feed stuck]\nplugin = textdump\ninterval = 1h\n"
               "source = exec:sleep 1003.%s\n" % MARK)
d.signal(1)
ok(d.wait_for(lambda: procs("sleep 1003"), 10), "a reload starts the new command")
before = set(pid for pid, _ in procs("sleep 1003"))
d.write_config(FEEDS + "[feed stuck]\nplugin = textdump\ninterval = 2h\n"
               "source = exec:sleep 1003.%s\n" % MARK)
d.signal(1)
ok(d.wait_for(lambda: not before & set(pid for pid, _ in procs("sleep 1003")), 10),
   "a reload that changes the feed kills its running command")
ok(d.wait_for(lambda: not zombies(d), 5), "and reaps it: %r" % zombies(d))
t = time.time()
d.request("/healthz")
ok(time.time() - t < 1.0, "the daemon serves on")
ok(d.wait_for(lambda: procs("sleep 1003"), 10), "and the changed feed runs it again")
eq(d.stop(), 0, "stops with a command running")
ok(d.wait_for(lambda: not procs("sleep 1003"), 3), "and the command is gone with it")

# ---- commands count against max_parallel ----
d2 = Daemon()
d2.write_config("".join("[feed p%d]\nplugin = lines\ninterval = 1h\nsource = exec:sleep 1.%s; "
                        "echo done\n" % (i, MARK) for i in range(3)), "max_parallel = 1\n")
ok(d2.start(), "a second daemon, max_parallel = 1")
most, end = 0, time.time() + 6
while time.time() < end and not all(v["last_success"] for v in health(d2).values()):
    most = max(most, len([c for _, c in procs("sleep 1.%s" % MARK) if c.startswith("sh ")]))
    time.sleep(0.05)
ok(all(v["last_success"] for v in health(d2).values()), "all three commands ran")
eq(most, 1, "one command at a time under max_parallel = 1")
eq(d2.stop(), 0, "it stops")
d2.cleanup()

# ---- started with SIGCHLD ignored (inherited across exec): commands are still seen out ----
d3 = Daemon()
d3.write_config("[feed j]\nplugin = feed\ninterval = 1h\nsource = exec:cat %s\n"
                % os.path.join(d.dir, "feed.json"))
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
try:
    ok(d3.start(), "a daemon started with SIGCHLD ignored")
finally:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
eq(d3.wait_for(lambda: titles(d3, "j"), 10), ["Scripted one", "Scripted two"],
   "serves a command's output all the same")
eq(d3.stop(), 0, "it stops")
d3.cleanup()

# ---- a command that cannot start fails like one that ran ----
d4 = Daemon()
sub = os.path.join(d4.dir, "conf")
os.mkdir(sub)
d4.conf = os.path.join(sub, "feedd.conf")
d4.write_config("[feed gone]\nplugin = lines\ninterval = 1s\nsource = exec:echo hi\n")
ok(d4.start(), "a daemon whose config folder goes away")
os.unlink(d4.conf)
os.rmdir(sub)
eq(d4.wait_for(lambda: health(d4)["gone"]["last_error"], 10),
   "exec: cannot run /bin/sh in %s: No such file or directory" % sub,
   "the command's folder is gone: the fetch fails, saying why")
ok(d4.wait_for(lambda: health(d4)["gone"]["failures"] >= 2, 10), "and again, on the loop")
eq(d4.stop(), 0, "it stops")
d4.cleanup()

# ---- feedd -n and feedd convert ----
d.write_config("[feed e]\nplugin = textdump\nsource = exec:cat x\ninterval = 5\n",
               "min_interval = 1m\n")
p = run(["-n", "-c", d.conf])
ok(p.returncode == 0 and b"interval 5s is below min_interval (60s) for an exec: source; 60s is "
   b"used" in p.stderr, "an exec: source has min_interval's floor: %r" % p.stderr)
for src in ("exec:", "exec:   "):
    d.write_config("[feed e]\nplugin = textdump\nsource = %s\n" % src)
    p = run(["-n", "-c", d.conf])
    ok(p.returncode != 0 and b"feedd.conf:7: source exec: wants a command" in p.stderr,
       "-n refuses '%s': %s" % (src, p.stderr.decode().strip()))
d.write_config("[feed e]\nplugin = textdump\nsource = exec:cat x\n")
p = run(["-n", "-c", d.conf])
eq((p.returncode, p.stdout.strip()), (0, b"configuration OK"), "-n takes an exec: source")

p = convert(["-p", "textdump", "exec:cat '%s'" % SAMPLE])
ok(p.returncode == 0 and file_titles and
   [e.findtext(ATOM + "title") for e in ET.fromstring(p.stdout).iter(ATOM + "entry")] ==
   file_titles, "convert takes exec:COMMAND")
p = convert(["-p", "textdump", "exec:echo oops >&2; exit 4"])
eq((p.returncode, p.stderr.decode().strip()),
   (1, "feedd convert: exec: exit status 4: oops"), "convert fails with the stderr line")
p = convert(["-p", "textdump", "exec:echo bye >&2; kill -9 $$"])
eq((p.returncode, p.stderr.decode().strip()),
   (1, "feedd convert: exec: killed by signal 9 (Killed): bye"), "death by a signal fails too")
p = convert(["-p", "textdump", "-f", "json", "exec:echo hello; echo world >&2"])
ok(p.returncode == 0 and p.stderr == b"", "stderr of a command that succeeds is not an error")
d.cleanup()
done()
