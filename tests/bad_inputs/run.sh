#!/usr/bin/env bash
# Runs the bad-input catalogue (cases.txt): each case must exit 2, print its error id, name the
# field, and leave no output file (nor a temporary one) behind.
# Usage: run.sh PATH/TO/doseplan SOURCE_RULES_DIR
set -u
bin="$1"
rules="$2"
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export DOSEPLAN_RULES="$rules"

# Broken copies of the shipped rules, made here so that only the differences are kept in git.
for d in mixed syntax no-source; do cp -r "$rules" "$tmp/rules-$d"; done
python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
itp = f"{tmp}/rules-mixed/cyclosporine-itp.json"
j = json.load(open(itp, encoding="utf-8"))
j["products"].append("cyclosporine-nonmodified-capsule")
json.dump(j, open(itp, "w", encoding="utf-8"), ensure_ascii=False)
text = open(f"{tmp}/rules-syntax/cyclosporine-itp.json", encoding="utf-8").read()
open(f"{tmp}/rules-syntax/cyclosporine-itp.json", "w", encoding="utf-8").write(text[: len(text) // 2])
p = f"{tmp}/rules-no-source/cyclosporine-itp.json"
j = json.load(open(p, encoding="utf-8"))
del j["dose"]["range"]["source"]
json.dump(j, open(p, "w", encoding="utf-8"), ensure_ascii=False)
PY
export RULES_MIXED="$tmp/rules-mixed" RULES_SYNTAX="$tmp/rules-syntax" RULES_NO_SOURCE="$tmp/rules-no-source"
export FILES="$here"

passed=0
failed=0
while IFS='|' read -r name id where args; do
  trim() { local s="$1"; s="${s#"${s%%[![:space:]]*}"}"; echo "${s%"${s##*[![:space:]]}"}"; }
  name="$(trim "$name")"
  [ -z "$name" ] || [ "${name:0:1}" = "#" ] && continue
  id="$(trim "$id")"
  where="$(trim "$where")"
  out="$tmp/out-$name"
  export OUT="$out"
  # Expand $OUT, $FILES and $RULES_* in the arguments; quotes group words.
  eval "set -- $(echo "$args" | envsubst '$OUT $FILES $RULES_MIXED $RULES_SYNTAX $RULES_NO_SOURCE')"
  "$bin" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  code=$?
  problem=""
  [ "$code" -eq 2 ] || problem="exit $code, expected 2"
  grep -aqF "[$id]" "$tmp/stderr" || problem="$problem; no [$id] on stderr"
  grep -aF "[$id]" "$tmp/stderr" | grep -aqF -- "$where" || problem="$problem; the error does not name $where"
  # Messages are valid UTF-8 even when the input is not.
  iconv -f UTF-8 -t UTF-8 "$tmp/stderr" >/dev/null 2>&1 || problem="$problem; stderr is not valid UTF-8"
  [ ! -e "$out" ] || problem="$problem; an output file was written"
  [ -z "$(find "$tmp" -maxdepth 1 -name ".out-$name.*")" ] || problem="$problem; a temporary file was left"
  if [ -z "$problem" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: $name: $problem" >&2
    sed 's/^/    /' "$tmp/stderr" >&2
  fi
done <"$here/cases.txt"
echo "$passed passed, $failed failed"
test "$failed" -eq 0 && test "$passed" -ge 60
