#!/usr/bin/env bash
# End-to-end tests of the doseplan command line: exit codes, stdout, stderr, output files.
# Usage: cli_test.sh PATH/TO/doseplan TESTS_DATA_DIR
# Expected numbers are worked out by hand in tests/plan/plan_test.cpp and tests/plan/dose_calculator_test.cpp.
set -u
bin="$1"
data="$2"
unset DOSEPLAN_RULES
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

check() {  # check NAME CONDITION...
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name" >&2; fi
}
contains() { grep -qF -- "$2" "$1"; }
run() {  # run ARGS... ; sets $code, $tmp/out, $tmp/err
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
  code=$?
}

itp=(plan --regimen cyclosporine-itp --weight 62kg --start 2026-12-01)

# --- the ITP example, text
run "${itp[@]}"
check "plan exits 0" test "$code" -eq 0
check "weight" contains "$tmp/out" "Weight                62 kg"
check "chosen dose is a project default" contains "$tmp/out" "5 mg/kg/day [project default]"
check "exact daily dose" contains "$tmp/out" "Exact daily dose      310 mg"
check "rounded daily dose" contains "$tmp/out" "Rounded daily dose    300 mg; twice daily"
check "morning capsules" contains "$tmp/out" "morning             150 mg = 1 capsule of 100 mg + 1 capsule of 50 mg"
check "actual dose and deviation" contains "$tmp/out" "4.84 mg/kg/day (deviation -10 mg, -3.23%)"
check "induction dates" contains "$tmp/out" "Induction       2026-12-01 to 2027-02-28"
check "maintenance dates" contains "$tmp/out" "Maintenance     2027-04-12 to 2027-06-11"
check "a monitoring date" contains "$tmp/out" "2026-12-15 ±3 d  Today: draw blood for the cycloSPORINE level first, then take the morning dose. cycloSPORINE whole-blood trough level (C0)"
check "source quoted" contains "$tmp/out" "采用环孢菌素A 4~6mg/(kg·天)"
check "disclaimer" contains "$tmp/out" "Educational aid only, not a prescription"
check "project defaults listed" contains "$tmp/out" "PROJECT DEFAULTS"
check "nothing on stderr" test ! -s "$tmp/err"

# --- JSON
run "${itp[@]}" --format json
check "json exits 0" test "$code" -eq 0
check "json parses and has the numbers" python3 - "$tmp/out" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
ind = p["phases"][0]
assert p["format_version"] == 1
assert ind["dose"]["exact_daily"] == {"value": 310, "unit": "mg"}
assert ind["dose"]["rounded_daily"] == {"value": 300, "unit": "mg"}
assert ind["first"] == "2026-12-01" and ind["last"] == "2027-02-28"
assert p["visits"][0]["date"] == "2026-11-17" and p["visits"][0]["baseline"] is True
assert "Educational aid" in p["disclaimer"]["en"]
assert any(s["id"] == "itp6-003" for s in p["sources"])
assert any(d["what"] == {"en": "dose", "zh-CN": "剂量"} for d in p["project_defaults"])
# Generated sentences carry both languages (the catalogue gives the Chinese).
assert p["visits"][0]["items"][0]["reason"] == {
    "en": "baseline 1 of 2, before day 1", "zh-CN": "基线检查第1次（共2次），治疗开始前"}
PY

# --- Simplified Chinese through the message catalogue
run "${itp[@]}" --lang zh-CN
check "zh-CN exits 0" test "$code" -eq 0
check "zh-CN labels" contains "$tmp/out" "按规格调整后的每日剂量 300 mg；每日2次"
check "zh-CN slots" contains "$tmp/out" "早上                150 mg = 100 mg胶囊1粒 + 50 mg胶囊1粒"
check "zh-CN phase names from the rules" contains "$tmp/out" "诱导期          2026-12-01 至 2027-02-28"
check "zh-CN keeps the disclaimer" contains "$tmp/out" "仅供学习参考，不是处方"
run "${itp[@]}" --lang fr
check "plan with an unknown language exits 2" test "$code" -eq 2
# An error in Chinese: the English details, then what the error id means in Chinese.
run plan --regimen cyclosporine-itp --weight 500kg --start 2026-12-01 --lang zh-CN
check "zh-CN error exits 2" test "$code" -eq 2
check "zh-CN error keeps the English details" contains "$tmp/err" "weight: 500 kg is outside the allowed range 0.5–350 kg"
check "zh-CN error gives the value, the limits and the fix in Chinese" contains "$tmp/err" "doseplan：错误：体重500 kg超出doseplan的合理范围0.5–350 kg（用于发现输入错误，不是剂量限制）；请检查数字和单位，例如 --weight 62kg。（weight）[input.out_of_range]"
check "zh-CN error writes nothing to stdout" test ! -s "$tmp/out"
run plan --regimen cyclosporine-itp --weight 500kg --start 2026-12-01
check "English error has one line" test "$(wc -l <"$tmp/err")" -eq 1

