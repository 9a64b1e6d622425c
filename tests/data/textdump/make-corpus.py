"""Writes the textdump corpus: dumps built from known parts, each with the segmentation that
must come out (NAME.json beside NAME.txt).  The truth comes from how a dump is assembled, never
from running feedd.  Run it again after changing it: python3 make-corpus.py (from this folder).
Add or edit a dump here, never by hand: tests/textdump_corpus_generated.py fails when the
committed files are not what this writes.

Traps on purpose: \\v, \\f, \\x1c-\\x1e, U+0085 and U+2028 must not break lines (Python's
str.splitlines() would), Windows-1252 0x85 is an ellipsis, and every line join below is an
explicit "\\n" or "\\r\\n"."""
import json
import os
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "news-page-dump.txt"), encoding="utf-8") as f:
    SAMPLE = f.read().split("\n")
LEAD = [l for l in SAMPLE[:23] if not l.startswith("Photo:")]
CREDIT = "Photo: AFP / Russian Ministry of Foreign Affairs"
TEASERS = SAMPLE[23:]
KICKED = TEASERS[3]
KICKER = "SIGNS OF ESCALATION"
assert len(LEAD) == 22 and len(TEASERS) == 4 and KICKED.startswith("‘" + KICKER + "’: ")

HARBOUR = [
    "The harbour council voted on Monday to rebuild the old stone pier, ending a dispute that "
    "has divided the town for more than a decade.",
    "“We have waited long enough,” said the mayor, Ana Ruiz, after the vote. “Now we build.”",
    "Work is due to start in the spring and should take two years, the council said (subject "
    "to funding).",
    "Fishermen, who had opposed earlier plans, said they were satisfied with the new design?",
    "Not everyone agrees!",
]
AIRPORT = [
    "The regional airport will close its second runway for repairs from next week, its "
    "operator said on Friday.",
    "Flights will be moved to the main runway, and delays of up to an hour are expected.",
]


def teaser(subject, n=40):
    words = ("officials said on Tuesday that the plan to rebuild the old harbour would go ahead "
             "despite the objections of residents who had gathered outside the town hall for the "
             "third week in a row to demand that the council reconsider its decision and hold a "
             "public hearing before any work could begin on the site which lies next to the "
             "nature reserve and its protected colony of seabirds that").split()
    return subject + " " + " ".join(words[:n - 1])


def art(paras, title=None, credits=None, author=None, published=None):
    e = {"kind": "article", "start": paras[0][:40], "paragraphs": len(paras), "title": title,
         "credits": credits, "author": author}
    if published:
        e["published"] = published  # a dateline names no zone: read as UTC
    return e


def bare(entry):
    """entry without an "author" key, as the page dumps first written by hand have it."""
    return {k: v for k, v in entry.items() if k != "author"}


def tea(text, title=None):
    return {"kind": "teaser", "start": text[:40], "paragraphs": 0, "title": title,
            "credits": None}


SAMPLE_EXPECT = [art(LEAD, credits=CREDIT)] + [tea(t) for t in TEASERS[:3]] + [
    tea(KICKED[len(KICKER) + 4:], KICKER)]
SAMPLE_LINES = LEAD[:3] + [CREDIT] + LEAD[3:] + TEASERS

corpus = {}


def add(name, data, entries, options=None, note="", contains=()):
    if isinstance(data, str):
        data = data.encode("utf-8")
    corpus[name] = (data, {"note": note, "options": options or {}, "entries": entries,
                           "contains": list(contains)})


def wrap(p, width=72):
    return "\n".join(textwrap.wrap(p, width, break_long_words=False, break_on_hyphens=False))


# --- paragraph separators and line endings
add("lf-one-per-line", "\n".join(SAMPLE_LINES), SAMPLE_EXPECT, note="the seed itself")
add("lf-trailing-newline", "\n".join(SAMPLE_LINES) + "\n", SAMPLE_EXPECT)
add("crlf", "\r\n".join(SAMPLE_LINES) + "\r\n", SAMPLE_EXPECT)
add("cr", "\r".join(SAMPLE_LINES), SAMPLE_EXPECT, note="old Mac line ends")
add("spaces-and-tabs", "\n".join("  \t" + l + " \t " for l in SAMPLE_LINES) + "\n\n\n",
    SAMPLE_EXPECT)
add("blank-lines", "\n\n".join(SAMPLE_LINES) + "\n", SAMPLE_EXPECT,
    note="a blank line between paragraphs")
