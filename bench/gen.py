"""Generates benchmark inputs: a dump of distinct teasers (ASCII), a dump of news text as real
pages have it (curly quotes, dashes, accented names, headlines, captions), an RSS 2.0 file,
a ~50 KB page."""
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


NAMES = ("São Paulo", "Zürich", "Kraków", "Malmö", "Ana Ruiz", "Søren Kjær", "François Côté",
         "İstanbul", "Łódź", "Dvořák")


def sentence(rng):
    """A sentence as news text has it: capital, curly quotes, a dash or an accented name."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 24))]
    words[0] = words[0].capitalize()
    k = rng.random()
    if k < 0.25:
        i = rng.randrange(1, len(words))
        words[i] = "\u201c" + words[i] + "\u201d"
    elif k < 0.45:
        words.insert(rng.randrange(1, len(words)), "\u2014")
    elif k < 0.65:
        words.insert(rng.randrange(1, len(words)), rng.choice(NAMES))
    elif k < 0.75:
        words.insert(rng.randrange(1, len(words)), "\u2018%s\u2019" % rng.choice(WORDS))
    return " ".join(words) + rng.choice(".....?!") + ("\u201d" if k < 0.05 else "")


def news(path, size):
    """Articles (headline, paragraphs of sentences, a photo credit) and teasers cut off."""
    rng = random.Random(4)
    with open(path, "w", encoding="utf-8") as f:
        written = i = 0
        while written < size:
            parts = ["%s %d %s" % (rng.choice(WORDS).capitalize(), i, " ".join(
                rng.choice(WORDS) for _ in range(rng.randint(4, 9))))]
            if rng.random() < 0.3:
                parts.append("Photo: %s / Agency" % rng.choice(NAMES))
            for _ in range(rng.randint(2, 6)):
                parts.append(" ".join(sentence(rng) for _ in range(rng.randint(2, 5))))
            parts.append("\u2018%s\u2019: %s %d %s" % (rng.choice(WORDS), sentence(rng), i,
                                                  " ".join(rng.choice(WORDS) for _ in range(30))))
            text = "\n\n".join(parts) + "\n\n"
            f.write(text)
            written += len(text.encode("utf-8"))
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
    elif kind == "news":
        news(sys.argv[2], int(sys.argv[3]))
    elif kind == "rss":
        rss(sys.argv[2], int(sys.argv[3]))
    elif kind == "page":
        page(sys.argv[2], sys.argv[3], int(sys.argv[4]))
