"""`feedd convert` keeps one entry at a time, not the whole document's worth: a plugin giving
20,000 entries of 4 KiB each (80 MB of text) converts in bounded memory, in-process and
through a worker (-w), every entry written once, a repeated id dropped, in Atom, RSS and the
HTML view (JSON Feed is written whole)."""
import os
import re
import shutil
import subprocess
import tempfile

from testlib import BUILDDIR, FEEDD_CMD, done, eq, ok, relaxng

N = 20000
plugins = tempfile.mkdtemp(prefix="feedd-stream-")
os.chmod(plugins, 0o755)
shutil.copy(os.path.join(BUILDDIR, "tests", "plugins", ".libs", "evil.so"), plugins)
env = dict(os.environ, FEEDD_PLUGIN_DIR=plugins)
# the sanitizers' shadow memory and quarantine, and valgrind, make RSS meaningless
ldd = subprocess.run(["ldd", shutil.which(FEEDD_CMD[-1]) or FEEDD_CMD[-1]], capture_output=True,
                     text=True).stdout
measured = "libasan" not in ldd and not os.environ.get("FEEDD_WRAPPER")
ok(True, "peak RSS %s" % ("measured" if measured else "not measured (sanitizers or valgrind)"))
LIMIT = 40 << 20  # bytes; the text alone is 80 MB


def convert(args, out, n=N, extra_env=None):
    """Runs convert with stdout to the file out; returns (exit status, peak RSS in bytes)."""
    with tempfile.TemporaryFile() as inp:
        inp.write(b"many %d\n" % n)
        inp.seek(0)
        p = subprocess.Popen(FEEDD_CMD + ["convert", "-p", "evil"] + args, stdin=inp,
                             stdout=out, stderr=subprocess.DEVNULL,
                             env=dict(env, **(extra_env or {})))
        _, status, ru = os.wait4(p.pid, 0)
    return os.waitstatus_to_exitcode(status), ru.ru_maxrss * 1024


# every run first, while this process is small: a child's peak RSS counts its parent's at the
# fork (Linux keeps the larger across exec); the outputs are read afterwards
RUNS = (("in-process", [], rb"<id>urn:uuid:"), ("through a worker", ["-w", "-m", "1G"],
        rb"<id>urn:uuid:"), ("-f rss", ["-f", "rss"], rb"<guid "),
        ("-f html", ["-f", "html"], rb"<article "),
        # the spool is an unnamed file in TMPDIR; without one, a memfd
        ("TMPDIR missing", [], rb"<id>urn:uuid:"))
results = []
for what, args, mark in RUNS:
    out = tempfile.TemporaryFile()
    rc, rss = convert(args, out, extra_env={"TMPDIR": "/nonexistent/feedd"} if
                      what.startswith("TMPDIR") else None)
    results.append((what, mark, out, rc, rss))

for what, mark, out, rc, rss in results:
    eq(rc, 0, "%s: convert of %d entries exits 0" % (what, N))
    if measured:
        ok(rss < LIMIT, "%s: peak RSS %d MiB, under %d MiB" % (what, rss >> 20, LIMIT >> 20))
    out.seek(0)
    doc = out.read()
    out.close()
    keys = re.findall(rb"evil:[0-9]+", doc)
    eq(doc.count(mark) - (mark == rb"<id>urn:uuid:"), N,
       "%s: %d entries, the repeated id dropped" % (what, N))
    eq(len(set(keys)), N, "%s: every entry once" % what)
    ok(doc.endswith(b"</entry></feed>\n" if mark == rb"<id>urn:uuid:" else
                    b"</channel></rss>\n" if mark == rb"<guid " else b"</body></html>\n"),
       "%s: the document is whole" % what)
    del doc

# a small one read whole: the feed's updated is its newest entry's (the entries are dated by
# the input's time, newest first), known only at the end, and still comes first; valid Atom
with tempfile.TemporaryFile() as out:
    rc, _ = convert([], out, 50)
    out.seek(0)
    doc = out.read()
m = re.search(rb"<feed[^>]*><id>[^<]*</id><title>[^<]*</title><updated>([^<]*)</updated>", doc)
first = re.search(rb"<entry><id>[^<]*</id><title>[^<]*</title><updated>([^<]*)<", doc)
ok(m and first and m.group(1) == first.group(1), "the feed's updated is its newest entry's")
good, why = relaxng(doc)
ok(good, "valid Atom (RELAX NG): %s" % why[:200])

shutil.rmtree(plugins)
done()
