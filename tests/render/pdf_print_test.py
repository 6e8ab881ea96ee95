#!/usr/bin/env python3
"""The PDF plan as printed and as read aloud (issue 20, items 5 and 13).

Word spaces:

Renders each page to an image (pdftoppm, 300 dpi, grey) and, for every two words that
pdftotext reads side by side on a line, measures the run of blank pixel columns between them
across the line's height. A word space narrower than 0.6 pt prints as no space at all
("nota prescription"). Before the fix (glyph positions rounded to whole points) 11 of the 4,688
word gaps of the English ITP plan were under 0.6 pt; with exact positions the narrowest is
0.72 pt (an "f" overhanging its space).

Font size (issue 20, item 4): the patient's pages (the pill or medication card, what a result
may mean and the calendar, printed together from the card's page up to the page before "What to
test when") have no glyph under 12 pt, their header and footer included. pdftotext -bbox-layout
gives each word's box; poppler makes its height the font's ascent plus descent times the size.
For Noto Sans CJK SC (ascent 1.160 em, descent 0.288 em in its hhea table) that is 1.448 x size,
measured on this printout: 7.5 pt words are 10.860 pt high, 8.5 pt 12.308, 13 pt 18.824, 17 pt
24.616 (each 1.448 x). 12 pt gives 17.376 pt; the threshold is 17.3 pt (11.95 pt of type), which
11.5 pt type (16.652 pt) does not reach. As a check that the measure tells sizes apart, the
clinician's pages must still hold smaller words (their body is 8.5 pt).

Structure: the PDF is tagged (cairo's structure tags; pdfinfo says "Tagged: yes"), has a title,
and its structure tree gives the reading order: the title (H1) first, then the sections (H2) in
the order printed. cairo 1.16 has no way to set the document's language (/Lang): not tested.

usage: pdf_print_test.py DOSEPLAN
"""
import os
import re
import subprocess
import sys
import tempfile

MIN_GAP_PT = 0.6
DPI = 300
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def read_pgm(path):
    """Width, height and grey bytes of a binary PGM (P5) from pdftoppm."""
    data = open(path, "rb").read()
    fields, i = [], 0
    while len(fields) < 4:
        while data[i:i + 1].isspace():
            i += 1
        j = i
        while not data[j:j + 1].isspace():
            j += 1
        fields.append(data[i:j])
        i = j
    return int(fields[1]), int(fields[2]), data[i + 1:]


