#!/bin/bash
# Compares `doseplan track due` of two builds, byte for byte (stdout and stderr) and by exit
# code, on the dates and options docs/performance.md lists. Each build reads its own store (a
# newer build may migrate the store it opens): give two copies of the same store.
#
#   bench/compare_track_due.sh OLD_DOSEPLAN NEW_DOSEPLAN OLD_STORE NEW_STORE
#
# The stores' paths are replaced by DB in stderr (an unknown label's message names the file).
# Prints each pair that differs, then "N pairs compared, M differ"; exits 1 if any differs.
set -u
if [ $# -ne 4 ]; then
  echo "usage: $0 OLD_DOSEPLAN NEW_DOSEPLAN OLD_STORE NEW_STORE" >&2
  exit 2
fi
old=$1 new=$2 old_db=$3 new_db=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
bad=0
for today in 2025-01-01 2026-01-01 2026-06-30 2026-12-15 2027-03-01 2027-12-31 2030-01-01; do
  for options in "" "--format json" "--lang zh-CN" "--within 0d" "--within 60d" "--within 365d" \
    "--format json --within 30d" "--lang zh-CN --within 7d" "--label pt-00007" \
    "--label pt-00007 --format json" "--label pt-09999 --within 90d" \
    "--label pt-00001 --lang zh-CN" "--label pt-05000 --within 1y" \
    "--format json --within 60d" "--format json --lang zh-CN --within 365d" "--label nobody" \
    "--within 1month --lang zh-CN --format json" "--within 3mo" "--within bad"; do
    # shellcheck disable=SC2086  # the options are words
    "$old" track due --db "$old_db" --today $today $options 2>&1 >"$tmp/old.out" |
      sed "s|$old_db|DB|g" >"$tmp/old.err"
    old_code=${PIPESTATUS[0]}
    # shellcheck disable=SC2086
    "$new" track due --db "$new_db" --today $today $options 2>&1 >"$tmp/new.out" |
      sed "s|$new_db|DB|g" >"$tmp/new.err"
    new_code=${PIPESTATUS[0]}
    n=$((n + 1))
    if ! cmp -s "$tmp/old.out" "$tmp/new.out" || ! cmp -s "$tmp/old.err" "$tmp/new.err" ||
      [ "$old_code" != "$new_code" ]; then
      echo "differs: --today $today $options (exit $old_code / $new_code)"
      bad=$((bad + 1))
    fi
  done
done
echo "$n pairs compared, $bad differ"
[ "$bad" -eq 0 ]