add("blank-lines-wrapped", "\n\n".join(wrap(l) for l in SAMPLE_LINES) + "\n", SAMPLE_EXPECT,
    note="hard-wrapped at 72 columns: single newlines inside a block are soft wraps")
add("blank-lines-wrapped-crlf", "\r\n\r\n".join(wrap(l, 60).replace("\n", "\r\n")
                                                for l in SAMPLE_LINES), SAMPLE_EXPECT)

add("one-per-line-then-blank", "\n".join(HARBOUR) + "\n\n" + "\n".join(TEASERS[:2]) + "\n",
    [art(HARBOUR)] + [tea(t) for t in TEASERS[:2]],
    note="short paragraphs one per line in a document that has blank lines elsewhere")
SHORTLEAD = [l for l in LEAD if len(l) <= 200]
add("short-paragraphs-then-blank", "\n".join(SHORTLEAD) + "\n\n" + "\n".join(TEASERS[:2]),
    [art(SHORTLEAD)] + [tea(t) for t in TEASERS[:2]],
    note="paragraphs of similar length one per line look like wrapped text, but end sentences")
add("mixed-blank-lines", "\n".join(HARBOUR[:3]) + "\n\n" + "\n".join(HARBOUR[3:]) +
    "\n\nAirport runway closes for repairs\n" + "\n".join(AIRPORT) + "\n\n" + TEASERS[0],
    [art(HARBOUR), art(AIRPORT, "Airport runway closes for repairs"), tea(TEASERS[0])],
    note="one paragraph per line, with blank lines between some of them")

# --- soft breaks inside blank-line paragraphs (a <br> in the page, or a browser's wrap)
def cut(p, at):
    """p with a line break after its word number `at`."""
    w = p.split(" ")
    return " ".join(w[:at]) + "\n" + " ".join(w[at:])


TEASE = teaser("Harbour", 44)
add("soft-break-comma", "\n\n".join(["Harbour pier to be rebuilt", cut(HARBOUR[0], 12)] +
                                     [cut(HARBOUR[1], 8), cut(HARBOUR[3], 6)] +
                                     HARBOUR[2:3] + HARBOUR[4:]) + "\n",
    [art([HARBOUR[0], 1, 2, 3, 4], "Harbour pier to be rebuilt")],
    note="a line ending in a comma goes on in the next line: no headline, no second article",
    contains=[HARBOUR[0], HARBOUR[1], HARBOUR[3]])
add("soft-break-teaser", "\n\n".join(HARBOUR + [cut(TEASE, 24), cut(TEASERS[0], 10)]) + "\n",
    [art(HARBOUR), tea(TEASE), tea(TEASERS[0])],
    note="teasers cut in two by a <br>: a piece too long for a headline and too short for a "
         "teaser, or one that goes on in lower case, is not a paragraph of its own",
    contains=[TEASE, TEASERS[0][:300]])
LONGER = ["The council said the works would close the harbour road and the car park next to "
          "the old fish market for most of the spring, and that the ferry to the islands "
          "would leave from the Harbour Authority\u2019s temporary quay at the north end of the "
          "bay until the new pier opens.", HARBOUR[1], AIRPORT[0] + " " + AIRPORT[1]]
add("soft-break-longer", "\n\n".join([cut(LONGER[0], 36), LONGER[1], cut(LONGER[2], 15)]) +
    "\n", [art(LONGER)],
    note="a line too long for a headline, unfinished, followed by a longer one that ends its "
         "sentence (a browser's wrap, or a <br>), even when that one opens with a capital",
    contains=LONGER)
items = ["\u2022 " + teaser("Port", 34) + ",", "\u2022 " + teaser("Quay", 34) + ",",
         "1. " + teaser("Dock", 34) + ";", "2) " + teaser("Pier", 34)]
add("soft-break-items", "\n\n".join(["\n".join(HARBOUR[:2]), "Related stories\n" +
                                      TEASERS[0] + "\n" + TEASERS[1], "\n".join(items),
                                      "By Ana Ruiz\n" + HARBOUR[2]]) + "\n",
    [art(HARBOUR[:2]), tea(TEASERS[0]), tea(TEASERS[1])] + [tea(t) for t in items] +
    [art(HARBOUR[2:3], author="Ana Ruiz")],
    note="separate items in one block stay apart: bullets and numbers, a label before a "
         "teaser, teasers one per line, a byline")

# --- pages: a browser's dump with the site around the article (rules 10 to 12)
MENU = ["  \u2022 Home", "  \u2022 News", "      \u25a1 World", "      \u25a1 Local",
        "  \u2022 Sport", "  \u2022 Weather", "  \u2022 Contact"]
