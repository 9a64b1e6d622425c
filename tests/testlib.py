"""Helpers for feedd's integration tests: running feedd, validating output, skipping."""
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkfeed  # noqa: E402

FEEDD = os.environ.get("FEEDD", "feedd")
# make check-valgrind sets FEEDD_WRAPPER to run every feedd under valgrind memcheck
FEEDD_CMD = shlex.split(os.environ.get("FEEDD_WRAPPER", "")) + [FEEDD]
SRCDIR = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), ".."))
BUILDDIR = os.environ.get("top_builddir", ".")
RNG = os.path.join(SRCDIR, "tests", "atom.rng")
DATA = os.path.join(SRCDIR, "tests", "data")
SAMPLE = os.path.join(DATA, "news-page-dump.txt")

failures = 0
passes = 0


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def ok(cond, what):
    global failures, passes
    if cond:
        passes += 1
        print("ok - " + what)
    else:
        failures += 1
        print("not ok - " + what)
    return cond


def eq(got, want, what):
    if not ok(got == want, what):
        print("   got:  %r\n   want: %r" % (got, want))


def done():
    print("%d checks passed, %d failed" % (passes, failures))
    sys.exit(1 if failures else 0)


def run(args, stdin=None, timeout=60):
    return subprocess.run(FEEDD_CMD + args, input=stdin, capture_output=True, timeout=timeout)


def convert(args, stdin=None):
    return run(["convert"] + args, stdin=stdin)


def relaxng(data):
    """Validates Atom bytes with xmllint --relaxng; returns (ok, message)."""
    if shutil.which("xmllint") is None:
        skip("xmllint not installed (libxml2-utils)")
    with tempfile.NamedTemporaryFile(suffix=".atom") as f:
        f.write(data)
        f.flush()
        p = subprocess.run(["xmllint", "--noout", "--relaxng", RNG, f.name],
                           capture_output=True)
        return p.returncode == 0, p.stderr.decode("utf-8", "replace").strip()


def valid_feed(data, what, allow_fffd=False):
    """Checks data against the schema and the MUST rules; returns the parsed feed or None."""
    good, msg = relaxng(data)
    if not ok(good, what + ": valid against atom.rng"):
        print("   " + msg[:2000])
        return None
    try:
        feed = checkfeed.check(data, allow_fffd=allow_fffd)
    except checkfeed.FeedError as e:
        ok(False, what + ": MUST rules (%s)" % e)
        return None
    ok(True, what + ": MUST rules")
    return feed
