#!/usr/bin/env python3
"""With --lang zh-CN, every output is Chinese a patient can follow (issues 6 and 16).

Every output doseplan writes in Simplified Chinese is made and read back:
  - for every regimen of the catalogue: the plan as text (with --explain), HTML, PDF (read back
    with pdftotext), CSV and ICS, and the regimen as `doseplan show` prints it; `regimens`;
  - the tracker: `track start`, `record` (a plain value, a rule that fires, a test no rule
    concerns), `due`, `history`, `advise`, `done` and `export` (CSV);
  - the Chinese lines of errors (stderr) for bad inputs to `plan` and `track`.
The parts that are not the program's Chinese on purpose are left out first: the sources
(citations and quotes are verbatim, in their own language) and the English half of the bilingual
disclaimer. Each output then fails on:
  1. a Latin word of three letters or more that is not an id, a unit, a market or drug name, the
     program's name, a flag, or a word the rules themselves write in their Chinese texts;
  2. a UCUM code or an ASCII micro (mm[Hg], 10*9/L, 10^9, umol/L);
  3. a doubled word (其后其后) or a doubled label (项目默认值：项目默认值：);
  4. half-width , ; : ( ) next to a Chinese character (the unit mg/(kg·天) excepted);
  5. counts in English notation ("1 × 100 mg"), an oral dose line (早上/中午/晚上/睡前 and an
     amount in mg) without 粒, 片 or mL, and thousands separators ("1,500 mg");
  6. wording a patient could misread into a wrong action: 仅在需要时 or 按需 (PRN), 每次每天 (a daily
     increase), 即减量 or 建议减量 and a bare "→ 暂停用药" or "→ 减量" (orders to change the dose alone),
     已达到 as a tracker status (sounds like good news), 窗口期 (the HIV "window period").

usage: zh_output_test.py DOSEPLAN_BINARY RULES_DIR
"""
import csv
import glob
import html.parser
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

WORD = re.compile(r"[A-Za-z][A-Za-z]{2,}")
UNITS = {"mmHg", "IV"}  # IV appears only inside ids and units ("静脉输注" is used in words)
PROGRAM = {"doseplan", "DOSEPLAN"}
# Formula names as they are cited, and the variables of their audit (docs/i18n.md).
FORMULAS = {"CKD", "EPI", "Cockcroft", "Gault", "Devine", "Schwartz", "Mosteller", "DuBois",
            "Scr", "max", "min"}
CJK = "\u4e00-\u9fff"

MISREAD = re.compile(r"仅在需要时|按需|每次每天|即减量|建议减量|→ ?暂停用药|→ ?减量|已达到|窗口期")
UCUM = re.compile(r"mm\[Hg\]|10\*\d|10\^\d|(?<![\w\u00b5\u03bc])umol/L")
DOUBLED_WORD = re.compile(r"([%s]{2,})\1" % CJK)
DOUBLED_LABEL = re.compile(r"([^\s：；。，]{2,}：)\s*\1")
HALF_WIDTH = re.compile(r"[%s][ ]?[,;:()]|[,;:()][ ]?[%s]" % (CJK, CJK))
UNIT_EXEMPT = re.compile(r"/\(kg·天\)|\(kg·天\)")
ENGLISH_COUNT = re.compile(r"\b\d+ ?× ?\d+(?:\.\d+)? ?m[gL]\b(?!/)")
ORAL_DOSE = re.compile(r"(早上|中午|晚上|睡前)\s*\d+(?:\.\d+)? ?mg")
COUNTED = re.compile(r"粒|片|mL")
THOUSANDS = re.compile(r"\d,\d{3}(?!\d)")


def latin_words(text):
    return set(WORD.findall(text))


def allowed_words(rules_dir):
    allowed = set(UNITS) | PROGRAM | FORMULAS
    ids = set()

    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k == "zh" and isinstance(v, str):
                    allowed.update(latin_words(v))
                elif k == "id" and isinstance(v, str):
                    ids.add(v)
                elif k == "market_names" and isinstance(v, list):
                    for name in v:
                        allowed.update(latin_words(name))
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    regimens = []
    for path in sorted(glob.glob(os.path.join(rules_dir, "*.json"))):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        walk(doc)
        if "drug" in doc:
            # The drug's English (Tall Man) name is printed beside its Chinese name.
            allowed.update(latin_words(doc["drug"]["name"]["en"]))
            regimens.append(doc["id"])
    return allowed, ids, regimens


