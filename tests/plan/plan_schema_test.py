#!/usr/bin/env python3
"""Validates the JSON plans of the doseplan binary against docs/plan.schema.json.

    python3 tests/plan/plan_schema_test.py DOSEPLAN_BINARY SCHEMA

1. The schema is a valid draft 2020-12 schema.
2. For EVERY regimen that `doseplan regimens --format json` lists, two plans are made with
   `doseplan plan --format json` and each must be valid:
     a. the defaults: 62 kg, 165 cm, start 2026-12-01;
     b. other choices: 90 kg, 185 cm, start 2028-02-29 (a leap day), female, a birth date, a
        creatinine in mg/dL, and what `doseplan show ID --format json` says the regimen allows
        besides its defaults: the last product listed, the highest dose of the range, the most
        doses a day, the longest duration of each phase that has a range and the most cycles of
        each cycles phase (so that overridden_by_user, the other kinds of administration and the
        body-size and kidney fields appear).
   Beyond the schema, the ids each plan names must resolve within it: every provenance source in
   /sources, every test of a visit or lab rule in /tests, every citation's document (by id and
   number) in /documents; and /request must be the request given (the regimen, start, weight and
   height as typed, every other choice present).
3. Deliberately broken copies of a valid plan are REJECTED (disclaimer removed, no sources, a
   quantity without unit, an unknown or renamed field, no made_by or documents, ...), so that this test can fail; and a
   few variations the schema allows on purpose are ACCEPTED.

/request is checked against docs/request.schema.json, which plan.schema.json references ($ref
"request.schema.json"): the test reads it from the directory of SCHEMA.

The binary finds its rules as it always does (--rules is not passed): ctest sets DOSEPLAN_RULES.
Needs the `jsonschema` package (Debian: python3-jsonschema, 4.10 or later); run it with Debian's
/usr/bin/python3. Prints one line per check and "N passed, M failed" last; exits 1 if any check
failed.
"""
import copy
import json
import os
import subprocess
import sys
import warnings

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
TIMEOUT_SECONDS = 120

DEFAULT_REQUEST = ["--weight", "62kg", "--height", "165cm", "--start", "2026-12-01"]
OTHER_REQUEST = ["--weight", "90kg", "--height", "185cm", "--start", "2028-02-29",
                 "--sex", "female", "--birth-date", "1961-07-15", "--creatinine", "1.1mg/dL"]


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


def run(binary, args):
    """(parsed JSON or None, list of problem lines)."""
    command = [binary] + args
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.SubprocessError) as e:
        return None, ["cannot run %s: %s" % (" ".join(command), e)]
    stderr = done.stderr.decode("utf-8", "replace").strip().splitlines()
    if done.returncode != 0:
        return None, (["exit code %d: %s" % (done.returncode, " ".join(command))] +
                      stderr[:10])
    try:
        return json.loads(done.stdout.decode("utf-8")), []
    except ValueError as e:
        return None, ["the output is not JSON (%s): %s" % (e, " ".join(command))]


def number_text(value):
    return ("%.6f" % value).rstrip("0").rstrip(".")


def other_choices(shown):
    """Command-line choices other than the defaults, from `doseplan show ID --format json`.
    Tolerant: whatever is missing from that output is simply not chosen."""
    args = []
    if not isinstance(shown, dict):
        return args
    products = shown.get("products") or []
    if len(products) > 1 and isinstance(products[-1], str):
        args += ["--product", products[-1]]
    dose = shown.get("dose") if isinstance(shown.get("dose"), dict) else {}
    top = (dose.get("range") or {}).get("max") if isinstance(dose.get("range"), dict) else None
    if isinstance(top, dict) and isinstance(top.get("value"), (int, float)) and top.get("unit"):
        args += ["--dose", number_text(top["value"]) + top["unit"]]
    per_day = dose.get("doses_per_day")
    if isinstance(per_day, dict) and isinstance(per_day.get("max"), int) and \
            per_day.get("max") != per_day.get("default"):
        args += ["--doses-per-day", str(per_day["max"])]
    for phase in shown.get("phases") or []:
        if not isinstance(phase, dict) or not phase.get("id"):
            continue
        duration = phase.get("duration")
        if isinstance(duration, dict) and duration.get("max") and \
                duration.get("max") != duration.get("default"):
            args += ["--phase-duration", "%s=%s" % (phase["id"], duration["max"])]
        count = phase.get("count")
        if isinstance(count, dict) and isinstance(count.get("max"), int):
            args += ["--cycles", "%s=%d" % (phase["id"], count["max"])]
    return args


