#!/usr/bin/env python3
"""Validates the rules files against the JSON Schemas in rules/schema/ (stage 2 of docs/rules.md).

    python3 tests/rules/schema_test.py RULES_DIR SCHEMA_DIR

1. Each schema is a valid draft 2020-12 schema.
2. Every *.json directly in RULES_DIR is valid: products.json against products.schema.json,
   labs.json against labs.schema.json, sources.json (the bibliography) against
   sources.schema.json, catalogue.json against catalogue.schema.json, every other file against
   regimen.schema.json (as the loader reads them, src/rules/catalog.cpp). The subdirectory sources/
   holds the shipped texts (.txt), not rules files: it is not read here.
3. Deliberately broken copies of those files are REJECTED (unknown key, missing source, bad span,
   bad enum, a citation in the old format, a document without kind or date, ...), so that this
   test can fail; and a few unusual but valid spellings the loader accepts are ACCEPTED, so that
   the schema is not stricter than the loader where it matters.

The schemas describe the shape only; semantic checks (ranges in order, ids that exist, files that
agree) are the loader's, run by `doseplan check-rules`.

Needs the `jsonschema` package (Debian: python3-jsonschema, 4.10 or later).
Prints one line per check and "N passed, M failed" last; exits 1 if any check failed.
"""
import copy
import json
import os
import sys

SCHEMA_FILES = {
    "regimen": "regimen.schema.json",
    "products": "products.schema.json",
    "labs": "labs.schema.json",
    "sources": "sources.schema.json",
    "catalogue": "catalogue.schema.json",
}


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, name):
        self.passed += 1
        print("PASS " + name)

    def fail(self, name, why):
        self.failed += 1
        print("FAIL " + name)
        for line in why:
            print("     " + line)

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0


def pointer(path):
    return "/" + "/".join(str(p) for p in path)


def describe(errors, limit=10):
    out = []
    for e in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])[:limit]:
        out.append("%s: %s" % (pointer(e.absolute_path), e.message[:300]))
    if len(errors) > limit:
        out.append("... and %d more" % (len(errors) - limit))
    return out


def schema_for(file_name):
    if file_name == "products.json":
        return "products"
    if file_name == "labs.json":
        return "labs"
    if file_name == "sources.json":
        return "sources"
    if file_name == "catalogue.json":
        return "catalogue"
    return "regimen"


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# --- broken and unusual copies ------------------------------------------------------------------


def get(doc, *path):
    for p in path:
        doc = doc[p]
    return doc


def first_phase_with(doc, key):
    for phase in doc.get("phases", []):
        if isinstance(phase, dict) and key in phase:
            return phase
    return None


def drop_provenance(o):
    for key in ("source", "project_default", "reason", "note"):
        o.pop(key, None)


ROUNDING = ("dose", "rounding")
SPACING = ("monitoring", "baseline_spacing", "value")


