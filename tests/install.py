"""`make install` into a DESTDIR: every file lands under the prefix (none beside it, such as a
systemd unit in the system's folder), the expected ones are all there, the manuals name the
paths this build uses, and `make uninstall` takes every file away again."""
import os
import shutil
import subprocess
import tempfile

from testlib import BUILDDIR, done, eq, ok, skip

if shutil.which("make") is None:
    skip("make missing")


def make_var(name):
    """A variable of the build's Makefile, expanded."""
    p = subprocess.run(["make", "-s", "-C", BUILDDIR, "--no-print-directory", "-f", "Makefile",
                        "-f", "-", "print-var", "V=" + name],
                       input=b"print-var:\n\t@echo '$(%s)'\n" % name.encode(),
                       capture_output=True)
    # a make above this one may have turned on its "Entering directory" lines
    return "".join(l for l in p.stdout.decode().splitlines() if not l.startswith("make"))


prefix = make_var("prefix")
dirs = dict((k, make_var(k)) for k in ("bindir", "sysconfdir", "localstatedir", "pkglibdir",
                                       "pkgdatadir", "docdir", "mandir", "includedir",
                                       "libdir"))
ok(prefix.startswith("/"), "the build's prefix: %r" % prefix)

tmp = tempfile.mkdtemp(prefix="feedd-install-")
dest = os.path.join(tmp, "dest")
p = subprocess.run(["make", "-s", "-C", BUILDDIR, "install", "DESTDIR=" + dest],
                   capture_output=True)
ok(p.returncode == 0, "make install DESTDIR=…: %s" % p.stderr[-800:].decode("utf-8", "replace"))

installed = sorted(os.path.relpath(os.path.join(d, f), dest)
                   for d, _, fs in os.walk(dest) for f in fs)
print("installed files:")
for f in installed:
    print("   /" + f)
outside = [f for f in installed if not ("/" + f).startswith(prefix.rstrip("/") + "/")]
eq(outside, [], "every installed file lies under the prefix %s" % prefix)


def rel(path):
    return os.path.relpath(path, "/")


want = [os.path.join(rel(dirs["bindir"]), "feedd"),
        os.path.join(rel(dirs["sysconfdir"]), "feedd.conf"),
        os.path.join(rel(dirs["includedir"]), "feedd", "plugin.h"),
        os.path.join(rel(dirs["libdir"]), "pkgconfig", "feedd.pc"),
        os.path.join(rel(dirs["pkgdatadir"]), "news-page-dump.txt"),
        os.path.join(rel(dirs["docdir"]), "lines.c"),
        os.path.join(rel(dirs["mandir"]), "man8", "feedd.8"),
        os.path.join(rel(dirs["mandir"]), "man5", "feedd.conf.5"),
        os.path.join(rel(dirs["mandir"]), "man3", "feedd-plugin.3")]
want += [os.path.join(rel(dirs["pkglibdir"]), p + ".so")
         for p in ("feed", "html", "lines", "textdump")]
eq([w for w in want if w not in installed], [], "the daemon, plugins, kit, sample and manuals")
ok(any(f.endswith("/systemd/system/feedd.service") for f in installed), "the systemd unit")
eq([f for f in installed if f.endswith(".la")], [], "no libtool archives")


def read(relpath):
    try:
        with open(os.path.join(dest, relpath), encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


# the manuals and the installed configuration name this build's paths, not other ones
conf_path = os.path.join(dirs["sysconfdir"], "feedd.conf")
state_dir = os.path.join(dirs["localstatedir"], "lib", "feedd")
man8 = read(os.path.join(rel(dirs["mandir"]), "man8", "feedd.8"))
man5 = read(os.path.join(rel(dirs["mandir"]), "man5", "feedd.conf.5"))
ok(conf_path in man8, "feedd(8) names the configuration %s" % conf_path)
ok(state_dir in man8, "feedd(8) names the state folder %s" % state_dir)
ok(dirs["pkglibdir"] in man8, "feedd(8) names the plugin folder %s" % dirs["pkglibdir"])
ok(state_dir in man5, "feedd.conf(5) names the default state_dir %s" % state_dir)
ok(dirs["pkglibdir"] in man5, "feedd.conf(5) names the default plugin_dir %s"
   % dirs["pkglibdir"])
ok("@" not in "".join(l for l in man8.splitlines() + man5.splitlines()
                      if "@" in l and "dir@" in l), "no placeholder left in the manuals")
unit = "".join(read(f) for f in installed if f.endswith("feedd.service"))
ok("ExecStart=%s/feedd -c %s" % (dirs["bindir"], conf_path) in unit,
   "the unit runs the installed feedd on the installed configuration")

p = subprocess.run(["make", "-s", "-C", BUILDDIR, "uninstall", "DESTDIR=" + dest],
                   capture_output=True)
left = sorted(os.path.relpath(os.path.join(d, f), dest)
              for d, _, fs in os.walk(dest) for f in fs)
eq((p.returncode, left), (0, []), "make uninstall removes every installed file")
shutil.rmtree(tmp)
done()
