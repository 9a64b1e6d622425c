"""textdump on the sample of real pages in tests/data/pages, from their `w3m -dump` text: the
main text must score at least FLOOR (as bench/pages.py --from w3m scores the whole set)."""
import os
import shutil
import sys

from testlib import DATA, SRCDIR, done, ok, skip

sys.path.insert(0, os.path.join(SRCDIR, "bench"))
import pages  # noqa: E402

FLOOR = 0.79  # the sample scored 0.821 when this was set

if shutil.which("w3m") is None:
    skip("w3m is not installed")
s = pages.score(pages.load_set(os.path.join(DATA, "pages")), "w3m", jobs=2)
pages.report(s)
ok(s["pages"] == 40, "the sample has its 40 pages")
ok(not s["errors"], "no page fails")
ok(s["f"] >= FLOOR, "from w3m -dump: F %.3f >= %.2f" % (s["f"], FLOOR))
done()