def regimen_mutations():
    """(name, expect_valid, function changing a copy of a regimen, where the schema must object:
    a JSON path prefix, or None for a copy that must be accepted)."""

    def unknown_top(d):
        d["colour"] = "blue"

    def unknown_nested(d):
        d["dose"]["defualt"] = {"value": 5, "source": d["sources"][0]["id"]}

    def missing_source(d):
        drop_provenance(d["dose"]["rounding"])

    def source_and_default(d):
        d["dose"]["rounding"]["source"] = d["sources"][0]["id"]
        d["dose"]["rounding"]["project_default"] = True
        d["dose"]["rounding"]["reason"] = {"en": "both", "zh": "两者"}

    def default_without_reason(d):
        drop_provenance(d["dose"]["rounding"])
        d["dose"]["rounding"]["project_default"] = True

    def default_false(d):
        drop_provenance(d["dose"]["rounding"])
        d["dose"]["rounding"].update({"project_default": False, "reason": {"en": "x", "zh": "x"}})

    def reason_beside_source(d):
        drop_provenance(d["dose"]["rounding"])
        d["dose"]["rounding"].update({"source": d["sources"][0]["id"], "reason": {"en": "x", "zh": "x"}})

    def bad_span(d):
        d["monitoring"]["baseline_spacing"]["value"] = "3 fortnights"

    def zero_span(d):
        d["monitoring"]["baseline_spacing"]["value"] = "0 days"

    def span_upper_case(d):
        d["monitoring"]["baseline_spacing"]["value"] = "7 Days"

    def span_five_digits(d):
        d["monitoring"]["baseline_spacing"]["value"] = "10000 days"

    def bad_evidence(d):
        d["evidence"] = "anecdote"

    def bad_kind(d):
        d["phases"][0]["kind"] = "loading"

    def bad_basis(d):
        d["dose"]["basis"] = "per_week"

    def unit_of_other_basis(d):
        # Each basis is written in one unit: per_kg_per_day in "mg/kg/d", and so on.
        pairs = {"per_kg_per_day": "mg/d", "per_day": "mg", "per_dose": "mg/m2",
                 "per_m2_per_dose": "10*6 cells", "cells_per_dose": "mg/kg/d"}
        d["dose"]["unit"] = pairs.get(d["dose"]["basis"], "mg/kg/day")

    def missing_language(d):
        del d["indication"]["zh"]

    def empty_language(d):
        d["drug"]["name"]["en"] = ""

    def format_version_2(d):
        d["format_version"] = 2

    def missing_monitoring(d):
        del d["monitoring"]

    def fraction_for_whole_number(d):
        d["monitoring"]["items"][0]["baseline_occasions"] = {
            "value": 1.5, "source": d["sources"][0]["id"]}

    def key_of_another_kind(d):
        d["phases"][0]["conditional"] = True  # a titration key, never on phases[0] of another kind
        if d["phases"][0].get("kind") == "titration":
            d["phases"][0]["count"] = {"min": 1, "max": 2, "source": d["sources"][0]["id"]}

    def span_short_form(d):
        d["monitoring"]["baseline_spacing"]["value"] = "1wk"

    def span_spaces(d):
        d["monitoring"]["baseline_spacing"]["value"] = " 7  d "

    def note_beside_default(d):
        d["dose"]["rounding"]["note"] = {"en": "a note for people reading the file",
                                         "zh": "给读这个文件的人的说明"}

    def reason_english_only(d):
        drop_provenance(d["dose"]["rounding"])
        d["dose"]["rounding"].update({"project_default": True, "reason": "English only"})

    def note_english_only(d):
        d["dose"]["rounding"]["note"] = "English only"

    def old_citation(d):
        d["sources"][0]["citation"] = "ITP6 patients' site, itp6.com/16619.html"

    def old_location(d):
        d["sources"][0]["location"] = "shared/sources/003_95ea8ec565388f16.txt"

    def citation_without_document(d):
        del d["sources"][0]["document"]

    def citation_without_section(d):
        del d["sources"][0]["section"]

    def long_quote(d):
        d["sources"][0]["quote"] = "x" * 321

    def longest_quote(d):
        d["sources"][0]["quote"] = "环" * 320  # characters, not bytes

    def citation_note_english_only(d):
        d["sources"][0]["note"] = "English only"

    return [
        ("an unknown top-level key", False, unknown_top, ()),
        ("an unknown key in /dose (misspelt default)", False, unknown_nested, ("dose",)),
        ("a value without source or project_default", False, missing_source, ROUNDING),
        ("a value with both source and project_default", False, source_and_default, ROUNDING),
        ("a project default without a reason", False, default_without_reason, ROUNDING),
        ("\"project_default\": false", False, default_false, ROUNDING),
        ("a reason beside a source", False, reason_beside_source, ROUNDING),
        ("a span that is no duration (\"3 fortnights\")", False, bad_span, SPACING),
        ("a span of 0 days", False, zero_span, SPACING),
        ("a span unit in capitals (\"7 Days\")", False, span_upper_case, SPACING),
        ("a span number of 5 digits", False, span_five_digits, SPACING),
        ("an evidence level not in the enum", False, bad_evidence, ("evidence",)),
        ("a phase kind not in the enum", False, bad_kind, ("phases", 0)),
        ("a dose basis not in the enum", False, bad_basis, ("dose", "basis")),
        ("a dose unit of another basis", False, unit_of_other_basis, ("dose", "unit")),
        ("a text without zh", False, missing_language, ("indication",)),
        ("a text with an empty en", False, empty_language, ("drug", "name", "en")),
        ("format_version 2", False, format_version_2, ("format_version",)),
        ("no monitoring", False, missing_monitoring, ()),
        ("a fraction where a whole number is required", False, fraction_for_whole_number,
         ("monitoring", "items", 0)),
        ("a key of another phase kind", False, key_of_another_kind, ("phases", 0)),
        ("the short span \"1wk\" (the loader accepts it)", True, span_short_form, None),
        ("a span with extra spaces \" 7  d \" (the loader trims them)", True, span_spaces, None),
        ("a note beside a project default", True, note_beside_default, None),
        ("a project-default reason in English only", False, reason_english_only,
         ("dose", "rounding", "reason")),
        ("a note in English only", False, note_english_only, ("dose", "rounding", "note")),
        ("a citation with the old \"citation\" key", False, old_citation, ("sources", 0)),
        ("a citation with the old \"location\" key", False, old_location, ("sources", 0)),
        ("a citation without document", False, citation_without_document, ("sources", 0)),
        ("a citation without section", False, citation_without_section, ("sources", 0)),
        ("a quote of 321 characters", False, long_quote, ("sources", 0, "quote")),
        ("a quote of 320 Chinese characters", True, longest_quote, None),
        ("a citation note in English only", False, citation_note_english_only,
         ("sources", 0, "note")),
    ]


