"""Starts the real feedd on a free loopback port with its own state dir and NOTIFY_SOCKET."""
import gzip
import http.client
import os
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from testlib import FEEDD_CMD


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Daemon:
    def __init__(self, workdir=None):
        self.dir = workdir or tempfile.mkdtemp(prefix="feedd-test-")
        self.port = free_port()
        self.state = os.path.join(self.dir, "state")
        self.conf = os.path.join(self.dir, "feedd.conf")
        self.proc = None
        self.notify_path = os.path.join(self.dir, "notify.sock")
        self.messages = []

    def write_config(self, feeds, server_extra=""):
        with open(self.conf, "w") as f:
            f.write("[server]\nlisten = 127.0.0.1:%d\nstate_dir = %s\n%s\n"
                    % (self.port, self.state, server_extra))
            f.write(feeds)
            if "min_interval" not in server_extra:
                # tests fetch their own loopback origins every second or so; at the end, so
                # that the lines tests name stay where they were
                f.write("\n[server]\nmin_interval = 1s\n")

    def start(self, wait_ready=True, nofile=None):
        if os.path.exists(self.notify_path):
            os.unlink(self.notify_path)
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(self.notify_path)
        env = dict(os.environ, NOTIFY_SOCKET=self.notify_path)
        self.log = open(os.path.join(self.dir, "feedd.log"), "ab")
        def limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        self.proc = subprocess.Popen(FEEDD_CMD + ["-c", self.conf], stderr=self.log,
                                     stdout=self.log, env=env,
                                     preexec_fn=limit if nofile else None)
        if wait_ready:
            return self.wait_message("READY=1", 20)
        return True

    def wait_message(self, what, timeout):
        end = time.time() + timeout
        while time.time() < end:
            if any(what in m for m in self.messages):
                self.messages = [m for m in self.messages if what not in m]
                return True
            self.notify.settimeout(max(0.05, end - time.time()))
            try:
                self.messages.append(self.notify.recv(4096).decode())
            except socket.timeout:
                pass
            if self.proc.poll() is not None:
                return False
        return False

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self):
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc = None
        self.notify.close()
        self.log.close()
        return rc

    def request(self, path, method="GET", headers=None):
        # under the sanitizers the loop's own work on one large source (the answer's entries
        # checked and merged; its read, formats and save run on threads) takes seconds, so a
        # request may wait that long
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request(method, path, headers=headers or {})
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), body

    def feed(self, name):
        status, headers, body = self.request("/feeds/%s.atom" % name)
        if headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        return status, headers, body

    def wait_for(self, pred, timeout=15):
        end = time.time() + timeout
        while time.time() < end:
            try:
                v = pred()
                if v:
                    return v
            except (ConnectionError, OSError):
                pass
            time.sleep(0.1)
        return None

    def logtext(self):
        with open(os.path.join(self.dir, "feedd.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
