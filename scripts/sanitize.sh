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
# Only what the tests below need: the two Catch binaries and the command line (with the server).
cmake --build "$build" -j "$jobs" --target doseplan_tests tracker_tests doseplan_cli
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
# Under the sanitizers: every Catch test (label unit: the library, the renderers, the store and
# its concurrency, the property tests with 50 cases), the bad-input catalogue of the command line
# and the server's API test (label sanitize: every route, the bad-request catalogue, SIGTERM).
# The other end-to-end scripts run in the first stage of CI only. They mostly start the command
# line many times or drive other programs (Chromium, pdftoppm, node, wrk), and under the
# sanitizers they took most of this stage: on 2026-12-06 the stage took 1,150 s (build about
# 740 s, tests 427 s, of which tracker_end_to_end alone 356 s), which with the first stage
# (604 s) left CI over its 25-minute budget. docs/reliability.md lists what runs where.
ctest --test-dir "$build" --output-on-failure -j "$jobs" -L "^(unit|sanitize)$"