def products_mutations():
    def product(d, form=None):
        for p in d["products"]:
            if form is None or p.get("form") == form:
                return p
        return None

    def unknown_key(d):
        product(d)["colour"] = "blue"

    def bad_form(d):
        product(d)["form"] = "patch"

    def missing_source(d):
        drop_provenance(product(d))

    def no_strengths(d):
        p = product(d, "capsule") or product(d, "tablet")
        p["strengths_mg"] = []

    def cyclosporine_without_variant(d):
        p = copy.deepcopy(product(d))
        p.update({"id": "schema-test-cyclosporine", "drug": "cyclosporine"})
        p.pop("variant", None)
        d["products"].append(p)

    def solution_key_on_a_capsule(d):
        p = product(d, "capsule") or product(d, "tablet")
        p["concentration_mg_per_mL"] = 100

    def old_citation(d):
        s = d["sources"][0]
        s["citation"] = "a label"
        s["location"] = "https://dailymed.nlm.nih.gov/"

    return [
        ("an unknown key in a product", False, unknown_key, ("products",)),
        ("a product form not in the enum", False, bad_form, ("products",)),
        ("a product without source or project_default", False, missing_source, ("products",)),
        ("a capsule or tablet without strengths", False, no_strengths, ("products",)),
        ("a cyclosporine product without variant", False, cyclosporine_without_variant,
         ("products",)),
        ("a solution's key on a solid", False, solution_key_on_a_capsule, ("products",)),
        ("a citation with the old citation and location keys", False, old_citation,
         ("sources", 0)),
    ]