class VisibleText(html.parser.HTMLParser):
    """The text a reader sees, without <style>, the sources section and elements in English."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, skipped)
        self.parts = []

    VOID = {"meta", "br", "img", "hr", "input", "link", "col", "wbr"}
    BLOCK = {"p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "section", "table",
             "dt", "dd", "caption"}

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        skip = (tag == "style" or a.get("lang") == "en" or
                (tag == "section" and "sources" in (a.get("class") or "").split()))
        parent_skipped = bool(self.stack) and self.stack[-1][1]
        self.stack.append((tag, skip or parent_skipped))
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not (self.stack and self.stack[-1][1]):
            self.parts.append(data)


STAMP = re.compile(r"sha256 [0-9a-f]{16,64}")


def before_sources(out, heading="\n来源\n"):
    """The text output without its sources (verbatim quotes) and what follows them."""
    cut = out.find(heading)
    return out[:cut] if cut >= 0 else out


def html_readable(out):
    p = VisibleText()
    p.feed(out)
    return STAMP.sub(" ", "".join(p.parts))  # the footer's rules stamp: a hash, not words


def pdf_readable(path, english_disclaimer):
    """The PDF's text without the sources (from their heading on) and the English disclaimer."""
    r = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("pdftotext failed: " + r.stderr)
    text = STAMP.sub(" ", before_sources(r.stdout))  # the footer's rules stamp
    # A unit wrapped after its middle dot ("mg/(kg·" / "天)" in a 12 pt pill card's cell) has no
    # space there in print: that line end is taken out, not read as a half-width space. (Only
    # there: other line ends may be between two cells.)
    text = re.sub(r"(?<=\u00b7)\n(?=[\u4e00-\u9fff])", "", text)
    # The English half of the disclaimer, wrapped anywhere, on every page.
    words = english_disclaimer.split()
    wrapped = r"\s+".join(re.escape(w) for w in words)
    return re.sub(wrapped, " ", text)


def csv_readable(out):
    """The cells of a CSV plan meant for people, one a line: not the keys a program reads (kind,
    test ids), nor the sources and the bilingual disclaimer. The slot (早上, 输注) is for people
    (issue 20, item 10). The file begins with a UTF-8 byte order mark (docs/csv.md)."""
    assert out.startswith("\ufeff"), "CSV without its UTF-8 byte order mark"
    rows = list(csv.reader(io.StringIO(out[1:])))
    header = rows[0]
    keys = {"kind", "date", "amount_mg", "volume_mL", "tests", "source"}
    keep = [i for i, name in enumerate(header) if name not in keys]
    lines = []
    for row in rows[1:]:
        # Verbatim citations, both languages, and the rules stamp (versions and a hash).
        if row and row[0] in ("disclaimer", "source", "made_by"):
            continue
        lines.extend(row[i] for i in keep if i < len(row) and row[i])
    return "\n".join(lines), rows


def ics_readable(out):
    """The values of the calendar's text properties, unfolded and unescaped, without sources."""
    unfolded = out.replace("\r\n ", "").replace("\r\n", "\n")
    values = []
    for line in unfolded.split("\n"):
        m = re.match(r"^(X-WR-CALNAME|X-WR-CALDESC|SUMMARY|DESCRIPTION|LOCATION|COMMENT)"
                     r"(;[^:]*)?:(.*)$", line)
        if not m:
            continue
        v = m.group(3).replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")
        v = v.replace("\\\\", "\\")
        cut = v.find("来源：\n")
        if cut >= 0:
            v = v[:cut]
        values.append(v)
    return "\n".join(values)


def strip_ids(text, ids, all_ids=False):
    for i in sorted(ids, key=len, reverse=True):
        if all_ids or "-" in i:  # ids with a hyphen can not be mistaken for words
            # A Chinese character may touch a hyphenated id (方案cyclophosphamide-iv-scot).
            before = r"(?<![A-Za-z0-9_-])" if "-" in i else r"(?<![\w-])"
            text = re.sub(before + r"%s(?![A-Za-z0-9_-])" % re.escape(i), " ", text)
    return text


def context(text, m, width=40):
    return text[max(0, m.start() - width):m.end() + width].replace("\n", " ").strip()


