#!/usr/bin/env bash
# The budgets of issue 19 (docs/performance.md, "Budgets"), measured on a Release build:
#
#   bench/budgets.sh BUILD_DIR [TRACKER_DB]
#
# BUILD_DIR holds doseplan and bench/doseplan_bench (cmake -DCMAKE_BUILD_TYPE=Release
# -DDOSEPLAN_BUILD_BENCHMARKS=ON). TRACKER_DB (default /dev/shm/doseplan-budget.db) is the
# benchmark's store of 10,000 patients: built by doseplan_bench on the first run (about 30 s),
# reused afterwards. Prints medians of wall time and the largest maximum RSS; figures, not checks.
set -euo pipefail
build=$1
db=${2:-/dev/shm/doseplan-budget.db}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dp="$build/doseplan"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# median_ms RUNS COMMAND...: the median wall time in ms and the largest max RSS in MiB.
median_ms() {
  local runs=$1
  shift
  python3 - "$runs" "$@" <<'PY'
import resource, statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    times.append((time.perf_counter() - t) * 1000)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"median {statistics.median(times):.1f} ms, best {min(times):.1f} ms, max RSS {rss:.1f} MiB")
PY
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "--version:                  $(median_ms 40 "$dp" --version)"
echo "plan cyclosporine-itp text: $(median_ms 40 "$dp" plan --input "$root/examples/patient-itp.json")"

itp=$(head -1 "$root/examples/requests.jsonl")
for _ in $(seq 10000); do echo "$itp"; done >"$tmp/itp.jsonl"
for jobs in 1 2; do
  /usr/bin/time -f "%e %U %M" -o "$tmp/time" "$dp" batch --jobs "$jobs" <"$tmp/itp.jsonl" >/dev/null 2>&1
  read -r wall user rss <"$tmp/time"
  echo "batch 10,000 itp, --jobs $jobs: wall $wall s ($(python3 -c "print(round(10000/$wall))") plans/s), user $user s, max RSS $((rss / 1024)) MiB"
done

DOSEPLAN_BENCH_TRACKER_DB="$db" "$build/bench/doseplan_bench" \
  --benchmark_filter='BM_TrackDue(All|One)$' --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true 2>&1 | grep -E "median|store"
echo "track due (10,000 patients): $(median_ms 30 "$dp" track due --db "$db" --today 2026-12-15)"
echo "track due --format json:      $(median_ms 10 "$dp" track due --db "$db" --today 2026-12-15 --format json)"