def labs_mutations():
    def test(d, kind=None):
        for t in d["tests"]:
            if kind is None or t.get("kind", "lab") == kind:
                return t
        return None

    def unknown_key(d):
        test(d)["colour"] = "blue"

    def bad_kind(d):
        test(d)["kind"] = "imaging"

    def lab_without_loinc(d):
        t = test(d, "lab")
        t.pop("loinc", None)

    def assessment_without_loinc(d):
        d["tests"].append({"id": "schema-test-assessment", "kind": "assessment",
                           "name": {"en": "Examination", "zh": "检查"}, "units": []})

    def old_source(d):
        d["source"] = {"citation": "LOINC", "location": "https://loinc.org"}

    def source_without_document(d):
        del d["source"]["document"]

    def source_without_quote(d):
        d["source"].pop("quote", None)

    return [
        ("an unknown key in a test", False, unknown_key, ("tests",)),
        ("a test kind not in the enum", False, bad_kind, ("tests",)),
        ("a lab test without loinc", False, lab_without_loinc, ("tests",)),
        ("an assessment without loinc (allowed)", True, assessment_without_loinc, None),
        ("the old source {citation, location}", False, old_source, ("source",)),
        ("a source without document", False, source_without_document, ("source",)),
        ("a source without quote (allowed)", True, source_without_quote, None),
    ]


def sources_mutations():
    FIRST = ("documents", 0)

    def unknown_key(d):
        d["documents"][0]["colour"] = "blue"

    def no_kind(d):
        del d["documents"][0]["kind"]

    def bad_kind(d):
        d["documents"][0]["kind"] = "website"

    def no_title(d):
        del d["documents"][0]["title"]

    def bad_date(d):
        d["documents"][0]["date"] = "21 August 2024"

    def bad_month(d):
        d["documents"][0]["date"] = "2024-13"

    def year_only(d):
        d["documents"][0]["date"] = "2024"

    def year_and_month(d):
        d["documents"][0]["date"] = "2024-08"

    def accessed_year_only(d):
        d["documents"][0]["accessed"] = "2026"

    def undated_unidentified(d):
        for key in ("date", "accessed", "identifiers"):
            d["documents"][0].pop(key, None)

    def empty_identifiers_only(d):
        for key in ("date", "accessed"):
            d["documents"][0].pop(key, None)
        d["documents"][0]["identifiers"] = []

    def accessed_only(d):
        for key in ("date", "identifiers"):
            d["documents"][0].pop(key, None)
        d["documents"][0]["accessed"] = "2026-12-01"

    def location_elsewhere(d):
        d["documents"][0]["location"] = "shared/sources/003_95ea8ec565388f16.txt"

    def location_climbing(d):
        d["documents"][0]["location"] = "sources/../labs.json"

    def bad_scheme(d):
        d["documents"][0]["identifiers"] = [{"scheme": "pmid", "value": "12345678"}]

    def identifier_without_value(d):
        d["documents"][0]["identifiers"] = [{"scheme": "PMID"}]

    def id_in_capitals(d):
        d["documents"][0]["id"] = "Gengraf-Label"

    def format_version_2(d):
        d["format_version"] = 2

    return [
        ("an unknown key in a document", False, unknown_key, FIRST),
        ("a document without kind", False, no_kind, FIRST),
        ("a document kind not in the enum", False, bad_kind, FIRST + ("kind",)),
        ("a document without title", False, no_title, FIRST),
        ("a date as \"21 August 2024\"", False, bad_date, FIRST + ("date",)),
        ("a date of month 13", False, bad_month, FIRST + ("date",)),
        ("a date of a year only (allowed)", True, year_only, None),
        ("a date of a year and month (allowed)", True, year_and_month, None),
        ("an accessed date of a year only", False, accessed_year_only, FIRST + ("accessed",)),
        ("a document without date, accessed or identifier", False, undated_unidentified, FIRST),
        ("a document whose only identifiers are none", False, empty_identifiers_only, FIRST),
        ("a document with only an accessed date (allowed)", True, accessed_only, None),
        ("a location not under sources/", False, location_elsewhere, FIRST + ("location",)),
        ("a location climbing out of sources/", False, location_climbing, FIRST + ("location",)),
        ("an identifier scheme not in the list", False, bad_scheme, FIRST + ("identifiers",)),
        ("an identifier without value", False, identifier_without_value,
         FIRST + ("identifiers",)),
        ("a document id in capitals", False, id_in_capitals, FIRST + ("id",)),
        ("format_version 2", False, format_version_2, ("format_version",)),
    ]