class Checker:
    def __init__(self, allowed, ids):
        self.allowed, self.ids = allowed, ids
        self.passed = self.failed = 0

    def fail(self, name, what, text, matches):
        self.failed += 1
        print("FAIL %s: %s" % (name, what))
        for m in matches[:4]:
            print("    ...%s..." % context(text, m))

    def check(self, name, readable, dose_lines=None, codes_allowed=False):
        """Runs checks 1-6 on one output; dose_lines: the lines to hold to check 5's oral rule."""
        problems = 0
        # Quoted text is verbatim (a source's words, or what the user typed): not the program's.
        readable = re.sub(r"\u201c[^\u201d]*\u201d", "\u201c\u201d", readable)
        for what, pattern in (("misreadable wording (PRN, a daily increase, an order to change "
                               "the dose alone, a status that sounds like good news, 窗口期)",
                               MISREAD),
                              ("a UCUM code or an ASCII micro", UCUM),
                              ("a doubled word", DOUBLED_WORD),
                              ("a doubled label", DOUBLED_LABEL),
                              ("counts in English notation", ENGLISH_COUNT),
                              ("a thousands separator", THOUSANDS)):
            found = list(pattern.finditer(readable))
            if found:
                problems += 1
                self.fail(name, "%s: %s" % (what, ", ".join(sorted({m.group(0) for m in found}))),
                          readable, found)
        plain = UNIT_EXEMPT.sub("", readable)
        found = list(HALF_WIDTH.finditer(plain))
        if found:
            problems += 1
            self.fail(name, "half-width punctuation next to Chinese (%d places)" % len(found),
                      plain, found)
        if dose_lines is not None:
            bare = [line for line in dose_lines
                    if ORAL_DOSE.search(line) and not COUNTED.search(line)]
            if bare:
                problems += 1
                self.failed += 1
                print("FAIL %s: oral dose lines without 粒, 片 or mL:" % name)
                for line in bare[:4]:
                    print("    %s" % line.strip())
        text = re.sub(r"\[[^\]]*\]", " ", readable)  # [来源 itp6-003], [项目默认值]
        text = re.sub(r"--[a-z][a-z-]*", " ", text)  # flags a user types
        text = re.sub(r"doseplan [a-z-]+(?: [a-z]+)?", " ", text)  # commands ("doseplan track due")
        text = re.sub(r"[\w.#-]*/[\w./#-]*", " ", text)  # file paths and addresses
        text = strip_ids(text, self.ids, all_ids=codes_allowed)
        if codes_allowed:  # values a user types, named as such ("female（女）")
            text = re.sub(r"\b(female|male)\b", " ", text)
        stray = sorted(w for w in latin_words(text) if w not in self.allowed)
        if stray:
            problems += 1
            self.failed += 1
            print("FAIL %s: English left in the Chinese output: %s" % (name, ", ".join(stray)))
            for w in stray[:5]:
                m = re.search(r".{0,40}\b%s\b.{0,40}" % re.escape(w), text)
                print("    ...%s..." % (m.group(0).strip() if m else w))
        if problems == 0:
            self.passed += 1


def run(args, expect=0):
    r = subprocess.run(args, capture_output=True, text=True)
    if expect is not None and r.returncode != expect:
        raise RuntimeError("%s: exit %d (expected %d): %s" %
                           (" ".join(args), r.returncode, expect, r.stderr.strip()))
    return r


def dose_section_lines(text_out):
    """The lines of the text plan that give doses: the 剂量 block and the phases."""
    lines = []
    keep = False
    for line in text_out.split("\n"):
        if line in ("剂量", "治疗阶段"):
            keep = True
            continue
        if line and not line.startswith(" "):
            keep = False
        if keep:
            lines.append(line)
    return lines


