#!/usr/bin/env bash
# Re-makes the example outputs in examples/output/, or checks that they are what the current build
# makes (the test examples_current):
#
#   bash examples/make_examples.sh [build-dir]           re-make them
#   bash examples/make_examples.sh --check [build-dir]   exit 1 and name the files that differ
#
# Two patients: an oral regimen (examples/patient-itp.json: cycloSPORINE for ITP) as text, JSON,
# CSV, HTML, PDF, calendar and FHIR, and an infusion regimen (examples/patient-rituximab.json:
# riTUXimab 1,000 mg × 2) as text, HTML, PDF and calendar; text, HTML and PDF in English and
# Simplified Chinese, with a PNG of page one of each PDF (pdftoppm). The check compares every file
# byte for byte except the PDFs, compared by their text (pdftotext), and the PNGs, not compared
# (they depend on poppler's rasteriser).
set -euo pipefail
check=0
if [ "${1:-}" = --check ]; then
  check=1
  shift
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/build}/doseplan"
examples="$root/examples/output"
out="$examples"
if [ "$check" = 1 ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
export DOSEPLAN_RULES="$root/rules"

make_patient() {  # make_patient NAME REQUEST: text, HTML, PDF (and page one) in both languages, ICS
  local name=$1 request=$2 lang fmt ext
  for lang in en zh-CN; do
    for fmt in text html pdf; do
      ext="$fmt"; [ "$fmt" = text ] && ext=txt
      "$bin" plan --input "$request" --lang "$lang" --format "$fmt" -o "$out/$name-$lang.$ext"
    done
    [ "$check" = 1 ] || pdftoppm -png -r 70 -f 1 -l 1 -singlefile "$out/$name-$lang.pdf" \
      "$out/$name-$lang-page1"
  done
  "$bin" plan --input "$request" --format ics --label patient-001 -o "$out/$name.ics"
}

itp="$root/examples/patient-itp.json"
make_patient itp "$itp"
make_patient rituximab "$root/examples/patient-rituximab.json"
"$bin" plan --input "$itp" --format json --explain -o "$out/itp.json"  # with the audit trail
"$bin" plan --input "$itp" --format csv -o "$out/itp.csv"
"$bin" plan --input "$itp" --format fhir -o "$out/itp-fhir.json"

if [ "$check" = 0 ]; then
  ls -l "$out"
  exit 0
fi
differ=0
for made in "$out"/*; do
  file=$(basename "$made")
  kept="$examples/$file"
  if [ ! -f "$kept" ]; then
    echo "examples: $file is made but not in examples/output/" >&2
    differ=1
  elif [[ "$file" == *.pdf ]]; then
    if ! cmp -s <(pdftotext -q "$made" -) <(pdftotext -q "$kept" -); then
      echo "examples: the text of $file differs from examples/output/$file" >&2
      differ=1
    fi
  elif ! cmp -s "$made" "$kept"; then
    echo "examples: $file differs from examples/output/$file" >&2
    differ=1
  fi
done
if [ "$differ" = 1 ]; then
  echo "examples: re-make them with bash examples/make_examples.sh (and review the changes)" >&2
  exit 1
fi
echo "examples: all $(ls "$out" | wc -l) files are what this build makes" >&2
