"""Generates benchmark inputs: a dump of distinct teasers, an RSS 2.0 file, a ~50 KB page."""
import random
import sys

WORDS = ("harbour council residents plan rebuild pier storm mayor vote funding design spring "
         "fishermen town hall objections decade dispute stone works trade owners cafe airport "
         "runway repairs flights delays operator week minister talks border trade deal port "
         "shipping cargo ferry island coast weather warning rain wind schools closed roads").split()


def teaser(rng, i, n=100):
    return ("Story %d: " % i) + " ".join(rng.choice(WORDS) for _ in range(n))


def dump(path, size):
    rng = random.Random(1)
    with open(path, "w") as f:
        i = written = 0
        while written < size:
            line = teaser(rng, i) + "\n"
            f.write(line)
            written += len(line)
            i += 1


def rss(path, items):
    rng = random.Random(2)
    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                "<title>Bench</title><link>https://example.org/</link><description>d</description>\n")
        for i in range(items):
            f.write("<item><title>Item %d %s</title><link>https://example.org/%d</link>"
                    "<guid>https://example.org/%d</guid><pubDate>Tue, 01 Dec 2026 08:%02d:00 GMT"
                    "</pubDate><description>%s</description></item>\n"
                    % (i, rng.choice(WORDS), i, i, i % 60,
                       " ".join(rng.choice(WORDS) for _ in range(40))))
        f.write("</channel></rss>\n")


def page(path, sample, teasers):
    rng = random.Random(3)
    with open(sample, encoding="utf-8") as f:
        base = f.read().rstrip("\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write(base + "\n" + "\n".join(teaser(rng, i, 60) for i in range(teasers)) + "\n")


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "dump":
        dump(sys.argv[2], int(sys.argv[3]))
    elif kind == "rss":
        rss(sys.argv[2], int(sys.argv[3]))
    elif kind == "page":
        page(sys.argv[2], sys.argv[3], int(sys.argv[4]))
