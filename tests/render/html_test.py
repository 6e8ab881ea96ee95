#!/usr/bin/python3
"""The printable HTML schedule (`doseplan plan ... --format html`), checked against the JSON plan.

Usage: html_test.py BINARY

For each example patient, in English and in Simplified Chinese, the HTML is parsed with
html.parser (standard library) and checked: language and charset; the disclaimer in the
print footer; A4 print CSS with page breaks and a fixed footer; no external resource; the
pill card, tests, sources and warnings on page one; in the calendar, every day of every phase
row with one tick box per administration (and no box elsewhere), phase changes marked, every
monitoring visit highlighted with its tests, and on a cyclosporine trough day the "draw blood
first" line before the first dose box and "after the blood draw" on the morning box (no such mark
on any other day). The pill card's product units are computed from the plan's counts and
strengths and the product's dosage form in the rules ("1 capsule of 100 mg + 1 capsule of 50 mg",
"100 mg胶囊1粒 + 50 mg胶囊1粒"; Chinese numbers without thousands separators). One more case feeds text with HTML special
characters through a copy of the rules and checks that it is escaped.

The rules come from $DOSEPLAN_RULES, else ../rules beside this file. Prints "N passed,
M failed" last; exits 1 when a check failed.
"""
import datetime
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RULES = os.environ.get("DOSEPLAN_RULES") or os.path.join(HERE, "..", "..", "rules")

CASES = [
    ("cyclosporine-itp", ["--regimen", "cyclosporine-itp", "--weight", "62kg",
                          "--start", "2026-12-01"]),
    ("cyclophosphamide-iv-scot", ["--regimen", "cyclophosphamide-iv-scot", "--weight", "62kg",
                                  "--height", "165cm", "--start", "2026-12-01"]),
    ("msc-lupus", ["--regimen", "msc-lupus", "--weight", "55kg", "--start", "2026-12-01"]),
]
LANGS = ["en", "zh-CN"]

# The only elements the renderer writes: a stray "<" in a text would show up as another one.
KNOWN_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p",
              "section", "div", "span", "strong", "br", "table", "thead", "tbody", "tfoot", "tr",
              "th", "td", "ul", "ol", "li", "blockquote", "footer", "a", "em"}
VOID_TAGS = {"meta", "br"}


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL:", what)
        return ok


def norm(text):
    return " ".join(text.split())


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []
        self.text_parts = []  # own text and the text of descendants, in order

    @property
    def classes(self):
        return set((self.attrs.get("class") or "").split())

    def text(self):
        return norm("".join(self.text_parts))

    def find_all(self, pred):
        out = []
        for c in self.children:
            if pred(c):
                out.append(c)
            out.extend(c.find_all(pred))
        return out


class Tree(html.parser.HTMLParser):
    """A small DOM: elements with attributes, children and text; problems found while parsing."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", [], None)
        self.stack = [self.root]
        self.problems = []
        self.tags = set()
        self.style = ""

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        el = Element(tag, attrs, self.stack[-1])
        self.stack[-1].children.append(el)
        if tag not in VOID_TAGS:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID_TAGS:
            return
        if self.stack[-1].tag != tag:
            self.problems.append("</%s> closes <%s>" % (tag, self.stack[-1].tag))
            while len(self.stack) > 1 and self.stack[-1].tag != tag:
                self.stack.pop()
        if len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack[-1].tag == "style":
            self.style += data
        for el in self.stack:
            el.text_parts.append(data)

    def close(self):
        super().close()
        if len(self.stack) != 1:
            self.problems.append("unclosed: " + " ".join(e.tag for e in self.stack[1:]))


def parse(text):
    t = Tree()
    t.feed(text)
    t.close()
    return t


def run(binary, args):
    r = subprocess.run([binary] + args, capture_output=True)
    if r.returncode != 0:
        raise RuntimeError("%s %s: exit %d: %s" % (binary, " ".join(args), r.returncode,
                                                   r.stderr.decode("utf-8", "replace")))
    return r.stdout.decode("utf-8")


def days(first, last):
    d = datetime.date.fromisoformat(first)
    end = datetime.date.fromisoformat(last)
    while d <= end:
        yield d.isoformat()
        d += datetime.timedelta(days=1)


def lang_key(lang):
    return "zh-CN" if lang == "zh-CN" else "en"


def load_rules(name):
    with open(os.path.join(RULES, name), encoding="utf-8") as f:
        return json.load(f)


def product_form(plan):
    """The dosage form of the plan's product (capsule, tablet, iv_vial, ...), from the rules."""
    for p in load_rules("products.json")["products"]:
        if p["id"] == plan["product"]["id"]:
            return p["form"]
    raise KeyError("product %s not in products.json" % plan["product"]["id"])