# --- CSV: one row per administration and per test, with the disclaimer and the sources
run "${itp[@]}" --format csv
check "csv exits 0" test "$code" -eq 0
check "csv rows" python3 - "$tmp/out" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8-sig")))
kinds = [r["kind"] for r in rows]
# 2026-12-01..2027-06-11 is 193 days, twice daily.
assert kinds.count("dose") == 386, kinds.count("dose")
# 16 visits: 1 + 4 items at baseline, 10 visits of 5 items (6 fortnightly, 4 monthly on start + 3 to
# 6 months), 3 re-checks of 2 items, and the end of treatment with 2 items: 1 + 4 + 50 + 6 + 2.
assert kinds.count("test") == 63, kinds.count("test")
assert kinds.count("disclaimer") == 1 and "Educational aid" in rows[kinds.index("disclaimer")]["reason"]
assert kinds.count("source") >= 1
# The regimen has a kidney rule and no creatinine was given: the first row says so (issue 15).
assert rows[0]["kind"] == "check" and "--creatinine" in rows[0]["reason"], rows[0]
first = [r for r in rows if r["kind"] == "dose"][0]
assert (first["date"], first["slot"], first["amount_mg"], first["made_of"]) == ("2026-12-01", "morning", "150", "1 capsule of 100 mg + 1 capsule of 50 mg")
last_dose = [r for r in rows if r["kind"] == "dose"][-1]
assert (last_dose["date"], last_dose["slot"], last_dose["amount_mg"]) == ("2027-06-11", "evening", "75")
PY
run "${itp[@]}" --format csv --lang zh-CN
check "csv in Chinese: names, doses and reasons" python3 - "$tmp/out" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8-sig")))
assert rows[0]["kind"] == "check" and "血肌酐" in rows[0]["reason"], rows[0]
first = [r for r in rows if r["kind"] == "dose"][0]
# Keys stay keys (kind); what people read is in Chinese, doses with Chinese units.
# The slot follows --lang (issue 20, item 10): 早上, as on the pill card.
assert (first["kind"], first["slot"], first["phase"], first["volume_mL"] or "", first["reason"]) == (
    "dose", "早上", "诱导期", "", "5 mg/(kg·天)"), first
assert sorted({r["slot"] for r in rows if r["kind"] == "dose"}) == ["早上", "晚上"]
tests = [r for r in rows if r["kind"] == "test"]
assert tests[0]["date"] == "2026-11-17" and tests[0]["reason"] == "基线检查第1次（共2次），治疗开始前", tests[0]
PY

# A spreadsheet opens the file as UTF-8 because it begins with the byte order mark, in both
# languages (issue 20, item 10; docs/csv.md); read back as Excel would, the Chinese is intact.
run "${itp[@]}" --format csv --lang zh-CN
check "csv zh-CN begins with the UTF-8 BOM" test "$(head -c 3 "$tmp/out" | od -An -tx1 | tr -d ' ')" = "efbbbf"
check "csv zh-CN read as UTF-8 with BOM: Chinese intact, first column 'kind'" python3 - "$tmp/out" <<'PY'
import csv, sys
raw = open(sys.argv[1], "rb").read()
assert raw.count(b"\xef\xbb\xbf") == 1
rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
assert rows[0][0] == "kind" and rows[0][2] == "slot", rows[0]
assert any("诱导期" in r for r in rows)
PY
run "${itp[@]}" --format csv
check "csv en begins with the UTF-8 BOM" test "$(head -c 3 "$tmp/out" | od -An -tx1 | tr -d ' ')" = "efbbbf"
run plan --regimen rituximab-1000-ra --weight 70kg --start 2026-12-01 --format csv --lang zh-CN
check "csv zh-CN: an infusion's slot is 输注" python3 - "$tmp/out" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8-sig")))
doses = [r for r in rows if r["kind"] == "dose"]
assert [(r["date"], r["slot"], r["amount_mg"]) for r in doses] == [("2026-12-01", "输注", "1000"), ("2026-12-15", "输注", "1000")], doses
PY
run plan --regimen rituximab-1000-ra --weight 70kg --start 2026-12-01 --format csv
check "csv en: an infusion's slot is infusion" python3 - "$tmp/out" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8-sig")))
assert [r["slot"] for r in rows if r["kind"] == "dose"] == ["infusion", "infusion"]
PY

# Issue 20, item 12: a fixed dose that rounding does not move (riTUXimab 1,000 mg) has no "Actual
# dose" line (it said only "1,000 mg (deviation 0 mg, 0%)"); a rounded dose still shows it.
run plan --regimen rituximab-1000-ra --weight 70kg --start 2026-12-01
check "riTUXimab 1000 text exits 0" test "$code" -eq 0
check "riTUXimab 1000 text: no Actual dose line" bash -c "! grep -q 'Actual dose' '$tmp/out'"
check "riTUXimab 1000 text: no zero deviation" bash -c "! grep -q 'deviation 0 mg' '$tmp/out'"
check "riTUXimab 1000 text: the rounded dose is still said" contains "$tmp/out" "Rounded dose          1,000 mg"
run plan --regimen rituximab-1000-ra --weight 70kg --start 2026-12-01 --lang zh-CN
check "riTUXimab 1000 zh-CN text: no Actual dose line" bash -c "! grep -q '实际剂量' '$tmp/out'"
run "${itp[@]}"
check "ITP text: the rounded dose's deviation is still shown" contains "$tmp/out" "Actual dose           4.84 mg/kg/day (deviation -10 mg, -3.23%)"

