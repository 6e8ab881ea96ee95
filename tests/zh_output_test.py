#!/usr/bin/env python3
"""With --lang zh-CN, no English sentence of the program's own is left (issue 6: every
user-visible string through the message catalogue).

For every regimen of the catalogue, the text and HTML plans in Simplified Chinese (and the
regimen as `doseplan show` prints it) are read and
every Latin word of three letters or more is collected, outside the parts that are English on
purpose:
  - the sources (citations and quotes are verbatim, in their own language);
  - the English half of the bilingual disclaimer (HTML: marked lang="en"; text: its own line);
  - source tags ([来源 itp6-003]) and ids (regimen, source, test ids).
What remains must be a word the rules themselves write in their Chinese texts ("Gengraf",
"haematologica"), a market or drug name (the drug's English Tall Man name is shown beside its
Chinese one), a unit, or the program's name. Anything else is English that escaped the catalogue,
and is listed with its context.

usage: zh_output_test.py DOSEPLAN_BINARY RULES_DIR
"""
import glob
import html.parser
import json
import os
import re
import subprocess
import sys

WORD = re.compile(r"[A-Za-z][A-Za-z]{2,}")
# Chinese a patient could misread into a wrong action (issue 16, findings 1, 2 and 4):
# 仅在需要时/按需 is the wording for PRN ("take only when needed"); 每次每天加量 reads as raising
# the dose every day; 即减量/建议减量 and a bare "→ 暂停用药"/"→ 减量" read as orders to change the
# dose alone, where the doctor decides.
MISREAD = re.compile(r"仅在需要时|按需|每次每天|即减量|建议减量|→ ?暂停用药|→ ?减量")
UNITS = {"mmHg", "IV"}  # IV appears only inside ids and units ("静脉输注" is used in words)
PROGRAM = {"doseplan", "DOSEPLAN"}


def latin_words(text):
    return set(WORD.findall(text))


def allowed_words(rules_dir):
    allowed = set(UNITS) | PROGRAM
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

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        skip = (tag == "style" or a.get("lang") == "en" or
                (tag == "section" and "sources" in (a.get("class") or "").split()))
        parent_skipped = bool(self.stack) and self.stack[-1][1]
        self.stack.append((tag, skip or parent_skipped))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        if not (self.stack and self.stack[-1][1]):
            self.parts.append(data)


def text_readable(out):
    """The text output without its sources (verbatim quotes), brackets kept."""
    cut = out.find("\n来源\n")
    return out[:cut] if cut >= 0 else out


def html_readable(out):
    p = VisibleText()
    p.feed(out)
    return " ".join(p.parts)


def text_visible(out):
    # The sources section (verbatim citations) and everything after it (the bilingual
    # disclaimer) are English on purpose; tags name sources by id.
    cut = out.find("\n来源\n")
    if cut >= 0:
        out = out[:cut]
    return re.sub(r"\[[^\]]*\]", " ", out)


def html_visible(out):
    p = VisibleText()
    p.feed(out)
    return re.sub(r"\[[^\]]*\]", " ", " ".join(p.parts))


def strip_ids(text, ids):
    for i in sorted(ids, key=len, reverse=True):
        if "-" in i:  # ids with a hyphen can not be mistaken for words
            text = text.replace(i, " ")
    return text


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, rules_dir = argv[1], argv[2]
    allowed, ids, regimens = allowed_words(rules_dir)
    passed = failed = 0
    if len(regimens) < 10:
        print("FAIL: expected the catalogue's regimens, found %d" % len(regimens))
        return 1
    for regimen in regimens:
        for fmt, visible in (("text", text_visible), ("html", html_visible),
                             ("show", text_visible)):
            if fmt == "show":  # the regimen as the rules give it (doseplan show)
                args = [binary, "show", "--rules", rules_dir, regimen, "--lang", "zh-CN"]
            else:
                args = [binary, "plan", "--rules", rules_dir, "--regimen", regimen, "--weight",
                        "62kg", "--height", "165cm", "--start", "2026-12-01", "--lang", "zh-CN",
                        "--format", fmt]
            if fmt == "text":
                args.append("--explain")
            r = subprocess.run(args, capture_output=True, text=True)
            name = "%s %s" % (regimen, fmt)
            if r.returncode != 0:
                print("FAIL %s: exit %d: %s" % (name, r.returncode, r.stderr.strip()))
                failed += 1
                continue
            readable = html_readable(r.stdout) if fmt == "html" else text_readable(r.stdout)
            misread = sorted({m.group(0) for m in MISREAD.finditer(readable)})
            if misread:
                failed += 1
                print("FAIL %s: Chinese that reads as PRN, a daily increase or an order to change "
                      "the dose alone: %s" % (name, ", ".join(misread)))
                for m in list(MISREAD.finditer(readable))[:5]:
                    ctx = readable[max(0, m.start() - 40):m.end() + 40].replace("\n", " ")
                    print("    ...%s..." % ctx.strip())
                continue
            text = visible(r.stdout)
            if fmt == "show":  # "  induction — 诱导期": the id a user types, then the name
                text = re.sub(r"(?m)^(\s*)[a-z0-9_-]+ \u2014 ", r"\1", text)
            text = strip_ids(text, ids)
            stray = sorted(w for w in latin_words(text) if w not in allowed)
            if stray:
                failed += 1
                print("FAIL %s: English left in the Chinese output: %s" % (name, ", ".join(stray)))
                for w in stray[:5]:
                    m = re.search(r".{0,40}\b%s\b.{0,40}" % re.escape(w), text)
                    print("    ...%s..." % (m.group(0).strip() if m else w))
            else:
                passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
