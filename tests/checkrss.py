"""The rules of the RSS 2.0 specification (rssboard.org/rss-specification) and the JSON Feed 1.1
specification (jsonfeed.org/version/1.1), checked on bytes: check_rss and check_json return the
parsed document or raise FormatError naming the rule broken."""
import email.utils
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
# the spec's elements, in no namespace; anything else must be in a namespace (a module)
CHANNEL_ELEMENTS = {"title", "link", "description", "language", "copyright", "managingEditor",
                    "webMaster", "pubDate", "lastBuildDate", "category", "generator", "docs",
                    "cloud", "ttl", "image", "rating", "textInput", "skipHours", "skipDays",
                    "item"}
ITEM_ELEMENTS = {"title", "link", "description", "author", "category", "comments", "enclosure",
                 "guid", "pubDate", "source"}
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|"
                    r"Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d (GMT|[+-]\d{4})$")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


class FormatError(Exception):
    pass


def need(cond, why):
    if not cond:
        raise FormatError(why)


def is_url(s):
    u = urllib.parse.urlsplit(s or "")
    return bool(u.scheme) and (bool(u.netloc) or u.scheme in ("urn", "file", "tag", "mailto"))


def date822(s, where):
    need(s is not None and RFC822.match(s), "%s: not an RFC 822 date: %r" % (where, s))
    email.utils.parsedate_to_datetime(s)


def text_of(el, name):
    c = el.findall(name)
    need(len(c) <= 1, "%s appears %d times" % (name, len(c)))
    return c[0].text if c else None


def check_item(it, n):
    where = "item %d" % n
    for c in it:
        need(c.tag.startswith("{") or c.tag in ITEM_ELEMENTS,
             "%s: <%s> is not an RSS 2.0 item element" % (where, c.tag))
    need(it.find("title") is not None or it.find("description") is not None,
         "%s: an item needs a title or a description" % where)
    link = text_of(it, "link")
    need(link is None or is_url(link), "%s: link is not a URL: %r" % (where, link))
    guid = it.find("guid")
    need(len(it.findall("guid")) <= 1, "%s: more than one guid" % where)
    if guid is not None:
        perma = guid.get("isPermaLink", "true")
        need(perma in ("true", "false"), "%s: isPermaLink is true or false" % where)
        need(guid.text and guid.text.strip(), "%s: empty guid" % where)
        need(perma == "false" or is_url(guid.text), "%s: a permalink guid is a URL" % where)
    if it.find("pubDate") is not None:
        date822(text_of(it, "pubDate"), where + " pubDate")
    encs = it.findall("enclosure")
    for e in encs:
        need(e.get("url") and is_url(e.get("url")), "%s: enclosure url" % where)
        need(re.match(r"^\d+$", e.get("length") or ""), "%s: enclosure length" % where)
        need(re.match(r"^[^/\s]+/[^/\s]+$", e.get("type") or ""), "%s: enclosure type" % where)
    need(len(encs) <= 1, "%s: at most one enclosure (RSS profile)" % where)
    for c in it.findall("category"):
        need(c.text and c.text.strip(), "%s: empty category" % where)


def check_rss(data):
    """Parses RSS 2.0 bytes and checks the spec's rules; returns the root element."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        raise FormatError("not well-formed XML: %s" % e)
    need(root.tag == "rss" and root.get("version") == "2.0", "root is <rss version=\"2.0\">")
    chans = root.findall("channel")
    need(len(chans) == 1 and len(root) == 1, "exactly one channel, nothing else")
    ch = chans[0]
    for c in ch:
        need(c.tag.startswith("{") or c.tag in CHANNEL_ELEMENTS,
             "<%s> is not an RSS 2.0 channel element" % c.tag)
    for name in ("title", "link", "description"):
        v = text_of(ch, name)
        need(v is not None and v.strip(), "channel needs a non-empty %s" % name)
    need(is_url(text_of(ch, "link")), "channel link is a URL")
    for name in ("pubDate", "lastBuildDate"):
        if ch.find(name) is not None:
            date822(text_of(ch, name), "channel " + name)
    for l in ch.findall(ATOM + "link"):
        need(l.get("href") and is_url(l.get("href")), "atom:link has an href URL")
        need(l.get("rel") in ("self", "hub", "alternate"), "atom:link rel %r" % l.get("rel"))
    for i, it in enumerate(ch.findall("item")):
        check_item(it, i)
    return root


def jtype(v, t, where):
    need(isinstance(v, t), "%s: wrong type %s" % (where, type(v).__name__))


def check_json_item(it, n):
    where = "item %d" % n
    jtype(it, dict, where)
    need("id" in it, where + ": id is required")
    jtype(it["id"], str, where + " id")
    need(it["id"] != "", where + ": id is not empty")
    need("content_html" in it or "content_text" in it,
         where + ": content_html or content_text is required")
    for k in ("url", "external_url", "title", "content_html", "content_text", "summary",
              "image", "banner_image", "language"):
        if k in it:
            jtype(it[k], str, "%s %s" % (where, k))
    for k in ("url", "external_url"):
        if k in it:
            need(is_url(it[k]), "%s: %s is a URL" % (where, k))
    for k in ("date_published", "date_modified"):
        if k in it:
            need(RFC3339.match(it[k]), "%s: %s is RFC 3339" % (where, k))
    for a in it.get("authors", []):
        jtype(a, dict, where + " author")
        need(any(k in a for k in ("name", "url", "avatar")), where + ": an author has a field")
    for t in it.get("tags", []):
        jtype(t, str, where + " tag")
    for a in it.get("attachments", []):
        jtype(a, dict, where + " attachment")
        need(isinstance(a.get("url"), str) and is_url(a["url"]), where + ": attachment url")
        need(isinstance(a.get("mime_type"), str) and "/" in a["mime_type"],
             where + ": attachment mime_type is required")
        if "size_in_bytes" in a:
            jtype(a["size_in_bytes"], int, where + " size_in_bytes")


def check_json(data):
    """Parses JSON Feed 1.1 bytes and checks what the spec requires; returns the object."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise FormatError("not UTF-8 JSON: %s" % e)
    jtype(doc, dict, "top level")
    need(doc.get("version") == "https://jsonfeed.org/version/1.1", "version is 1.1's URL")
    need(isinstance(doc.get("title"), str), "title is required")
    need(isinstance(doc.get("items"), list), "items is required")
    for k in ("home_page_url", "feed_url"):
        if k in doc:
            need(isinstance(doc[k], str) and is_url(doc[k]), "%s is a URL" % k)
    for h in doc.get("hubs", []):
        need(isinstance(h.get("type"), str) and isinstance(h.get("url"), str),
             "a hub has type and url")
    for i, it in enumerate(doc["items"]):
        check_json_item(it, i)
    ids = [it["id"] for it in doc["items"]]
    need(len(set(ids)) == len(ids), "ids are unique")
    return doc