# --- the example patient file (the README's first command)
run plan --input "$(dirname "$0")/../../examples/patient-itp.json"
check "example patient exits 0" test "$code" -eq 0
check "example patient plan" contains "$tmp/out" "Rounded daily dose    300 mg"
run plan --input "$(dirname "$0")/../../examples/patient-itp.json" --weight 70kg
check "a flag overrides the file" contains "$tmp/out" "Exact daily dose      350 mg"

printf '{"regimen": "cyclosporine-itp"}' >"$tmp/partial.json"
run plan --input "$tmp/partial.json" --weight 62kg --start 2026-12-01
check "a file may leave out what the flags give" contains "$tmp/out" "Exact daily dose      310 mg"
printf '{"regimen": "cyclosporine-itp", "weight": 62}' >"$tmp/bad-request.json"
run plan --input "$tmp/bad-request.json"
check "a bad request file exits 2" test "$code" -eq 2
check "a bad request file names the pointer" contains "$tmp/err" "bad-request.json:/weight: expected a string, found a number [request.wrong_type]"
check "a request file without a start says so" contains "$tmp/err" "bad-request.json:/start: required field is missing [request.missing_field]"
printf '{"regimen": ' >"$tmp/truncated.json"
run plan --input "$tmp/truncated.json"
check "a truncated request file is a syntax error" contains "$tmp/err" "[request.syntax]"

# --- bad input: exit 2, a message naming the field, nothing on stdout
run plan --regimen cyclosporine-itp --weight "62 kgg" --start 2026-12-01
check "bad weight exits 2" test "$code" -eq 2
check "bad weight message" contains "$tmp/err" \
  'doseplan: error: weight: unknown unit "kgg" in "62 kgg"; expected a body mass such as "62 kg" or "136.5 lb" [quantity.unknown_unit]'
check "bad weight prints no plan" test ! -s "$tmp/out"

run "${itp[@]}" --dose 7mg/kg/d
check "dose out of range exits 2" test "$code" -eq 2
check "dose out of range message" contains "$tmp/err" \
  'doseplan: error: dose: 7 mg/kg/day is outside the allowed range 4–6 mg/kg/day; source itp6-003 (环孢菌素A治疗难治性免疫性血小板减少性紫癜, 环孢菌素A治疗难治性免疫性血小板减少性紫癜 — 治疗方法): “治疗方法:采用环孢菌素A 4~6mg/(kg·天),分2~3次口服,连服2~3月。”'

run "${itp[@]}" --doses-per-day 4
check "doses per day out of range exits 2" test "$code" -eq 2
check "doses per day message" contains "$tmp/err" "doses-per-day: 4 doses a day is outside the allowed range 2–3 doses a day"

run "${itp[@]}" --induction 4mo
check "induction too long exits 2" test "$code" -eq 2
check "induction message" contains "$tmp/err" "induction: 4 months is outside the allowed range 2 months to 3 months"

run plan --regimen cyclosporine-itp --weight 62kg --start 2026-02-30
check "impossible date exits 2" test "$code" -eq 2
check "impossible date message" contains "$tmp/err" "[input.bad_date]"

run plan --regimen nope --weight 62kg --start 2026-12-01
check "unknown regimen exits 2" test "$code" -eq 2
check "unknown regimen lists known ones" grep -qE 'no regimen "nope"; known: .*cyclosporine-itp' "$tmp/err"

run plan --bogus
check "unknown flag exits 2" test "$code" -eq 2
check "usage error id" contains "$tmp/err" "[usage.invalid]"

run --help
check "--help exits 0" test "$code" -eq 0
run --version
check "--version exits 0" test "$code" -eq 0

run --rules "$data/rules" plan --regimen test-taper --weight 50kg --start 2026-01-31
check "--rules chooses the rules directory" contains "$tmp/out" "Induction       2026-01-31 to 2026-03-13"
DOSEPLAN_RULES="$data/rules" "$bin" plan --regimen test-taper --weight 50kg --start 2026-01-31 >"$tmp/out" 2>&1
check "DOSEPLAN_RULES chooses the rules directory" contains "$tmp/out" "TESTdrug"

