"""`feedd convert` on the sample dump: the 5 entries, their shape, ids, validity, readers."""
import http.server
import os
import re
import shutil
import subprocess
import threading

from testlib import (FEEDD_CMD, SAMPLE, convert, done, eq, ok, run, skip, valid_feed)

with open(SAMPLE, "rb") as f:
    sample = f.read()

p = convert(["-p", "textdump", SAMPLE])
eq(p.returncode, 0, "convert a path exits 0")
eq(p.stderr, b"", "convert a path prints nothing on stderr")
feed = valid_feed(p.stdout, "sample as a path")
by_path = p.stdout

p = convert(["-p", "textdump"], stdin=sample)
eq(p.returncode, 0, "convert stdin exits 0")
feed_stdin = valid_feed(p.stdout, "sample on stdin")
p = convert(["-p", "textdump", "-"], stdin=sample)
eq(p.returncode, 0, "convert - exits 0")

if feed and feed_stdin:
    es = feed["entries"]
    eq(len(es), 5, "5 entries")
    eq([e["id"] for e in es], [e["id"] for e in feed_stdin["entries"]],
       "same ids from a path and from stdin")
    ok(all(re.match(r"^urn:uuid:[0-9a-f-]{36}$", e["id"]) for e in es), "ids are urn:uuid")
    lead = es[0]
    ok(lead["content"] is not None and lead["summary"] is None, "lead article has content")
    paras = re.findall(r"<p>(.*?)</p>", lead["content"] or "")
    eq(len(paras), 22, "lead article has 22 paragraphs")
    ok(all("Photo:" not in x for x in paras), "the credit is not a paragraph")
    ok("Photo: AFP / Russian Ministry of Foreign Affairs" in (lead["content"] or ""),
       "the credit stays with the article")
    ok(paras and paras[0].startswith("China’s top diplomat yesterday said"),
       "first paragraph in order")
    ok(paras and paras[-1].startswith("“As a force for peace"), "last paragraph in order")
    ok("王毅" in lead["content"] and "習近平" in lead["content"], "CJK text survives")
    src = sample.decode("utf-8").split("\n")
    ok(all(x in src for x in paras), "paragraph text is byte-exact")
    t = lead["title"]
    ok(t.startswith("China’s top diplomat yesterday") and len(t) <= 110 and t.endswith("…"),
       "lead title from the first sentence, cut with …: %r" % t)
    teasers = es[1:]
    ok(all(e["summary"] and e["content"] == e["summary"] for e in teasers),
       "teasers: their summary, which is their content too (RFC 4287 wants that or a link)")
    ok(all(e["summary"].endswith("…") for e in teasers), "teaser summaries end with …")
    ok(all(e["link"] is None for e in teasers) and b"file://" not in by_path,
       "teasers of a file carry no link (a file:// one leads nowhere and shows a path)")
    eq(teasers[3]["title"], "SIGNS OF ESCALATION", "kicker is the title")
    ok(teasers[3]["summary"].startswith("Russian forces have been aiming"),
       "kicker is out of the summary")
    ok(teasers[0]["summary"].startswith("Airlines in Australia"), "teasers in page order")
    ok(teasers[1]["summary"].startswith("Farmer Liu Bingyong"), "second teaser")
    ok(teasers[2]["summary"].startswith("China has built a land-based"), "third teaser")
    pubs = [e["published"] for e in es]
    eq(pubs, sorted(pubs, reverse=True), "published dates keep the page order")
    eq(len(set(pubs)), 5, "published dates are distinct")

p2 = convert(["-p", "textdump", SAMPLE])
eq(p2.stdout, by_path, "converting twice gives identical bytes")

