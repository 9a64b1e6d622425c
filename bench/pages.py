"""Scores textdump's main-text extraction on real pages, as trafilatura's evaluation does.

    python3 bench/pages.py [--from html|w3m|lynx] [--data DIR] [--jobs N] [--limit N]
                           [--files LIST] [--half even|odd] [--show] [--speed ROUNDS]

For every page of the set (evaldata.json: URL -> {"file", "with": [...], "without": [...]}),
feedd's textdump is run on the page's HTML (--from html) or on a text browser's dump of it
(--from w3m, --from lynx).  The main text is the feed's FIRST entry: its title and its
content or summary, markup stripped and white space folded.  Each "with" snippet found in it
is a true positive, else a false negative; each "without" snippet found is a false positive,
else a true negative; precision, recall and F are over all snippets of all pages (snippets
are white-space folded too, since the text is).

Without --data the set is unpacked from ../shared/data/pages/trafilatura-eval.tar.xz (beside
the repository, or beside its worktree's parent; $FEEDD_PAGES_ARCHIVE overrides) into a
temporary directory.  --files names a file of page file names (one a
line) to score only those, e.g. the sample in tests/data/pages.  --half even (or odd) scores
only the pages at even (odd) positions of the set, sorted by URL: rules are looked for on one
half and checked on the other, so that they are not tuned to single pages.
"""
import argparse
import html
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
BUILD = os.environ.get("top_builddir", TOP)
FEEDD = os.environ.get("FEEDD", os.path.join(BUILD, "feedd"))
PLUGIN_DIR = os.environ.get("FEEDD_PLUGIN_DIR", os.path.join(BUILD, "plugins", ".libs"))
PAGEBENCH = os.environ.get("PAGEBENCH", os.path.join(BUILD, "bench", "pagebench"))
# beside the repository (../shared), or beside the directory of worktrees (../../shared)
ARCHIVES = [os.environ.get("FEEDD_PAGES_ARCHIVE", "")] + [
    os.path.join(TOP, up, "shared", "data", "pages", "trafilatura-eval.tar.xz")
    for up in ("..", os.path.join("..", ".."))]
ATOM = "{http://www.w3.org/2005/Atom}"

DUMPERS = {
    "w3m": ["w3m", "-dump", "-T", "text/html", "-cols", "2000", "-O", "UTF-8"],
    "lynx": ["lynx", "-dump", "-nolist", "-width=2000", "-display_charset=utf-8"],
}

# Block-level tags become a space when markup is stripped; inline ones (a, em, ...) nothing.
BLOCK_TAG = re.compile(r"</?(?:p|br|li|ul|ol|div|h[1-6]|blockquote|pre|tr|td|th|table|dd|dt|"
                       r"dl|figure|figcaption|section|article|hr)\b[^>]*>", re.I)
ANY_TAG = re.compile(r"<[^>]*>")
SPACE = re.compile(r"\s+")


def fold(s):
    return SPACE.sub(" ", s).strip()


def strip_markup(s):
    return html.unescape(ANY_TAG.sub("", BLOCK_TAG.sub(" ", s)))


def entry_texts(atom):
    """The text of each entry of an Atom document, in feed order."""
    out = []
    root = ET.fromstring(atom)
    for e in root.findall(ATOM + "entry"):
        parts = []
        for tag in ("title", "content", "summary"):
            el = e.find(ATOM + tag)
            if el is not None and el.text:
                t = el.text
                if tag != "title" and el.get("type") == "html":
                    t = strip_markup(t)
                parts.append(t)
        out.append(fold(" ".join(parts)))
    return out


def dump(job):
    """A text browser's dump of one page, written to out; returns out."""
    path, mode, out = job
    with open(out, "wb") as f:
        subprocess.run(DUMPERS[mode] + [path], stdout=f, stderr=subprocess.DEVNULL, timeout=60)
    return out