def mg(value, lang):
    """A mass as the patient reads it: "1,500 mg" in English, "1500 mg" in Chinese."""
    if value == int(value):
        n = ("{:,}" if lang == "en" else "{}").format(int(value))
    else:
        n = "%g" % value
    return n + " mg"


# The product units counted as a patient counts them, per dosage form: English "1 capsule of
# 100 mg", "3 tablets of 500 mg", "2 vials of 500 mg"; Chinese "100 mg胶囊1粒", "500 mg片剂3片",
# "500 mg 规格 2 瓶".
UNIT_WORDS = {
    "capsule": (("capsule", "capsules"), "{strength}胶囊{count}粒"),
    "tablet": (("tablet", "tablets"), "{strength}片剂{count}片"),
    "iv_vial": (("vial", "vials"), "{strength} 规格 {count} 瓶"),
}


def unit_counts(units, form, lang):
    """units: [(count, strength in mg)] -> "1 capsule of 100 mg + 1 capsule of 50 mg"."""
    (one, many), zh = UNIT_WORDS[form]
    terms = []
    for count, strength in units:
        if lang == "en":
            terms.append("%d %s of %s" % (count, one if count == 1 else many, mg(strength, lang)))
        else:
            terms.append(zh.format(strength=mg(strength, lang), count=count))
    return " + ".join(terms)


def administration_words(a, form, lang):
    """What one administration says on the pill card, computed from the plan's numbers; None
    for what has no product units (cells, oral solution)."""
    if a.get("units"):
        return unit_counts([(u["count"], u["strength"]["value"]) for u in a["units"]], form, lang)
    if a.get("vials"):
        amount = mg(a["amount"]["value"], lang)
        vials = unit_counts([(v["count"], v["size"]["value"]) for v in a["vials"]], "iv_vial",
                            lang)
        leftover = sum(v["count"] * v["size"]["value"] for v in a["vials"]) > \
            a["amount"]["value"] + 1e-9
        if lang == "en":
            tail = "; only %s of it is used" % amount if leftover else ""
            return "%s IV (prepare %s%s)" % (amount, vials, tail)
        tail = "，只用其中 %s" % amount if leftover else ""
        return "静脉输注 %s（配制时准备 %s%s）" % (amount, vials, tail)
    return None


def drug_heading_zh(plan):
    """The Chinese heading: the Chinese name first, then the other Chinese names the sources
    use and the English name (its trailing abbreviation when it has one), in full-width
    parentheses: 环孢素（又称环孢菌素A、环孢霉素；cycloSPORINE）, 脐带间充质干细胞（MSC）."""
    drug = load_rules(plan["regimen"]["id"] + ".json")["drug"]
    english = drug["name"]["en"]
    m = re.fullmatch(r".* \(([A-Z0-9]{2,})\)", english)
    if m:
        english = m.group(1)
    others = drug.get("also_known_as", {}).get("zh", "")
    inside = ("又称%s；%s" % (others, english)) if others else english
    return "%s（%s）" % (drug["name"]["zh"], inside)


