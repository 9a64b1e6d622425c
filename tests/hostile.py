"""Hostile input through `feedd convert`, every plugin: random bytes, NULs, invalid UTF-8 and
lone surrogates, 30 MiB without a newline, 400,000 short lines, 300,000 nested <div>s, empty
input.  Each gives valid Atom or a one-line error, in bounded time and memory."""
import os
import random
import resource
import subprocess

from testlib import FEEDD_CMD, checkfeed, done, ok, relaxng

rng = random.Random(7)
inputs = {
    "1 MiB random": bytes(rng.getrandbits(8) for _ in range(1 << 20)),
    "NUL bytes": b"\x00" * 65536 + b"The council met.\x00\x00 It was long.\n" * 100,
    "invalid UTF-8 and lone surrogates": (b"caf\xc3 \xed\xa0\x80 x\xf4\x90\x80\x80 \xc0\xaf "
                                          b"\xff\xfe" * 2000),
    "30 MiB without a newline": b"word " * (6 << 20),
    "400,000 short lines": b"a b.\n" * 400000,
    "300,000 nested divs": b"<html><body>" + b"<div>" * 300000 + b"x" + b"</div>" * 300000,
    "empty": b"",
}
PLUGINS = [("textdump", []), ("feed", []), ("html", ["-s", "item=//div", "-s", "title=."]),
           ("lines", [])]


def limit():
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # 2 GiB: bounded memory


asan = "fsanitize" in open(os.path.join(os.environ.get("top_builddir", "."), "Makefile")).read() \
    if os.path.exists(os.path.join(os.environ.get("top_builddir", "."), "Makefile")) else False
for name, data in inputs.items():
    for plugin, opts in PLUGINS:
        what = "%s via %s" % (name, plugin)
        try:
            p = subprocess.run(FEEDD_CMD + ["convert", "-p", plugin] + opts, input=data,
                               capture_output=True, timeout=60,
                               preexec_fn=None if asan else limit)
        except subprocess.TimeoutExpired:
            ok(False, what + ": finishes within 60 s")
            continue
        if p.returncode == 0:
            good, msg = relaxng(p.stdout)
            try:
                checkfeed.check(p.stdout, allow_fffd=plugin != "textdump")
                must = True
            except checkfeed.FeedError as e:
                must = str(e)
            ok(good and must is True, what + ": valid Atom (%s %s)" % (msg[:200], must))
            ok(b"passwd" not in p.stdout, what + ": nothing from the file system")
        else:
            lines = p.stderr.decode("utf-8", "replace").strip().split("\n")
            ok(p.returncode == 1 and len(lines) == 1 and not p.stdout,
               what + ": a one-line error (exit %d: %r)" % (p.returncode, p.stderr[:200]))
done()
