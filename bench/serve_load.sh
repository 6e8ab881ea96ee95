#!/usr/bin/env bash
# Load on `doseplan serve` with Debian's wrk (docs/performance.md, "serve"): POST /api/v1/plan and
# the plan page (POST /plan), then the server's peak memory (VmHWM). Figures, not a pass/fail:
# the budgets (>= 3,000 plans/s at 32 connections, p99 <= 25 ms, RSS <= 64 MB) are compared by
# the reader. With --check (the CTest smoke run) it fails only on errors or non-2xx answers.
#
# usage: [SERVE_THREADS=16] bench/serve_load.sh DOSEPLAN RULES_DIR [SECONDS=10] [CONNECTIONS=32] [--check]
set -euo pipefail
bin="$1"; rules="$2"; seconds="${3:-10}"; connections="${4:-32}"; check="${5:-}"
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"; chmod 700 "$tmp"
HOME="$tmp" DOSEPLAN_RULES="$rules" "$bin" serve --db "$tmp/t.db" --threads "${SERVE_THREADS:-16}" \
  > "$tmp/out" 2> "$tmp/log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/out" ] && break; sleep 0.1; done
url="$(sed -n 's/^doseplan serve: open //p' "$tmp/out")"
base="${url%%/?key=*}"; export DOSEPLAN_KEY="${url##*key=}"
export DOSEPLAN_CSRF="$(curl -s -H "Authorization: Bearer $DOSEPLAN_KEY" "$base/regimens/cyclosporine-itp" |
  sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)"
threads=2
[ "$connections" -lt 2 ] && threads=1
status=0
for what in plan page; do
  wrk -t "$threads" -c "$connections" -d "${seconds}s" --latency -s "$here/serve_$what.lua" \
    "$base/$([ $what = plan ] && echo api/v1/plan || echo plan)" > "$tmp/wrk-$what"
  echo "== POST $([ $what = plan ] && echo /api/v1/plan || echo /plan): ${seconds} s, $connections connections"
  grep -E "Requests/sec|Latency|99%|50%|Non-2xx|Socket errors|requests in" "$tmp/wrk-$what"
  if grep -qE "Non-2xx|Socket errors" "$tmp/wrk-$what"; then status=1; fi
done
echo "== server peak RSS: $(grep VmHWM /proc/$pid/status | tr -s ' ')"
if [ "$check" = "--check" ]; then
  [ "$status" = 0 ] && echo "serve_load: no errors, no non-2xx" || echo "serve_load: errors (above)"
  exit "$status"
fi
