"""Plugins through a worker (`feedd convert -w`): the same feed as in-process, and every way a
plugin can misbehave fails with one line naming the plugin and the cause, while the sandbox
keeps it from connecting, creating files or leaving processes behind."""
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time

from testlib import (BUILDDIR, FEEDD_CMD, SAMPLE, convert, done, eq, ok, valid_feed)

# the evil plugin alone in a folder of its own: its worker's command line names the folder,
# which is how leftover processes are found
plugins = tempfile.mkdtemp(prefix="feedd-evil-")
os.chmod(plugins, 0o755)
shutil.copy(os.path.join(BUILDDIR, "tests", "plugins", ".libs", "evil.so"), plugins)
work = tempfile.mkdtemp(prefix="feedd-worker-")
env = dict(os.environ, FEEDD_PLUGIN_DIR=plugins)
SANITIZERS = os.environ.get("FEEDD_SANITIZERS") == "yes"


def evil(mode, timeout="20s"):
    path = os.path.join(work, "in.txt")
    with open(path, "w") as f:
        f.write(mode + "\n")
    t = time.time()
    p = subprocess.run(FEEDD_CMD + ["convert", "-w", "-t", timeout, "-m", "256M", "-p", "evil",
                                    path], capture_output=True, env=env, timeout=120)
    return p, time.time() - t


def leftovers():
    """Processes still running from this test's plugin folder, or forked by the plugin."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read()
            with open("/proc/%s/comm" % pid, "rb") as f:
                comm = f.read().strip()
        except OSError:
            continue
        if plugins.encode() in cmd or comm == b"evil-child":
            found.append((pid, cmd, comm))
    return found


# the same feed through a worker as in-process
p = convert(["-p", "textdump", SAMPLE])
q = convert(["-w", "-p", "textdump", SAMPLE])
eq(q.returncode, 0, "-w: the sample converts")
eq(q.stderr, b"", "-w: nothing on stderr")
eq(q.stdout, p.stdout, "-w: the same feed, byte for byte, as in-process")
valid_feed(q.stdout, "-w: sample")
q = convert(["-w", "-p", "nosuch", SAMPLE])
ok(q.returncode != 0 and b"no plugin named 'nosuch'" in q.stderr,
   "-w: an unknown plugin is named: %r" % q.stderr)
q = convert(["-w", "-p", "textdump", "-s", "bogus=1", SAMPLE])
ok(q.returncode != 0 and b"has no option 'bogus'" in q.stderr,
   "-w: an unknown option is refused by name: %r" % q.stderr)

p, _ = evil("good")
eq(p.returncode, 0, "good: exits 0")
ok(b"evil:good" in p.stdout, "good: its entry is there")

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(5)
listener.settimeout(0.5)
port = listener.getsockname()[1]
created = os.path.join(work, "created")

# (the loop alone is given 2 s; the rest have time enough on a loaded machine)
cases = [
    ("segv", "20s", "plugin evil: killed by SIGSEGV"),
    ("loop", "2s", "plugin evil: no answer in 2 s"),
    ("memory", "60s", "plugin evil: out of memory"),
    ("exit", "20s", "plugin evil: exited with status 3"),
    ("fork", "20s", "plugin evil: killed for a forbidden system call (clone)"),
    ("connect %d" % port, "20s", "plugin evil: killed for a forbidden system call (socket)"),
    ("file " + created, "20s", "plugin evil: killed for a forbidden system call (openat)"),
    ("garbage", "20s", "plugin evil: malformed answer"),
    ("flood", "60s", "plugin evil: went on emitting entries after the host asked it to stop"),
]
for mode, timeout, want in cases:
    name = mode.split()[0]
    if name == "memory" and SANITIZERS:
        print("# skipped memory: AddressSanitizer's shadow memory rules out an address-space "
              "limit in this build")
        continue
    p, took = evil(mode, timeout)
    err = p.stderr.decode("utf-8", "replace").strip().split("\n")
    ok(p.returncode == 1, "%s: exits 1 (got %d)" % (name, p.returncode))
    eq(p.stdout, b"", "%s: writes no feed" % name)
    ok(len(err) == 1 and want in err[0], "%s: one line saying %r: %r" % (name, want, err))
    eq(leftovers(), [], "%s: no process outlives the worker" % name)

try:
    c, _ = listener.accept()
    ok(False, "connect: the plugin reached the listening port")
    c.close()
except socket.timeout:
    ok(True, "connect: nothing connected to the listening port")
ok(not os.path.exists(created), "file: no file appeared")



def speak_protocol():
    """A worker driven by hand, as feedd-worker(5) says, with its EXAMPLES job byte for byte."""
    a, b = socket.socketpair()

    def channel():
        os.dup2(b.fileno(), 3)

    w = subprocess.Popen(FEEDD_CMD + ["worker", os.environ["FEEDD_PLUGIN_DIR"]],
                         preexec_fn=channel, close_fds=False,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    b.close()
    a.settimeout(20)
    data = b""

    def frame():
        nonlocal data
        while len(data) < 5 or len(data) < 5 + struct.unpack(">I", data[1:5])[0]:
            chunk = a.recv(65536)
            if not chunk:
                return None, None
            data += chunk
        n = struct.unpack(">I", data[1:5])[0]
        t, payload, data = data[0:1], data[5:5 + n], data[5 + n:]
        return t, payload

    names = []
    t, payload = frame()
    while t in (b"P", b"L"):
        if t == b"P":
            names.append(payload[4:4 + struct.unpack(">I", payload[:4])[0]])
        t, payload = frame()
    eq(t, b"R", "protocol: the worker says R once it has described its plugins")
    ok(b"lines" in names and b"textdump" in names, "protocol: P frames name the plugins")
    job = bytes.fromhex("4a0000002e" "000000056c696e6573" "000000c8" "00000000"
                        "0000000966696c653a2f2f2f78" "00000000" "00000000" "00000004610a620a")
    a.sendall(job)
    frames = []
    t, payload = frame()
    while t is not None and t != b"D":
        frames.append((t, payload))
        t, payload = frame()
    eq((t, payload), (b"D", b"\0\0\0\0"), "protocol: the example job ends in D, success")
    titles = [p[4 + struct.unpack(">I", p[:4])[0]:] for t, p in frames if t == b"E"]
    eq(len(titles), 2, "protocol: two entries for two lines")
    a.close()
    ok(w.wait(timeout=20) == 0, "protocol: the worker exits 0 at end of file")


speak_protocol()
shutil.rmtree(plugins)
shutil.rmtree(work)
done()
