#!/usr/bin/env bash
# Runs the bad-input catalogue (cases.txt): each case must exit 2, print its error id, name the
# field, and leave no output file (nor a temporary one) behind. Cases on the tracker database
# ($DB: one patient, pt-01, with one result) must leave it byte for byte the same, and no other
# file beside it (the sqlite3 shell checkpoints it before and after).
# Usage: run.sh PATH/TO/doseplan SOURCE_RULES_DIR
set -u
bin="$1"
rules="$2"
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export DOSEPLAN_RULES="$rules"

# Broken copies of the shipped rules, made here so that only the differences are kept in git.
for d in mixed syntax no-source duplicate loop large; do cp -r "$rules" "$tmp/rules-$d"; done
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
p = f"{tmp}/rules-duplicate/cyclosporine-itp.json"
text = open(p, encoding="utf-8").read()
open(p, "w", encoding="utf-8").write(text.replace("{", '{"format_version": 1, ', 1))
p = f"{tmp}/rules-large/cyclosporine-itp.json"
text = open(p, encoding="utf-8").read()
open(p, "w", encoding="utf-8").write(text + " " * (4 * 1024 * 1024))
PY
ln -s loop.json "$tmp/rules-loop/loop.json"
export RULES_MIXED="$tmp/rules-mixed" RULES_SYNTAX="$tmp/rules-syntax" RULES_NO_SOURCE="$tmp/rules-no-source"
export RULES_DUPLICATE="$tmp/rules-duplicate" RULES_LOOP="$tmp/rules-loop" RULES_LARGE="$tmp/rules-large"
export FILES="$here"

# The tracker database of the track cases, in a directory of its own.
command -v sqlite3 >/dev/null || { echo "run.sh: the sqlite3 shell is needed" >&2; exit 1; }
mkdir "$tmp/db"
export DB="$tmp/db/tracker.db"
"$bin" track start --db "$DB" --label pt-01 --regimen cyclosporine-itp --weight 62kg \
  --start 2026-12-01 --today 2026-11-10 >/dev/null &&
  "$bin" track record --db "$DB" --label pt-01 --test creatinine --value "95 umol/L" \
    --date 2026-11-17 --today 2026-11-17 >/dev/null || { echo "run.sh: cannot make $DB" >&2; exit 1; }
checkpoint() { sqlite3 -batch "$DB" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null; }
# Arguments that can not be written in cases.txt (a UTF-8 file of one line a case).
export NOTE_LATIN1=$'caf\xe9' NOTE_LONG="$(printf 'x%.0s' $(seq 501))"
export NOTE_NEL=$'fasting\xc2\x85lab A' NOTE_BIDI=$'fasting \xe2\x80\xaeA bal'  # U+0085, U+202E
# Labels with an ESC sequence, NEL and U+202E: refused, and quoted escaped (issue 18, item 10).
export LABEL_ESC=$'pt\x1b[31m-01' LABEL_NEL=$'pt\xc2\x85-01' LABEL_BIDI=$'pt\xe2\x80\xae10-tp'
export FORMAT_ESC=$'\x1b[31mtext'  # a command-line value CLI11 quotes

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
  eval "set -- $(echo "$args" | envsubst '$OUT $FILES $RULES_MIXED $RULES_SYNTAX $RULES_NO_SOURCE $RULES_DUPLICATE $RULES_LOOP $RULES_LARGE $DB $NOTE_LATIN1 $NOTE_LONG $NOTE_NEL $NOTE_BIDI $LABEL_ESC $LABEL_NEL $LABEL_BIDI $FORMAT_ESC')"
  on_db=0
  case "$args" in *'$DB'*) on_db=1 ;; esac
  if [ "$on_db" -eq 1 ]; then
    checkpoint
    cp "$DB" "$tmp/db-before"
    ls -A "$tmp/db" >"$tmp/db-files-before"
  fi
  "$bin" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  code=$?
  problem=""
  if [ "$on_db" -eq 1 ]; then
    ls -A "$tmp/db" | cmp -s - "$tmp/db-files-before" || problem="a file appeared beside the database"
    checkpoint
    cmp -s "$DB" "$tmp/db-before" || problem="$problem; the database changed"
  fi
  [ "$code" -eq 2 ] || problem="$problem; exit $code, expected 2"
  grep -aqF "[$id]" "$tmp/stderr" || problem="$problem; no [$id] on stderr"
  grep -aF "[$id]" "$tmp/stderr" | grep -aqF -- "$where" || problem="$problem; the error does not name $where"
  # Messages are valid UTF-8 even when the input is not.
  iconv -f UTF-8 -t UTF-8 "$tmp/stderr" >/dev/null 2>&1 || problem="$problem; stderr is not valid UTF-8"
  # ... and quote control characters escaped: no raw ESC, C1 control or bidirectional override.
  LC_ALL=C grep -aqP '\x1b|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]' "$tmp/stderr" &&
    problem="$problem; stderr holds a raw control character"
  [ ! -e "$out" ] || problem="$problem; an output file was written"
  [ -z "$(find "$tmp" -maxdepth 1 -name ".out-$name.*")" ] || problem="$problem; a temporary file was left"
  problem="${problem#; }"
  if [ -z "$problem" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: $name: $problem" >&2
    sed 's/^/    /' "$tmp/stderr" >&2
  fi
done <"$here/cases.txt"
echo "$passed passed, $failed failed"
test "$failed" -eq 0 && test "$passed" -ge 100
