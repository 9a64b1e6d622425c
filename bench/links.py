"""Times textdump from HTML on a page of many links (H14's teasers, one per URL), for one or
more builds of the plugin, alternated in the same run.

    python3 bench/links.py [--links N] [--rounds R] PLUGIN_DIR [PLUGIN_DIR...]

The page is a short article and N links of 4 words each to N distinct stories (every one a
teaser), each linked twice, so that every URL is looked up once more after it is taken.
Each round runs bench/pagebench -t 1 on it once per plugin directory, in turn; the figures are
the median CPU seconds of a page, with the peak RSS and minor page faults of the process.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("top_builddir", os.path.dirname(HERE))
PAGEBENCH = os.environ.get("PAGEBENCH", os.path.join(BUILD, "bench", "pagebench"))


def page(n):
    body = ("<p>The council voted on Tuesday to rebuild the old bridge, which has been closed "
            "since the flood, at a cost of four million euros.</p>") * 4
    links = "".join("<li><a href='/story/%d'>Story number %d of the day</a></li>" % (i % n, i)
                    for i in range(2 * n))
    return ("<!doctype html><html><head><title>Links</title></head><body><article><h1>Bridge"
            "</h1>%s</article><ul class='more'>%s</ul></body></html>" % (body, links))


def run(plugins, path):
    """(CPU seconds, peak RSS in KiB, minor faults) of one pagebench -t 1 run."""
    p = subprocess.Popen([PAGEBENCH, "-t", "1", plugins, path], stdout=subprocess.PIPE)
    out = p.stdout.read().decode()
    _, status, ru = os.wait4(p.pid, 0)
    if status != 0:
        sys.exit("pagebench failed on %s" % plugins)
    secs = float(re.search(r": ([0-9.]+) s CPU", out).group(1))
    return secs, ru.ru_maxrss, ru.ru_minflt


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--links", type=int, default=50000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("plugins", nargs="+", help="plugin directories (with textdump.so)")
    a = ap.parse_args()
    with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as f:
        f.write(page(a.links))
    try:
        res = {d: [] for d in a.plugins}
        for _ in range(a.rounds):
            for d in a.plugins:
                res[d].append(run(d, f.name))
        print("a page of %d links to %d stories, %d rounds, load %.2f" % (
            2 * a.links, a.links, a.rounds, os.getloadavg()[0]))
        for d in a.plugins:
            r = res[d]
            print("  %s: median %.3f s CPU (%s), peak RSS %.1f MiB, %d minor faults" % (
                d, statistics.median(x[0] for x in r), " ".join("%.3f" % x[0] for x in r),
                max(x[1] for x in r) / 1024, statistics.median(x[2] for x in r)))
    finally:
        os.unlink(f.name)


if __name__ == "__main__":
    main()