def convert_one(path):
    """(texts, error) from feedd convert on one file."""
    env = dict(os.environ, FEEDD_PLUGIN_DIR=PLUGIN_DIR)
    r = subprocess.run([FEEDD, "convert", "-p", "textdump", path], env=env, capture_output=True,
                       timeout=60)
    if r.returncode != 0:
        return [], r.stderr.decode("utf-8", "replace").strip()[:200]
    return entry_texts(r.stdout), None


def bench_chunk(paths):
    """(texts, error) per file, from one run of bench/pagebench over them."""
    r = subprocess.run([PAGEBENCH, PLUGIN_DIR] + paths, capture_output=True, timeout=3600)
    out = []
    for line in r.stdout.decode("utf-8").split("\n")[:-1]:
        rec = json.loads(line)
        texts = []
        for e in rec["entries"]:
            parts = [e.get("title") or ""]
            # as the Atom writer has it: the caption in the content, after the text
            parts += [strip_markup(e[k]) for k in ("content", "caption", "summary") if e.get(k)]
            texts.append(fold(" ".join(parts)))
        out.append((texts, rec.get("error")))
    if len(out) != len(paths):
        raise RuntimeError("pagebench: %s" % r.stderr.decode("utf-8", "replace")[:300])
    return out


def run_all(paths, jobs):
    """(texts, error) for each input file, through pagebench if it is built."""
    if os.access(PAGEBENCH, os.X_OK):
        chunks = [paths[i::jobs] for i in range(jobs)]
        with multiprocessing.Pool(jobs) as pool:
            parts = pool.map(bench_chunk, chunks)
        out = [None] * len(paths)
        for i, part in enumerate(parts):
            for k, res in enumerate(part):
                out[i + k * jobs] = res
        return out
    with multiprocessing.Pool(jobs) as pool:
        return pool.map(convert_one, paths, chunksize=4)


def score_page(name, texts, error, with_, without):
    """(file, counts, n_entries, best_rank, error) for one page."""
    if error:  # a failed page scores as empty text, and is reported
        return name, (0, len(with_), 0, len(without)), 0, None, error
    main = texts[0] if texts else ""
    tp = sum(1 for s in with_ if fold(s) in main)
    fp = sum(1 for s in without if fold(s) in main)
    # the entry holding the most "with" snippets: is the article first?
    hits = [sum(1 for s in with_ if fold(s) in t) for t in texts]
    best = None
    if hits and max(hits) > 0:
        best = hits.index(max(hits)) + 1
    return name, (tp, len(with_) - tp, fp, len(without) - fp), len(texts), best, None


def load_set(data, files=None):
    with open(os.path.join(data, "evaldata.json"), encoding="utf-8") as f:
        ev = json.load(f)
    want = None
    if files:
        with open(files, encoding="utf-8") as f:
            want = {l.strip() for l in f if l.strip()}
    pages = []
    for url in sorted(ev):
        r = ev[url]
        path = os.path.join(data, "eval", r["file"])
        if want is not None and r["file"] not in want:
            continue
        if os.path.exists(path):
            pages.append((path, r["with"], r["without"]))
    return pages


