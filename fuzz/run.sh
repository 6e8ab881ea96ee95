#!/usr/bin/env bash
# Fuzzes doseplan with libFuzzer (docs/reliability.md).
#
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
#   SECONDS  how long each target runs (-max_total_time), default 60
#   TARGET   rules, request, quantity, tracker (default: all four, one after the other)
#
# Configures a separate build directory with clang and -DDOSEPLAN_FUZZ=ON (build-fuzz/, or
# $FUZZ_BUILD_DIR), builds <target>_fuzzer for each target and runs it on a working corpus kept in
# the build directory (build-fuzz/corpus/<target>/, grown from run to run) together with the
# committed seeds (fuzz/corpus/<target>/, read only: new inputs are never written there). An input
# that crashes, leaks, times out or runs out of memory is copied to fuzz/crashes/<target>/ when it
# is new; triage it there (docs/reliability.md: a bug not fixed yet moves to fuzz/findings/).
# After the run the working corpus is minimised (-merge=1). At the end a table gives, per target:
# executions, executions a second, coverage of the corpus (cov: edges, ft: features, corpus:
# inputs, as libFuzzer counts them when it loads the working corpus and the seeds) and the
# findings of this run (failing inputs, distinct failures).
#
# Environment:
#   FUZZ_BUILD_DIR   build directory (default: build-fuzz next to fuzz/)
#   FUZZ_KEEP_GOING  1: do not stop at the first finding (libFuzzer -fork=1 -ignore_crashes=1
#                    -ignore_timeouts=1 -ignore_ooms=1); every distinct crashing input is kept
#   FUZZ_ARGS        more libFuzzer options, e.g. "-seed=1 -jobs=2"
# Exit status: 0 when no target found anything, 1 when one did, 2 on a build or usage error.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${1:-60}"
[[ $# -gt 0 ]] && shift
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [[ "$seconds" -eq 0 ]]; then
  echo "usage: fuzz/run.sh [SECONDS] [rules|request|quantity|tracker]..." >&2
  exit 2
fi
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(rules request quantity tracker)
for t in "${targets[@]}"; do
  case "$t" in
    rules | request | quantity | tracker) ;;
    *) echo "fuzz/run.sh: unknown target \"$t\" (rules, request, quantity, tracker)" >&2; exit 2 ;;
  esac
done

# Largest input libFuzzer makes for each target (the targets themselves refuse more than 64 KiB).
max_len() {
  case "$1" in
    rules) echo 32768 ;;
    request) echo 4096 ;;
    quantity) echo 256 ;;
    tracker) echo 65536 ;;
  esac
}

jobs="$(nproc 2>/dev/null || echo 2)"
echo "== configuring $build (clang, DOSEPLAN_FUZZ=ON)"
mkdir -p "$build"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDOSEPLAN_FUZZ=ON -DDOSEPLAN_BUILD_TESTS=ON \
  -DDOSEPLAN_BUILD_BENCHMARKS=OFF >"$build/configure.log" 2>&1 || {
  cat "$build/configure.log" >&2
  exit 2
}
echo "== building ${targets[*]/%/_fuzzer}"
cmake --build "$build" -j "$jobs" --target "${targets[@]/%/_fuzzer}" || exit 2

# System libraries keep some allocations for the life of the process (tests/lsan.supp).
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

# What a crashing input does, in one line, to tell findings apart: the kind of failure (sanitizer
# report, uncaught exception, broken round trip) and the first frame in doseplan's own sources.
signature() {
  local fuzzer="$1" input="$2" out kind frame
  out="$(timeout 120 "$fuzzer" -timeout=30 -rss_limit_mb=2048 "$input" 2>&1 || true)"
  kind="$(grep -m 1 -oE "terminate called after throwing an instance of '[^']+'|SUMMARY: [A-Za-z]+Sanitizer: [a-z-]+|runtime error: [a-z -]+|fuzz_[a-z]+: [^:]+|ERROR: libFuzzer: [a-z-]+" <<<"$out" || true)"
  frame="$(grep -E "^ +#[0-9]+ .* in .*$root/(src|include)/" <<<"$out" | head -n 1 \
    | sed -E "s|.* in (.*) $root/([^:]+):([0-9]+).*|\1 \2:\3|; s/\(.*\)//; s/\[abi:[a-z0-9]+\]//g" || true)"
  if [[ -z "$kind" ]]; then
    echo "no failure when run again"
  else
    echo "${kind}${frame:+ at $frame}"
  fi
}