def check_document(rep, name, tree, raw, lang):
    """Language, charset, print CSS, no external resource, well-formed."""
    html_el = tree.root.find_all(lambda e: e.tag == "html")
    rep.check(len(html_el) == 1 and html_el[0].attrs.get("lang") == lang,
              "%s: <html lang=\"%s\">" % (name, lang))
    rep.check(raw.startswith("<!DOCTYPE html>"), name + ": doctype")
    charset = tree.root.find_all(lambda e: e.tag == "meta" and "charset" in e.attrs)
    rep.check(len(charset) == 1 and charset[0].attrs["charset"].lower() == "utf-8",
              name + ": <meta charset=\"utf-8\">")
    rep.check(not tree.problems, name + ": well-formed: " + "; ".join(tree.problems[:3]))
    rep.check(tree.tags <= KNOWN_TAGS, name + ": unexpected elements " +
              ", ".join(sorted(tree.tags - KNOWN_TAGS)))
    # Self-contained: no scripts, links, images, frames; no address to load anything from.
    rep.check(not (tree.tags & {"script", "link", "img", "iframe", "object", "embed"}),
              name + ": no <script>, <link> or images")
    # Links the reader may follow are allowed (the bibliography's addresses and the [source]
    # tags' anchors); nothing is loaded from anywhere.
    external = [e for e in tree.root.find_all(lambda e: True) for a in ("src",) if a in e.attrs]
    rep.check(not external, name + ": no src= attributes")
    links = [e.attrs["href"] for e in tree.root.find_all(lambda e: "href" in e.attrs)]
    rep.check(all(e.tag == "a" for e in tree.root.find_all(lambda e: "href" in e.attrs)),
              name + ": href only on <a>")
    rep.check(all(re.match(r"(https?://|#src-)", h) for h in links),
              name + ": links are web addresses or anchors of the page")
    anchors = {e.attrs.get("id") for e in tree.root.find_all(lambda e: "id" in e.attrs)}
    rep.check(all(h[1:] in anchors for h in links if h.startswith("#")),
              name + ": every [source] link leads to its citation in the bibliography")
    rep.check(any(h.startswith("http") for h in links),
              name + ": the bibliography links to its documents")
    rep.check(not re.search(r"https?:|url\s*\(|@import|@font-face", tree.style),
              name + ": no external resource in the CSS")
    # Print CSS: A4, page breaks before the calendar and between months, a fixed footer.
    rep.check(re.search(r"@page\s*\{[^}]*size:\s*A4", tree.style) is not None, name + ": @page A4")
    rep.check(re.search(r"\.calendar\s*\{[^}]*break-before:\s*page", tree.style) is not None,
              name + ": page break before the calendar")
    rep.check(re.search(r"\.month\s*\+\s*\.month\s*\{[^}]*break-before:\s*page", tree.style)
              is not None, name + ": page break between months")
    media = re.search(r"@media print\s*\{(.*)\}\s*$", tree.style, re.S)
    rep.check(media is not None and re.search(r"\.print-footer\s*\{[^}]*position:\s*fixed",
                                              media.group(1)) is not None,
              name + ": .print-footer is position: fixed in @media print")


def check_footer(rep, name, tree, plan):
    footers = tree.root.find_all(lambda e: e.tag == "footer" and "print-footer" in e.classes)
    if not rep.check(len(footers) == 1, name + ": one <footer class=\"print-footer\">"):
        return
    text = footers[0].text()
    for key in ("en", "zh-CN"):
        rep.check(norm(plan["disclaimer"][key]) in text,
                  "%s: disclaimer (%s) in the print footer" % (name, key))


