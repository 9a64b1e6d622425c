"""The plugin kit: a DESTDIR install gives <feedd/plugin.h> and feedd.pc; a plugin built out of
tree against them loads with `feedd plugins` and runs with `feedd convert`; the header compiles
alone with -std=c99 -pedantic."""
import os
import shutil
import subprocess
import tempfile

from testlib import BUILDDIR, FEEDD_CMD, SRCDIR, done, eq, ok, skip

if shutil.which("pkg-config") is None or shutil.which("cc") is None:
    skip("pkg-config or cc missing")
tmp = tempfile.mkdtemp()
dest = os.path.join(tmp, "dest")
p = subprocess.run(["make", "-s", "-C", BUILDDIR, "install-pkgincludeHEADERS",
                    "install-pkgconfigDATA", "DESTDIR=" + dest], capture_output=True)
ok(p.returncode == 0, "DESTDIR install of the header and feedd.pc: %s" % p.stderr[-500:])
pcdirs = [d for d, _, fs in os.walk(dest) if "feedd.pc" in fs]
ok(pcdirs, "feedd.pc installed")
env = dict(os.environ, PKG_CONFIG_PATH=pcdirs[0] if pcdirs else "", PKG_CONFIG_SYSROOT_DIR=dest)
cflags = subprocess.run(["pkg-config", "--cflags", "feedd"], env=env, capture_output=True,
                        text=True).stdout.split()
plugindir = subprocess.run(["pkg-config", "--variable=plugindir", "feedd"], env=env,
                           capture_output=True, text=True).stdout.strip()
ok(plugindir.endswith("/feedd"), "pkg-config --variable=plugindir: %r" % plugindir)
ok(any(c.startswith("-I" + dest) for c in cflags), "pkg-config --cflags points into DESTDIR")

hdr = os.path.join(tmp, "h.c")
with open(hdr, "w") as f:
    f.write("#include <feedd/plugin.h>\nint main(void) { return FEEDD_PLUGIN_ABI - 1; }\n")
p = subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror"] + cflags +
                   ["-o", os.path.join(tmp, "h"), hdr], capture_output=True)
ok(p.returncode == 0, "the header compiles alone with -std=c99 -pedantic: %s" % p.stderr)

# the example plugin, renamed, built the way the README says
src = open(os.path.join(SRCDIR, "plugins", "lines", "lines.c")).read()
src = src.replace('.name = "lines"', '.name = "mylines"')
mine = os.path.join(tmp, "mylines.c")
with open(mine, "w") as f:
    f.write(src)
pdir = os.path.join(tmp, "plugins")
os.mkdir(pdir, 0o755)
p = subprocess.run(["cc", "-shared", "-fPIC", "-Wall", "-Werror"] + cflags +
                   ["-o", os.path.join(pdir, "mylines.so"), mine], capture_output=True)
ok(p.returncode == 0, "out-of-tree plugin builds: %s" % p.stderr)
os.chmod(pdir, 0o755)
env2 = dict(os.environ, FEEDD_PLUGIN_DIR=pdir)
p = subprocess.run(FEEDD_CMD + ["plugins"], env=env2, capture_output=True, text=True)
ok(p.stdout.startswith("mylines\t"), "feedd plugins lists it: %r" % p.stdout)
p = subprocess.run(FEEDD_CMD + ["convert", "-p", "mylines", "-s", "prefix=* "], env=env2,
                   input=b"one\ntwo\n", capture_output=True)
eq((p.returncode, p.stdout.count(b"<entry>")), (0, 2), "feedd convert runs it")
ok(b"<title>* one</title>" in p.stdout, "its option reaches it")

# a plugin folder writable by others is refused
os.chmod(pdir, 0o777)
p = subprocess.run(FEEDD_CMD + ["plugins"], env=env2, capture_output=True, text=True)
ok(p.returncode != 0 and "writable" in p.stderr, "a world-writable plugin folder is refused")
shutil.rmtree(tmp)
done()
