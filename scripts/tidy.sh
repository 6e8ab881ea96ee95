#!/usr/bin/env bash
# Runs clang-tidy (the checks of .clang-tidy) on every source file of src/ and the headers they
# include; any finding fails. Run after scripts/setup.sh (which installs clang-tidy); .ci/run
# calls it. The compile commands come from a configure-only build directory without precompiled
# headers (GCC's .gch files are not readable by clang): build-tidy/, or TIDY_BUILD_DIR.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TIDY_BUILD_DIR:-$root/build-tidy}"
jobs="$(nproc 2>/dev/null || echo 2)"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON -DDOSEPLAN_BUILD_BENCHMARKS=OFF >/dev/null
run-clang-tidy -p "$build" -j "$jobs" -quiet "$root/src/.*\.cpp$" >"$build/tidy.log" 2>&1 || {
  grep -E "(warning|error):" "$build/tidy.log" | sed -E 's/\x1b\[[0-9;]*m//g' | sort -u >&2
  echo "tidy: clang-tidy found the problems above (full log: $build/tidy.log)" >&2
  exit 1
}
echo "tidy: no findings in $(grep -c '"file"' "$build/compile_commands.json") compile commands" >&2