# errors: one line on stderr, non-zero exit
for args, what in ((["-p", "textdump", "/nonexistent/dump.txt"], "missing file"),
                   (["-p", "nosuchplugin", SAMPLE], "unknown plugin"),
                   (["-p", "textdump", "-s", "teaser_min_words=many", SAMPLE], "bad option value"),
                   (["-p", "textdump", "-s", "frobnicate=1", SAMPLE], "unknown option"),
                   (["-p", "textdump", "-s", "novalue", SAMPLE], "-s without ="),
                   (["-p", "textdump", "http://127.0.0.1:9/x"], "unreachable URL")):
    p = convert(args)
    ok(p.returncode != 0, what + ": non-zero exit")
    eq(p.stdout, b"", what + ": nothing on stdout")
    lines = p.stderr.decode().strip().split("\n")
    ok(len(lines) == 1 and lines[0], what + ": one line on stderr: %r" % p.stderr)

p = convert(["-p", "textdump", "file://" + os.path.abspath(SAMPLE)])
eq(p.returncode, 0, "a file:// URL converts")
ok(p.stdout.count(b"<entry>") == 5, "file:// URL gives 5 entries")


def loaded_libcurl(args, stdin=None):
    """convert with args, and whether the dynamic loader opened libcurl (LD_DEBUG=files)."""
    env = dict(os.environ, LD_DEBUG="files")
    r = subprocess.run(FEEDD_CMD + ["convert"] + args, input=stdin, capture_output=True,
                       env=env, timeout=60)
    return r, re.search(rb"file=libcurl[^ ]*\.so", r.stderr) is not None


class Sample(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(sample)))
        self.end_headers()
        self.wfile.write(sample)

    def log_message(self, *args):
        pass


# libcurl (and the TLS, SSH, LDAP... libraries it brings) is loaded for a URL only: start-up
# was most of a small conversion's time (fails before: feedd was linked with it)
if not os.environ.get("FEEDD_WRAPPER"):
    r, curl = loaded_libcurl(["-p", "textdump", SAMPLE])
    ok(r.returncode == 0 and r.stdout == by_path and not curl,
       "a file converts without loading libcurl")
    r, curl = loaded_libcurl(["-p", "textdump", "-"], sample)
    ok(r.returncode == 0 and not curl, "stdin converts without loading libcurl")
    srv = http.server.HTTPServer(("127.0.0.1", 0), Sample)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/page.txt" % srv.server_address[1]
    r, curl = loaded_libcurl(["-p", "textdump", url])
    ok(r.returncode == 0 and r.stdout.count(b"<entry>") == 5 and curl,
       "an http URL loads libcurl and converts")
    srv.shutdown()

p = convert(["-p", "textdump"], stdin=b"")
eq(p.returncode, 0, "empty input converts")
f = valid_feed(p.stdout, "empty input")
ok(f is not None and f["entries"] == [], "empty input gives no entries")

p = run(["plugins"])
names = [l.split(b"\t")[0] for l in p.stdout.split(b"\n") if l]
eq(p.returncode, 0, "feedd plugins exits 0")
eq(names, [b"feed", b"html", b"lines", b"textdump"], "feedd plugins: one a line, name first")
p = run(["--version"])
ok(p.returncode == 0 and p.stdout.startswith(b"feedd "), "--version")

# readers
py = "/usr/bin/python3"
if os.path.exists(py) and subprocess.run([py, "-c", "import feedparser"]).returncode == 0:
    code = ("import feedparser,sys; d=feedparser.parse(sys.stdin.buffer.read()); "
            "print(len(d.entries), int(bool(d.bozo)))")
    r = subprocess.run([py, "-c", code], input=by_path, capture_output=True)
    eq(r.stdout.decode().split(), ["5", "0"], "feedparser reads 5 entries, no bozo")
else:
    skip("python3-feedparser not installed")
if shutil.which("sfeed"):
    r = subprocess.run(["sfeed"], input=by_path, capture_output=True)
    lines = [x for x in r.stdout.decode().split("\n") if x]
    eq(len(lines), 5, "sfeed reads 5 entries")
    ok(lines and lines[4].split("\t")[1] == "SIGNS OF ESCALATION", "sfeed sees the kicker title")
else:
    skip("sfeed not installed")
done()
