"""Checks an Atom document against what RFC 4287 says and the RELAX NG schema cannot:
well-formed UTF-8 without control characters, an author on the feed or on every entry, an
alternate link on every entry without content, unique ids, RFC 3339 dates.  Also gives a
summary of each entry for the tests' own assertions.  Standard library only."""
import re
import sys
import xml.etree.ElementTree as ET

A = "{http://www.w3.org/2005/Atom}"
DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


class FeedError(Exception):
    pass


def check(data, allow_fffd=False):
    """Validates bytes `data`; returns the parsed feed as a dict.  Raises FeedError."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FeedError("not UTF-8: %s" % e)
    if BAD_CHARS.search(text):
        raise FeedError("control character in output at %d" % BAD_CHARS.search(text).start())
    if not allow_fffd and "\ufffd" in text:
        raise FeedError("U+FFFD in output")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        raise FeedError("not well-formed: %s" % e)
    if root.tag != A + "feed":
        raise FeedError("root is %s" % root.tag)
    feed_author = root.find(A + "author") is not None
    ids = set()
    entries = []
    for el in root.iter():
        if el.tag in (A + "updated", A + "published") and not DATE.match(el.text or ""):
            raise FeedError("bad date %r" % el.text)
    for e in root.findall(A + "entry"):
        eid = e.findtext(A + "id")
        if not eid:
            raise FeedError("entry without id")
        if eid in ids:
            raise FeedError("duplicate id %s" % eid)
        ids.add(eid)
        if not feed_author and e.find(A + "author") is None:
            raise FeedError("entry %s has no author and the feed has none" % eid)
        content = e.find(A + "content")
        links = [l for l in e.findall(A + "link") if l.get("rel", "alternate") == "alternate"]
        if content is None and not links:
            raise FeedError("entry %s has no content and no alternate link" % eid)
        entries.append({
            "id": eid,
            "title": e.findtext(A + "title"),
            "author": e.findtext(A + "author/" + A + "name"),
            "summary": e.findtext(A + "summary"),
            "content": content.text if content is not None else None,
            "link": links[0].get("href") if links else None,
            "enclosures": [{"href": l.get("href"), "type": l.get("type")}
                           for l in e.findall(A + "link") if l.get("rel") == "enclosure"],
            "published": e.findtext(A + "published"),
            "updated": e.findtext(A + "updated"),
        })
    return {
        "id": root.findtext(A + "id"),
        "title": root.findtext(A + "title"),
        "author": root.findtext(A + "author/" + A + "name"),
        "subtitle": root.findtext(A + "subtitle"),
        "link": next((l.get("href") for l in root.findall(A + "link")
                      if l.get("rel", "alternate") == "alternate"), None),
        "self": [l.get("href") for l in root.findall(A + "link") if l.get("rel") == "self"],
        "entries": entries,
    }


if __name__ == "__main__":
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            try:
                check(f.read())
            except FeedError as e:
                print("%s: %s" % (path, e))
                sys.exit(1)
