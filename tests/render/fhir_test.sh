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

# Codings (issue 20, item 11). LOINC displays are LOINC's long common names (checked by hand
# against the pages named in docs/fhir.md), never doseplan's own test names, which stay the text;
# the drug is text only, flagged as not coded (no cited document gives an RxNorm or ATC code);
# cells are counted in UCUM 10*6{cells}.
"$bin" plan --regimen cyclosporine-itp --weight 62kg --start 2026-12-01 --creatinine 80umol/L --format fhir -o "$tmp/itp-creatinine.json"
check "ITP with creatinine: valid FHIR R4" node "$here/fhir/validate.js" "$tmp/itp-creatinine.json"
check "codings: LOINC long common names, drug uncoded, cells counted" python3 - "$tmp" "$here/../../rules/labs.json" "$here/../../src/render/render_fhir.cpp" <<'PY'
import glob, json, re, sys
tmp, labs_path, renderer = sys.argv[1:4]
def resources(path):
    return [e["resource"] for e in json.load(open(path, encoding="utf-8"))["entry"]]
itp = resources(tmp + "/itp-creatinine.json")
def coding(r):
    return r["code"]["coding"][0]
srs = {coding(r)["code"]: r for r in itp if r["resourceType"] == "ServiceRequest" and "coding" in r["code"]}
expected = {  # code: (LOINC long common name, doseplan's text)
    "3520-4": ("cycloSPORINE [Mass/volume] in Blood", "cycloSPORINE whole-blood trough level (C0)"),
    "2160-0": ("Creatinine [Mass/volume] in Serum or Plasma", "Serum creatinine"),
    "3094-0": ("Urea nitrogen [Mass/volume] in Serum or Plasma", "Blood urea nitrogen (BUN)"),
    "58410-2": ("CBC panel - Blood by Automated count", "Complete blood count with platelets"),
    "1742-6": ("Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "ALT"),
    "85354-9": ("Blood pressure panel with all children optional", "Blood pressure"),
}
for code, (display, text) in expected.items():
    assert code in srs, (code, sorted(srs))
    assert coding(srs[code]) == {"system": "http://loinc.org", "code": code, "display": display}, coding(srs[code])
    assert srs[code]["code"]["text"] == text, srs[code]["code"]
obs = {coding(r)["code"]: r for r in itp if r["resourceType"] == "Observation"}
assert coding(obs["29463-7"])["display"] == "Body weight" and obs["29463-7"]["code"]["text"] == "Body weight"
# The baseline creatinine in umol/L: the molar code with its own long name.
assert coding(obs["14682-9"]) == {"system": "http://loinc.org", "code": "14682-9", "display": "Creatinine [Moles/volume] in Serum or Plasma"}, obs["14682-9"]
assert obs["14682-9"]["valueQuantity"]["value"] == 80
# The drug: text only, flagged (data-absent-reason) and said in a note of every MedicationRequest.
for r in (x for x in itp if x["resourceType"] == "MedicationRequest"):
    m = r["medicationCodeableConcept"]
    assert "coding" not in m, m
    assert m["text"] == "cycloSPORINE (环孢素), cycloSPORINE (modified) capsules", m["text"]
    assert m["extension"] == [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode": "unknown"}]
    assert any(n["text"].startswith("Medication not coded: no RxNorm or ATC code") for n in r["note"])
# Every bundle: every LOINC coding has a display; no coding of any system other than LOINC on a
# drug; riTUXimab in Tall Man letters.
for path in glob.glob(tmp + "/*.json"):
    text = open(path, encoding="utf-8").read()
    if '"resourceType": "Bundle"' not in text:
        continue
    for c in re.findall(r'\{[^{}]*"system": "http://loinc.org"[^{}]*\}', text):
        assert '"display"' in c, (path, c)
    for r in resources(path):
        if r["resourceType"] == "MedicationRequest":
            assert "coding" not in r["medicationCodeableConcept"], path
rtx = [r for r in resources(tmp + "/rituximab-375-weekly.json") if r["resourceType"] == "MedicationRequest"]
assert rtx[0]["medicationCodeableConcept"]["text"].startswith("riTUXimab (利妥昔单抗)"), rtx[0]["medicationCodeableConcept"]
# MSC: 50 million cells a dose (source 004: 5000万), counted cells in UCUM.
msc = [r for r in resources(tmp + "/msc-lupus.json") if r["resourceType"] == "MedicationRequest"]
doses = [d["doseAndRate"][0]["doseQuantity"] for r in msc for d in r["dosageInstruction"]]
assert doses and all(d == {"value": 50, "unit": "million cells", "system": "http://unitsofmeasure.org", "code": "10*6{cells}"} for d in doses), doses
# Every LOINC code of rules/labs.json has its long name in the renderer's table.
source = open(renderer, encoding="utf-8").read()
for t in json.load(open(labs_path, encoding="utf-8"))["tests"]:
    for key in ("loinc", "loinc_molar"):
        if t.get(key):
            assert re.search(r'\{"%s", "[^"]+"\}' % re.escape(t[key]), source), (t["id"], t[key])
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