run "${itp[@]}" --product cyclosporine-nonmodified-capsule
check "non-modified cyclosporine is refused for a modified regimen" test "$code" -eq 2
check "the refusal says why" contains "$tmp/err" "not cyclosporine-nonmodified-capsule (non-modified cycloSPORINE is not interchangeable with modified cycloSPORINE) [input.product_not_allowed]"
run "${itp[@]}" --height 165cm --sex female --birth-date 1981-05-02 --creatinine 97umol/L --explain
check "explain exits 0" test "$code" -eq 0
check "explain shows the exact dose step" contains "$tmp/out" "exact daily dose: 5 mg/kg/day × 62 kg × 1 day = 310 mg"
check "explain shows the rounding" contains "$tmp/out" "rounded dose: 310 mg ÷ 25 mg = 12.4 steps → 12 steps"
check "eGFR in the plan" contains "$tmp/out" "eGFR                  63 mL/min/1.73 m² (CKD-EPI 2021, adults)"
run "${itp[@]}" --sex other
check "a bad sex exits 2" test "$code" -eq 2
check "a bad sex is named" contains "$tmp/err" 'sex: "other" is not female or male [input.bad_sex]'
run "${itp[@]}" --creatinine 0umol/L
check "a zero creatinine exits 2" test "$code" -eq 2

# --- batch: JSON Lines in, one result per line in order, a summary on stderr
printf '%s\n' '{"regimen":"cyclosporine-itp","weight":"62 kg","start":"2026-12-01"}' \
  '{"regimen":"cyclosporine-itp","weight":"62 kgg","start":"2026-12-01"}' '' \
  '{"regimen":"cyclosporine-itp","weight":"50 kg","start":"2026-01-31","dose":"4 mg/kg/d","doses_per_day":3}' \
  >"$tmp/requests.jsonl"
run batch --input "$tmp/requests.jsonl"
check "batch with a bad line exits 2" test "$code" -eq 2
check "batch summary" contains "$tmp/err" "doseplan batch: 4 lines, 2 plans, 2 refused"
check "batch results" python3 - "$tmp/out" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert [l["line"] for l in lines] == [1, 2, 3, 4]
assert [l["ok"] for l in lines] == [True, False, False, True]
assert lines[0]["plan"]["phases"][0]["dose"]["rounded_daily"] == {"value": 300, "unit": "mg"}
assert lines[1]["errors"][0]["id"] == "quantity.unknown_unit" and lines[1]["errors"][0]["where"] == "line 2:/weight"
assert lines[2]["errors"][0]["id"] == "request.empty_line"
# 4 x 50 = 200 mg three times daily: 75, 75, 50 mg (see rules/cyclosporine-itp.json, case 2).
assert [a["amount"]["value"] for a in lines[3]["plan"]["phases"][0]["dose"]["administrations"]] == [75, 75, 50]
PY
head -1 "$tmp/requests.jsonl" | "$bin" batch >"$tmp/out" 2>"$tmp/err"
check "batch from stdin exits 0 when every line is planned" test "$?" -eq 0
# The audit trail only with --explain: 310 mg exact (5 mg/kg/day x 62 kg), rounded to 300 mg.
head -1 "$tmp/requests.jsonl" | "$bin" batch --explain >"$tmp/out-explain" 2>"$tmp/err"
check "batch --explain: every dose and the patient carry their audit" python3 - "$tmp/out" "$tmp/out-explain" <<'PY'
import json, sys
quiet, told = (json.loads(open(f, encoding="utf-8").readline())["plan"] for f in sys.argv[1:3])
assert "audit" not in quiet["patient"] and all("audit" not in p["dose"] for p in quiet["phases"])
assert "audit" in told["patient"] and all(p["dose"]["audit"] for p in told["phases"])
exact = [a for a in told["phases"][0]["dose"]["audit"] if a["what"]["en"] == "exact daily dose"][0]
assert exact["how"]["en"] == "5 mg/kg/day \u00d7 62 kg \u00d7 1 day" and exact["result"]["en"] == "310 mg", exact
for p in told["phases"]: del p["dose"]["audit"]
del told["patient"]["audit"]
assert told == quiet  # nothing else differs
PY

# --- regimens, show, check-rules
run --rules "$data/rules" regimens
check "regimens exits 0" test "$code" -eq 0
check "regimens lists ids" contains "$tmp/out" "test-titration"
check "regimens shows drug and evidence" contains "$tmp/out" "TESTdrug — Engine tests (experimental)"
check "regimens carries the disclaimer" contains "$tmp/out" "Educational aid only"
run --rules "$data/rules" regimens --format json
check "regimens json" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [r["id"] for r in d["regimens"]] == ["test-cycles","test-taper","test-titration"]; assert "Educational" in d["disclaimer"]["en"]' "$tmp/out"
run --rules "$data/rules" show test-taper --lang zh-CN
check "show in Chinese" contains "$tmp/out" "测试药 — 引擎测试"
check "show quotes the source" contains "$tmp/out" "“2-8 mg/kg/day, 1-3 doses a day.”"
check "show labels in Chinese" contains "$tmp/out" "允许范围：2–8 mg/(kg·天) [来源 test-src]"
run --rules "$data/rules" show test-taper --format json
check "show json" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["dose"]["range"]["min"] == {"value": 2, "unit": "mg/kg/d"}' "$tmp/out"
run --rules "$data/rules" show nope
check "show of an unknown regimen exits 2" test "$code" -eq 2
run --rules "$data/rules" regimens --lang fr
check "an unknown language exits 2" test "$code" -eq 2
check "an unknown language is named" contains "$tmp/err" "lang: \"fr\" is not a language doseplan writes; expected en or zh-CN [input.bad_lang]"
run check-rules "$data/rules"
check "check-rules on good rules exits 0" test "$code" -eq 0
check "check-rules counts" contains "$tmp/out" "3 regimens, 4 products, 1 tests, 0 golden cases: no problems"
mkdir "$tmp/badrules"
cp "$data/rules/"*.json "$tmp/badrules/"
cp "$data/bad/several_at_once.json" "$tmp/badrules/test-taper.json"
run check-rules "$tmp/badrules"
check "check-rules on bad rules exits 2" test "$code" -eq 2
check "check-rules reports every problem" test "$(grep -c 'doseplan: error:' "$tmp/err")" -eq 2
check "check-rules names file and pointer" contains "$tmp/err" "test-taper.json:/evidence: \"anecdote\" is not an evidence level"

