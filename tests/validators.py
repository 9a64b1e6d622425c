"""HTTP validators against the real daemon: Last-Modified is when the served bytes last changed
(a channel title, a config title by SIGHUP) and survives a restart; HTTP dates stay HTTP dates
for any entry date; dates before 1970 are kept and bad offsets refused; the gzip and identity
bodies each have their own ETag; Accept-Encoding weights are read right."""
import email.utils
import os
import re
import signal
import time

from daemonlib import Daemon
from testlib import done, eq, ok

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>%s</title><id>urn:x</id>
<updated>2026-01-01T00:00:00Z</updated>
<entry><title>moon</title><id>urn:moon</id><published>1969-07-20T20:17:40Z</published>
<updated>1969-07-20T20:17:40Z</updated><summary>%s</summary></entry>
<entry><title>far</title><id>urn:far</id><updated>9999-12-31T23:59:59-23:59</updated>
<summary>far</summary></entry>
<entry><title>odd</title><id>urn:odd</id><updated>2026-01-01T00:00:00+99:99</updated>
<summary>odd</summary></entry>
</feed>
"""
FILLER = "x" * 4000  # long enough that the gzip copy is kept


def write_source(title):
    with open(src, "w") as f:
        f.write(ATOM % (title, FILLER))


def head(headers=None):
    s, h, b = d.request("/feeds/f.atom", headers=headers or {})
    return s, h, b


def published(body, title):
    m = re.search(rb"<title>" + title + rb"</title>.*?<published>([^<]*)</published>", body, re.S)
    return m.group(1).decode() if m else None


d = Daemon()
src = os.path.join(d.dir, "src.atom")
write_source("Channel one")
feeds = "[feed f]\nplugin = feed\nsource = src.atom\ninterval = 1s\n"
d.write_config(feeds)
t0 = time.time()
ok(d.start(), "ready")
ok(d.wait_for(lambda: d.feed("f")[0] == 200), "served")
s, h, body = head()
lm = h.get("last-modified", "")
when = email.utils.parsedate_to_datetime(lm) if re.match(r"\w{3}, \d\d \w{3} \d{4} ", lm) else None
ok(when is not None, "Last-Modified is an HTTP date with an entry dated 9999-12-31T23:59:59-23:59 (%s)" % lm)
ok(when is not None and t0 - 2 <= when.timestamp() <= time.time() + 1,
   "Last-Modified is when the bytes were first served, not an entry's date")
eq(published(body, b"moon"), "1969-07-20T20:17:40Z", "a date before 1970 is kept")
odd = published(body, b"odd") or ""
ok(odd[:4] == time.strftime("%Y", time.gmtime()), "an offset of +99:99 is not a date (%s)" % odd)

# variants: each coding its own strong ETag, If-None-Match compared with the one selected
s, hi, bi = head()
s, hg, bg = head({"Accept-Encoding": "gzip"})
eq(hg.get("content-encoding"), "gzip", "gzip served")
ok(hi["etag"] != hg["etag"] and not hg["etag"].startswith("W/"),
   "gzip and identity have different strong ETags (%s, %s)" % (hi["etag"], hg["etag"]))
eq(head({"Accept-Encoding": "gzip", "If-None-Match": hg["etag"]})[0], 304, "gzip ETag: 304 for gzip")
eq(head({"Accept-Encoding": "gzip", "If-None-Match": hi["etag"]})[0], 200,
   "identity ETag: 200 for gzip")
eq(head({"If-None-Match": hi["etag"]})[0], 304, "identity ETag: 304 for identity")
eq(head({"If-None-Match": hg["etag"]})[0], 200, "gzip ETag: 200 for identity")
eq(head({"If-None-Match": 'W/"x", ' + hi["etag"]})[0], 304, "a list with the tag matches")
for ae, want in (("gzip, br;q=0", "gzip"), ("gzip;Q=0", None), ("gzip;q=0", None),
                 ("br;q=0", None), ("*", "gzip"), ("GZIP", "gzip"), ("gzip;q=0, *", None),
                 ("deflate, *;q=0.5", "gzip"), ("identity", None)):
    eq(head({"Accept-Encoding": ae})[1].get("content-encoding"), want, "Accept-Encoding: %s" % ae)

# Last-Modified moves with the bytes
before = lm
write_source("Channel two")
ok(d.wait_for(lambda: b"Channel two" in head()[2]), "the channel title change is served")
s, h, _ = head()
ok(h["last-modified"] != before, "a channel title change moves Last-Modified (%s, %s)"
   % (before, h["last-modified"]))
eq(head({"If-Modified-Since": before})[0], 200, "If-Modified-Since the old date: 200")
before = h["last-modified"]
d.write_config(feeds + "title = Configured\n")
d.signal(signal.SIGHUP)
ok(d.wait_for(lambda: b"<title>Configured</title>" in head()[2]), "the config title is served")
s, h, _ = head()
ok(h["last-modified"] != before, "a config title change moves Last-Modified")
eq(head({"If-Modified-Since": before})[0], 200, "If-Modified-Since the old date: 200")
time.sleep(2.2)  # fetches of the unchanged source, and a second for a moved date to show
s, h2, _ = head()
eq(h2["last-modified"], h["last-modified"], "unchanged bytes keep Last-Modified")
eq(d.stop(), 0, "stops")
ok(d.start(), "restarted")
ok(d.wait_for(lambda: head()[0] == 200), "served after the restart")
s, h3, _ = head()
eq(h3["last-modified"], h["last-modified"], "a restart serving the same bytes keeps Last-Modified")
eq(h3["etag"], h["etag"], "and the ETag")
eq(d.stop(), 0, "stops")
d.cleanup()
done()