def check_page_one(rep, name, tree, plan, lang):
    k = lang_key(lang)
    body = tree.root.text()
    drug = plan["regimen"]["drug"]["name"]
    if lang == "zh-CN":
        heading = drug_heading_zh(plan)
        h1 = tree.root.find_all(lambda e: e.tag == "h1")
        spans = h1[0].find_all(lambda e: e.tag == "span" and "drug" in e.classes) if h1 else []
        rep.check(len(spans) == 1 and spans[0].text() == heading,
                  "%s: heading %s (Chinese name first), got %s" %
                  (name, heading, spans[0].text() if spans else None))
    else:
        rep.check(drug["en"] in body and drug["zh-CN"] in body,
                  name + ": drug name (Tall Man) and its Chinese name")
    rep.check(norm(plan["regimen"]["indication"][k]) in body, name + ": indication")
    rep.check(plan["start"] in body and plan["end"] in body, name + ": start and end dates")
    for s in plan["sources"]:
        rep.check(norm(s["quote"]) in body, "%s: source %s with its quote" % (name, s["id"]))
    for w in plan["warnings"]:
        rep.check(norm(w["text"][k]) in body, name + ": warning " + w["text"]["en"][:40])
    for a in plan["advisories"]:
        rep.check(norm(a[k]) in body, name + ": advisory " + a["en"][:40])
    for d in plan["disagreements"]:
        for p in d["positions"]:
            rep.check(norm(p["text"][k]) in body, name + ": disagreement " + p["text"]["en"][:40])
    for d in plan["project_defaults"]:
        rep.check(norm(d["what"][k]) in body and norm(d["value"][k]) in body and
                  norm(d["reason"][k]) in body, name + ": project default " + d["what"]["en"])
    # The pill card: the product units of every administration, and every phase name.
    cards = tree.root.find_all(lambda e: e.tag == "table" and "card" in e.classes)
    if rep.check(len(cards) == 1, name + ": one pill card"):
        card = cards[0].text()
        form = product_form(plan)
        for ph in plan["phases"]:
            rep.check(norm(ph["name"][k]) in card, "%s: pill card phase %s" % (name, ph["id"]))
            for a in ph["dose"]["administrations"]:
                words = administration_words(a, form, k)
                if words is not None:
                    rep.check(words in card, "%s: pill card says %s" % (name, words))
        # An infusion is an appointment, not a time of day (issue 20, item 3): a regimen of
        # infusions has an appointment column and no slot columns.
        heads = [h.text() for h in cards[0].find_all(lambda e: e.tag == "th")]
        slot_heads = ["早上", "中午", "晚上", "睡前"] if lang == "zh-CN" else \
            ["Morning", "Noon", "Evening", "Bedtime"]
        if all("cycle" in ph for ph in plan["phases"]):
            appointment = "输注预约：用药内容" if lang == "zh-CN" else \
                "Infusion appointment: what is given"
            rep.check(appointment in heads and not set(slot_heads) & set(heads),
                      "%s: an appointment column, no time-of-day columns: %s" % (name, heads))
        else:
            rep.check(set(slot_heads) <= set(heads), "%s: the four slot columns" % name)
    # What to test when: every visit date.
    visits = tree.root.find_all(lambda e: e.tag == "table" and "visits" in e.classes)
    if plan["visits"] and rep.check(len(visits) == 1, name + ": the table of tests"):
        text = visits[0].text()
        rep.check(all(v["date"] in text for v in plan["visits"]),
                  name + ": every visit date in the table of tests")


def expected_boxes(plan):
    boxes = {}
    for ph in plan["phases"]:
        for d in days(ph["first"], ph["last"]):
            boxes[d] = boxes.get(d, 0) + len(ph["dose"]["administrations"])
    return boxes


