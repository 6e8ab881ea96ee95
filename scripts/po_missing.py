#!/usr/bin/env python3
"""Lists the msgids the code asks the catalogue for (tr_both("…"), zh_detail("…"), tr(lang, "…"), label("…"),
t("…"), doc.tr("…")) that po/zh_CN/*.po does not translate, and error ids raised in src/ that
src/core/error.cpp's error_meaning() does not explain. Exit 1 if any is missing.
Keys built at run time (a variable, not a literal) are not seen; the zh-CN output test catches
those. usage: scripts/po_missing.py [ROOT]"""
import glob, os, re, sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
LIT = r'"(?:[^"\\]|\\.)*"'
CALL = re.compile(r'(?:\btr_both\(|\bzh_detail\(|\blabel\(|\bt\(|\.tr\(|\btr\(\s*[\w_.]+\s*,)\s*((?:' + LIT + r'\s*)+)')


def unescape(lit):
    parts = re.findall(LIT, lit)
    s = "".join(p[1:-1] for p in parts)
    s = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), s)
    return s.replace('\\"', '"').replace("\\\\", "\\").replace("\\n", "\n")


msgids = set()
for po in glob.glob(os.path.join(root, "po", "zh_CN", "*.po")):
    text = open(po, encoding="utf-8").read()
    for m in re.finditer(r'^msgid ((?:"(?:[^"\\]|\\.)*"\s*)+)msgstr', text, re.M):
        msgids.add(unescape(m.group(1)))

missing = {}
for src in glob.glob(os.path.join(root, "src", "**", "*.cpp"), recursive=True):
    code = open(src, encoding="utf-8").read()
    for m in CALL.finditer(code):
        key = unescape(m.group(1))
        if key and key not in msgids:
            missing.setdefault(key, os.path.relpath(src, root))
# Every error id the code raises has a meaning (src/core/error.cpp error_meaning(), whose sentences are
# msgids too), except rules.* ids, which share one.
error_cpp = open(os.path.join(root, "src", "core", "error.cpp"), encoding="utf-8").read()
explained = set(re.findall(r'\{"([a-z_]+\.[a-z_]+)",\s*"', error_cpp))
for m in re.finditer(r'\{"[a-z_]+\.[a-z_]+",\s*((?:' + LIT + r'\s*)+)\}', error_cpp):
    key = unescape(m.group(1))
    if key not in msgids:
        missing.setdefault(key, "src/core/error.cpp")
raised = set()
for src in glob.glob(os.path.join(root, "src", "**", "*.cpp"), recursive=True):
    code = open(src, encoding="utf-8").read()
    raised |= set(re.findall(r'"((?:usage|quantity|input|dose|output|request|tracker|internal)'
                             r'\.[a-z_]+)"', code))
    # accounts.* and serve.* ids as raised (accounts.name is also a column's name in the store's messages)
    raised |= set(re.findall(r'Error\(\s*"((?:accounts|serve)\.[a-z_]+)"', code))
for error_id in sorted(raised - explained):
    missing.setdefault("error id without a meaning: " + error_id, "src/core/error.cpp")
for key, src in sorted(missing.items(), key=lambda kv: kv[1]):
    print("%s: %r" % (src, key))
sys.exit(1 if missing else 0)