# --- -o FILE: written whole on success, not at all on failure, no temporary left behind
run "${itp[@]}" -o "$tmp/plan.txt"
check "-o exits 0" test "$code" -eq 0
check "-o writes the plan" contains "$tmp/plan.txt" "310 mg"
check "-o prints nothing" test ! -s "$tmp/out"
run "${itp[@]}" --dose 9mg/kg/d -o "$tmp/bad.txt"
check "-o on bad input exits 2" test "$code" -eq 2
check "-o on bad input writes no file" test ! -e "$tmp/bad.txt"
check "no temporary files left" test -z "$(find "$tmp" -name '.*.XXXXXX' -o -name '.plan.txt.*' -o -name '.bad.txt.*' -o -name '.*.doseplan-tmp-*')"

# --- the PDF renderer is a module (doseplan_pdf.so) loaded only for --format pdf
check "the executable does not link cairo or pango" test -z "$(ldd "$bin" | grep -E 'libcairo|libpango')"
run "${itp[@]}" --format pdf -o "$tmp/itp.pdf"
check "pdf with the module exits 0" test "$code" -eq 0
check "pdf written" test "$(head -c 5 "$tmp/itp.pdf")" = "%PDF-"
mkdir -p "$tmp/alone"
cp "$bin" "$tmp/alone/doseplan"
"$tmp/alone/doseplan" "${itp[@]}" >"$tmp/out" 2>"$tmp/err"
check "without the module, text still works" test "$?" -eq 0
"$tmp/alone/doseplan" "${itp[@]}" --format pdf -o "$tmp/alone.pdf" >"$tmp/out" 2>"$tmp/err"
check "without the module, pdf exits 2" test "$?" -eq 2
check "without the module, the error says so" contains "$tmp/err" "the PDF renderer of doseplan (doseplan_pdf.so) could not be loaded; no $tmp/alone/doseplan_pdf.so"
check "without the module, the error id" contains "$tmp/err" "[output.pdf_failed]"
check "without the module, no pdf file" test ! -e "$tmp/alone.pdf"

# --- products honest (issue 15, item 9): market strengths, provenance, target dose; item 10
# Default: every strength; 310 mg -> 300 mg = 150 + 150 = 1 x 100 + 1 x 50 mg; the 50 mg capsule
# is sold only in New Zealand and the United Kingdom, and the plan says so with its source.
run "${itp[@]}"
check "strengths and their source" contains "$tmp/out" "Strengths: 25 mg, 50 mg, 100 mg (source neoral-label)"
check "strengths the plan uses" contains "$tmp/out" "this plan uses 25 mg, 50 mg, 100 mg"
check "market-limited strength named" contains "$tmp/out" "50 mg is sold only in some markets: New Zealand, United Kingdom (source neoral-label"
# --market us: 25 and 100 mg only, step 25 mg: 310 / 25 = 12.4 -> 12 steps = 300 mg, 6 + 6 steps
# = 150 mg each = 1 x 100 + 2 x 25 mg (3 capsules; 6 x 25 would be 6).
run "${itp[@]}" --market us
check "market us exits 0" test "$code" -eq 0
check "market us: 1 x 100 + 2 x 25" contains "$tmp/out" "morning             150 mg = 1 capsule of 100 mg + 2 capsules of 25 mg"
check "market us: said" contains "$tmp/out" "Market United States (--market us): only the strengths sold there are used; 50 mg is not sold there"
check "market us: no 50 mg capsule" bash -c "! grep -qE 'capsules? of 50 mg' '$tmp/out'"
printf '{"regimen": "cyclosporine-itp", "weight": "62 kg", "start": "2026-12-01", "market": "us"}' >"$tmp/us.json"
run plan --input "$tmp/us.json" --format json
check "market in a request" python3 - "$tmp/out" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
assert p["product"]["market"] == {"id": "us", "name": {"en": "United States", "zh-CN": "美国"}}
assert [s["value"] for s in p["product"]["strengths"]] == [25, 100]
assert p["product"]["from"] == {"source": "neoral-label"}
assert p["phases"][0]["dose"]["administrations"][0]["text"]["en"] == "1 × 100 mg + 2 × 25 mg"
PY
run "${itp[@]}" --market fr
check "unknown market exits 2" test "$code" -eq 2
check "unknown market names the known ones" contains "$tmp/err" 'market: no market "fr"; known: nz (New Zealand), uk (United Kingdom), us (United States) [input.unknown_market]'
# A project default stands for strengths no label quote gives: mycophenolate 500 mg tablets.
# SLS II target 1,500 mg twice daily = 3 x 500 mg, each dose line says it is the target dose.
myco=(plan --regimen mycophenolate-ssc --weight 62kg --start 2026-12-01 --age 45)
run "${myco[@]}"
check "mycophenolate exits 0" test "$code" -eq 0
check "mycophenolate strengths are a project default" contains "$tmp/out" "Strengths: 500 mg (project default: The marketed strength 500 mg"
check "mycophenolate dose line says target" contains "$tmp/out" "[target dose, reached after titration: not the starting dose;"
for f in html json fhir; do
  run "${myco[@]}" --format "$f"
  check "mycophenolate $f says target dose" contains "$tmp/out" "target dose, reached after titration"
  check "mycophenolate $f names the strengths' project default" contains "$tmp/out" "The marketed strength 500 mg of mycophenolate mofetil tablets"