def check_calendar(rep, name, tree, plan, lang):
    k = lang_key(lang)
    cells = {}
    for td in tree.root.find_all(lambda e: e.tag == "td" and "data-date" in e.attrs):
        if not rep.check(td.attrs["data-date"] not in cells,
                         name + ": one calendar cell for " + td.attrs["data-date"]):
            continue
        cells[td.attrs["data-date"]] = td
    # Weeks Monday to Sunday: 7 cells a row, the first a Monday.
    for table in tree.root.find_all(lambda e: e.tag == "table" and "cal" in e.classes):
        for tr in table.find_all(lambda e: e.tag == "tr"):
            tds = [c for c in tr.children if c.tag in ("td", "th")]
            rep.check(len(tds) == 7, name + ": 7 days a calendar row")
            dated = [i for i, c in enumerate(tds) if "data-date" in c.attrs]
            if dated:
                i = dated[0]
                weekday = datetime.date.fromisoformat(tds[i].attrs["data-date"]).weekday()
                rep.check(weekday == i, name + ": weeks start on Monday")

    # Tick boxes: one per administration on every day of every phase row, none elsewhere.
    want = expected_boxes(plan)
    missing = [d for d in want if d not in cells]
    rep.check(not missing, "%s: calendar days missing: %s" % (name, missing[:5]))
    wrong = []
    for d, td in cells.items():
        n = len(td.find_all(lambda e: e.tag == "span" and "box" in e.classes))
        if n != want.get(d, 0):
            wrong.append("%s has %d, expected %d" % (d, n, want.get(d, 0)))
    rep.check(not wrong, "%s: tick boxes per day: %s" % (name, "; ".join(wrong[:5])))

    # Phase changes: the first day of each phase row is marked and names the phase.
    for ph in plan["phases"]:
        td = cells.get(ph["first"])
        rep.check(td is not None and "phase-change" in td.classes and
                  norm(ph["name"][k]) in td.text(),
                  "%s: phase %s marked on %s" % (name, ph["id"], ph["first"]))
    # Infusion days are marked.
    for ph in plan["phases"]:
        if any(a.get("route") == "IV" or "cells" in a for a in ph["dose"]["administrations"]):
            td = cells.get(ph["first"])
            rep.check(td is not None and "infusion-day" in td.classes,
                      "%s: infusion day %s marked" % (name, ph["first"]))

    # Monitoring: every visit highlighted with its tests; no other day highlighted.
    names = {t["id"]: t["name"][k] for t in plan["tests"]}
    visit_dates = set()
    for v in plan["visits"]:
        visit_dates.add(v["date"])
        ids = []
        for item in v["items"]:
            ids += [t for t in item["tests"] if t not in ids]
        td = cells.get(v["date"])
        if not rep.check(td is not None and "visit" in td.classes,
                         "%s: visit %s highlighted" % (name, v["date"])):
            continue
        rep.check(td.attrs.get("data-tests", "").split() == ids,
                  "%s: visit %s lists its tests %s" % (name, v["date"], ids))
        # The visible list: one short name per test, each taken from the test's name.
        tests = td.find_all(lambda e: e.tag == "div" and "tests" in e.classes)
        labels = td.find_all(lambda e: e.tag == "span" and "tests-label" in e.classes)
        if rep.check(len(tests) == 1 and len(labels) == 1, name + ": tests of " + v["date"]):
            shown = tests[0].text()[len(labels[0].text()):].strip()
            parts = [p.strip() for p in re.split(r", |、", shown)]
            rep.check(len(parts) == len(ids) and
                      all(p and p in names[i] for p, i in zip(parts, ids)),
                      "%s: %s shows %s" % (name, v["date"], shown))
    extra = [d for d, td in cells.items() if "visit" in td.classes and d not in visit_dates]
    rep.check(not extra, "%s: highlighted days that are no visit: %s" % (name, extra[:5]))


def trough_dates(plan):
    """The visits that draw blood for the cyclosporine trough level, in order."""
    return [v["date"] for v in plan["visits"]
            if any("cyclosporine-trough" in item["tests"] for item in v["items"])]


