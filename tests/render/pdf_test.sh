#!/usr/bin/env bash
# End-to-end tests of the PDF schedule: tests/render/pdf_test.sh BINARY
#
# Makes PDFs with `BINARY plan ... --format pdf --lang LANG -o FILE` and reads them back with
# poppler-utils (pdfinfo, pdffonts, pdftotext): A4 pages, several of them, every font embedded
# (a CJK one among them), the doses, dates and monitoring dates, the patient label, the disclaimer
# and "Page N of M" on every page, and the Chinese texts in zh-CN.
# Prints "N passed, M failed" last; exits 1 when a check failed.
set -u

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BINARY" >&2
  exit 2
fi
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
export DOSEPLAN_RULES=${DOSEPLAN_RULES:-$HERE/../../rules}

for tool in pdfinfo pdffonts pdftotext; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool not found (Debian: poppler-utils)" >&2
    exit 2
  fi
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $*"
}
# check NAME COMMAND...: one check, passed when COMMAND succeeds.
check() {
  local name=$1
  shift
  if "$@"; then pass; else fail "$name"; fi
}
has() { grep -qF -- "$2" <<<"$1"; }  # has TEXT NEEDLE

# pdf_case NAME LANG PLAN-ARGS... -- NEEDLES...: make one PDF, then run every check on it.
pdf_case() {
  local name=$1 lang=$2
  shift 2
  local args=()
  while [[ $1 != -- ]]; do
    args+=("$1")
    shift
  done
  shift
  local needles=("$@")
  local pdf="$WORK/$name.pdf"

  if ! "$BIN" plan "${args[@]}" --format pdf --lang "$lang" -o "$pdf" 2>"$WORK/$name.err"; then
    fail "$name: doseplan failed: $(cat "$WORK/$name.err")"
    return
  fi
  pass
  check "$name: file starts with %PDF" grep -q '^%PDF-' <(head -c 8 "$pdf")

  # Page size and page count.
  local info pages
  info=$(pdfinfo "$pdf")
  check "$name: A4 pages (595.28 x 841.89 pts)" \
    grep -Eq '^Page size: +595\.2[0-9]* x 841\.89 pts \(A4\)' <<<"$info"
  pages=$(awk '/^Pages:/ {print $2}' <<<"$info")
  check "$name: several pages (got ${pages:-none})" test "${pages:-0}" -ge 3
  echo "$name: ${pages:-?} pages"

  # Fonts: every one embedded, a CJK one among them.
  local fonts
  fonts=$(pdffonts "$pdf" | tail -n +3)
  check "$name: fonts listed" test -n "$fonts"
  # Columns from the right: object ID (2), uni, sub, emb; names have no spaces.
  check "$name: every font embedded" \
    awk '{ if ($(NF-4) != "yes") bad = 1 } END { exit bad }' <<<"$fonts"
  check "$name: a CJK font embedded" \
    awk '$1 ~ /CJK/ && $(NF-4) == "yes" { found = 1 } END { exit !found }' <<<"$fonts"

  # The whole text: doses, dates, Chinese, page numbers. A table cell may wrap a long dose
  # ("1 capsule of 100 mg + 1 capsule" / "of 50 mg"), so the needles are looked for in the text
  # with every run of white space made one space. A needle "!TEXT" must not be there.
  # pdftotext's reading order may run a line of the next cell into a wrapped one (at 12 pt the
  # medication card's cells wrap differently); -raw keeps the order drawn, cell by cell, so a needle
  # is looked for in both; and, for Chinese wrapped between two characters, in -raw's text with
  # the line ends taken out (not made spaces).
  local text flat raw
  text=$(pdftotext -q -enc UTF-8 "$pdf" -)
  raw=$(pdftotext -q -raw -enc UTF-8 "$pdf" -)
  flat=$(tr -s '[:space:]' ' ' <<<"$text")
  flat+=" | "$(tr -s '[:space:]' ' ' <<<"$raw")" | "$(tr -d '\n' <<<"$raw")
  local needle
  for needle in "${needles[@]}"; do
    if [[ $needle == '!'* ]]; then
      check "$name: text has no \"${needle#!}\"" bash -c '! grep -qF -- "$2" <<<"$1"' _ "$flat" \
        "${needle#!}"
    else
      check "$name: text has \"$needle\"" has "$flat" "$needle"
    fi
  done
  check "$name: no unknown page total" bash -c '! grep -qF -- "of ?" <<<"$1"' _ "$text"
  # Issue 17: a numbered bibliography whose addresses are links, and the rules stamp.
  check "$name: numbered bibliography" has "$flat" "[1] "
  check "$name: links to the documents" grep -aqF "/URI (https://" "$pdf"
  check "$name: no path outside the product" bash -c '! grep -qF -- "shared/" <<<"$1"' _ "$flat"

  # Every page: the disclaimer, the patient label, the plan date and its page number.
  local disclaimer page_label n page_text regimen
  regimen=${args[1]}
  if [[ $lang == zh-CN ]]; then disclaimer="仅供学习参考"; else disclaimer="Educational aid only"; fi
  local bad_disclaimer=() bad_label=() bad_number=()
  for ((n = 1; n <= ${pages:-0}; n++)); do
    page_text=$(pdftotext -q -enc UTF-8 -f "$n" -l "$n" "$pdf" -)
    has "$page_text" "$disclaimer" || bad_disclaimer+=("$n")
    has "$page_text" "sha256 " || bad_disclaimer+=("$n (rules stamp)")
    { has "$page_text" "$regimen" && has "$page_text" "62 kg" && has "$page_text" "2026-12-01"; } ||
      bad_label+=("$n")
    if [[ $lang == zh-CN ]]; then
      page_label="第${n}页，共${pages}页"
    else
      page_label="Page $n of $pages"
    fi
    has "$page_text" "$page_label" || bad_number+=("$n")
  done
  check "$name: disclaimer on every page (missing on: ${bad_disclaimer[*]:-})" \
    test ${#bad_disclaimer[@]} -eq 0
  check "$name: patient label and plan date on every page (missing on: ${bad_label[*]:-})" \
    test ${#bad_label[@]} -eq 0
  check "$name: page number on every page (missing on: ${bad_number[*]:-})" \
    test ${#bad_number[@]} -eq 0
}

ITP=(--regimen cyclosporine-itp --weight 62kg --start 2026-12-01)
SCOT=(--regimen cyclophosphamide-iv-scot --weight 62kg --height 165cm --start 2026-12-01)

# Both languages carry the same doses and dates; the English PDF also carries the Chinese
# disclaimer and the Chinese drug name. The product units are counted as a patient counts them,
# in each language's words ("1 capsule of 100 mg" / "100 mg胶囊1粒"; ITP: 62 kg, 150 mg =
# 100 + 50 mg in the morning of induction, 125 mg = 100 + 25 mg in the taper, 75 mg = 50 + 25 mg
# in maintenance); Chinese numbers have no thousands separator (1,260 mg / 1260 mg).
ITP_COMMON=("150 mg" "75 mg" "2026-12-01" "2027-06-11" "2026-11-17" "2026-11-24" "2027-03-15"
  "2027-05-01" "cycloSPORINE" "环孢素" "仅供学习参考" "itp6-003")
ITP_EN=("1 capsule of 100 mg + 1 capsule of 50 mg" "1 capsule of 100 mg + 1 capsule of 25 mg"
  "1 capsule of 50 mg + 1 capsule of 25 mg" "!1 × 100 mg"
  # a trough day's calendar cell, before its doses (issue 16, S3; issue 20, item 1)
  "Today: draw blood for the cycloSPORINE level first, then take the morning dose."
  "Morning and evening, about 12 hours apart, at the same times every day.")
ITP_ZH=("100 mg胶囊1粒 + 50 mg胶囊1粒" "100 mg胶囊1粒 + 25 mg胶囊1粒" "50 mg胶囊1粒 + 25 mg胶囊1粒"
  "今天先抽血"  # a trough day's calendar cell says it first (issue 20, item 1)
  "!1 × 100 mg")
SCOT_COMMON=("840 mg" "2026-12-01" "2027-11-01" "2026-11-30" "2026-12-11" "2027-11-11"
  "1.69 m²" "环磷酰胺" "scot-nct00114530")
# 750 mg/m² × 1.69 m² = 1,260 mg: a 1,000 mg and a 500 mg vial, 240 mg of them left over.
SCOT_EN=("1,260 mg"
  "1,260 mg IV (prepare 1 vial of 1,000 mg + 1 vial of 500 mg; only 1,260 mg of it is used)"
  "840 mg IV (prepare 1 vial of 1,000 mg; only 840 mg of it is used)"
  "!draw blood for the"  # no drug-level test, no such line
  # Infusions are appointments, not a time of day (issue 20, item 3): no slot columns.
  "Medication card: infusion appointments" "Infusion appointment: what is given"
  "!Pill card" "!Morning" "!Noon" "!Bedtime")
SCOT_ZH=("1260 mg" "静脉输注 1260 mg（配制时准备 1000 mg 规格 1 瓶 + 500 mg 规格 1 瓶，只用其中 1260 mg）"
  "静脉输注 840 mg（配制时准备 1000 mg 规格 1 瓶，只用其中 840 mg）" "!1,260 mg" "!1,000 mg"
  "用药卡：输注预约" "输注预约：用药内容" "!服药卡")

pdf_case itp-en en "${ITP[@]}" -- "${ITP_COMMON[@]}" "${ITP_EN[@]}" \
  "twice daily" "Page 1 of" "Educational aid only" "Induction" "Where sources disagree" \
  "Project defaults"
pdf_case itp-zh zh-CN "${ITP[@]}" -- "${ITP_COMMON[@]}" "${ITP_ZH[@]}" \
  "每日2次" "第1页，共" "早上" "晚上" "用药与监测日程" "项目默认值"
pdf_case scot-en en "${SCOT[@]}" -- "${SCOT_COMMON[@]}" "${SCOT_EN[@]}" \
  "Page 1 of" "IV pulse: administration 1 of 12" "Sources"
pdf_case scot-zh zh-CN "${SCOT[@]}" -- "${SCOT_COMMON[@]}" "${SCOT_ZH[@]}" \
  "第1页，共" "用药与监测日程" "何时做哪些检查"

# On a trough day the calendar says first to draw blood, then the morning dose (issue 20, item 1):
# in a week's band (issue 20, item 4) the day's row "Tue 15 | Today: draw blood ..." comes right
# under the row of the days ("Mon 14 Tue 15 ..."), and the row of the morning doses ("morning
# 150 mg ...") below it, in the same band (no other row of the days between them).
trough_first() {
  pdftotext -q -layout -enc UTF-8 "$WORK/itp-en.pdf" - | python3 -c '
import re, sys
lines = sys.stdin.read().split("\n")
days = re.compile(r"^\s*Mon \d+\s+Tue \d+")
cells = 0
for i, line in enumerate(lines):
    if "Today: draw blood" not in line:
        continue
    above = [k for k in range(max(0, i - 8), i) if days.match(lines[k])]
    below = [k for k in range(i + 1, min(len(lines), i + 12))
             if re.match(r"^\s*morning\s+\S*\s*\d+ mg", lines[k]) or days.match(lines[k])]
    if not above or not below or days.match(lines[below[0]]):
        sys.exit("trough day at line %d: days row above %r, next rows %r" %
                 (i, above, [lines[k] for k in below[:2]]))
    cells += 1
sys.exit(0 if cells >= 5 else "only %d trough days" % cells)'
}
check "itp-en: trough cells say the blood draw first, the morning dose under it" trough_first

# Two renderings of one plan are the same bytes (no clock, no random ids).
if "$BIN" plan "${ITP[@]}" --format pdf -o "$WORK/again.pdf" 2>/dev/null; then
  check "same plan, same PDF bytes" cmp -s "$WORK/itp-en.pdf" "$WORK/again.pdf"
else
  fail "same plan, same PDF bytes: doseplan failed"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
