#!/usr/bin/env bash
# Re-makes the example outputs in examples/output/: the plan of examples/patient-itp.json as text,
# JSON, CSV, HTML, PDF, calendar and FHIR, in English and Simplified Chinese, and a PNG of page one
# of each PDF (pdftoppm). Run after a build: bash examples/make_examples.sh [build-dir]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/build}/doseplan"
out="$root/examples/output"
mkdir -p "$out"
export DOSEPLAN_RULES="$root/rules"
request="$root/examples/patient-itp.json"
for lang in en zh-CN; do
  for fmt in text html pdf; do
    ext="$fmt"; [ "$fmt" = text ] && ext=txt
    "$bin" plan --input "$request" --lang "$lang" --format "$fmt" -o "$out/itp-$lang.$ext"
  done
  pdftoppm -png -r 70 -f 1 -l 1 -singlefile "$out/itp-$lang.pdf" "$out/itp-$lang-page1"
done
"$bin" plan --input "$request" --format json --explain -o "$out/itp.json"  # with the audit trail
"$bin" plan --input "$request" --format csv -o "$out/itp.csv"
"$bin" plan --input "$request" --format fhir -o "$out/itp-fhir.json"
"$bin" plan --input "$request" --format ics --label patient-001 -o "$out/itp.ics"
ls -l "$out"
