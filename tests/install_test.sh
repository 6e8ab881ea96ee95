#!/usr/bin/env bash
# Installs doseplan from BUILD_DIR into a temporary prefix, builds examples/consumer against the
# installed package with find_package(doseplan CONFIG), runs it and checks its output (the ITP
# plan of 62 kg from 2026-12-01: 300, 275, 250, 225 and 175 mg a day; see tests/plan/plan_test.cpp).
set -u
build="$1"
source_dir="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAILED: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null || fail "cmake --install"
test -f "$tmp/prefix/lib/cmake/doseplan/doseplanConfig.cmake" || fail "no package config"
test -f "$tmp/prefix/lib/cmake/doseplan/doseplanConfigVersion.cmake" || fail "no version file"
test -x "$tmp/prefix/bin/doseplan" || fail "no executable"
test -f "$tmp/prefix/share/doseplan/rules/cyclosporine-itp.json" || fail "no rules"
test -f "$tmp/prefix/share/locale/zh_CN/LC_MESSAGES/doseplan.mo" || fail "no catalogue"
cmake -S "$source_dir/examples/consumer" -B "$tmp/consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$tmp/prefix" >"$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log"; fail "configure consumer"; }
cmake --build "$tmp/consumer" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "build consumer"; }
out="$(DOSEPLAN_RULES="$tmp/prefix/share/doseplan/rules" "$tmp/consumer/consumer")" || fail "run consumer"
expected="2026-12-01 induction 300 mg/day
2027-03-01 taper 275 mg/day
2027-03-15 taper 250 mg/day
2027-03-29 taper 225 mg/day
2027-04-12 maintenance 175 mg/day"
[ "$(echo "$out" | head -5)" = "$expected" ] || { echo "$out"; fail "consumer output"; }
echo "$out" | grep -q "Educational aid only" || fail "disclaimer"
# The installed executable reads the installed rules and catalogue.
DOSEPLAN_RULES="$tmp/prefix/share/doseplan/rules" DOSEPLAN_LOCALE_DIR="$tmp/prefix/share/locale" \
  "$tmp/prefix/bin/doseplan" plan --regimen cyclosporine-itp --weight 62kg --start 2026-12-01 --lang zh-CN \
  | grep -q "按规格调整后的每日剂量" || fail "installed executable in zh-CN"
# Issue 17: the installed rules ship their texts; a plan from them names only files that exist
# under the installed rules, never a path outside the product, and says which rules made it.
rules="$tmp/prefix/share/doseplan/rules"
DOSEPLAN_RULES="$rules" "$tmp/prefix/bin/doseplan" check-rules "$rules" >/dev/null ||
  fail "check-rules on the installed rules (shipped texts and quotes)"
DOSEPLAN_RULES="$rules" "$tmp/prefix/bin/doseplan" plan --regimen cyclosporine-itp --weight 62kg \
  --start 2026-12-01 --format json >"$tmp/plan.json" || fail "installed plan as JSON"
python3 - "$tmp/plan.json" "$rules" <<'PY' || fail "installed plan's sources"
import json, os, sys
plan = json.load(open(sys.argv[1]))
locations = [d["location"] for d in plan["documents"] if "location" in d]
assert locations, "no shipped text cited"
for loc in locations:
    assert os.path.isfile(os.path.join(sys.argv[2], loc)), loc + " is not under the installed rules"
assert "shared/" not in open(sys.argv[1]).read(), "an output names shared/"
assert len(plan["made_by"]["rules_sha256"]) == 64
PY
echo "1 passed, 0 failed"