COOKIE = ("We use cookies to improve your experience on our site. By continuing to browse, "
          "you agree to our use of cookies.")
PAGE = (["The Harbour Gazette", "\n".join(MENU), COOKIE, "Accept", "Sign in",
         "Harbour pier to be rebuilt", "By Ana Ruiz", "Tuesday, December 1, 2026 09:12",
         "Share", "Photo: Ana Ruiz / Town Hall"] + HARBOUR[:2] +
        ["Read also: Airport runway closes for repairs"] + HARBOUR[2:3] + ["Advertisement",
         "A long wait"] + HARBOUR[3:] + ["Share this article", "Comments",
         "Great news for the town, I hope the works start soon and do not take forever.",
         "Reply", "Related stories", TEASERS[0], TEASERS[1], "\n".join(MENU),
         "\u00a9 2026 The Harbour Gazette. All rights reserved."])
add("page", "\n\n".join(PAGE) + "\n",
    [art(HARBOUR[:3] + ["A long wait"] + HARBOUR[3:], "Harbour pier to be rebuilt",
         "Photo: Ana Ruiz / Town Hall", "Ana Ruiz", "2026-12-01T09:12:00Z"), tea(TEASERS[0]),
     tea(TEASERS[1])],
    note="menus, a cookie notice, buttons, an ad label, a comment and a footer around an "
         "article with a subheading: the article is one entry, first, then the teasers; a "
         "\"Read also:\" pointer inside the article is not a subheading")
add("page-navigation-only", "\n\n".join(["The Harbour Gazette", "\n".join(MENU), "Sign in",
                                          "\n".join(MENU), "Contact us"]) + "\n", [],
    note="a page of only navigation: no entry, no error")

UNFINISHED = teaser("Fishermen", 40) + " (see the map)"
add("page-subheading-unfinished", "\n\n".join(
    ["The Harbour Gazette", "\n".join(MENU), "Sign in", "Harbour pier to be rebuilt"] +
    HARBOUR[:3] + ["What the fishermen say", UNFINISHED] + HARBOUR[3:] + ["\n".join(MENU)]) +
    "\n", [art(HARBOUR[:3] + ["What the fishermen say", UNFINISHED] + HARBOUR[3:],
                "Harbour pier to be rebuilt")],
    note="a subheading before a long paragraph whose last sentence has no full stop stays")

LEAD_PARA = ("After ten years of argument the town has decided what to do with its old pier, "
             "and the fishermen are pleased with the plan.")
add("page-lead-contents", "\n\n".join(
    ["The Harbour Gazette", "\n".join(MENU), "Sign in", "Harbour pier to be rebuilt",
     LEAD_PARA, "Contents", "\n".join(["  1. What the vote means for the town",
                                       "  2. When the works start", "  3. The fishermen"]),
     "What the vote means for the town"] + HARBOUR[:3] + ["\n".join(MENU)]) + "\n",
    [art([LEAD_PARA, "What the vote means for the town"] + HARBOUR[:3],
         "Harbour pier to be rebuilt")],
    note="a lead over a table of contents: the article starts at the lead, and its first "
         "subheading is no headline")

add("page-lead-long-contents", "\n\n".join(
    ["The Harbour Gazette", "\n".join(MENU), "Sign in", "Harbour pier to be rebuilt",
     LEAD_PARA, "Contents", "\n".join("  %d. Part %d of the story" % (k, k) for k in range(1, 25)),
     "What the vote means for the town"] + HARBOUR[:3] + ["\n".join(MENU)]) + "\n",
    [art([LEAD_PARA, "What the vote means for the town"] + HARBOUR[:3],
         "Harbour pier to be rebuilt")],
    note="a lead over a table of contents of 24 items: the article still starts at the lead")

SHORT = ["The ferry is back on the river.", "It had been away for six years.",
         "The town is glad of it.", "The first crossing was on Monday.",
         "Children waved from the old pier.", "The captain rang the bell twice.",
         "Tickets cost the same as before.", "The next crossing is at noon."]
ABOUT = ("The Harbour Gazette is written by a small team of volunteers who live in the town and "
         "who have reported on its council, its schools and its harbour since the paper was "
         "founded by the fishermen's union in the year after the great storm.")
add("page-short-sentences", "\n\n".join(
    ["The Harbour Gazette", "\n".join(MENU), "Sign in", "River ferry returns"] + SHORT +
    ["\n".join(MENU), "About this site", ABOUT]) + "\n",
    [art(SHORT, "River ferry returns")],
    note="an article of short sentences outweighs a longer 'about us' paragraph: each of its "
         "sentences weighs its words")

