"""What a restart keeps: the state file reads back exactly what was served (long content
included), and a state file that cannot be read is kept, not served and retried, never rebuilt
over."""
import glob
import os
import re
import shutil
import time

from daemonlib import Daemon
from testlib import done, eq, ok

LONG = "&lt;p&gt;x" * (3 * (1 << 20) // 16)  # 3/4 MiB of unclosed paragraphs: grows when sanitized
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x</id>
<updated>2026-01-01T00:00:00Z</updated>
<entry><title>long</title><id>urn:long</id><updated>2026-01-01T00:00:00Z</updated>
<content type="html">%s</content></entry>
<entry><title>short</title><id>urn:short</id><updated>2026-01-02T00:00:00Z</updated>
<content type="html">&lt;p&gt;short&lt;/p&gt;</content></entry>
</feed>
""" % LONG


def content_of(body, title):
    m = re.search(rb"<title>" + title + rb"</title>.*?<content type=\"html\">(.*?)</content>",
                  body, re.S)
    return m.group(1) if m else None


d = Daemon()
src = os.path.join(d.dir, "src.atom")
with open(src, "w") as f:
    f.write(ATOM)
d.write_config("[feed f]\nplugin = feed\nsource = src.atom\ninterval = 1s\n")
ok(d.start(), "ready")
ok(d.wait_for(lambda: d.feed("f")[0] == 200), "served")
_, _, before = d.feed("f")
long_before = content_of(before, b"long")
ok(long_before is not None and len(long_before) > 1 << 20, "long content served (%d bytes)"
   % len(long_before or b""))
eq(d.stop(), 0, "stops")

ok(d.start(), "restarted")
ok(d.wait_for(lambda: d.feed("f")[0] == 200), "served after the restart")
_, _, after = d.feed("f")
ok(content_of(after, b"long") == long_before, "the long content reads back exactly after a restart")
time.sleep(2.5)  # a few fetches of the unchanged source
_, _, later = d.feed("f")
ok(content_of(later, b"long") == long_before, "and stays so over later fetches")
eq(d.stop(), 0, "stops")

# a state file that cannot be read: here a folder where it should be (EISDIR; EACCES, EIO
# and EMFILE take the same path, see tests/test_store.c)
state = os.path.join(d.state, "f.state")
saved = os.path.join(d.dir, "f.state.saved")
shutil.move(state, saved)
os.mkdir(state)
ok(d.start(), "starts with an unreadable state file")
time.sleep(2.5)
s, _, _ = d.feed("f")
eq(s, 503, "the feed is not served from a rebuilt state")
_, _, hz = d.request("/healthz")
ok(b"f.state" in hz and b"not served" in hz, "/healthz says why")
ok(os.path.isdir(state) and not glob.glob(state + ".corrupt-*"), "the file is kept, not moved aside")
ok("cannot read" in d.logtext(), "the log says so")
os.rmdir(state)
shutil.move(saved, state)
ok(d.wait_for(lambda: d.feed("f")[0] == 200), "served once the state loads")
_, _, back = d.feed("f")
ok(content_of(back, b"long") == long_before and b"<title>short</title>" in back,
   "with the entries it had")
eq(d.stop(), 0, "stops")
d.cleanup()
done()