def narrow_gaps(pdf, work):
    """(gap in pt, left word, right word) for every gap under MIN_GAP_PT, and the gaps seen."""
    subprocess.run(["pdftotext", "-bbox", pdf, work + "/words.html"], check=True)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", pdf, work + "/page"], check=True)
    html = open(work + "/words.html", encoding="utf-8").read()
    pages = re.findall(r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', html, re.S)
    images = sorted(f for f in os.listdir(work) if f.startswith("page"))
    assert len(pages) == len(images), (len(pages), len(images))
    narrow, seen = [], 0
    for (page_width, body), image in zip(pages, images):
        width, _, pixels = read_pgm(os.path.join(work, image))
        scale = width / float(page_width)  # pixels per point
        words = [tuple(map(float, m[:4])) + (m[4],) for m in WORD.findall(body)]
        for a, b in zip(words, words[1:]):
            same_line = abs(a[1] - b[1]) < 0.3 and 0 < b[0] - a[2] < 6
            if not same_line:
                continue
            top, bottom = int(max(a[1], b[1]) * scale) + 1, int(min(a[3], b[3]) * scale) - 1
            best = run = 0
            for x in range(int((a[2] - 1.5) * scale), int((b[0] + 1.5) * scale) + 1):
                blank = all(pixels[y * width + x] > 200 for y in range(top, bottom + 1))
                run = run + 1 if blank else 0
                best = max(best, run)
            seen += 1
            if best / scale < MIN_GAP_PT:
                narrow.append((best / scale, a[4], b[4]))
    return narrow, seen


MIN_PATIENT_BOX_PT = 17.3  # 12 pt of Noto Sans CJK: 1.448 x 12 = 17.376 pt (see above)
PAGE = re.compile(r'<page width="[\d.]+" height="[\d.]+">(.*?)</page>', re.S)
CARD = {"en": ("Pill card: how much to take and when", "Medication card: infusion appointments"),
        "zh-CN": ("服药卡：何时服用多少", "用药卡：输注预约")}
AFTER = {"en": "What to test when", "zh-CN": "何时做哪些检查"}  # the first clinician's page after


def small_words(pdf, lang, work):
    """The patient's page numbers, the words on them under MIN_PATIENT_BOX_PT (height, page,
    word), and how many words under it the other pages hold."""
    subprocess.run(["pdftotext", "-bbox-layout", pdf, work + "/layout.html"], check=True)
    pages = PAGE.findall(open(work + "/layout.html", encoding="utf-8").read())
    words = [[(float(m[3]) - float(m[1]), m[4]) for m in WORD.findall(body)] for body in pages]
    flat = ["".join(w for _, w in page) for page in words]  # no spaces: CJK words are phrases
    start = next(i for i, t in enumerate(flat) if any(c.replace(" ", "") in t for c in CARD[lang]))
    end = next(i for i in range(start + 1, len(flat)) if AFTER[lang].replace(" ", "") in flat[i])
    patient = range(start, end)
    small = [(h, n + 1, w) for n in patient for h, w in words[n] if h < MIN_PATIENT_BOX_PT]
    elsewhere = sum(h < MIN_PATIENT_BOX_PT for n, page in enumerate(words) if n not in patient
                    for h, _ in page)
    return [n + 1 for n in patient], small, elsewhere


def check_structure(pdf, regimen, title):
    """Tagged, titled, and the first heading of the tree is the plan's title."""
    info = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert re.search(r"^Title:\s+doseplan: " + re.escape(regimen) + "$", info, re.M), info
    tree = subprocess.run(["pdfinfo", "-struct-text", pdf], check=True, capture_output=True,
                          text=True).stdout.splitlines()
    headings = [tree[i + 1].strip().strip('"') for i, line in enumerate(tree[:-1])
                if line.strip().startswith(("H1 ", "H2 "))]
    assert tree[0].strip() == "Document", tree[:3]
    assert headings and headings[0] == title, headings[:3]
    assert len(headings) >= 5, headings
    return headings


def main():
    doseplan = sys.argv[1]
    failed = False
    cases = [
        ("cyclosporine-itp", "en", ["--weight", "62kg"]),
        ("cyclosporine-itp", "zh-CN", ["--weight", "62kg"]),
        ("rituximab-1000-ra", "en", ["--weight", "70kg", "--acknowledge-off-label"]),
    ]
    titles = {"en": "Dosing and monitoring schedule", "zh-CN": "用药与监测日程"}
    for regimen, lang, extra in cases:
        with tempfile.TemporaryDirectory() as work:
            pdf = work + "/plan.pdf"
            subprocess.run([doseplan, "plan", "--regimen", regimen, "--start", "2026-12-01",
                            "--lang", lang, "--format", "pdf", "-o", pdf] + extra, check=True)
            headings = check_structure(pdf, regimen, titles[lang])
            print(f"{regimen} {lang}: tagged, {len(headings)} headings: {headings[:3]} ...")
            narrow, seen = narrow_gaps(pdf, work)
            print(f"{regimen} {lang}: {seen} word gaps, {len(narrow)} under {MIN_GAP_PT} pt")
            assert seen > 500, f"{regimen} {lang}: only {seen} word gaps read"
            for gap, left, right in narrow[:10]:
                print(f"  {gap:.2f} pt between {left!r} and {right!r}")
            failed = failed or bool(narrow)
            patient, small, elsewhere = small_words(pdf, lang, work)
            print(f"{regimen} {lang}: patient's pages {patient[0]}-{patient[-1]}, "
                  f"{len(small)} words under 12 pt there, {elsewhere} on the other pages")
            for h, page, word in small[:10]:
                print(f"  page {page}: {word!r} is {h:.3f} pt high (12 pt: 17.376)")
            failed = failed or bool(small) or elsewhere == 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