def check_trough_days(rep, name, tree, plan, lang, required):
    """On a trough day the cell says first to draw blood, then to take the morning dose, before
    the first dose box, and the morning box says "after the blood draw"; no other day says so.
    required: the plan must have a trough day (the ITP plan)."""
    k = lang_key(lang)
    drug = plan["regimen"]["drug"]["name"][k]
    if lang == "zh-CN":
        line = "今天先抽血（查%s谷浓度），抽完血再服早上的药。" % drug
        mark, morning = "抽血后服", "早上"
    else:
        line = "Today: draw blood for the %s level first, then take the morning dose." % drug
        mark, morning = "after the blood draw", "morning"
    cells = {td.attrs["data-date"]: td
             for td in tree.root.find_all(lambda e: e.tag == "td" and "data-date" in e.attrs)}
    dosed = {d for ph in plan["phases"] for d in days(ph["first"], ph["last"])
             if any(a["slot"] == "morning" for a in ph["dose"]["administrations"])}
    troughs = [d for d in trough_dates(plan) if d in dosed]
    if required:
        rep.check(bool(troughs), name + ": a trough visit on a day with a morning dose")
    for d in troughs:
        td = cells.get(d)
        if not rep.check(td is not None, "%s: calendar cell for trough day %s" % (name, d)):
            continue
        text = td.text()
        firsts = td.find_all(lambda e: e.tag == "div" and "trough-first" in e.classes)
        doses = td.find_all(lambda e: e.tag == "span" and "dose" in e.classes)
        if not rep.check(len(firsts) == 1 and firsts[0].text() == line and doses,
                         "%s: %s starts with \"%s\" (got %s)" %
                         (name, d, line, [f.text() for f in firsts])):
            continue
        # Before the first dose box: in the cell's children and in the text the patient reads.
        order = td.children.index(firsts[0]) < td.children.index(doses[0]) \
            if doses[0] in td.children else False
        at_line, at_dose = text.find(line), text.find(doses[0].text())
        rep.check(order and 0 <= at_line < at_dose,
                  "%s: on %s the trough line comes before the first dose box" % (name, d))
        for box in doses:
            marks = box.find_all(lambda e: e.tag == "span" and "after-draw" in e.classes)
            if box.text().startswith(morning):
                rep.check(len(marks) == 1 and marks[0].text() == mark,
                          "%s: on %s the morning box says \"%s\": %s" % (name, d, mark, box.text()))
            else:
                rep.check(not marks, "%s: on %s only the morning box is marked: %s" %
                          (name, d, box.text()))
        rep.check(sum(b.text().startswith(morning) for b in doses) == 1,
                  "%s: one morning box on %s" % (name, d))
    all_troughs = set(trough_dates(plan))
    stray = [d for d, td in cells.items() if d not in all_troughs and td.find_all(
        lambda e: e.tag in ("div", "span") and e.classes & {"trough-first", "after-draw"})]
    rep.check(not stray, "%s: trough marks on days without a trough test: %s" % (name, stray[:5]))
    no_trough = [d for d in sorted(dosed) if d in cells and d not in all_troughs]
    if required:
        # The day after the first trough day: doses, no blood draw, so no mark.
        rep.check(bool(no_trough), name + ": dosing days without a trough test")
        if troughs:
            after = (datetime.date.fromisoformat(troughs[0]) +
                     datetime.timedelta(days=1)).isoformat()
            td = cells.get(after)
            rep.check(td is not None and after not in all_troughs and line not in td.text() and
                      mark not in td.text() and
                      td.find_all(lambda e: e.tag == "span" and "dose" in e.classes),
                      "%s: %s (no trough test) has doses and no trough mark" % (name, after))