done
# CSV injection (issue 18, 10): no text cell begins with = + - @ (a spreadsheet would run it); the
# window "-3/+3 d" is written "'-3/+3 d"; the numeric columns stay numbers.
run "${itp[@]}" --format csv
check "csv cells neutralised" python3 - "$tmp/out" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8-sig")))
for r in rows:
    for k, v in r.items():
        if k not in ("amount_mg", "volume_mL"):
            assert not v or v[0] not in "=+-@\t\r", (k, v)
windows = [r["window"] for r in rows if r["kind"] == "test" and r["window"]]
assert windows and all(w.startswith("'-") for w in windows), windows[:3]
assert all(float(r["amount_mg"]) > 0 for r in rows if r["kind"] == "dose")
PY
run "${myco[@]}" --format csv
check "mycophenolate csv says target dose" contains "$tmp/out" "target dose, reached after titration"
# Molar LOINC: the baseline creatinine 97 umol/L is coded 14682-9 (moles), not 2160-0 (mass).
run "${itp[@]}" --creatinine 97umol/L --format fhir
check "fhir creatinine molar code" python3 - "$tmp/out" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
obs = [e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == "Observation"
       and e["resource"]["code"]["text"].startswith("Serum creatinine")]
assert len(obs) == 1, obs
assert obs[0]["code"]["coding"][0]["code"] == "14682-9"
assert obs[0]["valueQuantity"]["value"] == 97 and obs[0]["valueQuantity"]["code"] == "umol/L"
PY
# Tall Man in every English text a plan carries (not ids, not the cited documents' titles).
for args in "cyclosporine-itp" "cyclosporine-psoriasis" "cyclosporine-localized-scleroderma" "cyclosporine-ssc" "rituximab-375-weekly --height 170cm"; do
  run plan --regimen $args --weight 62kg --start 2026-12-01 --age 45 --format json
  check "tall man in $args" python3 - "$tmp/out" <<'PY'
import json, re, sys
bad = []
def walk(x, key=""):
    if isinstance(x, dict):
        for k, v in x.items():
            if k not in ("sources", "id", "regimen", "file"):
                walk(v, k)
    elif isinstance(x, list):
        for v in x:
            walk(v, key)
    elif isinstance(x, str) and key == "en":
        if re.search(r"(?<![\w/-])([Cc]yclosporine|[Rr]ituximab)(?![\w-])", x):
            bad.append(x)
walk(json.load(open(sys.argv[1])))
assert not bad, bad
PY
done
# "Starting dose dose": the advisory names the phase in quotes, never "<phase name> dose".
# 70 kg x 4 mg/kg/day = 280 mg -> 275 mg (11 steps of 25) = 3.93 mg/kg/day, below the range 4.
run plan --regimen cyclosporine-itp --weight 70kg --start 2026-12-01 --dose 4mg/kg/d
check "rounding advisory names the phase" contains "$tmp/out" "the daily dose in “Induction” is 275 mg (3.93 mg/kg/day), against the calculated 280 mg (-1.79%). This is below the regimen's range"