MENU_ES = ["  \u2022 Inicio", "  \u2022 Noticias", "      \u25a1 Mundo", "      \u25a1 Local",
           "  \u2022 Deportes", "  \u2022 Clima", "  \u2022 Contacto"]
MUELLE = ["El consejo municipal votó el lunes por reconstruir el viejo muelle, poniendo fin así a "
          "una larga disputa que dividió toda nuestra ciudad durante más de diez años.",
          "“Hemos esperado lo suficiente”, dijo la alcaldesa, Ana Ruiz, después de la votación. "
          "“Ahora construimos para nuestros hijos y para los pescadores del puerto.”",
          "Las obras deben comenzar en la primavera y durarán dos años, según el consejo, que "
          "espera la llegada de los fondos del gobierno regional antes del verano.",
          "Los pescadores, que se habían opuesto a los planes anteriores, dijeron que estaban "
          "satisfechos con el nuevo diseño del muelle y con las garantías para sus barcos."]
add("page-spanish", "\n\n".join(
    ["El Diario del Puerto", "\n".join(MENU_ES),
     "Usamos cookies para mejorar su experiencia en nuestro sitio.", "Aceptar",
     "Iniciar sesión", "El muelle del puerto será reconstruido", "Compartir"] + MUELLE +
    ["Publicidad", "Comentarios", "\n".join(MENU_ES)]) + "\n",
    # its opening words were written by hand one character past the usual 40 (f6780af)
    [dict(bare(art(MUELLE, "El muelle del puerto será reconstruido")), start=MUELLE[0][:41])],
    note="a page in Spanish, whose prose has few of the English and German stop words: the "
         "article is still found among the menus")

SANBASHI = ["港町の議会は月曜日、古い石の桟橋を建て直すことを決め、十年以上続いた町の争いに終わりを"
            "告げました。",
            "市長は投票の後、「私たちは十分に待ちました。これから建てます」と記者団に話しました。",
            "工事は春に始まり、二年ほどかかる見込みだと議会は説明しています。漁師たちも新しい計画に"
            "満足しています。"]
add("page-japanese", "\n\n".join(
    ["港新聞", "\n".join(MENU), "Sign in", "Share", "港の桟橋を建て直し"] +
    SANBASHI[:2] + ["漁師たちの声"] + SANBASHI[2:] + ["Advertisement", "\n".join(MENU)]) + "\n",
    [art(SANBASHI[:2] + ["漁師たちの声"] + SANBASHI[2:], "港の桟橋を建て直し")],
    note="a page in Japanese, whose paragraphs are one 'word' each: they are long by their "
         "characters (two to a word), so the page is not taken for one in a stop-word language, "
         "its prose is one article (a subheading inside it) and its headline is found")

REASONS = ("After a long debate the council gave three reasons for its vote, and the mayor read "
           "them out to the crowd outside the town hall:")
LISTED = ["\u2022 The old pier is no longer safe", "\u2022 The boats need a deeper berth",
          "\u2022 The region will pay half of it"]
add("page-colon-list", "\n\n".join(
    ["The Harbour Gazette", "\n".join(MENU), "Sign in", "Harbour pier to be rebuilt"] +
    HARBOUR[:2] + [REASONS, "\n".join("  " + l for l in LISTED)] + HARBOUR[2:] +
    ["\n".join(MENU)]) + "\n",
    [art(HARBOUR[:2] + [REASONS] + LISTED + HARBOUR[2:], "Harbour pier to be rebuilt")],
    note="a bulleted list that the article's text opens with a colon is part of the article, "
         "though its items are short like a menu's")

add("page-appeal-end", "\n\n".join(
    ["The Harbour Gazette", "\n".join(MENU), "Sign in", "Harbour pier to be rebuilt"] + HARBOUR +
    ["Did you like this article? Then support our small newsroom with a donation today.",
     "\n".join(MENU)]) + "\n",
    [art(HARBOUR, "Harbour pier to be rebuilt")],
    note="an appeal to the reader closing the article (H10's list: 'did you like', 'support "
         "our') is not its last paragraph")