def check_language(rep, name, tree, plan, lang):
    body = tree.root.text()
    daily = [ph for ph in plan["phases"] if "cycle" not in ph]
    slots = {a["slot"] for ph in daily for a in ph["dose"]["administrations"]}
    if lang == "zh-CN":
        # Infusions are given, not taken: a 用药卡 when every phase is a cycle, else a 服药卡.
        card, other = ("用药卡", "服药卡") if not daily else ("服药卡", "用药卡")
        for label in ("患者", card, "用途", "何时做哪些检查", "日历", "免责声明"):
            rep.check(label in body, name + ": Chinese label " + label)
        rep.check(other not in body, name + ": no " + other)
        rep.check(plan["regimen"]["drug"]["name"]["zh-CN"] in body, name + ": Chinese drug name")
        if daily:
            n = len(daily[0]["dose"]["administrations"])
            rep.check("每日%d次" % n in body, "%s: 每日%d次" % (name, n))
        if "morning" in slots:
            cal = " ".join(t.text() for t in tree.root.find_all(
                lambda e: e.tag == "table" and "cal" in e.classes))
            rep.check("早" in cal and "周一" in cal, name + ": 早 and 周一 in the calendar")
        if len(daily) < len(plan["phases"]):
            rep.check("输注" in body, name + ": 输注 (infusion)")
    else:
        card, other = ("Medication card", "Pill card") if not daily else \
            ("Pill card", "Medication card")
        for label in ("Patient", card, "What it is for", "What to test when", "Calendar"):
            rep.check(label in body, name + ": English label " + label)
        rep.check(other not in body, name + ": no " + other)
        if daily:
            words = plan["dose"]["doses_per_day_words"]["en"]
            rep.check(words in body, name + ": " + words)
        rep.check(not re.search(r"[\u4e00-\u9fff]", tree.root.find_all(
            lambda e: e.tag == "h2")[0].text()), name + ": English headings")


def check_case(rep, binary, case, args, lang):
    name = "%s [%s]" % (case, lang)
    plan = json.loads(run(binary, ["plan"] + args + ["--format", "json"]))
    raw = run(binary, ["plan"] + args + ["--format", "html", "--lang", lang])
    tree = parse(raw)
    check_document(rep, name, tree, raw, lang)
    check_footer(rep, name, tree, plan)
    check_page_one(rep, name, tree, plan, lang)
    check_calendar(rep, name, tree, plan, lang)
    check_trough_days(rep, name, tree, plan, lang, case == "cyclosporine-itp")
    check_language(rep, name, tree, plan, lang)


def check_escaping(rep, binary):
    """Rule texts with & < > " ' come out as text, never as markup."""
    nasty = "<b>x</b> & \"q\" 'a' <script>alert(1)</script>"
    with tempfile.TemporaryDirectory() as tmp:
        rules = os.path.join(tmp, "rules")
        shutil.copytree(RULES, rules)
        path = os.path.join(rules, "cyclosporine-itp.json")
        with open(path, encoding="utf-8") as f:
            regimen = json.load(f)
        regimen["warnings"][0]["en"] = "EN " + nasty
        regimen["warnings"][0]["zh"] = "ZH " + nasty
        with open(path, "w", encoding="utf-8") as f:
            json.dump(regimen, f, ensure_ascii=False)
        for lang in LANGS:
            raw = run(binary, ["--rules", rules, "plan"] + CASES[0][1] +
                      ["--format", "html", "--lang", lang])
            tree = parse(raw)
            name = "escaping [%s]" % lang
            rep.check("script" not in tree.tags and "b" not in tree.tags,
                      name + ": no markup from the rules")
            rep.check(("EN " if lang == "en" else "ZH ") + nasty in tree.root.text(),
                      name + ": the text shown as written")
            rep.check("&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot; &#39;a&#39;" in raw,
                      name + ": & < > \" ' escaped")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    rep = Report()
    for case, args in CASES:
        for lang in LANGS:
            try:
                check_case(rep, binary, case, args, lang)
            except (RuntimeError, ValueError, KeyError) as e:
                rep.check(False, "%s [%s]: %s" % (case, lang, e))
    try:
        check_escaping(rep, binary)
    except (RuntimeError, OSError, ValueError) as e:
        rep.check(False, "escaping: %s" % e)
    print("%d passed, %d failed" % (rep.passed, rep.failed))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())
