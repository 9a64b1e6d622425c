"""The W3C feedvalidator corpus (tests/data/feedvalidator, MIT licence) through the feed plugin:
every file gives valid Atom or a one-line error and a non-zero exit, never a crash or a hang;
every file in sample/ (valid feeds) converts."""
import os
import subprocess
import tempfile

from testlib import DATA, FEEDD_CMD, RNG, checkfeed, done, ok

root = os.path.join(DATA, "feedvalidator")
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
               if f.endswith((".xml", ".rss", ".atom", ".rdf")))
outdir = tempfile.mkdtemp()
converted, crashes, errors, bad_errors, invalid, samples_failed = [], [], 0, [], [], []
for i, path in enumerate(files):
    try:
        p = subprocess.run(FEEDD_CMD + ["convert", "-p", "feed", path], capture_output=True, timeout=20)
    except subprocess.TimeoutExpired:
        crashes.append(path + " (hang)")
        continue
    if p.returncode not in (0, 1):
        crashes.append("%s (exit %d): %s" % (path, p.returncode, p.stderr[-300:]))
        continue
    if p.returncode == 1:
        errors += 1
        lines = p.stderr.decode("utf-8", "replace").strip().split("\n")
        if len(lines) != 1 or p.stdout:
            bad_errors.append(path)
        if "/sample/" in path:
            samples_failed.append(path + ": " + lines[0])
        continue
    out = os.path.join(outdir, "%05d.atom" % i)
    with open(out, "wb") as f:
        f.write(p.stdout)
    converted.append((path, out))
    try:
        checkfeed.check(p.stdout, allow_fffd=True)
    except checkfeed.FeedError as e:
        invalid.append("%s: %s" % (path, e))

# one xmllint run per batch of outputs
for k in range(0, len(converted), 200):
    batch = converted[k:k + 200]
    r = subprocess.run(["xmllint", "--noout", "--relaxng", RNG] + [o for _, o in batch],
                       capture_output=True)
    msgs = r.stderr.decode("utf-8", "replace")
    for src, o in batch:
        if (o + " validates") not in msgs:
            invalid.append(src + ": fails atom.rng")

ok(len(files) > 1100, "%d corpus files" % len(files))
ok(not crashes, "no crash or hang: %s" % crashes[:5])
ok(not bad_errors, "every failure is one line on stderr and nothing on stdout: %s" % bad_errors[:5])
ok(not invalid, "every success is valid Atom: %s" % invalid[:5])
ok(not samples_failed, "every sample/ feed converts: %s" % samples_failed[:5])
print("# %d converted, %d refused with an error" % (len(converted), errors))
done()