def check_plans(c, binary, rules_dir, regimens, tmp):  # noqa: C901 (one loop per output)
    for regimen in regimens:
        base = [binary, "plan", "--rules", rules_dir, "--regimen", regimen, "--weight", "62kg",
                "--height", "165cm", "--start", "2026-12-01", "--lang", "zh-CN"]
        try:
            text = run(base + ["--explain"]).stdout
            c.check("%s text" % regimen, before_sources(text), dose_section_lines(text))
            c.check("%s html" % regimen, html_readable(run(base + ["--format", "html"]).stdout))
            pdf = os.path.join(tmp, regimen + ".pdf")
            run(base + ["--format", "pdf", "-o", pdf])
            disclaimer = json.loads(run(base + ["--format", "json"]).stdout)["disclaimer"]["en"]
            c.check("%s pdf" % regimen, pdf_readable(pdf, disclaimer))
            cells, rows = csv_readable(run(base + ["--format", "csv"]).stdout)
            made_of = rows[0].index("made_of") if "made_of" in rows[0] else None
            lines = []
            if made_of is not None:  # "早上 <amount> mg <made of>" for the oral rule of check 5
                slot = rows[0].index("slot")
                amount = rows[0].index("amount_mg")
                for row in rows[1:]:
                    if row and row[0] == "dose" and row[slot] in ("morning", "noon", "evening",
                                                                  "bedtime") and row[made_of]:
                        lines.append("早上 %s mg %s" % (row[amount], row[made_of]))
            c.check("%s csv" % regimen, cells, lines)
            # --doses: the oral doses too (issue 20), one event a day
            ics = run(base + ["--format", "ics", "--doses"]).stdout
            c.check("%s ics" % regimen, ics_readable(ics))
            show = run([binary, "show", "--rules", rules_dir, regimen, "--lang", "zh-CN"]).stdout
            # "  induction — 诱导期": the id a user types, then the name
            show = re.sub(r"(?m)^(\s*)[a-z0-9_-]+ \u2014 ", r"\1", before_sources(show))
            c.check("%s show" % regimen, show)
        except RuntimeError as e:
            c.failed += 1
            print("FAIL %s: %s" % (regimen, e))
    c.check("regimens", STAMP.sub(" ", run([binary, "regimens", "--rules", rules_dir, "--lang",
                                            "zh-CN"]).stdout))
    # The patient block with kidney function and body size (adult and child formulas).
    for extra in (["--age", "40", "--sex", "female", "--height", "165cm", "--creatinine",
                   "90umol/L"],
                  ["--age", "10", "--height", "140cm", "--creatinine", "50umol/L",
                   "--acknowledge-off-label"]):
        base = [binary, "plan", "--rules", rules_dir, "--regimen", "cyclosporine-itp", "--weight",
                "95kg", "--start", "2026-12-01", "--lang", "zh-CN"] + extra
        name = "cyclosporine-itp age %s" % extra[1]
        try:
            c.check(name + " text", before_sources(run(base + ["--explain"]).stdout))
            c.check(name + " html", html_readable(run(base + ["--format", "html"]).stdout))
            pdf = os.path.join(tmp, "kidney.pdf")
            run(base + ["--format", "pdf", "-o", pdf])
            disclaimer = json.loads(run(base + ["--format", "json"]).stdout)["disclaimer"]["en"]
            c.check(name + " pdf", pdf_readable(pdf, disclaimer))
        except RuntimeError as e:
            c.failed += 1
            print("FAIL %s: %s" % (name, e))


def check_tracker(c, binary, rules_dir, tmp):
    db = os.path.join(tmp, "t.db")
    t = [binary, "track", "--rules", rules_dir]
    common = ["--db", db, "--label", "pt-01", "--lang", "zh-CN"]
    steps = [
        ("track start", ["start"] + common + ["--regimen", "cyclosporine-itp", "--weight", "62kg",
                                              "--start", "2026-12-01", "--today", "2026-11-10"]),
        ("track record", ["record"] + common + ["--test", "creatinine", "--value", "95 umol/L",
                                                "--date", "2026-11-17", "--today", "2026-12-20"]),
        ("track record mg/dL", ["record"] + common + ["--test", "creatinine", "--value",
                                                      "1.2 mg/dL", "--date", "2026-11-28",
                                                      "--today", "2026-12-20"]),
        ("track record rise", ["record"] + common + ["--test", "creatinine", "--value",
                                                     "1.5 mg/dL", "--date", "2026-12-15",
                                                     "--today", "2026-12-20"]),
        ("track record bp", ["record"] + common + ["--test", "systolic-bp", "--value", "150 mmHg",
                                                   "--date", "2026-12-15", "--today",
                                                   "2026-12-20"]),
        ("track record no rule", ["record"] + common + ["--test", "alt", "--value", "35 U/L",
                                                        "--uln", "40 U/L", "--date", "2026-12-15",
                                                        "--today", "2026-12-20"]),
        ("track due", ["due"] + common + ["--today", "2026-12-13"]),
        ("track advise", ["advise"] + common + ["--today", "2026-12-20"]),
        ("track done", ["done"] + common + ["--visit", "2026-11-17", "--today", "2026-12-20"]),
        ("track history", ["history"] + common),
        ("track export", ["export"] + common + ["--format", "ics"]),
    ]
    for name, args in steps:
        r = subprocess.run(t[:2] + [args[0]] + t[2:] + args[1:], capture_output=True, text=True)
        if r.returncode != 0:
            c.failed += 1
            print("FAIL %s: exit %d: %s" % (name, r.returncode, r.stderr.strip()))
            continue
        out = r.stdout
        if name == "track export":
            out = ics_readable(out)
        c.check(name, STAMP.sub(" ", before_sources(out)), codes_allowed=True)  # rules stamp


