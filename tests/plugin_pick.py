"""Which file a plugin name picks.  `feedd convert -p NAME` opens NAME.so in the plugin folder
when that file declares NAME, and no other plugin: a broken file beside it costs nothing and
says nothing (convert used to load every plugin, and warn of each one refused, for one).  When
NAME.so is missing, refused or declares another name, the whole folder is read as before, with
its warnings.  Where two files declare the same name, the one named after it is the plugin, in
convert, convert -w and `feedd plugins` (the daemon's scan) alike; before, the first by file
name was.  A -p that is no plugin name never becomes a path."""
import os
import re
import shutil
import subprocess
import tempfile

from testlib import BUILDDIR, DATA, FEEDD_CMD, done, eq, ok

LIBS = os.path.join(BUILDDIR, "plugins", ".libs")
TLIBS = os.path.join(BUILDDIR, "tests", "plugins", ".libs")
FEED = os.path.join(DATA, "feeds", "rss2-authors.xml")
top = tempfile.mkdtemp(prefix="feedd-pick-")
os.chmod(top, 0o755)


def folder(name, files):
    """A plugin folder under top holding files ({name there: file to copy, or bytes})."""
    d = os.path.join(top, name)
    os.mkdir(d, 0o755)
    for dest, src in files.items():
        if isinstance(src, bytes):
            with open(os.path.join(d, dest), "wb") as f:
                f.write(src)
        else:
            shutil.copy(src, os.path.join(d, dest))
    return d


def feedd(pdir, args, stdin=None, env=None):
    e = dict(os.environ, FEEDD_PLUGIN_DIR=pdir)
    e.update(env or {})
    return subprocess.run(FEEDD_CMD + args, input=stdin, capture_output=True, env=e,
                          timeout=60)


def opened(stderr):
    """The plugin files the dynamic loader opened, by LD_DEBUG=files's lines."""
    return sorted(set(os.path.basename(m.decode()) for m in
                      re.findall(rb"file=(\S+\.so)\s+\[0\];\s+dynamically loaded", stderr)))


ref = feedd(LIBS, ["convert", "-p", "feed", FEED])
eq(ref.returncode, 0, "the sample converts with the build's plugins")

# a folder with feed.so and three files the scan refuses
broken = folder("broken", {"feed.so": os.path.join(LIBS, "feed.so"),
                           "badabi.so": os.path.join(TLIBS, "badabi.so"),
                           "junk.so": b"not a shared object\n",
                           "notaplugin.so": os.path.join(TLIBS, "notaplugin.so")})
p = feedd(broken, ["convert", "-p", "feed", FEED])
eq(p.returncode, 0, "convert -p feed beside broken plugins exits 0")
eq(p.stdout, ref.stdout, "and writes the same feed")
eq(p.stderr, b"", "and says nothing of the files it did not need")
p = feedd(broken, ["convert", "-p", "nosuch", FEED])
lines = p.stderr.decode().strip().split("\n")
ok(p.returncode != 0 and "no plugin named 'nosuch'" in lines[-1] and "(there are: feed)" in
   lines[-1], "an unknown name reads the folder and says what is there: %r" % lines[-1])
ok(any("skipped" in x and "junk.so" in x for x in lines),
   "with the reason each file was refused")

# feed.so refused (its ABI), another file declaring feed: the scan finds it, and says why
fallback = folder("fallback", {"feed.so": os.path.join(TLIBS, "badabi.so"),
                               "other.so": os.path.join(LIBS, "feed.so")})
p = feedd(fallback, ["convert", "-p", "feed", FEED])
ok(p.returncode == 0 and p.stdout == ref.stdout,
   "feed.so refused: the plugin named feed in another file converts")
ok(b"skipped" in p.stderr and b"feed.so" in p.stderr, "and the refusal of feed.so is said")
p = feedd(folder("renamed", {"other.so": os.path.join(LIBS, "feed.so")}),
          ["convert", "-p", "feed", FEED])
ok(p.returncode == 0 and p.stdout == ref.stdout and p.stderr == b"",
   "no feed.so: the plugin named feed in another file converts")

# two files declaring testplugin: good.so (version 0, title "one") and testplugin.so (twin)
twins = folder("twins", {"good.so": os.path.join(TLIBS, "good.so"),
                         "testplugin.so": os.path.join(TLIBS, "twin.so")})
p = feedd(twins, ["plugins"])
eq([l.split("\t")[:2] for l in p.stdout.decode().splitlines()], [["testplugin", "twin"]],
   "feedd plugins: the file named after the name is the plugin")
ok(b"good.so" in p.stderr and b"testplugin" in p.stderr, "and the other is said to be skipped")
for args, what in ((["convert"], "convert"), (["convert", "-w"], "convert -w")):
    p = feedd(twins, args + ["-p", "testplugin"], stdin=b"x")
    ok(p.returncode == 0 and b"<title>twin</title>" in p.stdout and
       b"<title>one</title>" not in p.stdout, what + " runs testplugin.so's: %r" % p.stderr)
# neither named after it: the first by file name, as always
p = feedd(folder("neither", {"a.so": os.path.join(TLIBS, "good.so"),
                             "b.so": os.path.join(TLIBS, "twin.so")}), ["plugins"])
eq([l.split("\t")[:2] for l in p.stdout.decode().splitlines()], [["testplugin", "0"]],
   "neither file named after it: the first by file name is the plugin")
ok(b"b.so" in p.stderr, "and the second is said to be skipped")

if not os.environ.get("FEEDD_WRAPPER"):
    ld = {"LD_DEBUG": "files"}
    p = feedd(LIBS, ["convert", "-p", "feed", FEED], env=ld)
    ok(p.returncode == 0 and p.stdout == ref.stdout, "convert under LD_DEBUG=files")
    eq(opened(p.stderr), ["feed.so"], "convert -p feed opens feed.so alone")
    # ../outside.so declares testplugin: -p ../outside must not open it (nor any path)
    shutil.copy(os.path.join(TLIBS, "good.so"), os.path.join(top, "outside.so"))
    p = feedd(broken, ["convert", "-p", "../outside", FEED], env=ld)
    ok(p.returncode != 0 and "outside.so" not in opened(p.stderr),
       "-p ../outside opens no file outside the folder: %r" % opened(p.stderr))
shutil.rmtree(top)
done()