def prf(tp, fn, fp):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(pages, mode, jobs=2, show=False):
    """Scores the pages; returns a dict of the figures."""
    t = time.perf_counter()
    paths = [p for p, w, wo in pages]
    tmp = None
    if mode != "html":
        tmp = tempfile.mkdtemp(prefix="feedd-dumps-")
        work = [(p, mode, os.path.join(tmp, "%d.txt" % i)) for i, p in enumerate(paths)]
        with multiprocessing.Pool(jobs) as pool:
            paths = pool.map(dump, work, chunksize=4)
    try:
        got = run_all(paths, jobs)
    finally:
        if tmp:
            shutil.rmtree(tmp)
    results = [score_page(os.path.basename(p), texts, err, w, wo)
               for (p, w, wo), (texts, err) in zip(pages, got)]
    elapsed = time.perf_counter() - t
    tot = [0, 0, 0, 0]
    empty, errors, ranks, first = [], [], [], 0
    for name, c, n, best, err in results:
        for i in range(4):
            tot[i] += c[i]
        if err:
            errors.append((name, err))
        elif n == 0:
            empty.append(name)
        if best is not None:
            ranks.append(best)
            first += best == 1
        if show:
            print("%s tp=%d fn=%d fp=%d tn=%d entries=%d best=%s%s" % (
                name, c[0], c[1], c[2], c[3], n, best, " error: " + err if err else ""))
    p, r, f = prf(tot[0], tot[1], tot[2])
    return {"mode": mode, "pages": len(pages), "precision": p, "recall": r, "f": f,
            "tp": tot[0], "fn": tot[1], "fp": tot[2], "tn": tot[3],
            "empty": empty, "errors": errors, "ranked": len(ranks), "first": first,
            "mean_rank": sum(ranks) / len(ranks) if ranks else 0.0, "seconds": elapsed}


def report(s):
    print("from %s: %d pages, precision %.3f recall %.3f F %.3f "
          "(tp %d fn %d fp %d tn %d), %.1f s" % (
              s["mode"], s["pages"], s["precision"], s["recall"], s["f"], s["tp"], s["fn"],
              s["fp"], s["tn"], s["seconds"]))
    print("  pages with 0 entries: %d; errors: %d; pages where an entry holds a 'with' "
          "snippet: %d, the first entry the best on %d, mean rank of the best entry %.2f" % (
              len(s["empty"]), len(s["errors"]), s["ranked"], s["first"], s["mean_rank"]))
    for name, err in s["errors"][:5]:
        print("  error on %s: %s" % (name, err))


def unpack(tmp):
    found = [a for a in ARCHIVES if a and os.path.exists(a)]
    if not found:
        sys.exit("no --data and no archive (%s)" % ", ".join(a for a in ARCHIVES if a))
    with tarfile.open(found[0]) as t:
        t.extractall(tmp, filter="data") if hasattr(tarfile, "data_filter") else t.extractall(tmp)
    for root, dirs, files in os.walk(tmp):
        if "evaldata.json" in files:
            return root
    sys.exit("no evaldata.json in %s" % found[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--from", dest="mode", choices=["html", "w3m", "lynx"], default="html")
    ap.add_argument("--data", help="the unpacked set (evaldata.json and eval/)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="score only the first N pages")
    ap.add_argument("--files", help="a file of page file names to score")
    ap.add_argument("--half", choices=["even", "odd"],
                    help="only the pages at even or odd positions of the set")
    ap.add_argument("--show", action="store_true", help="one line per page")
    ap.add_argument("--json", action="store_true", help="the figures as JSON")
    ap.add_argument("--speed", type=int, metavar="ROUNDS",
                    help="only time the plugin from HTML (bench/pagebench -t ROUNDS, one core)")
    a = ap.parse_args()
    if a.mode != "html" and shutil.which(DUMPERS[a.mode][0]) is None:
        sys.exit("%s is not installed" % DUMPERS[a.mode][0])
    tmp = None
    data = a.data
    if data is None:
        tmp = tempfile.mkdtemp(prefix="feedd-pages-")
        data = unpack(tmp)
    try:
        pages = load_set(data, a.files)
        if a.half:
            pages = pages[0 if a.half == "even" else 1::2]
        if a.limit:
            pages = pages[:a.limit]
        if a.speed:
            if not os.access(PAGEBENCH, os.X_OK):
                sys.exit("build bench/pagebench first (make bench/pagebench)")
            subprocess.run([PAGEBENCH, "-t", str(a.speed), PLUGIN_DIR] + [p for p, w, wo in pages],
                           check=True)
            return
        s = score(pages, a.mode, a.jobs, a.show)
        if a.json:
            print(json.dumps(s))
        else:
            report(s)
    finally:
        if tmp:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