# --- the plan judges the patient (issue 15); numbers worked out in the regimens' golden cases
# 80-year-old woman, creatinine 2.0 mg/dL: CKD-EPI 2021 = 24.8; 100 kg at 160 cm = 191% of 52.38 kg.
ra=(plan --regimen cyclosporine-ra --start 2026-12-01)
run "${ra[@]}" --weight 100kg --height 160cm --sex female --age 80 --creatinine 2.0mg/dL
check "judged: exits 0" test "$code" -eq 0
check "judged: checks before the patient" python3 - "$tmp/out" <<'PY'
import sys
t = open(sys.argv[1], encoding="utf-8").read()
assert t.index("CHECKS ABOUT THE PATIENT") < t.index("PATIENT\n"), t[:400]
assert "eGFR 24.8 mL/min/1.73 m² (CKD-EPI 2021), that is eGFR below 60 mL/min/1.73 m²" in t
assert "Body weight 100 kg is 191% of the ideal body weight 52.38 kg" in t
assert "on ideal weight 130.95 mg (52.38 kg)" in t  # 2.5 x 52.38
PY
run "${ra[@]}" --weight 100kg --height 160cm --sex female --age 80 --creatinine 2.0mg/dL --format json
check "judged: JSON checks" python3 - "$tmp/out" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
assert [c["id"] for c in p["checks"]] == ["kidney_function", "body_size.above_ideal"], p["checks"]
assert p["checks"][0]["rule"] == "abnormal-renal-function" and p["checks"][0]["action"] == "warn"
PY
# A 10-year-old under the adult-only label: refused (exit 2, nothing written), unless acknowledged.
run "${ra[@]}" --weight 35kg --age 10 -o "$tmp/child.pdf" --format pdf
check "child: exit 2" test "$code" -eq 2
check "child: input.population" contains "$tmp/err" "[input.population]"
check "child: the flag is named" contains "$tmp/err" "--acknowledge-off-label"
check "child: no file" test ! -e "$tmp/child.pdf"
run "${ra[@]}" --weight 35kg --age 10 --acknowledge-off-label --format pdf -o "$tmp/child.pdf"
check "child acknowledged: exits 0" test "$code" -eq 0
if command -v pdftotext >/dev/null 2>&1; then
  pages=$(pdfinfo "$tmp/child.pdf" | awk '/^Pages:/ {print $2}')
  missing=0
  for ((i = 1; i <= pages; i++)); do
    pdftotext -f "$i" -l "$i" "$tmp/child.pdf" "$tmp/page.txt"
    tr -d '\n' <"$tmp/page.txt" | grep -q "acknowledge-off-label" || missing=$((missing + 1))
  done
  check "child acknowledged: the acknowledgement on each of the $pages pages" test "$missing" -eq 0
fi
# A taper step the capsules can not give: 0.01 x 62 = 0.62 mg < 25 mg.
run "${itp[@]}" --taper-step 0.01mg/kg/d -o "$tmp/taper.json" --format json
check "tiny taper step: exit 2" test "$code" -eq 2
check "tiny taper step: named" contains "$tmp/err" "taper-step: 0.01 mg/kg/day × 62 kg = 0.62 mg a day is less than 25 mg"
check "tiny taper step: no file" test ! -e "$tmp/taper.json"

# --- issue 18: what -o refuses, what it writes into in place, what it keeps; stdout checked
cp "$tmp/requests.jsonl" "$tmp/in.jsonl"
cp "$tmp/in.jsonl" "$tmp/in-before.jsonl"
run batch --input "$tmp/in.jsonl" -o "$tmp/in.jsonl"
check "batch -o its own input: exit 2" test "$code" -eq 2
check "batch -o its own input: output.is_input" contains "$tmp/err" "[output.is_input]"
check "batch -o its own input: the input unchanged" cmp -s "$tmp/in.jsonl" "$tmp/in-before.jsonl"
printf '%s\n' '{"regimen":"cyclosporine-itp","weight":"62 kg","start":"2026-12-01"}' >"$tmp/req.json"
cp "$tmp/req.json" "$tmp/req-before.json"
ln -s "$tmp/req.json" "$tmp/req-link.json"
run plan --input "$tmp/req.json" -o "$tmp/req-link.json"
check "plan -o its input (through a link): exit 2" test "$code" -eq 2
check "plan -o its input: output.is_input" contains "$tmp/err" "[output.is_input]"
check "plan -o its input: unchanged" cmp -s "$tmp/req.json" "$tmp/req-before.json"
printf 'SQLite format 3\000 and then pages' >"$tmp/some.sqlite"
cp "$tmp/some.sqlite" "$tmp/some-before.sqlite"
run "${itp[@]}" --format json -o "$tmp/some.sqlite"
check "plan -o an SQLite file: exit 2" test "$code" -eq 2
check "plan -o an SQLite file: output.is_input" contains "$tmp/err" "[output.is_input]"
check "plan -o an SQLite file: unchanged" cmp -s "$tmp/some.sqlite" "$tmp/some-before.sqlite"
# A FIFO stays a FIFO: the plan is written into it (never renamed over).
mkfifo "$tmp/fifo"
timeout 60 cat "$tmp/fifo" >"$tmp/fifo-read" &
reader=$!
run "${itp[@]}" -o "$tmp/fifo"
check "-o a FIFO: exit 0" test "$code" -eq 0
check "-o a FIFO: still a FIFO" test -p "$tmp/fifo"
[ -p "$tmp/fifo" ] || kill "$reader" 2>/dev/null
wait "$reader"
check "-o a FIFO: the plan went through it" contains "$tmp/fifo-read" "310 mg"
if [ "$(id -u)" -eq 0 ]; then  # a device node of our own (mknod needs root)
  mknod "$tmp/null" c 1 3
  run "${itp[@]}" -o "$tmp/null"
  check "-o a device: exit 0" test "$code" -eq 0
  check "-o a device: still a device" test -c "$tmp/null"
