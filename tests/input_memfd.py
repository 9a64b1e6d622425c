"""A job's input larger than 64 KiB goes to its worker in a memfd, not through the channel
(feedd-worker(5), the F frame): the plugin finds its bytes in the mapping of a memfd, in
`feedd convert -w` and in the daemon's pool; a small input still comes inside the J frame; and
the feed made either way is the one made in-process."""
import os
import shutil
import tempfile

from daemonlib import Daemon
from testlib import BUILDDIR, SAMPLE, convert, done, eq, ok

plugins = tempfile.mkdtemp(prefix="feedd-memfd-plugins-")
os.chmod(plugins, 0o755)
shutil.copy(os.path.join(BUILDDIR, "tests", "plugins", ".libs", "evil.so"), plugins)
shutil.copy(os.path.join(BUILDDIR, "plugins", ".libs", "textdump.so"), plugins)
work = tempfile.mkdtemp(prefix="feedd-memfd-")
os.environ["FEEDD_PLUGIN_DIR"] = plugins  # for convert, which reads it
MEMFD = b"/memfd:feedd-input"

big = os.path.join(work, "big.txt")
small = os.path.join(work, "small.txt")
with open(big, "w") as f:  # "where": the evil plugin names the mapping its input lies in
    f.write("where\n" + "lorem ipsum dolor sit amet\n" * 5000)  # 135 KB
with open(small, "w") as f:
    f.write("where\n" + "lorem ipsum dolor sit amet\n" * 10)
bigloop = os.path.join(work, "bigloop.txt")
with open(bigloop, "w") as f:  # a plugin that never answers, on an input sent in a memfd
    f.write("loop\n" + "lorem ipsum dolor sit amet\n" * 5000)


def title_of(feed):
    at = feed.rindex(b"<title>") + len(b"<title>")
    return feed[at:feed.index(b"</title>", at)]


p = convert(["-w", "-p", "evil", big])
q = convert(["-w", "-p", "evil", small])
ok(p.returncode == 0 and MEMFD in title_of(p.stdout),
   "convert -w: a 135 KB input is mapped from a memfd in the worker (%r)" % title_of(p.stdout))
ok(q.returncode == 0 and MEMFD not in title_of(q.stdout),
   "convert -w: a 300-byte input comes inside its frame (%r)" % title_of(q.stdout))

# textdump on 20 copies of the sample (143 KB): the same feed through the memfd as in-process
dump = os.path.join(work, "dump.txt")
with open(SAMPLE, "rb") as f:
    text = f.read()
with open(dump, "wb") as f:
    for i in range(20):
        f.write(text.replace(b"China", b"China%d" % i))
a = convert(["-p", "textdump", dump])
b = convert(["-w", "-p", "textdump", dump])
eq(b.returncode, 0, "convert -w: textdump converts a 143 KB dump")
eq(b.stdout, a.stdout, "convert -w: the same feed through the memfd as in-process")

d = Daemon()
shutil.copy(big, os.path.join(d.dir, "big.txt"))
shutil.copy(small, os.path.join(d.dir, "small.txt"))
shutil.copy(dump, os.path.join(d.dir, "dump.txt"))
shutil.copy(bigloop, os.path.join(d.dir, "bigloop.txt"))
d.write_config("[feed big]\nplugin = evil\nsource = big.txt\ninterval = 1h\n"
               "[feed small]\nplugin = evil\nsource = small.txt\ninterval = 1h\n"
               "[feed dump]\nplugin = textdump\nsource = dump.txt\ninterval = 1s\n"
               "[feed bigloop]\nplugin = evil\nsource = bigloop.txt\ninterval = 1h\n",
               "plugin_dir = %s\nworkers = 2\nplugin_timeout = 2s\n" % plugins)
ok(d.start(), "the daemon starts")
for name in ("big", "small", "dump"):
    ok(d.wait_for(lambda: d.feed(name)[0] == 200, 20), "feed %s is served" % name)
t = title_of(d.feed("big")[2])
ok(MEMFD in t, "daemon: the 135 KB input is mapped from a memfd in the worker (%r)" % t)
t = title_of(d.feed("small")[2])
ok(MEMFD not in t, "daemon: the 300-byte input comes inside its frame (%r)" % t)
ok(d.feed("dump")[2].count(b"<entry>") == a.stdout.count(b"<entry>") > 0,
   "daemon: the 143 KB dump's entries, as in-process")
# the plugin's clock runs once its input is on its way in the memfd
ok(d.wait_for(lambda: "plugin evil: no answer in 2 s" in d.logtext(), 20),
   "daemon: a plugin that loops on a 135 KB input is stopped after plugin_timeout")
ok(d.feed("small")[0] == 200, "daemon: the other feeds are still served")
log = d.logtext()
ok("no memfd" not in log, "daemon: no input fell back to the channel")
eq(d.stop(), 0, "the daemon exits 0")
d.cleanup()
shutil.rmtree(work)
shutil.rmtree(plugins)
done()
