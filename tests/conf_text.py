"""Config text that lands in every feed and /feeds.opml (title, author, URLs…) must be UTF-8
without control characters: `feedd -n` refuses anything else with FILE:LINE, and what it
accepts is served well-formed."""
import os
import xml.etree.ElementTree as ET

from daemonlib import Daemon
from testlib import done, eq, ok, run, valid_feed

d = Daemon()
with open(os.path.join(d.dir, "src.txt"), "w") as f:
    f.write("one line\n")
HEAD = "[feed f]\nplugin = lines\nsource = src.txt\ninterval = 1h\n"
for what, line in (("title in Latin-1", b"title = caf\xe9"),
                   ("title with a control byte", b"title = a\x01b"),
                   ("author with an escape", b"author = \x1b[31mred"),
                   ("title with a C1 control", b"title = a\xc2\x85b"),
                   ("a plugin option in Latin-1", b"prefix = \xe9")):
    d.write_config(HEAD, "min_interval = 1m")  # nothing after the feed: the line is its own
    with open(d.conf, "ab") as f:
        f.write(line + b"\n")
    lineno = len(open(d.conf, "rb").read().split(b"\n")) - 1
    p = run(["-n", "-c", d.conf])
    err = p.stderr.decode("utf-8", "replace")
    ok(p.returncode != 0 and err.startswith("%s:%d: " % (d.conf, lineno)),
       "%s is refused with FILE:LINE (%d, %r)" % (what, p.returncode, err.strip()))

d.write_config(HEAD + "title = Café ☕ \"quoted\" <b>\nauthor = Zoë & co\n")
p = run(["-n", "-c", d.conf])
eq((p.returncode, p.stdout), (0, b"configuration OK\n"), "UTF-8 text is accepted")
ok(d.start(), "ready")
ok(d.wait_for(lambda: d.feed("f")[0] == 200), "served")
feed = valid_feed(d.feed("f")[2], "the feed")
eq(feed and feed["title"], 'Café ☕ "quoted" <b>', "the title as written")
s, _, opml = d.request("/feeds.opml")
outline = ET.fromstring(opml).find("./body/outline")
eq(outline is not None and outline.get("title"), 'Café ☕ "quoted" <b>', "OPML is well-formed")
d.cleanup()
done()