summary=()
found_any=0
for t in "${targets[@]}"; do
  work="$build/corpus/$t"
  artifacts="$build/artifacts/$t"
  crashes="$root/fuzz/crashes/$t"
  log="$build/fuzz-$t.log"
  mkdir -p "$work" "$artifacts" "$crashes"
  rm -f "$artifacts"/*
  opts=(-max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=30 -rss_limit_mb=2048
        -print_final_stats=1 -print_funcs=0 -artifact_prefix="$artifacts/" -dict="$root/fuzz/dict/$t.dict")
  if [[ "${FUZZ_KEEP_GOING:-0}" == 1 ]]; then
    opts+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  fi
  # shellcheck disable=SC2206
  extra=(${FUZZ_ARGS:-})
  echo "== fuzzing $t for ${seconds}s (log: $log)"
  status=0
  "$build/fuzz/${t}_fuzzer" "${opts[@]}" "${extra[@]}" "$work" "$root/fuzz/corpus/$t" \
    >"$log" 2>&1 || status=$?

  # Executions and executions a second: libFuzzer's final stats (fork mode: its last status
  # line "#N: cov: ... time: Ts ...", N / T).
  execs="$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -n 1)"
  rate="$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log" | tail -n 1)"
  if [[ -z "$execs" ]]; then
    last="$(grep -E '^#[0-9]+: cov: ' "$log" | tail -n 1 || true)"
    execs="$(sed -nE 's/^#([0-9]+):.*/\1/p' <<<"$last")"
    elapsed="$(sed -nE 's/.* time: ([0-9]+)s.*/\1/p' <<<"$last")"
    [[ -n "$execs" && -n "$elapsed" && "$elapsed" -gt 0 ]] && rate=$((execs / elapsed))
  fi
  # The working corpus keeps every input ever added: minimise it (-merge=1 keeps the smallest
  # set of inputs with the same features) so that it does not grow from run to run.
  rm -rf "$work.merged" && mkdir -p "$work.merged"
  if "$build/fuzz/${t}_fuzzer" -merge=1 -max_len="$(max_len "$t")" -timeout=30 \
    "$work.merged" "$work" >"$build/merge-$t.log" 2>&1; then
    rm -rf "$work" && mv "$work.merged" "$work"
  else
    rm -rf "$work.merged"
  fi
  # Coverage of the corpus at the end of the run, measured the same way in both modes: the
  # corpus is run once (-runs=0) and libFuzzer's "INITED cov: C ft: F corp: N/SIZE" line read.
  inited="$("$build/fuzz/${t}_fuzzer" -runs=0 -max_len="$(max_len "$t")" -timeout=30 "$work" \
    "$root/fuzz/corpus/$t" 2>&1 | grep -E 'INITED cov: ' | tail -n 1 || true)"
  cov="$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$inited")"
  ft="$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$inited")"
  corpus_files="$(sed -nE 's/.*corp: ([0-9]+).*/\1/p' <<<"$inited")"

  # Findings: one input per distinct failure is kept under fuzz/crashes/<target>/, unless that
  # failure is already known (an input under fuzz/findings/<target>/ fails the same way).
  fuzzer="$build/fuzz/${t}_fuzzer"
  declare -A known=()
  shopt -s nullglob
  for f in "$root/fuzz/findings/$t"/*; do known["$(signature "$fuzzer" "$f")"]="${f#"$root"/}"; done
  declare -A seen=()
  declare -A count=()
  inputs=0
  for f in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
    inputs=$((inputs + 1))
    sig="$(signature "$fuzzer" "$f")"
    count["$sig"]=$((${count["$sig"]:-0} + 1))
    [[ -n "${seen["$sig"]:-}" ]] && continue
    if [[ -n "${known["$sig"]:-}" ]]; then
      seen["$sig"]="known: ${known["$sig"]}"
    elif [[ -e "$crashes/$(basename "$f")" ]]; then
      seen["$sig"]="fuzz/crashes/$t/$(basename "$f")"
    else
      cp "$f" "$crashes/"
      seen["$sig"]="new: fuzz/crashes/$t/$(basename "$f")"
    fi
  done
  shopt -u nullglob
  distinct=${#seen[@]}
  if [[ $inputs -gt 0 ]]; then
    found_any=1
    echo "-- $t: $inputs failing input(s), $distinct distinct failure(s):"
    for sig in "${!seen[@]}"; do
      echo "   ${count["$sig"]} x $sig"
      echo "       -> ${seen["$sig"]}"
    done
  elif [[ $status -ne 0 && "${FUZZ_KEEP_GOING:-0}" != 1 ]]; then
    found_any=1
    distinct="exit $status, no input saved"
    tail -n 30 "$log"
  fi
  unset known seen count
  summary+=("$(printf '%-9s %12s %8s %7s %7s %7s   %s' "$t" "${execs:-?}" "${rate:-?}" \
    "${cov:-?}" "${ft:-?}" "${corpus_files:-?}" "$inputs inputs, $distinct distinct")")
done

echo
printf '%-9s %12s %8s %7s %7s %7s   %s\n' target executions exec/s cov ft corpus 'findings (failing inputs, distinct failures)'
for line in "${summary[@]}"; do echo "$line"; done
echo "(new crash inputs are under fuzz/crashes/<target>/; logs in $build/fuzz-<target>.log)"
exit "$found_any"