def unresolved_ids(plan):
    """Ids that name nothing in the same plan (beyond the schema): provenance sources not in
    /sources (under /product: not in /product/sources), and test ids of visits and lab rules not in /tests. The empty source of
    /dose/doses_per_day_from is the known quirk the schema describes, and is not reported."""
    sources = {s.get("id") for s in plan.get("sources", [])}
    # The product's provenances name sources of products.json, carried in /product/sources.
    product_sources = {s.get("id") for s in plan.get("product", {}).get("sources", [])}
    tests = {t.get("id") for t in plan.get("tests", [])}
    out = []

    def walk(node, path):
        if isinstance(node, dict):
            source = node.get("source")
            known_quirk = path == ["dose", "doses_per_day_from"] and source == ""
            in_product = path[:1] == ["product"]
            known = source in (product_sources if in_product else sources)
            if isinstance(source, str) and not known and not known_quirk:
                where = "/product/sources" if in_product else "/sources"
                out.append("%s: source %r is not in %s" % (pointer(path), source, where))
            for key, value in node.items():
                walk(value, path + [key])
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, path + [i])

    walk(plan, [])
    for v, visit in enumerate(plan.get("visits", [])):
        for i, item in enumerate(visit.get("items", [])):
            for test in item.get("tests", []):
                if test not in tests:
                    out.append("/visits/%d/items/%d: test %r is not in /tests" % (v, i, test))
    for r, rule in enumerate(plan.get("lab_rules", [])):
        if rule.get("test") not in tests:
            out.append("/lab_rules/%d: test %r is not in /tests" % (r, rule.get("test")))
    # Every citation names a document of /documents by id and number, secondary when the
    # document's kind is; the documents are numbered 1, 2, ... and each is cited by /sources.
    documents = plan.get("documents", [])
    numbers = {d.get("id"): d.get("number") for d in documents}
    kinds = {d.get("id"): d.get("kind") for d in documents}
    if [d.get("number") for d in documents] != list(range(1, len(documents) + 1)):
        out.append("/documents: not numbered 1, 2, ... in order")
    for where, cited in (("/sources", plan.get("sources", [])),
                         ("/product/sources", plan.get("product", {}).get("sources", []))):
        for i, s in enumerate(cited):
            doc = s.get("document")
            if doc not in numbers:
                out.append("%s/%d: document %r is not in /documents" % (where, i, doc))
            elif s.get("document_number") != numbers[doc]:
                out.append("%s/%d: document_number %r, /documents numbers %r as %r"
                           % (where, i, s.get("document_number"), doc, numbers[doc]))
            elif s.get("secondary") != (kinds[doc] == "secondary"):
                out.append("%s/%d: secondary %r for a document of kind %r"
                           % (where, i, s.get("secondary"), kinds[doc]))
    uncited = set(numbers) - {s.get("document") for s in plan.get("sources", [])}
    if uncited:
        out.append("/documents: %s cited by no entry of /sources" % sorted(uncited))
    return out


def request_problems(plan, regimen, args):
    """/request against the command line `args` that made the plan (beyond the schema): the
    regimen, start, weight and height as typed (written in kg and cm), and a field for every
    other choice made."""
    request = plan.get("request", {})
    out = []
    given = dict(zip(args[::2], args[1::2]))
    expected = {"regimen": regimen, "start": given["--start"],
                "weight": given["--weight"].replace("kg", " kg"),
                "height": given["--height"].replace("cm", " cm")}
    for key, value in expected.items():
        if request.get(key) != value:
            out.append("/request/%s: %r, expected %r" % (key, request.get(key), value))
    if request.get("start") != plan.get("start") or request.get("regimen") != plan["regimen"]["id"]:
        out.append("/request: not the plan's regimen and start")
    fields = {"--sex": "sex", "--birth-date": "birth_date", "--creatinine": "creatinine",
              "--product": "product", "--dose": "dose", "--doses-per-day": "doses_per_day",
              "--phase-duration": "phase_durations", "--cycles": "cycle_counts"}
    for flag, key in fields.items():
        if (flag in args) != (key in request):
            out.append("/request/%s: %s, but %s was %s" % (
                key, "present" if key in request else "absent", flag,
                "given" if flag in args else "not given"))
    return out


