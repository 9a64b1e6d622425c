"""How feedd.conf is read, line by line: a line may be as long as a URL or an XPath needs
(libinih stopped at 198 bytes), a key given twice in one section is refused with FILE:LINE
naming the first, and the syntax a libinih config used still means the same."""
import os

from daemonlib import Daemon
from testlib import done, eq, ok, run, valid_feed

d = Daemon()
with open(os.path.join(d.dir, "src.txt"), "w") as f:
    f.write("one line\n")


def check(text):
    with open(d.conf, "w") as f:
        f.write("[server]\nlisten = 127.0.0.1:%d\nstate_dir = %s\n" % (d.port, d.state) + text)
    p = run(["-n", "-c", d.conf])
    return p.returncode, p.stdout.decode(), p.stderr.decode().strip()


HEAD = "[feed f]\nplugin = lines\nsource = src.txt\n"
long_title = "A title " + "word " * 400  # 2 kB: a long XPath or a URL with a query does this
eq(check(HEAD + "title = %s\n" % long_title)[:2], (0, "configuration OK\n"),
   "a 2 kB line is read")
eq(check(HEAD + "title = " + "x" * 70000 + "\n")[2],
   "%s:7: line longer than 65536 bytes" % d.conf, "a line over 64 KiB is refused with its line")

for what, text, line, first in (
        ("a feed key", HEAD + "interval = 1h\ninterval = 2h\n", 8, 7),
        ("the source", HEAD + "source = src.txt\n", 7, 6),
        ("a plugin option", HEAD + "prefix = a\nprefix = b\n", 8, 7),
        ("a [server] key", "max_parallel = 4\nmax_parallel = 8\n" + HEAD, 5, 4)):
    rc, _, err = check(text)
    ok(rc != 0 and err.startswith("%s:%d: " % (d.conf, line)) and
       ("line %d" % first) in err and "twice" in err,
       "%s given twice is refused at its second line, naming the first (%r)" % (what, err))
eq(check(HEAD + "[feed g]\nplugin = lines\nsource = src.txt\n")[:2], (0, "configuration OK\n"),
   "the same keys in another feed are fine")
eq(check(HEAD + "[server]\nmax_parallel = 4\n")[:2], (0, "configuration OK\n"),
   "[server] may come back for other keys")
rc, _, err = check(HEAD + "[server]\nlisten = 127.0.0.1:1\n")
ok(rc != 0 and err.startswith("%s:8: " % d.conf) and "line 2" in err,
   "but a [server] key given twice in two [server] sections is refused (%r)" % err)

for what, text in (("a line without '='", HEAD + "just words\n"),
                   ("a header without ']'", HEAD + "[feed g\n"),
                   ("a value without a key", HEAD + "= 5\n")):
    rc, _, err = check(text)
    ok(rc != 0 and err.startswith("%s:7: " % d.conf), "%s is refused with its line (%r)"
       % (what, err))

# what libinih accepted means the same: a BOM, comments, ':' for '=', ' ;' comments, indents
with open(d.conf, "wb") as f:
    f.write(b"\xef\xbb\xbf# a comment\n; another\n[server]\nlisten: 127.0.0.1:%d\n"
            b"  state_dir = %s   ; where states live\n\n[feed f]  \nplugin=lines\n"
            b"\tsource = src.txt\ntitle = Semi;colon and a #hash\ninterval = 1h\n"
            % (d.port, d.state.encode()))
p = run(["-n", "-c", d.conf])
eq((p.returncode, p.stdout), (0, b"configuration OK\n"), "the libinih syntax is accepted")
ok(d.start(), "ready")
ok(d.wait_for(lambda: d.feed("f")[0] == 200), "served")
feed = valid_feed(d.feed("f")[2], "the feed")
eq(feed and feed["title"], "Semi;colon and a #hash", "';' and '#' inside a value are kept")
ok(os.path.isdir(d.state), "the state_dir before ' ;' is the one used")
d.cleanup()
done()