fi
# Replacing a regular file keeps its permission bits; a new file is 0600.
echo old >"$tmp/mode.txt"
chmod 640 "$tmp/mode.txt"
run "${itp[@]}" -o "$tmp/mode.txt"
check "-o keeps the mode of the file it replaces" test "$(stat -c %a "$tmp/mode.txt")" = 640
check "-o replaced the content" contains "$tmp/mode.txt" "310 mg"
# Temporaries of a killed run are removed by the next one; a live process's are kept.
sh -c 'exit 0' & dead=$!
wait "$dead"
echo plan-data >"$tmp/.old.txt.doseplan-tmp-$dead"
echo plan-data >"$tmp/.live.txt.doseplan-tmp-$$"
run "${itp[@]}" -o "$tmp/new.txt"
check "a dead process's temporary is removed" test ! -e "$tmp/.old.txt.doseplan-tmp-$dead"
check "a live process's temporary is kept" test -e "$tmp/.live.txt.doseplan-tmp-$$"
rm -f "$tmp/.live.txt.doseplan-tmp-$$"
# An unwritable stdout is exit 2, and batch claims no plans.
"$bin" "${itp[@]}" >/dev/full 2>"$tmp/err"
code=$?
check "plan >/dev/full: exit 2" test "$code" -eq 2
check "plan >/dev/full: output.unwritable" contains "$tmp/err" "[output.unwritable]"
"$bin" batch --input "$tmp/req.json" >/dev/full 2>"$tmp/err"  # one valid line
code=$?
check "batch >/dev/full: exit 2" test "$code" -eq 2
check "batch >/dev/full: output.unwritable" contains "$tmp/err" "[output.unwritable]"
check "batch >/dev/full: no summary of plans" test -z "$(grep -F 'plans,' "$tmp/err")"
# batch -o streams: the temporary file grows while the input is still open.
mkfifo "$tmp/batch-in"
for i in $(seq 40); do head -1 "$tmp/requests.jsonl"; done >"$tmp/forty.jsonl"
"$bin" batch --input "$tmp/batch-in" -o "$tmp/stream.jsonl" >/dev/null 2>&1 &
batcher=$!
exec 7>"$tmp/batch-in"  # the input stays open until the check below
cat "$tmp/forty.jsonl" >&7
streamed=no
for i in $(seq 600); do
  if [ -n "$(find "$tmp" -maxdepth 1 -name '.stream.jsonl.doseplan-tmp-*' -size +1k)" ]; then
    streamed=yes
    break
  fi
  sleep 0.1
done
exec 7>&-
wait "$batcher"
check "batch -o streams into its temporary file" test "$streamed" = yes
check "batch -o: all 40 plans" test "$(wc -l <"$tmp/stream.jsonl")" -eq 40
# --jobs: the lines planned on several threads are written as one thread writes them, in order.
python3 "$data/../../bench/random_requests.py" "$data/../../rules" 300 5 >"$tmp/random.jsonl"
"$bin" --rules "$data/../../rules" batch --input "$tmp/random.jsonl" --jobs 1 >"$tmp/jobs1" 2>"$tmp/jobs1.err"
"$bin" --rules "$data/../../rules" batch --input "$tmp/random.jsonl" --jobs 3 >"$tmp/jobs3" 2>"$tmp/jobs3.err"
check "batch --jobs 3: the bytes of --jobs 1" cmp -s "$tmp/jobs1" "$tmp/jobs3"
check "batch --jobs 3: the same summary" cmp -s "$tmp/jobs1.err" "$tmp/jobs3.err"
check "batch --jobs: 300 lines in order" python3 -c 'import json,sys; assert [json.loads(l)["line"] for l in open(sys.argv[1])] == list(range(1, 301))' "$tmp/jobs3"
check "batch --jobs: plans and refusals both" python3 -c 'import json,sys; ok=[json.loads(l)["ok"] for l in open(sys.argv[1])]; assert 0 < sum(ok) < 300, sum(ok)' "$tmp/jobs3"
# A batch line with a key written twice is refused, not read with the last value (issue 18, 8).
printf '%s\n' '{"regimen": "cyclosporine-itp", "weight": "62 kg", "start": "2026-12-01", "weight": "90 kg"}' \
  >"$tmp/duplicate.jsonl"
run batch --input "$tmp/duplicate.jsonl"
check "batch duplicate key: exit 2" test "$code" -eq 2
check "batch duplicate key: named with its pointer" contains "$tmp/out" '"id":"request.duplicate_field","where":"line 1:/weight"'

echo "$passed passed, $failed failed"
test "$failed" -eq 0