# --- broken and allowed copies of a valid plan ---------------------------------------------------

def first_administration(plan, key):
    for phase in plan["phases"]:
        for a in phase["dose"]["administrations"]:
            if key in a:
                return a
    raise KeyError("no administration with " + key)


def mutations():
    """(name, expect_valid, function changing a copy of a plan, where the schema must object: a
    JSON path prefix, or None for a copy that must be accepted)."""

    def no_disclaimer(p):
        del p["disclaimer"]

    def disclaimer_without_zh(p):
        del p["disclaimer"]["zh-CN"]

    def no_sources(p):
        p["sources"] = []

    def sources_missing(p):
        del p["sources"]

    def quantity_without_unit(p):
        del p["patient"]["weight"]["unit"]

    def quantity_as_number(p):
        p["phases"][0]["dose"]["rounded_daily"] = p["phases"][0]["dose"]["rounded_daily"]["value"]

    def non_ucum_unit(p):
        p["phases"][0]["dose"]["target"]["unit"] = "mg/kg/day"

    def wrong_unit(p):
        p["patient"]["weight"]["unit"] = "lb"

    def unknown_top(p):
        p["colour"] = "blue"

    def renamed_field(p):
        d = p["phases"][0]["dose"]
        d["rounded"] = d.pop("rounded_daily")

    def unknown_in_administration(p):
        p["phases"][0]["dose"]["administrations"][0]["route_of"] = "oral"

    def two_kinds_of_administration(p):
        a = first_administration(p, "units")
        a["volume"] = {"value": 1.5, "unit": "mL"}

    def unknown_in_visit_item(p):
        p["visits"][0]["items"][0]["window_days"] = 3

    def source_and_default(p):
        p["phases"][0]["dose_from"] = {"source": p["sources"][0]["id"], "project_default": True,
                                       "reason": "both"}

    def default_without_reason(p):
        p["phases"][0]["dose_from"] = {"project_default": True}

    def empty_source(p):
        p["phases"][0]["dose_from"] = {"source": ""}

    def overridden_false(p):
        p["phases"][0]["dose_from"]["overridden_by_user"] = False

    def format_version_2(p):
        p["format_version"] = 2

    def other_date_format(p):
        p["start"] = "01/12/2026"

    def no_phases(p):
        p["phases"] = []

    def note_beside_source(p):
        p["phases"][0]["duration_from"] = {"source": p["sources"][0]["id"],
                                           "note": {"en": "a remark beside the source",
                                                    "zh-CN": "来源旁的说明"}}

    def overridden_default(p):
        p["phases"][0]["dose_from"] = {"project_default": True,
                                       "reason": {"en": "why", "zh-CN": "原因"},
                                       "overridden_by_user": True}

    def reason_english_only(p):
        p["visits"][0]["items"][0]["reason"] = p["visits"][0]["items"][0]["reason"]["en"]

    def no_made_by(p):
        del p["made_by"]

    def short_hash(p):
        p["made_by"]["rules_sha256"] = p["made_by"]["rules_sha256"][:16]

    def no_documents(p):
        del p["documents"]

    def old_citation(p):
        s = p["sources"][0]
        s["citation"] = "ITP6 patients' site, itp6.com/16619.html"
        s["location"] = "shared/sources/003_95ea8ec565388f16.txt"

    def source_without_document_number(p):
        del p["sources"][0]["document_number"]

    def document_without_kind(p):
        del p["documents"][0]["kind"]

    def document_with_other_kind(p):
        p["documents"][0]["kind"] = "website"

    def no_request(p):
        del p["request"]

    def request_unknown_field(p):
        p["request"]["weight_kg"] = 62

    def request_bare_weight(p):
        p["request"]["weight"] = 62

    def request_without_start(p):
        del p["request"]["start"]

    def request_with_choices(p):
        p["request"].update({"dose": "5 mg/kg/d", "doses_per_day": 2, "sex": "female",
                             "creatinine": "0.097 mmol/L", "cycle_counts": {"pulses": 6}})

    return [
        ("the disclaimer removed", False, no_disclaimer, ()),
        ("the disclaimer without zh-CN", False, disclaimer_without_zh, ("disclaimer",)),
        ("sources empty", False, no_sources, ("sources",)),
        ("sources removed", False, sources_missing, ()),
        ("a quantity without unit", False, quantity_without_unit, ("patient", "weight")),
        ("a quantity as a bare number", False, quantity_as_number,
         ("phases", 0, "dose", "rounded_daily")),
        ("a dose unit that is not UCUM (mg/kg/day)", False, non_ucum_unit,
         ("phases", 0, "dose", "target", "unit")),
        ("a weight in lb", False, wrong_unit, ("patient", "weight", "unit")),
        ("an unknown top-level field", False, unknown_top, ()),
        ("a renamed field (rounded_daily -> rounded)", False, renamed_field,
         ("phases", 0, "dose")),
        ("an unknown field in an administration", False, unknown_in_administration,
         ("phases", 0, "dose", "administrations", 0)),
        ("an administration of two kinds (units and volume)", False,
         two_kinds_of_administration, ("phases",)),
        ("the old window_days in a visit item", False, unknown_in_visit_item,
         ("visits", 0, "items", 0)),
        ("a provenance with both source and project_default", False, source_and_default,
         ("phases", 0, "dose_from")),
        ("a project default without reason", False, default_without_reason,
         ("phases", 0, "dose_from")),
        ("an empty source id", False, empty_source, ("phases", 0, "dose_from")),
        ("\"overridden_by_user\": false in a provenance", False, overridden_false,
         ("phases", 0, "dose_from")),
        ("format_version 2", False, format_version_2, ("format_version",)),
        ("a start date as 01/12/2026", False, other_date_format, ("start",)),
        ("no phases", False, no_phases, ("phases",)),
        ("a note beside a source (allowed)", True, note_beside_source, None),
        ("an overridden project default (allowed)", True, overridden_default, None),
        ("a visit reason in English only", False, reason_english_only,
         ("visits", 0, "items", 0, "reason")),
        ("made_by removed", False, no_made_by, ()),
        ("a rules_sha256 of 16 digits", False, short_hash, ("made_by", "rules_sha256")),
        ("documents removed", False, no_documents, ()),
        ("a source with the old citation and location", False, old_citation, ("sources", 0)),
        ("a source without document_number", False, source_without_document_number,
         ("sources", 0)),
        ("a document without kind", False, document_without_kind, ("documents", 0)),
        ("a document kind not in the enum", False, document_with_other_kind,
         ("documents", 0, "kind")),
        ("request removed", False, no_request, ()),
        ("an unknown field in the request", False, request_unknown_field, ("request",)),
        ("a request weight as a bare number", False, request_bare_weight,
         ("request", "weight")),
        ("a request without start", False, request_without_start, ("request",)),
        ("a request with other choices (allowed)", True, request_with_choices, None),
    ]


