"""The textdump corpus is what its generator writes: tests/data/textdump/make-corpus.py, run in a
temporary copy of its folder, gives the committed .txt and .json files byte for byte and no
others, so a case added or edited by hand cannot drift from the generator again."""
import difflib
import os
import shutil
import subprocess
import sys
import tempfile

from testlib import DATA, done, eq, ok

CORPUS = os.path.join(DATA, "textdump")


def dumps(folder):
    return sorted(n for n in os.listdir(folder) if n.endswith((".txt", ".json")))


def first_difference(name, have, made):
    """The first differing lines of a file, to show which side moved."""
    a = have.decode("utf-8", "replace").splitlines(True)
    b = made.decode("utf-8", "replace").splitlines(True)
    lines = list(difflib.unified_diff(a, b, name + " (committed)", name + " (generated)", n=1))
    return "".join("   " + l if l.endswith("\n") else "   " + l + "\n" for l in lines[:12])


with tempfile.TemporaryDirectory(prefix="feedd-corpus-") as tmp:
    # the generator reads ../news-page-dump.txt and writes beside itself
    out = os.path.join(tmp, "textdump")
    os.mkdir(out)
    shutil.copy(os.path.join(CORPUS, "make-corpus.py"), out)
    shutil.copy(os.path.join(DATA, "news-page-dump.txt"), tmp)
    p = subprocess.run([sys.executable, os.path.join(out, "make-corpus.py")],
                       capture_output=True, timeout=120)
    if not ok(p.returncode == 0, "make-corpus.py runs"):
        print("   " + p.stderr.decode())
        done()
    committed, generated = dumps(CORPUS), dumps(out)
    eq([n for n in committed if n not in generated], [], "every committed file is generated")
    eq([n for n in generated if n not in committed], [], "every generated file is committed")
    ok(len(generated) > 0, "the generator wrote %d files" % len(generated))
    for name in sorted(set(committed) & set(generated)):
        with open(os.path.join(CORPUS, name), "rb") as f:
            have = f.read()
        with open(os.path.join(out, name), "rb") as f:
            made = f.read()
        if not ok(have == made, "%s is what the generator writes" % name):
            sys.stdout.write(first_difference(name, have, made))
done()