SHARE_BAR = ["  \u2022 " + b for b in ("Facebook", "Twitter", "E-mail", "Print", "Comments")]
add("page-share-bar-comments", "\n\n".join(
    ["The Harbour Gazette", "\n".join(MENU), "Sign in", "Harbour pier to be rebuilt", LEAD_PARA,
     "\n".join(SHARE_BAR)] + HARBOUR + ["\n".join(MENU)]) + "\n",
    [art([LEAD_PARA] + HARBOUR, "Harbour pier to be rebuilt")],
    note="'\u2022 Comments' in a row of share buttons between the lead and the text is a button, "
         "not the comments' opener: the article keeps its lead and its headline")

add("page-about-author", "\n\n".join(
    ["The Harbour Gazette", "\n".join(MENU), "Sign in", "Harbour pier to be rebuilt"] + HARBOUR +
    ["About the author", "Ana Ruiz has written about the town's harbour and its fishermen for "
     "the Gazette since she left school, and she still goes out with the boats in summer.",
     "\n".join(MENU)]) + "\n",
    [art(HARBOUR, "Harbour pier to be rebuilt")],
    note="an author's box after the article, under 'About the author': not the article's")

MENU_FLAT = MENU[:2] + MENU[4:]
PIER = ["The harbour council voted on Monday to rebuild the old stone pier, ending a dispute "
        "that has divided the town for years.",
        "Work is due to start in the spring and should take two years, the council said on Monday."]
BLURBS = [("Lighthouse keeper retires", "After forty years on the rock, the last keeper of the "
           "lighthouse is moving to a cottage in the town."),
          ("Ferry timetable changes", "The ferry to the islands will leave an hour earlier from "
           "next month, the operator said on Friday."),
          ("School roof repaired", "The roof of the primary school, damaged in the winter "
           "storms, has been repaired in time for the new term.")]
add("page-repeated-blurbs", "\n\n".join(
    ["The Harbour Gazette", "\n".join(MENU_FLAT), "Sign in", "Harbour pier to be rebuilt"] + PIER +
    ["More stories"] + [b for h, b in BLURBS] + ["Top stories"] +
    [p for h, b in BLURBS for p in (h, b)] + ["\n".join(MENU_FLAT)]) + "\n",
    [art(PIER, "Harbour pier to be rebuilt")],
    note="story blurbs printed twice (a row of them, then a list with headlines): neither copy "
         "is the article's text")
add("page-tail-teaser", "\n\n".join(
    ["The Harbour Gazette", "\n".join(MENU_FLAT), "Sign in", "Harbour pier to be rebuilt"] + PIER +
    HARBOUR[1:4] + ["Elsewhere in the town", "Lighthouse keeper retires",
                    "The lighthouse keeper retires after forty years.", "\n".join(MENU_FLAT)]) +
    "\n", [art(PIER + HARBOUR[1:4], "Harbour pier to be rebuilt")],
    note="a story's headline and blurb after two short lines at the article's end, weighing "
         "under a tenth of it: not the article's (no subheading, no last paragraph)")
add("page-tail-teasers", "\n\n".join(
    ["The Harbour Gazette", "\n".join(MENU_FLAT), "Sign in", "Harbour pier to be rebuilt"] + PIER +
    HARBOUR[1:4] + ["Elsewhere in the town", "Lighthouse keeper retires",
                    "The lighthouse keeper retires after forty years.", "Along the coast",
                    "Ferry timetable changes", "The island ferry leaves an hour earlier.",
                    "\n".join(MENU_FLAT)]) + "\n",
    [art(PIER + HARBOUR[1:4], "Harbour pier to be rebuilt")],
    note="two stories' headlines and blurbs, each after two short lines, at the article's end: "
         "the last is cut off, then the one before it")
SHORT_LEAD = "The old stone pier will be rebuilt."
add("page-short-lead", "\n\n".join(
    ["The Harbour Gazette", "\n".join(MENU_FLAT), "Sign in", "Harbour pier to be rebuilt",
     SHORT_LEAD, "\n".join(SHARE_BAR[:4])] + PIER + HARBOUR[1:4] + ["\n".join(MENU_FLAT)]) + "\n",
    [art([SHORT_LEAD] + PIER + HARBOUR[1:4], "Harbour pier to be rebuilt")],
    note="a short complete lead (7 words) over a row of share buttons is the article's first "
         "paragraph")
ASKED = "Fishermen had asked the town for a new pier for years."
UNFINISHED_LEAD = ("The harbour council voted on Monday to rebuild the old stone pier, ending a "
                   "dispute that has divided the town for more than a decade, as the mayor")
