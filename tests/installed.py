"""make installcheck (run by make distcheck): the installed feedd on the installed configuration,
as installed: `feedd -n` says OK, and the daemon then starts, makes its default state_dir and
serves the installed sample.  Only the listen port is changed, to a free one.
usage: installed.py BINDIR/feedd SYSCONFDIR/feedd.conf LOCALSTATEDIR/lib/feedd"""
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

feedd, conf, state = sys.argv[1:4]
env = dict((k, v) for k, v in os.environ.items()
           if k not in ("FEEDD_PLUGIN_DIR", "STATE_DIRECTORY", "NOTIFY_SOCKET"))
failures = 0


def ok(cond, what):
    global failures
    print(("ok - " if cond else "not ok - ") + what)
    failures += not cond


made_state = not os.path.exists(state)
p = subprocess.run([feedd, "-n", "-c", conf], env=env, capture_output=True)
ok(p.returncode == 0 and p.stdout == b"configuration OK\n",
   "feedd -n -c %s: %r" % (conf, p.stdout + p.stderr))

s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
tmp = tempfile.mkdtemp(prefix="feedd-installed-")
copy = os.path.join(tmp, "feedd.conf")
with open(conf) as f, open(copy, "w") as g:
    for line in f:
        g.write("listen = 127.0.0.1:%d\n" % port if line.startswith("listen =") else line)
log = open(os.path.join(tmp, "log"), "w+")
proc = subprocess.Popen([feedd, "-c", copy], env=env, stderr=log, stdout=log)
status, body = None, b""
end = time.time() + 20
while time.time() < end and proc.poll() is None:
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/feeds/sample.atom")
        r = c.getresponse()
        status, body = r.status, r.read()
        c.close()
        if status == 200:
            break
    except OSError:
        pass
    time.sleep(0.2)
running = proc.poll() is None
if running:
    proc.send_signal(signal.SIGTERM)
rc = proc.wait(20)
log.seek(0)
text = log.read()
ok(running and status == 200 and body.count(b"<entry>") == 5,
   "the installed configuration runs as installed and serves the sample: %s" % text[-600:])
ok(rc == 0, "it exits 0 on SIGTERM")
ok(os.path.exists(os.path.join(state, "sample.state")), "its state is in %s" % state)
shutil.rmtree(tmp)
# leave the prefix as make install left it, for distcheck's uninstall check
if made_state:
    shutil.rmtree(state, ignore_errors=True)
    for d in (os.path.dirname(state), os.path.dirname(os.path.dirname(state))):
        try:
            os.rmdir(d)
        except OSError:
            break
sys.exit(1 if failures else 0)
