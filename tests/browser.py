"""The index page and a feed's HTML view in a real browser (headless Chromium through
selenium and chromium-driver): they render with their titles, the feeds and the article text
as visible text; every link and autodiscovery link resolves (200, the content type the link
announces or its kind calls for, an in-page #fragment to an element there); the DOM holds no
script; the console logs no error. Skipped (77) without chromium, chromedriver or selenium."""
import os
import shutil
import signal
import sys

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)  # Debian's selenium
    webdriver = None

import http.server
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request

from daemonlib import Daemon
from testlib import SAMPLE, done, eq, ok, skip

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
if webdriver is None:
    skip("python3-selenium not installed")
if CHROMIUM is None or DRIVER is None:
    skip("chromium or chromium-driver not installed")

# A web source: a feed whose entries link to pages on the same origin, which serves them, so
# that every link a page shows can be followed here, offline.
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Gazette</title><id>urn:hg</id>
<link href="{o}/"/><updated>2026-11-01T00:00:00Z</updated><author><name>The Desk</name></author>
<entry><id>urn:hg:1</id><updated>2026-11-01T00:00:00Z</updated><title>Ferry timetable changes</title>
<link href="{o}/story/1"/><author><name>Ana Ruiz</name></author><category term="transport"/>
<content type="html">&lt;p&gt;From Monday the &lt;b&gt;morning ferry&lt;/b&gt; leaves at seven.
See &lt;a href="{o}/story/2"&gt;the harbour works&lt;/a&gt;.&lt;/p&gt;
&lt;img src="{o}/pic.png" alt="The ferry"&gt;</content></entry>
<entry><id>urn:hg:2</id><updated>2026-10-31T00:00:00Z</updated><title>Harbour works begin</title>
<link href="{o}/story/2"/><summary>Cranes arrive at the north quay.</summary>
<link rel="enclosure" href="{o}/notice.pdf" type="application/pdf" length="3"/></entry>
</feed>
"""
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


class Origin(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        o = "http://127.0.0.1:%d" % self.server.server_address[1]
        if self.path == "/feed.xml":
            body, ctype = ATOM.format(o=o).encode(), "application/atom+xml"
        elif self.path == "/pic.png":
            body, ctype = PNG, "image/png"
        elif self.path == "/notice.pdf":
            body, ctype = b"%PDF", "application/pdf"
        elif self.path in ("/", "/story/1", "/story/2"):
            body, ctype = b"<!DOCTYPE html><title>story</title><p>story</p>", "text/html"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Origin)
threading.Thread(target=srv.serve_forever, daemon=True).start()
ORIGIN = "http://127.0.0.1:%d" % srv.server_address[1]

d = Daemon()
shutil.copy(SAMPLE, os.path.join(d.dir, "news.txt"))
d.write_config("[feed sample]\nplugin = textdump\nsource = news.txt\ninterval = 1h\n"
               "title = Sample news page\n"
               "[feed gazette]\nplugin = feed\nsource = %s/feed.xml\ninterval = 1h\n" % ORIGIN)
ok(d.start(), "daemon ready")
for name in ("sample", "gazette"):
    ok(d.wait_for(lambda: d.feed(name)[0] == 200), "feed %s served" % name)
BASE = "http://127.0.0.1:%d" % d.port

# what a link of each kind must answer with, when the link does not say
KIND = {".atom": "application/atom+xml", ".rss": "application/rss+xml",
        ".json": "application/feed+json", ".html": "text/html", ".opml": "text/x-opml",
        ".png": "image/png", ".pdf": "application/pdf"}


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=15) as r:
            return r.status, r.headers.get_content_type()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get_content_type()
    except OSError as e:
        return str(e), None


def expected_type(url, announced):
    if announced:
        return announced
    path = urllib.parse.urlsplit(url).path
    return KIND.get(os.path.splitext(path)[1], "text/html")


def check_links(drv, page):
    """Every a[href], link[href] and img[src] on the page: followed, or found in the page."""
    seen = {}
    for tag, attr in (("a", "href"), ("link", "href"), ("img", "src")):
        for el in drv.find_elements(By.TAG_NAME, tag):
            url = el.get_property(attr)  # resolved by the browser against the page
            rel = el.get_attribute("rel") or ""
            if tag == "link" and "alternate" not in rel:
                continue
            seen.setdefault((url, el.get_dom_attribute("type")), el.get_dom_attribute(attr))
    ok(len(seen) > 0, "%s: has links" % page)
    for (url, announced), written in sorted(seen.items(), key=lambda x: x[0][0]):
        split = urllib.parse.urlsplit(url)
        if split.fragment and url.split("#")[0] == drv.current_url.split("#")[0]:
            ok(len(drv.find_elements(By.ID, split.fragment)) == 1,
               "%s: #%s is an element of the page" % (page, split.fragment))
            continue
        ok(split.scheme in ("http", "https"), "%s: %s is an http link" % (page, url))
        status, ctype = fetch(url)
        eq((status, ctype), (200, expected_type(url, announced)),
           "%s: %s (written %s) resolves" % (page, url, written))


def console_errors(drv):
    return [e for e in drv.get_log("browser") if e.get("level") == "SEVERE"]


def check_page(drv, path, title, texts):
    drv.get(BASE + path)
    eq(drv.title, title, "%s: the title" % path)
    eq(drv.execute_script("return [document.compatMode, document.characterSet]"),
       ["CSS1Compat", "UTF-8"], "%s: standards mode, UTF-8" % path)
    body = drv.find_element(By.TAG_NAME, "body")
    shown = body.text  # rendered, visible text only
    for t in texts:
        ok(t in shown, "%s: shows %r" % (path, t))
    eq(len(drv.find_elements(By.TAG_NAME, "script")), 0, "%s: no script in the DOM" % path)
    errors = console_errors(drv)
    eq(errors, [], "%s: no console error" % path)
    check_links(drv, path)
    return shown


profile = tempfile.mkdtemp(prefix="feedd-chromium-")
opts = webdriver.ChromeOptions()
opts.binary_location = CHROMIUM
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--user-data-dir=" + profile, "--no-first-run", "--disable-extensions",
          "--disable-background-networking", "--disable-sync", "--disable-default-apps",
          "--window-size=1024,768"):
    opts.add_argument(a)
opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
service = Service(DRIVER, popen_kw={"start_new_session": True})
drv = None
try:
    drv = webdriver.Chrome(service=service, options=opts)
    drv.set_page_load_timeout(30)
    check_page(drv, "/", "feedd", ["feedd", "Sample news page", "Harbour Gazette",
                                   "All feeds as OPML"])
    shown = check_page(drv, "/feeds/sample.html", "Sample news page", [
        "Sample news page",
        "China’s top diplomat yesterday said that Beijing would strengthen strategic "
        "cooperation with Moscow",
        "Airlines in Australia, Hong Kong, India, Malaysia and Singapore yesterday canceled"])
    ok(len(drv.find_elements(By.TAG_NAME, "article")) >= 5 and
       all(a.is_displayed() for a in drv.find_elements(By.TAG_NAME, "article")),
       "sample: every article is displayed")
    check_page(drv, "/feeds/gazette.html", "Harbour Gazette", [
        "Ferry timetable changes", "From Monday the morning ferry leaves at seven.",
        "Harbour works begin", "Cranes arrive at the north quay.", "Ana Ruiz",
        "Tags: transport"])
    img = drv.find_elements(By.CSS_SELECTOR, "article img")
    ok(len(img) == 1 and img[0].get_property("naturalWidth") == 1,
       "gazette: the content's image loads")
finally:
    if drv is not None:
        try:
            drv.quit()
        except Exception as e:  # the browser may be gone already
            print("# quit: %s" % e)
    if service.process is not None:
        try:
            os.killpg(service.process.pid, signal.SIGKILL)  # chromedriver's session: leftovers
        except ProcessLookupError:
            pass
        service.process.wait()
    shutil.rmtree(profile, ignore_errors=True)
    srv.shutdown()
    d.cleanup()
done()