add("page-unfinished-lead", "\n\n".join(
    ["Gazette", "\n".join(MENU_FLAT), "Sign in", ASKED, UNFINISHED_LEAD,
     "\n".join(SHARE_BAR[:4])] + PIER + HARBOUR[1:4] + ["\n".join(MENU_FLAT)]) + "\n",
    [art([ASKED, UNFINISHED_LEAD] + PIER + HARBOUR[1:4])],
    note="an unfinished lead of 20 words or more (its full stop lost to a link) and the prose "
         "before it, over a row of share buttons and with no headline, are the article's")


def pier_page(*inside):
    """The pier story between menus, with the given paragraphs inside its text, and what
    textdump must make of it: the story alone, the paragraphs gone."""
    text = "\n\n".join(
        ["The Harbour Gazette", "\n".join(MENU_FLAT), "Sign in", "Harbour pier to be rebuilt"] +
        PIER + list(inside) + HARBOUR[1:4] + ["\n".join(MENU_FLAT)]) + "\n"
    return text, [art(PIER + HARBOUR[1:4], "Harbour pier to be rebuilt")]


CAPTION = "The old pier at low tide, seen from the harbour wall (Foto: Ana Ruiz)"
add("page-caption-credit", *pier_page(CAPTION),
    note="a photo's caption that holds its credit ('(Foto: ...)') inside the article is no "
         "subheading and no paragraph of it")
add("page-appeal-inside", *pier_page(
    "Do you enjoy our reporting? Support our newsroom with a small donation today."),
    note="an appeal to the reader (H10's list: 'support our') inside the article, not only at "
         "its end, is no paragraph of it")
add("page-label-over-appeal", *pier_page(
    "Help the Gazette", "Do you enjoy our reporting? Support our newsroom with a small "
    "donation today."),
    note="a short line over an appeal inside the article is no subheading: the text under it "
         "does not stay")
add("page-subscribe-inside", *pier_page(
    "Subscribe to the Gazette's morning newsletter and get the harbour news first."),
    note="a subscription prompt inside the article, not only at its end, is no paragraph of it")
POST = [HARBOUR[0], "“We have waited long enough,” said the mayor after the vote, and she "
        "thanked the fishermen for their patience.",
        "Work is due to start in the spring and should take two years, the council said, if "
        "the money from the region arrives on time."]
COMMENTS = [("Maria", "I have lived in this town for all of my life and I can tell you that the "
             "pier has been a danger to the children who play on it for at least twenty years, "
             "so I am glad that the council has finally made up its mind.", "10:15"),
            ("Tom", "It is about time that the council did something for the people who live "
             "by the harbour instead of spending all of the money on the new roads in the "
             "centre of town, which nobody asked for and nobody needs.", "11:02"),
            ("Ana", "I hope that they will keep the old stones and use them again for the new "
             "pier, because they are part of the history of the town and it would be a shame "
             "to see them thrown away like so much rubbish.", "12:40")]
add("page-comments", "\n\n".join(
    ["The Harbour Gazette", "\n".join(MENU_FLAT), "Sign in", "Harbour pier to be rebuilt",
     "0 Comments", "Town Hall"] + POST + ["3 Comments"] +
    [p for who, text, at in COMMENTS for p in (who + " says:", text, "December 1, 2026 at " + at)] +
    ["\n".join(MENU_FLAT)]) + "\n",
    [bare(art(POST, "Harbour pier to be rebuilt"))],
    note="comments after the article, denser than it, a '0 Comments' counter and a photo's "
         "two-word credit between the headline and the text: the article is the entry, with "
         "its headline")

SHARE = ["  \u2022 " + b for b in ("Share", "Print", "Facebook", "Twitter", "E-mail", "Sign in",
                                   "Subscribe")]
add("page-disclaimer", "\n\n".join(
    ["The Harbour Gazette", "\n".join(MENU_FLAT), "Harbour pier to be rebuilt"] + POST +
    ["\n".join(SHARE), "About this site", ABOUT,
     "We do our best to check every story that we publish with at least two people who were "
     "there, and we correct our mistakes in the same place where we made them, with a note that "
     "says what was wrong and when it was put right by the editors.", "\n".join(MENU_FLAT)]) +
    "\n", [bare(art(POST, "Harbour pier to be rebuilt"))],
    note="an 'about this site' text after the article that outweighs it: the article, which "
         "comes first, is the page's article")

# --- encodings
body = "\n".join(SAMPLE_LINES)
add("utf8-bom", "\ufeff" + body, SAMPLE_EXPECT)
add("utf16le-bom", ("\ufeff" + body.replace("\n", "\r\n")).encode("utf-16-le"), SAMPLE_EXPECT,
    note="what Windows PowerShell writes")
