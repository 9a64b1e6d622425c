"""Every test script make check runs is also in the tarball: make distcheck, which runs the
suite from the tarball, cannot run a script EXTRA_DIST forgot (it fails late, in CI)."""
import os
import re

from testlib import SRCDIR, done, ok


def variables(path):
    text = open(path).read().replace("\\\n", " ")
    v = {}
    for m in re.finditer(r"^(\w+)\s*\+?=\s*(.*)$", text, re.M):
        v.setdefault(m.group(1), []).extend(m.group(2).split())
    return v


v = variables(os.path.join(SRCDIR, "Makefile.am"))
scripts = [t for t in v.get("TESTS", []) if t.endswith(".py")]
dist = set(v.get("EXTRA_DIST", []))
ok(len(scripts) > 20, "Makefile.am's TESTS read (%d scripts)" % len(scripts))
for t in scripts:
    ok(t in dist, "%s is in EXTRA_DIST" % t)
done()
