#!/usr/bin/env bash
# Builds doseplan with AddressSanitizer and UndefinedBehaviorSanitizer (build-asan/) and runs the
# test suite there. Run after scripts/setup.sh (which installs the packages). Any sanitizer report
# fails the test that triggered it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ASAN_BUILD_DIR:-$root/build-asan}"
jobs="$(nproc 2>/dev/null || echo 2)"
# 50 cases per property instead of 1,000: the batch property alone took 1,091 s of a 2,765 s run
# with 1,000 (tests/CMakeLists.txt).
# -O1 -g1: AddressSanitizer's documentation suggests -O1 for a reasonable speed, and line tables
# are enough for its reports to name files and lines; compiling src/plan/plan.cpp takes 8.2 s of
# CPU this way against 6.8 s at -O0 -g (14.8 s at -O1 -g).
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
  -DDOSEPLAN_SANITIZE=ON \
  -DDOSEPLAN_BUILD_BENCHMARKS=OFF -DDOSEPLAN_PROPERTY_CASES=50 >/dev/null
cmake --build "$build" -j "$jobs"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
# The install test builds a second program against the package, and the compile-fail tests only
# compile: neither needs running twice. The fault test (tracker_faults) kills processes at random
# moments to check that the store survives: a matter of SQLite's journal, not of memory, and 130 s
# under the sanitizers; the first stage of CI runs it. The tests that drive Chromium (html_phone,
# serve_browser) or rasterise PDFs (pdf_print), and the wrk load smoke test, spend their time in
# those programs, not in doseplan: the first stage runs them; the server's own code runs here
# under the sanitizers through serve_api (every route, the bad-request catalogue, SIGTERM).
ctest --test-dir "$build" --output-on-failure -j "$jobs" -E "install_and_consume|compile_fail|tracker_faults|html_phone|pdf_print|serve_browser|serve_load_smoke"
