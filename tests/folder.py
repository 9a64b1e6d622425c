"""The folders feedd writes: state_dir and export_dir are made with their parents (what
"created if missing" promises), export_dir readable by a web server even under the unit's
UMask=0077, and `feedd -n` refuses one that cannot be made, naming its key and line."""
import os
import shutil
import stat
import subprocess

from daemonlib import Daemon
from testlib import FEEDD_CMD, SAMPLE, done, eq, ok, run

d = Daemon()
src = os.path.join(d.dir, "page.txt")
shutil.copy(SAMPLE, src)
d.state = os.path.join(d.dir, "var", "lib", "feedd")
export = os.path.join(d.dir, "www", "feeds")
d.write_config("[feed news]\nplugin = textdump\nsource = page.txt\ninterval = 1h\n",
               server_extra="export_dir = %s\n" % export)
p = run(["-n", "-c", d.conf])
eq((p.returncode, p.stdout), (0, b"configuration OK\n"),
   "-n accepts a state_dir and export_dir whose parents are missing")
old = os.umask(0o077)
try:
    ok(d.start(), "the daemon starts and makes state_dir with its parents: %s"
       % d.logtext()[-300:])
finally:
    os.umask(old)
ok(os.path.isdir(d.state) and stat.S_IMODE(os.stat(d.state).st_mode) == 0o700,
   "state_dir made, 0700")
ok(os.path.isdir(export) and stat.S_IMODE(os.stat(export).st_mode) == 0o755,
   "export_dir made 0755 under umask 077, so a web server can list it")
ok(d.wait_for(lambda: d.request("/feeds/news.atom")[0] == 200), "the feed is served")
ok(d.wait_for(lambda: os.path.exists(os.path.join(export, "news.atom"))), "the feed is exported")
d.stop()

# a folder that cannot be made: -n says so, naming the key and its line
blocker = os.path.join(d.dir, "a-file")
open(blocker, "w").close()
for key in ("export_dir", "state_dir"):
    extra = "%s = %s/feeds\n" % (key, blocker)
    with open(d.conf, "w") as f:
        f.write("[server]\nlisten = 127.0.0.1:%d\n" % d.port)
        if key == "export_dir":
            f.write("state_dir = %s\n" % d.state)
        f.write(extra)
        f.write("[feed news]\nplugin = textdump\nsource = page.txt\n")
    p = run(["-n", "-c", d.conf])
    err = p.stderr.decode()
    line = 4 if key == "export_dir" else 3
    ok(p.returncode != 0 and err.startswith("%s:%d: %s %s/feeds: " % (d.conf, line, key, blocker))
       and "not a folder" in err, "-n refuses %s under a file: %r" % (key, err))
    ok(not d.start(wait_ready=True), "the daemon refuses it too")
    ok("%s %s/feeds" % (key, blocker) in d.logtext(), "its log names %s" % key)
    d.stop()

# /nonexistent as a user who may not create it (the tests may run as root)
if os.getuid() == 0:
    with open(d.conf, "w") as f:
        f.write("[server]\nlisten = 127.0.0.1:%d\nstate_dir = %s\nexport_dir = /nonexistent/x\n"
                "[feed news]\nplugin = textdump\nsource = page.txt\n" % (d.port, d.dir))
    os.chmod(d.dir, 0o777)
    os.chmod(d.conf, 0o644)

    def nobody():
        os.setgid(65534)
        os.setuid(65534)

    p = subprocess.run(FEEDD_CMD + ["-n", "-c", d.conf], capture_output=True, preexec_fn=nobody)
    err = p.stderr.decode()
    ok(p.returncode != 0 and err.startswith("%s:4: export_dir /nonexistent/x: " % d.conf) and
       "denied" in err, "-n as nobody refuses export_dir = /nonexistent/x: %r" % err)
d.cleanup()
done()
