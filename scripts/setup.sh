#!/usr/bin/env bash
# doseplan set-up for a Debian 12 machine, run as root (or with sudo available).
#
#   scripts/setup.sh example   install what is missing, build, print the plan of an example patient
#   scripts/setup.sh test      install what is missing, build, run the whole test suite (ctest)
#
# Idempotent: packages already installed are not touched; apt-get update runs only when something
# is missing. The build goes to build/ (override with BUILD_DIR=...).
set -euo pipefail

mode="${1:-example}"
case "$mode" in
  example|test) ;;
  *) echo "usage: scripts/setup.sh example|test" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"

# Everything the build and the tests need, from Debian 12.
packages=(
  cmake ninja-build g++ pkg-config
  libboost-dev libboost-locale-dev libhowardhinnant-date-dev libcli11-dev nlohmann-json3-dev
  catch2 librapidcheck-dev
  libcairo2-dev libpango1.0-dev fontconfig fonts-noto-cjk gettext
  libsqlitecpp-dev libsqlite3-dev libssl-dev sqlite3 python3-icalendar libjemalloc-dev
  python3 python3-jsonschema poppler-utils gettext-base clang-tidy
  chromium chromium-driver python3-selenium
  libcpp-httplib-dev wrk
  postgresql libpqxx-dev libsodium-dev openssl
)

# Node.js and npm run the FHIR validator of the test suite (the `fhir` package from npm).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs="$(nproc 2>/dev/null || echo 2)"
# Optimised, with line tables only (-g1): stack traces name files and lines, and the build takes
# about 30% less time than with full debug information (-g).
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null
if [ "$mode" = example ]; then
  cmake --build "$build" -j "$jobs" --target doseplan_cli >&2
  "$build/doseplan" plan --input "$root/examples/patient-itp.json"
else
  # The FHIR validator and ical.js, at the versions their package-lock.json files pin.
  if [ ! -d "$root/tests/render/fhir/node_modules/fhir" ]; then
    (cd "$root/tests/render/fhir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  if [ ! -d "$root/tests/render/ical/node_modules/ical.js" ]; then
    (cd "$root/tests/render/ical" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  # doseplan serve's tests: swagger-parser (the OpenAPI document) and axe-core (accessibility).
  if [ ! -d "$root/tests/server/node/node_modules/axe-core" ]; then
    (cd "$root/tests/server/node" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  cmake --build "$build" -j "$jobs"
  ctest --test-dir "$build" --output-on-failure -j "$jobs"
fi
