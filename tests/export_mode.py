"""export_dir is for another program to read (a web server, a sync job): its files are 0644
and its folder 0755 whatever the daemon's umask (the systemd unit sets UMask=0077, which made
them 0600), while state files stay 0600."""
import os
import stat

from daemonlib import Daemon
from testlib import SAMPLE, done, eq, ok

d = Daemon()
exp = os.path.join(d.dir, "www", "feeds")
d.write_config("[feed news]\nplugin = textdump\nsource = %s\ninterval = 1h\n" % SAMPLE,
               "export_dir = %s" % exp)
old = os.umask(0o077)
try:
    ok(d.start(), "ready under umask 077")
finally:
    os.umask(old)
names = ["news" + ext + gz for ext in (".atom", ".rss", ".json", ".html") for gz in ("", ".gz")]
ok(d.wait_for(lambda: all(os.path.exists(os.path.join(exp, n)) for n in names)),
   "every format is exported with its gzip copy")
eq(stat.S_IMODE(os.stat(exp).st_mode), 0o755, "the folder is 0755")
for n in names:
    eq(stat.S_IMODE(os.stat(os.path.join(exp, n)).st_mode), 0o644, n + " is 0644")
eq(stat.S_IMODE(os.stat(os.path.join(d.state, "news.state")).st_mode), 0o600,
   "the state file stays 0600")
ok(not [n for n in os.listdir(exp) if n.startswith(".")], "no temporary file is left")
eq(d.stop(), 0, "exits 0")
d.cleanup()
done()