add("utf16be-bom", ("\ufeff" + body).encode("utf-16-be"), SAMPLE_EXPECT)
H1252 = HARBOUR[:3] + ["Fishermen, who had opposed earlier plans, were pleased…",
                       "Not everyone agrees — caf\u00e9 owners say the works will hurt trade."]
T1252 = "‘WE’RE STILL HERE’: " + teaser("Café owners")
add("windows-1252", ("\r\n".join(H1252 + ["Photo: Jos\u00e9 Garc\u00eda / Reuters", T1252])
                     ).encode("cp1252"),
    [art(H1252, credits="Photo: José García / Reuters"),
     tea(teaser("Café owners"), "WE’RE STILL HERE")],
    note="not valid UTF-8: decoded as Windows-1252, 0x85 is an ellipsis, 0x91/0x92 quotes",
    contains=["were pleased…", "agrees — café", "José García", "Café owners officials"])
add("charset-option", "\n".join(["Das Hafenamt hat am Montag den Neubau beschlossen.",
                                 "Die Kosten tr\u00e4gt die Stadt, sagte der B\u00fcrgermeister "
                                 "(\u20ac 4 Mio.)."]).encode("iso-8859-15"),
    [art(["Das Hafenamt hat am Montag den Neubau beschlossen.", "x"])],
    options={"charset": "iso-8859-15"}, note="0xA4 is the euro sign in ISO-8859-15",
    contains=["trägt", "Bürgermeister (€ 4 Mio.)"])
ctrl = ["The harbour\vcouncil voted\fon Monday\x01 to rebuild the\x1cold\x1d pier\x1e today.",
        "It was\u0085a long\u2028meeting, the mayor said.", "\x00Work starts in spring."]
add("control-characters", "\n".join(ctrl),
    [art(["The harbour council voted on Monday to rebuild the", "", ""])],
    note="VT, FF, NEL and U+2028 are spaces; C0 controls and NUL vanish; none breaks a line",
    contains=["The harbour council voted on Monday to rebuild theold pier today.",
              "It was a long meeting, the mayor said.", "Work starts in spring."])

# --- credits, headlines, several articles
add("credits-anywhere", "\n".join(["Photos: Reuters / AP"] + HARBOUR[:2] +
                                  ["Graphic: Taipei Times"] + HARBOUR[2:] +
                                  ["Video: CNA / YouTube", "File photo: AFP"] + [teaser("Port")]),
    [art(HARBOUR, credits="Photos: Reuters / AP; Graphic: Taipei Times; Video: CNA / YouTube; "
         "File photo: AFP"), tea(teaser("Port"))],
    note="credit lines before, inside and after an article stay with it")
add("headlines", "\n".join(["Harbour pier to be rebuilt"] + HARBOUR +
                           ["Airport runway closes for repairs"] + AIRPORT),
    [art(HARBOUR, "Harbour pier to be rebuilt"), art(AIRPORT, "Airport runway closes for repairs")],
    note="the second headline right after the first article's last paragraph")
add("headlines-blank-lines", "\n\n".join(["Harbour pier to be rebuilt"] + HARBOUR[:2] +
                                         ["Photo: Ana Ruiz / Town Hall"] + HARBOUR[2:] +
                                         ["Airport runway closes for repairs"] + AIRPORT +
                                         [teaser("Harbour"), KICKED]) + "\n",
    [art(HARBOUR, "Harbour pier to be rebuilt", "Photo: Ana Ruiz / Town Hall"),
     art(AIRPORT, "Airport runway closes for repairs"), tea(teaser("Harbour")),
     tea(KICKED[len(KICKER) + 4:], KICKER)])
long_para = " ".join(["The council said the pier, which was built in 1887 and damaged in the "
                      "storms of 2019, would be rebuilt in stone."] * 12)
add("long-complete-paragraph", "\n".join([long_para, HARBOUR[1]]),
    [art([long_para, HARBOUR[1]])],
    note="a very long paragraph that ends in punctuation is a paragraph, not a teaser")
add("closing-quotes", "\n".join(['He said: "We build."', "She asked, ‘Why now?’",
                                 "They left (for good).", "“Never,” he said.”"]),
    [art(["He said:", "", "", ""])], note="final punctuation followed by quotes or brackets")