def main(argv):
    results = Results()
    if len(argv) != 3:
        print("usage: plan_schema_test.py DOSEPLAN_BINARY SCHEMA", file=sys.stderr)
        results.fail("arguments", ["expected the doseplan binary and docs/plan.schema.json"])
        return results.finish()
    binary, schema_path = argv[1], argv[2]
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

    # 1. The schema itself.
    label = "%s is a valid draft 2020-12 schema" % schema_path
    try:
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f)
        validator_class.check_schema(schema)
        if schema.get("$schema") != DRAFT_2020_12:
            raise ValueError("$schema is not draft 2020-12")
        # /request refers to request.schema.json, beside this schema: given to the resolver so
        # that nothing is fetched.
        request_path = os.path.join(os.path.dirname(os.path.abspath(schema_path)),
                                    "request.schema.json")
        with open(request_path, encoding="utf-8") as f:
            request_schema = json.load(f)
        validator_class.check_schema(request_schema)
        with warnings.catch_warnings():  # RefResolver is deprecated from jsonschema 4.18 on
            warnings.simplefilter("ignore", DeprecationWarning)
            resolver = jsonschema.RefResolver.from_schema(
                schema, store={request_schema["$id"]: request_schema})
        validator = validator_class(schema, resolver=resolver)
        results.ok(label)
    except Exception as e:  # noqa: BLE001 - any failure is reported as such
        results.fail(label, [str(e).splitlines()[0][:300]])
        return results.finish()

    # 2. Plans for every regimen.
    listing, problems = run(binary, ["regimens", "--format", "json"])
    ids = []
    if listing is not None:
        ids = [r.get("id") for r in listing.get("regimens", []) if isinstance(r, dict)]
        ids = [i for i in ids if isinstance(i, str) and i]
    if not ids:
        results.fail("regimens --format json lists regimens", problems or ["no regimen ids"])
        return results.finish()
    results.ok("regimens --format json lists %d regimens" % len(ids))

    sample = None
    kinds = set()
    for regimen in ids:
        shown, problems = run(binary, ["show", regimen, "--format", "json"])
        if problems:
            print("NOTE show %s failed; its second plan uses no other choices" % regimen)
        choices = other_choices(shown)
        # The second plan is made with --explain: both shapes (with and without "audit") are checked.
        requests = [("defaults", DEFAULT_REQUEST),
                    ("other choices", OTHER_REQUEST + choices + ["--explain"])]
        for what, request in requests:
            args = ["plan", "--regimen", regimen] + request + ["--format", "json"]
            label = "plan %s (%s: %s) is valid" % (regimen, what, " ".join(request))
            plan, problems = run(binary, args)
            if plan is None:
                results.fail(label, problems)
                continue
            errors = list(validator.iter_errors(plan))
            if errors:
                results.fail(label, describe(errors))
                continue
            results.ok(label)
            explained = "--explain" in request
            doses = [phase["dose"] for phase in plan["phases"]]
            label = "plan %s (%s): %s" % (regimen, what, "every dose and the patient carry an audit"
                                          if explained else "no audit without --explain")
            with_audit = ["/patient"] if "audit" in plan["patient"] else []
            with_audit += ["/phases/%d/dose" % i for i, d in enumerate(doses) if "audit" in d]
            wanted = (["/patient"] + ["/phases/%d/dose" % i for i in range(len(doses))]
                      if explained else [])
            # Every dose's audit starts with the rule it comes from (a dose of cells: only that).
            empty = ["/phases/%d/dose" % i for i, d in enumerate(doses)
                     if explained and not d["audit"]]
            if with_audit != wanted or empty:
                results.fail(label, ["audit at %s, expected at %s; empty at %s"
                                     % (with_audit[:3], wanted[:3], empty[:3])])
            else:
                results.ok(label)
            problems = request_problems(plan, regimen, [a for a in request if a != "--explain"])
            label = "plan %s (%s): /request is the request given" % (regimen, what)
            if problems:
                results.fail(label, problems[:10])
            else:
                results.ok(label)
            unresolved = unresolved_ids(plan)
            label = "plan %s (%s): every source and test id it names is in the plan" % (
                regimen, what)
            if unresolved:
                results.fail(label, unresolved[:10])
            else:
                results.ok(label)
            for phase in plan["phases"]:
                for a in phase["dose"]["administrations"]:
                    kinds.update(k for k in ("units", "volume", "vials", "cells") if k in a)
            if sample is None and what == "defaults":
                try:
                    first_administration(plan, "units")
                    if plan["visits"] and plan["visits"][0]["items"]:
                        sample = (regimen, plan)
                except KeyError:
                    pass

    print("NOTE kinds of administration in the valid plans: %s" %
          (", ".join(sorted(kinds)) or "none"))

    # 3. Broken copies must be rejected; allowed variations accepted.
    if sample is None:
        results.fail("a valid plan with capsules or tablets and visits to break",
                     ["no such plan among the regimens"])
        return results.finish()
    regimen, original = sample
    for name, expect_valid, mutate, where in mutations():
        label = "%s plan: %s is %s" % (regimen, name, "accepted" if expect_valid else "rejected")
        doc = copy.deepcopy(original)
        try:
            mutate(doc)
        except (KeyError, IndexError, TypeError, AttributeError) as e:
            results.fail(label, ["the plan has no place for this change: %r" % e])
            continue
        errors = list(validator.iter_errors(doc))
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
