#!/usr/bin/env python3
"""Plan requests against docs/request.schema.json (JSON Schema draft 2020-12).

Usage: request_schema_test.py SCHEMA EXAMPLES_DIR

Checks that the schema is itself valid, that EXAMPLES_DIR/patient-itp.json and every line of
EXAMPLES_DIR/requests.jsonl validate, and that broken requests are rejected (so the checks can
fail). The last line of requests.jsonl ("9 stone 11 lb") is meant to be refused by doseplan
(quantity.unknown_unit) but is schema-VALID: the schema checks the shape of a quantity (a number,
then a unit), not the list of units, which stays with the parser (src/core/units.cpp). The test says
so explicitly, so that a schema that starts listing units is a deliberate change.

Prints one line per failure and "N passed, M failed" last; exit 1 if anything failed.
Needs Debian's python3-jsonschema (4.10 or later: Draft202012Validator).
"""
import copy
import json
import os
import sys

from jsonschema import Draft202012Validator

passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAILED: {name}" + (f": {detail}" if detail else ""))


def errors_of(validator, instance):
    return sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))


def describe(errors):
    return "; ".join(f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


def main():
    if len(sys.argv) != 3:
        print("usage: request_schema_test.py SCHEMA EXAMPLES_DIR", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    schema_path, examples = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    try:
        Draft202012Validator.check_schema(schema)
        check("the schema is a valid draft 2020-12 schema", True)
    except Exception as e:  # jsonschema.SchemaError
        check("the schema is a valid draft 2020-12 schema", False, str(e))
        print(f"{passed} passed, {failed} failed")
        return 1
    validator = Draft202012Validator(schema)

    def expect_valid(name, request):
        errs = errors_of(validator, request)
        check(f"{name} is valid", not errs, describe(errs))

    def expect_invalid(name, request, path):
        """`request` must be rejected, with an error at the JSON path `path` (a list)."""
        errs = errors_of(validator, request)
        at = [list(e.absolute_path) for e in errs]
        check(f"{name} is rejected at /{'/'.join(map(str, path))}", path in at,
              f"errors: {describe(errs) or 'none'}")

    # --- the examples
    with open(os.path.join(examples, "patient-itp.json"), encoding="utf-8") as f:
        expect_valid("patient-itp.json", json.load(f))

    jsonl = os.path.join(examples, "requests.jsonl")
    with open(jsonl, encoding="utf-8") as f:
        lines = [line for line in f.read().split("\n") if line.strip()]
    check("requests.jsonl has 4 requests", len(lines) == 4, f"found {len(lines)}")
    requests = []
    for n, line in enumerate(lines, start=1):
        try:
            requests.append(json.loads(line))
        except ValueError as e:
            check(f"requests.jsonl line {n} is JSON", False, str(e))
            continue
        expect_valid(f"requests.jsonl line {n}", requests[-1])
    # The bad line is bad for doseplan only: an unknown unit is the parser's business.
    if requests:
        check("requests.jsonl: the last line is the unknown-unit example",
              requests[-1].get("weight") == "9 stone 11 lb", repr(requests[-1].get("weight")))

    # --- broken requests: each must be rejected where it is broken
    base = {"regimen": "cyclosporine-itp", "weight": "62 kg", "start": "2026-12-01"}

    def broken(**changes):
        r = copy.deepcopy(base)
        for k, v in changes.items():
            if v is None:
                r.pop(k, None)
            else:
                r[k] = v
        return r

    expect_invalid("an unknown field", broken(colour="blue"), [])
    expect_invalid("a misspelt field (doses_a_day)", broken(doses_a_day=2), [])
    expect_invalid("weight as a number", broken(weight=62), ["weight"])
    expect_invalid("weight without a unit", broken(weight="62"), ["weight"])
    expect_invalid("an empty weight", broken(weight=""), ["weight"])
    expect_invalid("a negative weight", broken(weight="-5 kg"), ["weight"])
    expect_invalid("a date as DD/MM/YYYY", broken(start="01/12/2026"), ["start"])
    expect_invalid("a date with a time", broken(start="2026-12-01T08:00"), ["start"])
    expect_invalid("a bad birth_date", broken(birth_date="1981-5-2"), ["birth_date"])
    expect_invalid("no regimen", broken(regimen=None), [])
    expect_invalid("no start", broken(start=None), [])
    expect_invalid("an empty regimen", broken(regimen=""), ["regimen"])
    expect_invalid("doses_per_day as a string", broken(doses_per_day="2"), ["doses_per_day"])
    expect_invalid("doses_per_day 5 (four slots)", broken(doses_per_day=5), ["doses_per_day"])
    expect_invalid("a zero duration", broken(phase_durations={"induction": "0 days"}),
                   ["phase_durations", "induction"])
    expect_invalid("a duration in fortnights", broken(taper_every="2 fortnights"),
                   ["taper_every"])
    expect_invalid("phase_durations as an array", broken(phase_durations=["3 months"]),
                   ["phase_durations"])
    expect_invalid("a cycle count as a string", broken(cycle_counts={"pulses": "12"}),
                   ["cycle_counts", "pulses"])
    expect_invalid("sex spelt Female", broken(sex="Female"), ["sex"])
    expect_invalid("age_years as a string", broken(age_years="45"), ["age_years"])
    expect_invalid("age_years 150", broken(age_years=150), ["age_years"])
    expect_invalid("a request that is an array", [base], [])

    # --- edges the reader accepts, so the schema must too
    expect_valid("a request with every field", {
        "regimen": "cyclosporine-itp", "weight": "136.5 lb", "start": "2027-01-31",
        "height": "1.65 m", "age_years": 45.5, "sex": "f", "creatinine": "1.1 mg/dL",
        "dose": "4.5 mg/(kg\u00b7d)", "doses_per_day": 3,
        "product": "cyclosporine-modified-solution",
        "phase_durations": {"induction": "2mo", "maintenance": "13 weeks"},
        "cycle_counts": {"pulses": 12}, "taper_step": ".5 mg/kg/d", "taper_every": "14 days"})
    expect_valid("quantities without a space and with an exponent",
                 broken(weight="62kg", height="1.65e2 cm"))
    expect_valid("a dose of cells", broken(regimen="msc-lupus", dose="50 10*6 cells"))
    expect_valid("a date with surrounding spaces (trimmed by doseplan)", broken(start=" 2026-12-01 "))

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
