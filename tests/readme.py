"""The README's `feedd convert` example is what feedd writes: its lines joined are the output
(line breaks aside), with each "…" standing for text left out."""
import os
import re

from testlib import SRCDIR, convert, done, ok

with open(os.path.join(SRCDIR, "README.md"), encoding="utf-8") as f:
    readme = f.read()
cmd = "    $ ./feedd convert -p textdump tests/data/news-page-dump.txt\n"
ok(cmd in readme, "the README has the example")
block = readme[readme.index(cmd) + len(cmd):].split("\n\n")[0]
lines = [l[4:] for l in block.split("\n")]
pattern = ".*?".join(re.escape(piece) for piece in "".join(lines).split("…"))
p = convert(["-p", "textdump", os.path.join(SRCDIR, "tests", "data", "news-page-dump.txt")])
out = p.stdout.decode("utf-8").replace("\n", "")  # the example's lines are broken up
m = re.fullmatch(pattern, out, re.S)
ok(p.returncode == 0 and m is not None, "the example matches feedd's output")
if m is None:
    # the longest leading part of the example that still matches, to show where it differs
    for i in range(len(lines), 0, -1):
        part = ".*?".join(re.escape(x) for x in "".join(lines[:i]).split("…"))
        if re.match(part, out, re.S):
            print("   matches up to README line %d; next: %r" % (i, lines[i] if i < len(lines)
                                                              else ""))
            break
done()