def catalogue_mutations():
    def no_released(d):
        del d["released"]

    def bad_released(d):
        d["released"] = "05/12/2026"

    def empty_version(d):
        d["version"] = ""

    def unknown_key(d):
        d["colour"] = "blue"

    return [
        ("a catalogue without released", False, no_released, ()),
        ("a released date as 05/12/2026", False, bad_released, ("released",)),
        ("an empty version", False, empty_version, ("version",)),
        ("an unknown key", False, unknown_key, ()),
    ]


def main(argv):
    results = Results()
    if len(argv) != 3:
        print("usage: schema_test.py RULES_DIR SCHEMA_DIR", file=sys.stderr)
        results.fail("arguments", ["expected the rules directory and the schema directory"])
        return results.finish()
    rules_dir, schema_dir = argv[1], argv[2]
    try:
        import jsonschema
    except ImportError:
        results.fail("import jsonschema",
                     ["the jsonschema package is missing: apt-get install python3-jsonschema"])
        return results.finish()
    validator_class = getattr(jsonschema, "Draft202012Validator", None)
    if validator_class is None:
        results.fail("jsonschema supports draft 2020-12",
                     ["jsonschema 4.0 or later is needed (Draft202012Validator)"])
        return results.finish()

    # 1. The schemas themselves.
    validators = {}
    for name, file_name in SCHEMA_FILES.items():
        path = os.path.join(schema_dir, file_name)
        label = "schema " + file_name + " is a valid draft 2020-12 schema"
        try:
            schema = load_json(path)
            validator_class.check_schema(schema)
            if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
                raise ValueError("$schema is not draft 2020-12")
            validators[name] = validator_class(schema)
            results.ok(label)
        except Exception as e:  # noqa: BLE001 - any failure is reported as such
            results.fail(label, [str(e).splitlines()[0][:300]])
    if len(validators) != len(SCHEMA_FILES):
        return results.finish()

    # 2. Every rules file.
    files = sorted(f for f in os.listdir(rules_dir)
                   if f.endswith(".json") and os.path.isfile(os.path.join(rules_dir, f)))
    docs = {}
    for file_name in files:
        kind = schema_for(file_name)
        label = "%s is valid against %s" % (file_name, SCHEMA_FILES[kind])
        try:
            doc = load_json(os.path.join(rules_dir, file_name))
        except (OSError, ValueError) as e:
            results.fail(label, ["cannot read the file as JSON: %s" % e])
            continue
        errors = list(validators[kind].iter_errors(doc))
        if errors:
            results.fail(label, describe(errors))
        else:
            results.ok(label)
            docs.setdefault(kind, (file_name, doc))
    for kind in ("regimen", "products", "labs", "sources", "catalogue"):
        if kind not in docs:
            results.fail("a valid %s file to break" % kind,
                         ["no valid %s file in %s" % (kind, rules_dir)])

    # 3. Broken copies must be rejected; unusual but valid ones accepted.
    for kind, mutations in (("regimen", regimen_mutations()),
                            ("products", products_mutations()),
                            ("labs", labs_mutations()),
                            ("sources", sources_mutations()),
                            ("catalogue", catalogue_mutations())):
        if kind not in docs:
            continue
        file_name, original = docs[kind]
        for name, expect_valid, mutate, where in mutations:
            label = "%s: %s is %s" % (file_name, name, "accepted" if expect_valid else "rejected")
            doc = copy.deepcopy(original)
            try:
                mutate(doc)
            except (KeyError, IndexError, TypeError, AttributeError) as e:
                results.fail(label, ["the file has no place for this change: %r" % e])
                continue
            errors = list(validators[kind].iter_errors(doc))
            if expect_valid and errors:
                results.fail(label, describe(errors))
            elif not expect_valid and not errors:
                results.fail(label, ["the schema accepted the broken copy"])
            elif not expect_valid and not any(
                    tuple(e.absolute_path)[:len(where)] == tuple(where) for e in errors):
                results.fail(label, ["rejected, but not at %s:" % pointer(where)] + describe(errors))
            else:
                results.ok(label)
    return results.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
