"""[feed] include = REGEX and exclude = REGEX: entries kept or dropped by their title, summary,
content text (HTML tags stripped, entities decoded), author and categories, case-insensitive;
before max_entries; a bad regex refused by -n at its FILE:LINE; a changed filter applied to the
entries already stored at reload and at start; feedd convert -i/-x (-w too)."""
import hashlib
import http.server
import os
import signal
import threading
import xml.etree.ElementTree as ET

from daemonlib import Daemon
from testlib import convert, done, eq, ok, run

A = "{http://www.w3.org/2005/Atom}"


def atom_entry(eid, title, author, cats=(), summary=None, html=None):
    x = "<entry><id>urn:f:%s</id><updated>2026-11-0%dT00:00:00Z</updated>" % (eid, 1 + len(eid) % 9)
    x += "<link href='https://news.example/%s'/><title>%s</title>" % (eid, title)
    x += "<author><name>%s</name></author>" % author
    x += "".join("<category term='%s'/>" % c for c in cats)
    if summary:
        x += "<summary>%s</summary>" % summary
    if html:
        x += "<content type='html'>%s</content>" % html.replace("&", "&amp;").replace("<", "&lt;")
    return x + "</entry>\n"


def atom(entries):
    return ("<?xml version='1.0' encoding='utf-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom'>"
            "<title>Filter news</title><id>urn:f</id><updated>2026-11-01T00:00:00Z</updated>\n"
            + "".join(entries) + "</feed>\n").encode()


# each distinguishing word is in one field of one entry only
E = {
    "rust": atom_entry("rust", "Rust 1.80 released", "Ana Ruiz", ["programming"],
                       "The compiler got faster."),
    "match": atom_entry("match", "Match report", "Bo Li", ["Sports"], "A late goal."),
    "weather": atom_entry("weather", "Weather today", "Carla Diaz", ["local"], None,
                          "<p>Heavy <b>rain</b> &amp; wind by <i>noon</i></p>"),
    "garden": atom_entry("garden", "Column", "Erin Gardener", ["life"], "Notes."),
    "kitten": atom_entry("kitten", "Pets", "Finn Olsen", ["life"], "All about kittens."),
}
ORDER = ["rust", "match", "weather", "garden", "kitten"]
FILLERS = ["Filler %d" % i for i in range(1, 5)]
TITLE = {"rust": "Rust 1.80 released", "match": "Match report", "weather": "Weather today",
         "garden": "Column", "kitten": "Pets"}


def source(keys, fillers=True, edit=None):
    entries = [E[k] if k != edit else edit_entry(k) for k in keys]
    if fillers:
        entries += [atom_entry("fill%d" % i, t, "Gus Ng", [], "nothing here")
                    for i, t in enumerate(FILLERS)]
    return atom(entries)


def edit_entry(k):
    return E[k].replace("</title>", "</title><summary>Sponsored content</summary>", 1) \
        if "<summary>" not in E[k] else E[k].replace("<summary>", "<summary>Sponsored. ", 1)


def titles(body):
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    return [e.findtext(A + "title") for e in root.findall(A + "entry")]


def t(*keys):
    return [TITLE[k] for k in keys]


d = Daemon()
src = os.path.join(d.dir, "news.xml")
with open(src, "wb") as f:
    f.write(source(ORDER))

# feed name -> (filter lines, expected titles in page order)
CASES = {
    "title": ("include = RUST 1\\.80", t("rust"), "include by title, case-insensitive"),
    "author": ("include = gardener", t("garden"), "include by author"),
    "category": ("include = ^sports$", t("match"),
                 "include by a category, anchored to it, case-insensitive"),
    "summary": ("include = KITTENS", t("kitten"), "include by summary"),
    "html": ("include = heavy rain & wind by noon", t("weather"),
             "include by the text of HTML content (tags stripped, entities decoded)"),
    "markup": ("exclude = amp;|<b>|</?p>|noon<", t(*ORDER) + FILLERS,
               "exclude never matches the markup of HTML content"),
    "exclude": ("exclude = filler", t(*ORDER), "exclude by title"),
    "both": ("include = rust|sports|kittens\nexclude = programming", t("match", "kitten"),
             "include and exclude together: excluded wins"),
    "alternatives": ("include = rust|gardener\nexclude = nothing-matches|^programming$",
                     t("garden"), "alternatives joined with |, in include and exclude"),
    "max": ("exclude = rust|match\nmax_entries = 3", t("weather", "garden", "kitten"),
            "max_entries counts entries after the filter: excluded ones take no room"),
}
conf = "".join("[feed %s]\nplugin = feed\nsource = news.xml\ninterval = 1h\n%s\n"
               % (name, c[0]) for name, c in CASES.items())