# Bad inputs: each must be refused (exit 2) with a Chinese line that passes the checks.
S = ["--start", "2026-12-01"]
BAD_PLAN = [
    S + ["--regimen", "cyclosporine-itp", "--weight", "62kg", "--dose", "7mg/kg/d"],
    S + ["--regimen", "cyclosporine-itp", "--weight", "62"],
    S + ["--regimen", "cyclosporine-itp", "--weight", "62斤"],  # jin: half a kilogram, never kg
    S + ["--regimen", "cyclosporine-itp", "--weight", "62kg", "--dose", "5mg/kg"],
    S + ["--regimen", "cyclosporine-itp", "--weight", "62kg", "--doses-per-day", "4"],
    S + ["--regimen", "cyclophosphamide-iv-scot", "--weight", "62kg"],
    ["--regimen", "cyclosporine-itp", "--weight", "62kg", "--start", "2026-13-01"],
    S + ["--regimen", "cyclosporine-itp", "--weight", "62kg", "--sex", "x", "--age", "40",
     "--creatinine", "95umol/L"],
    S + ["--regimen", "no-such-regimen", "--weight", "62kg"],
]
BAD_TRACK = [
    ["record", "--label", "pt-01", "--test", "cbc", "--value", "5"],
    ["record", "--label", "pt-01", "--test", "creatinine", "--value", "1,2 mg/dL"],
    ["record", "--label", "pt-01", "--test", "systolic-bp", "--value", "150/95 mmHg"],
    ["record", "--label", "pt-01", "--test", "creatinine", "--value", "97 mmHg"],
    ["record", "--label", "张 三", "--test", "creatinine", "--value", "97 umol/L"],
    ["record", "--label", "pt-01", "--test", "creatinine", "--value", "6000 umol/L"],
    ["record", "--label", "pt-01", "--test", "alt", "--value", "35 U/L", "--uln", "0 U/L"],
]


def check_errors(c, binary, rules_dir, tmp):
    cases = [("plan " + " ".join(a), [binary, "plan", "--rules", rules_dir, "--lang", "zh-CN"] + a)
             for a in BAD_PLAN]
    db = os.path.join(tmp, "t.db")  # made by check_tracker
    for a in BAD_TRACK:
        cases.append(("track " + " ".join(a), [binary, "track", a[0], "--rules", rules_dir,
                                                "--db", db, "--lang", "zh-CN",
                                                "--today", "2026-12-20"] + a[1:]))
    cases.append(("track due (no database)",
                  [binary, "track", "due", "--rules", rules_dir, "--db",
                   os.path.join(tmp, "none.db"), "--label", "pt-01", "--lang", "zh-CN"]))
    for name, args in cases:
        r = subprocess.run(args, capture_output=True, text=True)
        lines = [l for l in r.stderr.split("\n") if l.startswith("doseplan：")]
        if r.returncode != 2 or not lines:
            c.failed += 1
            print("FAIL error %s: exit %d, Chinese lines: %d: %s" %
                  (name, r.returncode, len(lines), r.stderr.strip()))
            continue
        # The field a line concerns and the id in brackets at its end are codes.
        text = "\n".join(re.sub(r"（[^（）]*）\[[a-z_.]+\]$", "", l) for l in lines)
        c.check("error " + name, text, codes_allowed=True)


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, rules_dir = argv[1], argv[2]
    allowed, ids, regimens = allowed_words(rules_dir)
    if len(regimens) < 10:
        print("FAIL: expected the catalogue's regimens, found %d" % len(regimens))
        return 1
    c = Checker(allowed, ids)
    tmp = tempfile.mkdtemp(prefix="zh_output.")
    try:
        check_plans(c, binary, rules_dir, regimens, tmp)
        check_tracker(c, binary, rules_dir, tmp)
        check_errors(c, binary, rules_dir, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
