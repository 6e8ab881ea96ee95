#!/usr/bin/env python3
"""Writes one bad regimen file per check of the rules loader, from tests/data/rules/test-taper.json,
with the exact problem list the loader must report (<name>.expected, one `where: message [id]` per
line). The expected texts are written here by hand, not copied from the program.
Re-run after changing a message on purpose: python3 tests/data/bad/make_bad_files.py"""
import copy, json, pathlib

here = pathlib.Path(__file__).parent
good = json.loads((here.parent / "rules" / "test-taper.json").read_text(encoding="utf-8"))

def case(name, mutate, expected, text=None):
    j = copy.deepcopy(good)
    if mutate:
        mutate(j)
    body = text if text is not None else json.dumps(j, ensure_ascii=False, indent=2) + "\n"
    (here / f"{name}.json").write_text(body, encoding="utf-8")
    (here / f"{name}.expected").write_text(
        "".join(f"{name}.json:{line}\n" for line in expected), encoding="utf-8")

def setp(path, value):
    def f(j):
        node = j
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
    return f

def delp(path):
    def f(j):
        node = j
        for k in path[:-1]:
            node = node[k]
        del node[path[-1]]
    return f

case("syntax", None, ['3:1: JSON syntax error: syntax error while parsing object key - unexpected end of input; expected string literal [rules.syntax]'],
     text='{\n  "id": "x",\n')
case("wrong_type", setp(["dose", "range", "min"], "two"),
     ['/dose/range/min: expected a number, found a string [rules.wrong_type]'])
case("missing_field", delp(["id"]), ['/id: required field is missing [rules.missing_field]'])
case("unknown_field", setp(["dose", "defualt"], 1), ['/dose/defualt: unknown field "defualt" [rules.unknown_field]'])
case("missing_language", delp(["indication", "zh"]),
     ['/indication/zh: text in Simplified Chinese ("zh") is required [rules.missing_language]'])
case("format_version", setp(["format_version"], 2),
     ['/format_version: this doseplan reads format version 1, found 2 [rules.format_version]'])
case("bad_value", setp(["evidence"], "anecdote"),
     ['/evidence: "anecdote" is not an evidence level; expected label, guideline, trial, case series or experimental [rules.bad_value]'])
case("bad_unit", setp(["phases", 2, "level", "unit"], "mg/kg/week"),
     ['/phases/2/level/unit: "mg/kg/week" is not a dose unit; expected mg/kg/d, mg/d, mg, mg/m2 or 10*6 cells [rules.bad_unit]'])
case("range_order", setp(["dose", "range", "min"], 9), ['/dose/range: expected 0 < min <= max [rules.range_order]'])
case("default_outside_range", setp(["dose", "default", "value"], 9),
     ['/dose/default/value: the default dose lies outside the dose range [rules.default_outside_range]'])
case("duplicate_id", lambda j: j["sources"].append(copy.deepcopy(j["sources"][0])),
     ['/sources/1/id: source id "test-src" is used twice [rules.duplicate_id]'])
case("phase_order", lambda j: j["phases"].pop(2),
     ['/phases/1: a taper must come after a dosed phase and before a fixed_dose phase it tapers to [rules.phase_order]'])
case("no_provenance", delp(["dose", "range", "source"]),
     ['/dose/range: every clinical number names a "source" or is marked "project_default": true with a "reason" [rules.no_provenance]'])
case("unknown_source", setp(["dose", "range", "source"], "nope"),
     ['/dose/range/source: source "nope" is not listed in /sources [rules.unknown_source]'])
case("bad_span", setp(["phases", 1, "every", "value"], "3 fortnights"),
     ['/phases/1/every/value: "3 fortnights" is not a duration such as "14 days", "2 weeks", "3 months" [rules.bad_value]'])
case("interval_without_for", delp(["monitoring", "items", 0, "intervals", 0, "for"]),
     ['/monitoring/items/0/intervals/0/for: only the last interval may run to the end of the course: give "for" [rules.bad_value]'])
case("taper_unit", setp(["phases", 2, "level", "unit"], "mg/d"),
     ['/phases/2/level/unit: expected mg/kg/d, found mg/d [rules.bad_unit]'])
case("several_at_once", lambda j: (setp(["evidence"], "anecdote")(j), delp(["id"])(j)),
     ['/id: required field is missing [rules.missing_field]',
      '/evidence: "anecdote" is not an evidence level; expected label, guideline, trial, case series or experimental [rules.bad_value]'])
case("tall_man", setp(["drug", "name", "en"], "Cyclosporine"),
     ['/drug/name/en: write "cycloSPORINE" (Tall Man letters, FDA/ISMP), not "Cyclosporine" [rules.tall_man]'])
# Issue 20, item 12: the names of monitoring items are checked too (the tracker's stored
# "Cyclosporine blood level (trough, C0)" of an early ITP file would now be refused).
case("tall_man_item", setp(["monitoring", "items", 0, "name", "en"], "Cyclosporine blood level (trough, C0)"),
     ['/monitoring/items/0/name/en: write "cycloSPORINE blood level (trough, C0)" (Tall Man letters, FDA/ISMP), not "Cyclosporine blood level (trough, C0)" [rules.tall_man]'])