add("bylines-datelines", "\n".join(
    ["Harbour pier to be rebuilt", "By Ana Ruiz and Li Wei", "Tuesday, December 1, 2026 09:12",
     "Photo: AFP"] + HARBOUR + ["More news", "Airport runway closes for repairs", "By Kim",
                                "Updated: 2026-12-01 10:00"] + AIRPORT + [TEASERS[0]]),
    [art(HARBOUR, "Harbour pier to be rebuilt", "Photo: AFP", "Ana Ruiz and Li Wei",
         "2026-12-01T09:12:00Z"),
     art(AIRPORT, "Airport runway closes for repairs", None, "Kim", "2026-12-01T10:00:00Z"),
     tea(TEASERS[0])],
    note="a byline is the author and a dateline is dropped; a label before a headline goes")

# --- teasers and kickers
kickers = ["‘WE’RE STILL HERE’: " + teaser("Residents"), "“NO DEAL”: " + teaser("Union leaders"),
           "'ALERT': " + teaser("Police"), "\"BREAKING\": " + teaser("Rescuers")]
add("kickers", "\n".join(kickers),
    [tea(teaser("Residents"), "WE’RE STILL HERE"), tea(teaser("Union leaders"), "NO DEAL"),
     tea(teaser("Police"), "ALERT"), tea(teaser("Rescuers"), "BREAKING")])
add("teasers-only", "\n\n".join(TEASERS), [e for e in SAMPLE_EXPECT[1:]])
add("short-teaser", teaser("Harbour", 30), [tea(teaser("Harbour", 30))],
    note="30 words, cut mid-sentence")
add("article-only", "\n".join(HARBOUR), [art(HARBOUR)])
add("empty", "", [])
add("blank-only", "\n \r\n\t\n\n", [])
add("label-then-teasers", "\n".join(LEAD + ["Related stories"] + TEASERS[:2]),
    [art(LEAD)] + [tea(t) for t in TEASERS[:2]],
    note="a short unfinished line between the article and the teasers is a label, dropped")
many = [teaser("Story %d:" % i) for i in range(300)]
add("many-teasers", "\n".join(many), [tea(t) for t in many], note="hundreds of teasers")

# --- combinations
combo = ("\ufeff" + "\r\n\r\n".join(
    [wrap("Harbour pier to be rebuilt", 66)] + [wrap(p, 66) for p in HARBOUR[:2]] +
    ["Photos: Ana Ruiz / Town Hall"] + [wrap(p, 66) for p in HARBOUR[2:]] +
    ["Airport runway closes for repairs"] + [wrap(p, 66) for p in AIRPORT] +
    [wrap(k, 66) for k in kickers[:2]] + [wrap(t, 66) for t in TEASERS[:2]]
).replace("\r\n", "\n").replace("\n", "\r\n"))
add("combo-bom-crlf-wrapped", combo,
    [art(HARBOUR, "Harbour pier to be rebuilt", "Photos: Ana Ruiz / Town Hall"),
     art(AIRPORT, "Airport runway closes for repairs"),
     tea(teaser("Residents"), "WE’RE STILL HERE"), tea(teaser("Union leaders"), "NO DEAL")] +
    [tea(t) for t in TEASERS[:2]],
    note="BOM, CRLF, blank lines, hard wraps, two headlined articles, credits, kickers")
combo2 = ("\r\n".join(["  Harbour pier to be rebuilt\t"] + H1252[:2] + ["Photo: AFP"] +
                      H1252[2:] + ["\u2018NOT OVER\u2019: " + teaser("Caf\u00e9 owners")] +
                      ["Airport runway closes for repairs"] + AIRPORT)).encode("cp1252")
add("combo-1252-headlines-teaser-between", combo2,
    [art(H1252, "Harbour pier to be rebuilt", "Photo: AFP"),
     tea(teaser("Café owners"), "NOT OVER"), art(AIRPORT, "Airport runway closes for repairs")],
    note="Windows-1252, CRLF, an article, a teaser, then a second headlined article")
add("combo-utf16-blank-wrapped",
    ("\ufeff" + "\n\n".join([wrap(p, 50) for p in HARBOUR] + [wrap(TEASERS[0], 50)])
     ).encode("utf-16-le"),
    [art(HARBOUR), tea(TEASERS[0])])

for name in os.listdir(HERE):
    if name.endswith((".txt", ".json")):
        os.unlink(os.path.join(HERE, name))
for name, (data, expect) in sorted(corpus.items()):
    with open(os.path.join(HERE, name + ".txt"), "wb") as f:
        f.write(data)
    with open(os.path.join(HERE, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(expect, f, ensure_ascii=False, indent=1)
        f.write("\n")
print("%d dumps" % len(corpus))
