"""One meaning per key: the core [feed] keys (title, author...) always mean the feed's own; a
plugin option named like one is written PLUGIN.KEY (html.title, html.author); a key naming
another plugin is refused by -n with FILE:LINE; bare options without a collision still work."""
import os

from daemonlib import Daemon
from testlib import convert, done, eq, ok, run, valid_feed

PAGE = b"""<html><head><title>Site</title></head><body>
<article><h2>Story one</h2><span class="by">Ana Ruiz</span><p>Body one</p></article>
<article><h2>Story two</h2><span class="by">Bo Li</span><p>Body two</p></article>
</body></html>"""
d = Daemon()
page = os.path.join(d.dir, "page.html")
with open(page, "wb") as f:
    f.write(PAGE)
GOOD = ("[feed h]\nplugin = html\nsource = page.html\ninterval = 1h\nitem = //article\n"
        "html.title = .//h2\nhtml.author = .//span[@class='by']\nsummary = .//p\n"
        "title = Harbour news\nauthor = The Desk\n")
d.write_config(GOOD)
p = run(["-n", "-c", d.conf])
eq((p.returncode, p.stdout.decode().strip()), (0, "configuration OK"),
   "-n: html.title and title side by side are fine (%s)" % p.stderr.decode().strip())
ok(d.start(), "daemon ready")
served = ok(d.wait_for(lambda: d.feed("h")[0] == 200), "feed served")
f = valid_feed(d.feed("h")[2], "html feed") if served else None
eq(f and f["title"], "Harbour news", "title is the feed's title")
eq(f and f["author"], "The Desk", "author is the feed's author")
eq(f and [e["title"] for e in f["entries"]], ["Story one", "Story two"],
   "html.title is the entries' title XPath")
eq(f and [e.get("author") for e in f["entries"]], ["Ana Ruiz", "Bo Li"],
   "html.author is the entries' author XPath")
d.stop()

# -n refuses a key naming another plugin, at its line
lines = GOOD.splitlines()
bad = "\n".join(lines[:5] + ["textdump.title_max = 5"] + lines[5:]) + "\n"
d.write_config(bad)
line = 1 + open(d.conf).read().splitlines().index("textdump.title_max = 5")
p = run(["-n", "-c", d.conf])
err = p.stderr.decode().strip()
ok(p.returncode != 0 and err.startswith("%s:%d: " % (d.conf, line)) and "textdump" in err,
   "-n: a key for another plugin is refused at its line (%r)" % err)
# -n refuses a plugin option spelled qualified whose plugin has no such option
d.write_config(GOOD.replace("summary = .//p", "html.interval = 5"))
p = run(["-n", "-c", d.conf])
err = p.stderr.decode().strip()
ok(p.returncode != 0 and "html.interval" in err and err.startswith(d.conf + ":"),
   "-n: html.interval is refused with FILE:LINE (%r)" % err)
# an existing config without collisions keeps working
d.write_config("[feed t]\nplugin = textdump\nsource = page.html\ntitle_max = 80\n"
               "title = Plain\n")
p = run(["-n", "-c", d.conf])
eq(p.returncode, 0, "-n: bare options without a collision still work (%s)"
   % p.stderr.decode().strip())

# convert: html.title, and the bare -s title= of older scripts (convert has no feed title key)
for spelling in ("html.title", "title"):
    p = convert(["-p", "html", "-s", "item=//article", "-s", spelling + "=.//h2", page])
    f = valid_feed(p.stdout, "convert -s %s" % spelling) if p.returncode == 0 else None
    eq(f and [e["title"] for e in f["entries"]], ["Story one", "Story two"],
       "convert -s %s= is the title XPath" % spelling)
p = convert(["-p", "html", "-s", "item=//article", "-s", "textdump.title_max=5", page])
ok(p.returncode != 0 and b"textdump.title_max" in p.stderr, "convert refuses another plugin's key")
d.cleanup()
done()
