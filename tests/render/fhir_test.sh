#!/usr/bin/env bash
# FHIR R4 export, validated by a real validator (the `fhir` package from npm, installed into
# tests/render/fhir/node_modules by scripts/setup.sh) and checked against the plan it comes from.
# Usage: fhir_test.sh PATH/TO/doseplan
set -u
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() {
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name" >&2; fi
}
if [ ! -d "$here/fhir/node_modules/fhir" ]; then
  echo "FAILED: tests/render/fhir/node_modules is missing: run scripts/setup.sh" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

cases=(
  "cyclosporine-itp --weight 62kg --start 2026-12-01"
  "cyclosporine-ra --weight 70kg --start 2026-10-31 --product cyclosporine-modified-solution"
  "cyclophosphamide-iv-scot --weight 62kg --height 165cm --start 2026-12-01 --sex female"
  "cyclophosphamide-oral-sls --weight 70kg --start 2026-12-01"
  "mycophenolate-ssc --weight 62kg --start 2026-12-01"
  "rituximab-375-weekly --weight 68kg --height 170cm --start 2028-02-29"
  "msc-lupus --weight 55kg --start 2026-12-01"
)
for c in "${cases[@]}"; do
  id="${c%% *}"
  # shellcheck disable=SC2086
  "$bin" plan --regimen $c --format fhir -o "$tmp/$id.json"
  check "$id: exported" test -s "$tmp/$id.json"
  check "$id: valid FHIR R4 (fhir package)" node "$here/fhir/validate.js" "$tmp/$id.json"
done

# The ITP Bundle against its plan (62 kg from 2026-12-01; numbers as in tests/plan/plan_test.cpp).
"$bin" plan --regimen cyclosporine-itp --weight 62kg --start 2026-12-01 --format json -o "$tmp/itp-plan.json"
check "ITP: resources match the plan" python3 - "$tmp/cyclosporine-itp.json" "$tmp/itp-plan.json" <<'PY'
import json, sys
bundle = json.load(open(sys.argv[1], encoding="utf-8"))
plan = json.load(open(sys.argv[2], encoding="utf-8"))
res = [e["resource"] for e in bundle["entry"]]
kinds = [r["resourceType"] for r in res]
assert bundle["type"] == "collection"
assert kinds[0] == "Patient" and kinds[1] == "CarePlan"
# One MedicationRequest per phase: induction, taper, maintenance.
mrs = [r for r in res if r["resourceType"] == "MedicationRequest"]
assert len(mrs) == 3
induction = mrs[0]["dosageInstruction"]
assert len(induction) == 1  # 150 mg morning and evening share one Dosage
d = induction[0]
assert d["sequence"] == 1
assert d["timing"]["repeat"]["when"] == ["MORN", "EVE"] and d["timing"]["repeat"]["frequency"] == 2
assert d["timing"]["repeat"]["boundsPeriod"] == {"start": "2026-12-01", "end": "2027-02-28"}
assert d["doseAndRate"][0]["doseQuantity"] == {"value": 150, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}
assert d["maxDosePerPeriod"]["numerator"]["value"] == 300
# Taper step 1: 150 mg morning and 125 mg evening are two Dosages with sequence 2.
taper = mrs[1]["dosageInstruction"]
assert [(x["sequence"], x["doseAndRate"][0]["doseQuantity"]["value"], x["timing"]["repeat"]["when"]) for x in taper[:2]] == [(2, 150, ["MORN"]), (2, 125, ["EVE"])]
assert [x["sequence"] for x in taper][-1] == 4
# One ServiceRequest per test of every visit, with LOINC codes.
srs = [r for r in res if r["resourceType"] == "ServiceRequest"]
n_tests = sum(len(item["tests"]) for v in plan["visits"] for item in v["items"])
assert len(srs) == n_tests, (len(srs), n_tests)
trough = [s for s in srs if s["code"].get("coding", [{}])[0].get("code") == "3520-4"]
assert trough and trough[0]["occurrencePeriod"] == {"start": "2026-12-12", "end": "2026-12-18"}
# The weight as an Observation (LOINC 29463-7, kg), the CarePlan tying everything.
obs = [r for r in res if r["resourceType"] == "Observation"][0]
assert obs["code"]["coding"][0]["code"] == "29463-7" and obs["valueQuantity"]["value"] == 62
cp = res[1]
assert len(cp["activity"]) == len(mrs) + len(srs)
assert any("Educational aid only" in n["text"] for n in cp["note"])
assert any("itp6-003" in n["text"] for n in cp["note"])
assert all(r.get("status") == "draft" and r.get("intent") == "proposal" for r in mrs + srs + [cp])
PY

# The same plan gives the same Bundle (identifiers come from the content, not a clock).
"$bin" plan --regimen cyclosporine-itp --weight 62kg --start 2026-12-01 --format fhir -o "$tmp/again.json"
check "a Bundle is reproducible" cmp -s "$tmp/cyclosporine-itp.json" "$tmp/again.json"

# The validator rejects a broken copy, so the checks above can fail.
python3 - "$tmp/cyclosporine-itp.json" "$tmp/broken.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
mr = [e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == "MedicationRequest"][0]
mr["dosageInstruction"][0]["colour"] = "blue"
json.dump(b, open(sys.argv[2], "w", encoding="utf-8"))
PY
check "the validator rejects an unknown element" bash -c "! node '$here/fhir/validate.js' '$tmp/broken.json' >/dev/null"

echo "$passed passed, $failed failed"
test "$failed" -eq 0