d.write_config(conf)
p = run(["-n", "-c", d.conf])
eq((p.returncode, p.stdout.decode().strip()), (0, "configuration OK"),
   "-n accepts include and exclude (%s)" % p.stderr.decode().strip())
ok(d.start(), "daemon ready")
for name, (_, want, what) in CASES.items():
    got = d.wait_for(lambda: d.feed(name)[0] == 200 and titles(d.feed(name)[2]))
    got = titles(d.feed(name)[2])
    eq(got, want, what)
# the other formats carry the same entries
status, _, body = d.request("/feeds/max.json")
ok(status == 200 and b"Rust" not in body and b"Match report" not in body and
   body.count(b'"id"') == 3, "the JSON Feed carries the filtered entries")
eq(d.stop(), 0, "the daemon exits 0")

# -n refuses a bad regex at its line, with regcomp's reason, and exits non-zero
for key, bad in (("include", "(unclosed"), ("exclude", "a{2,1}"), ("include", "[z-a]")):
    text = ("[feed a]\nplugin = feed\nsource = news.xml\n%s = %s\n"
            "[feed b]\nplugin = feed\nsource = news.xml\n" % (key, bad))
    d.write_config(text)
    line = 1 + open(d.conf).read().splitlines().index("%s = %s" % (key, bad))
    p = run(["-n", "-c", d.conf])
    err = p.stderr.decode().strip()
    ok(p.returncode != 0 and err.startswith("%s:%d: " % (d.conf, line)) and key in err and
       bad in err and len(err) > len("%s:%d: %s '%s': " % (d.conf, line, key, bad)),
       "-n refuses %s = %s at its line with the reason (%r)" % (key, bad, err))
# a regex that regcomp would spell out into a huge tree is refused before regcomp is asked:
# stacked or nested repetitions multiply (a followed by 22 + took 13 s and 3 GB), nullable
# copies cost their square ((a?){10000}: 800 MB); real filters are accepted
for big in ("a" + "+" * 16, "(a?){10000}", "((a{100}){100}){100}", "(x|y?){400}"):
    d.write_config("[feed a]\nplugin = feed\nsource = news.xml\ninclude = %s\n" % big)
    line = 1 + open(d.conf).read().splitlines().index("include = %s" % big)
    p = run(["-n", "-c", d.conf], timeout=20)
    err = p.stderr.decode().strip()
    ok(p.returncode != 0 and err.startswith("%s:%d: include '%s': " % (d.conf, line, big)) and
       "states" in err, "-n refuses include = %s as too large, at its line (%r)" % (big, err[:200]))
    p = convert(["-p", "feed", "-x", big, src])
    err = p.stderr.decode().strip()
    ok(p.returncode == 2 and "states" in err and not p.stdout,
       "convert refuses -x %s as too large (%r)" % (big, err[:200]))
for fine in ("^(live|update|breaking)s?:", "[0-9]{1,3}(\\.[0-9]{1,3}){3}", "[[:alpha:]]+ []a]{2,}x",
             "|".join("word%d" % i for i in range(60)), "a{900}"):
    d.write_config("[feed a]\nplugin = feed\nsource = news.xml\ninclude = %s\n" % fine)
    p = run(["-n", "-c", d.conf])
    ok(p.returncode == 0, "-n accepts include = %s (%r)" % (fine[:40], p.stderr.decode().strip()))
# and the configuration's regexes together are held to a budget: 50 of 1000 states each fit,
# the 51st is refused at its line
d.write_config("".join("[feed f%d]\nplugin = feed\nsource = news.xml\ninclude = a{998}\n" % i
                       for i in range(51)))
line = [i + 1 for i, t in enumerate(open(d.conf).read().splitlines()) if t.startswith("include")]
p = run(["-n", "-c", d.conf], timeout=30)
err = p.stderr.decode().strip()
ok(p.returncode != 0 and err.startswith("%s:%d: include" % (d.conf, line[50])) and "states" in err,
   "-n refuses the regex that takes the configuration over its budget, at its line (%r)" % err)
d.write_config("[feed a]\nplugin = feed\nsource = news.xml\ninclude = a\ninclude = b\n")
p = run(["-n", "-c", d.conf])
ok(p.returncode != 0 and p.stderr.decode().startswith("%s:%d: 'include'" % (
    d.conf, open(d.conf).read().splitlines().index("include = b") + 1)),
   "-n refuses a second include, like any key given twice (%r)" % p.stderr.decode().strip())
d.write_config("[feed a]\nplugin = feed\nsource = news.xml\ninclude =\n")
p = run(["-n", "-c", d.conf])
ok(p.returncode != 0 and "include" in p.stderr.decode(),
   "-n refuses an empty include (%r)" % p.stderr.decode().strip())

# a changed filter at reload: stored entries it excludes go at once, even ones the source no
# longer lists; entries it no longer excludes come back from the source at the next fetch
# r is served over HTTP with an ETag, so that an unchanged source answers 304
RBODY = [b""]
answers = []


