"""textdump on its corpus (tests/data/textdump/): every dump gives exactly the entries its
.json says — kind, opening words, paragraph count, title, credits — in valid Atom."""
import glob
import html
import json
import os
import re

from testlib import DATA, convert, done, eq, ok, valid_feed


def plain(s):
    return html.unescape(re.sub(r"<[^>]+>", "", s or ""))


for path in sorted(glob.glob(os.path.join(DATA, "textdump", "*.json"))):
    name = os.path.basename(path)[:-5]
    with open(path, encoding="utf-8") as f:
        want = json.load(f)
    args = ["-p", "textdump"]
    for k, v in want["options"].items():
        args += ["-s", "%s=%s" % (k, v)]
    p = convert(args + [path[:-5] + ".txt"])
    if not ok(p.returncode == 0, "%s: converts" % name):
        print("   " + p.stderr.decode())
        continue
    feed = valid_feed(p.stdout, name)
    if feed is None:
        continue
    got = feed["entries"]
    eq(len(got), len(want["entries"]), "%s: %d entries" % (name, len(want["entries"])))
    text = p.stdout.decode("utf-8")
    for s in want["contains"]:
        ok(s in plain(html.unescape(text)), "%s: text has %r" % (name, s))
    for i, (g, w) in enumerate(zip(got, want["entries"])):
        what = "%s: entry %d" % (name, i + 1)
        paras = re.findall(r"<p>(.*?)</p>", g["content"] or "", re.S)
        caps = re.findall(r"<figcaption>(.*?)</figcaption>", g["content"] or "", re.S)
        if w["kind"] == "article":
            ok(g["content"] is not None and g["summary"] is None, what + " is an article")
            eq(len(paras), w["paragraphs"], what + " paragraphs")
            body = plain(paras[0]) if paras else ""
        else:
            # a file source has no page to link to: the teaser's text is its content too
            ok(g["summary"] is not None and g["content"] == g["summary"], what + " is a teaser")
            body = g["summary"] or ""
            ok(body.endswith("…"), what + " summary ends with …")
            ok(g["link"] is None, what + " has no link (a file:// one leads nowhere)")
        ok(body.startswith(w["start"]), what + " starts %r (got %r)" % (w["start"], body[:40]))
        eq(plain(caps[0]) if caps else None, w["credits"], what + " credits")
        if w.get("author"):
            eq(g["author"], w["author"], what + " author from the byline")
        if w.get("published"):
            eq(g["published"], w["published"], what + " published from the dateline")
        if w["title"] is not None:
            eq(g["title"], w["title"], what + " title")
        else:
            t = g["title"].rstrip("…")
            ok(len(g["title"]) <= 110 and t and body.startswith(t.rstrip(".")),
               what + " title from its first words: %r" % g["title"])
        ok("Photo:" not in "".join(paras) and "Photos:" not in "".join(paras),
           what + " no credit in a paragraph")
done()