class Origin(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = RBODY[0]
        tag = '"%s"' % hashlib.sha1(body).hexdigest()
        answers.append(304 if self.headers.get("If-None-Match") == tag else 200)
        self.send_response(answers[-1])
        self.send_header("ETag", tag)
        if answers[-1] == 304:
            self.end_headers()
            return
        self.send_header("Content-Type", "application/atom+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Origin)
srv.handle_error = lambda *a: None  # a transfer a reload cancels resets its connection
threading.Thread(target=srv.serve_forever, daemon=True).start()
FEED_R = ("[feed r]\nplugin = feed\nsource = http://127.0.0.1:%d/r.xml\ninterval = 1h\n"
          % srv.server_address[1]) + "%s\n"


def write_r(data):
    RBODY[0] = data


def reload_r(filt, what, want):
    d.write_config(FEED_R % filt)
    d.signal(signal.SIGHUP)
    ok(d.wait_message("RELOADING=1", 10) and d.wait_message("READY=1", 10), "reloaded: " + what)
    got = d.wait_for(lambda: sorted(titles(d.feed("r")[2]) or []) == sorted(want), 10)
    eq(sorted(titles(d.feed("r")[2]) or []), sorted(want), what)
    return got


write_r(source(["rust", "match", "weather"], fillers=False))
d.write_config(FEED_R % "exclude = sponsored")
ok(d.start(), "daemon ready (reload)")
d.wait_for(lambda: d.feed("r")[0] == 200 and titles(d.feed("r")[2]))
eq(titles(d.feed("r")[2]), t("rust", "match", "weather"), "before: every entry")
write_r(source(["match", "weather"], fillers=False))
reload_r("exclude = rust|sponsored",
         "a new exclude drops a stored entry the source no longer lists", t("match", "weather"))
reload_r("exclude = sports|sponsored", "a changed exclude drops a stored entry",
         t("weather"))
del answers[:]
reload_r("exclude = sponsored",
         "an entry no longer excluded comes back from the unchanged source",
         t("match", "weather"))
eq(answers[:1], [200], "a changed filter fetches in full, not If-None-Match (no 304)")
write_r(source(["match", "weather"], fillers=False, edit="weather"))
reload_r("exclude = sponsored\ntitle = Renamed",
         "a stored entry edited so that the filter excludes it goes at the next fetch",
         t("match"))
d.write_config(FEED_R % "exclude = (sponsored")
d.signal(signal.SIGHUP)
ok(d.wait_for(lambda: "reload refused" in d.logtext(), 10) and d.proc.poll() is None,
   "a reload with a bad regex is refused and the daemon runs on")
line = 1 + open(d.conf).read().splitlines().index("exclude = (sponsored")
ok("%s:%d: exclude '(sponsored': " % (d.conf, line) in d.logtext(),
   "the refusal says FILE:LINE and the regex")
eq(titles(d.feed("r")[2]), t("match"), "and the running filter stays")
log = d.logtext()
ok("stored entries" in log and "filter" in log, "the log says stored entries were dropped")
eq(d.stop(), 0, "the daemon exits 0 after the reloads")
# at start: the state holds 'Match report'; the source now fails, so only the filter on the
# loaded state can drop it
write_r(b"this is no feed")
d.write_config(FEED_R % "exclude = sponsored|^match")
ok(d.start(), "daemon ready (restart)")
ok(d.wait_for(lambda: d.feed("r")[0] in (200, 502) and titles(d.feed("r")[2]) is not None, 10),
   "feed served after the restart")
eq(titles(d.feed("r")[2]), [], "at start, a changed filter drops what the state holds")
eq(d.stop(), 0, "the daemon exits 0 after the restart")
with open(os.path.join(d.state, "r.state"), "rb") as f:
    ok(b"Match report" not in f.read(), "and the state file no longer holds it")

# feedd convert -i / -x, in process and through a worker
for w in ([], ["-w"]):
    p = convert(["-p", "feed", "-i", "rust|kitten|filler", "-x", "^filler [2-4]$"] + w + [src])
    eq((p.returncode, titles(p.stdout)), (0, t("rust", "kitten") + ["Filler 1"]),
       "convert %s-i and -x filter entries" % " ".join(w + [""]))
p = convert(["-p", "feed", "-i", "GARDENER", "-i", "heavy rain & wind", src])
eq(titles(p.stdout), t("weather", "garden"), "convert: repeated -i are alternatives")
p = convert(["-p", "feed", "-x", "(", src])
err = p.stderr.decode().strip()
ok(p.returncode == 2 and err.startswith("feedd convert: -x '(': ") and "\n" not in err,
   "convert refuses a bad regex in one line (%r)" % err)
srv.shutdown()
d.cleanup()
done()
