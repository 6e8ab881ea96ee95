#!/usr/bin/env bash
# Load on `doseplan serve` with its store on SQLite and on PostgreSQL (issue 22), with Debian's
# wrk: figures, not a pass/fail.
#   (i)  one server on an SQLite file;
#   (ii) two servers on one PostgreSQL database, loaded at once by two wrk processes (one per
#        server, each with half the connections): their rates are added, the p99 is the worse.
# Each case: POST /api/v1/plan (bench/serve_plan.lua; plans do not touch the store), then
# recording results, POST /api/v1/patients/LABEL/results (bench/serve_record.lua; every result
# distinct), requests/s and latency; then each server's peak memory (VmHWM) and the rows stored.
#
# The PostgreSQL database is a throwaway cluster (tests/support/pg_cluster.py), removed at the
# end, unless DOSEPLAN_TEST_POSTGRES names one (and PGPASSFILE its password): its database must
# be empty or a doseplan store without the patient "bench-01".
# With --check it fails only on socket errors or non-2xx answers.
#
# usage: [SERVE_THREADS=16] bench/serve_pg_load.sh DOSEPLAN RULES_DIR [SECONDS=10] [CONNECTIONS=32] [--check]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$1"; rules="$2"; seconds="${3:-10}"; connections="${4:-32}"; check="${5:-}"
psql_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)/psql"
tmp="$(mktemp -d)"; chmod 700 "$tmp"
pids=()
pg_pid=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "$pg_pid" ]; then  # the cluster's keeper stops and removes it on SIGTERM
    kill -TERM "$pg_pid" 2>/dev/null || true
    wait "$pg_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

if [ -z "${DOSEPLAN_TEST_POSTGRES:-}" ]; then
  # A throwaway cluster, kept by a Python process until it is sent SIGTERM (by cleanup, or by
  # timeout(1) with this script) or its standard input closes; it prints the URL and .pgpass.
  coproc PGKEEPER { python3 -c '
import signal, sys
sys.path.insert(0, sys.argv[1])
from pg_cluster import PgCluster
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
with PgCluster() as pg:
    print(pg.url, pg.pgpass, flush=True)
    sys.stdin.read()
' "$here/../tests/support"; }
  pg_pid=$PGKEEPER_PID
  read -r DOSEPLAN_TEST_POSTGRES PGPASSFILE <&"${PGKEEPER[0]}" || { echo "serve_pg_load: no PostgreSQL cluster" >&2; exit 1; }
  export DOSEPLAN_TEST_POSTGRES PGPASSFILE
fi
pgurl="$DOSEPLAN_TEST_POSTGRES"
export DOSEPLAN_TODAY="$(TZ=UTC date +%F)" DOSEPLAN_LABEL=bench-01
status=0

# start_server NAME DB: a server in $tmp/NAME; sets base_NAME, key_NAME, pid_NAME.
start_server() {
  local name="$1" db="$2"
  mkdir -m 700 "$tmp/$name"
  HOME="$tmp/$name" TZ=UTC DOSEPLAN_RULES="$rules" "$bin" serve --db "$db" \
    --threads "${SERVE_THREADS:-16}" > "$tmp/$name/out" 2> "$tmp/$name/log" &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do [ -s "$tmp/$name/out" ] && break; sleep 0.1; done
  local url; url="$(sed -n 's/^doseplan serve: open //p' "$tmp/$name/out")"
  [ -n "$url" ] || { echo "serve_pg_load: server $name did not start: $(cat "$tmp/$name/log")" >&2; exit 1; }
  printf -v "base_$name" '%s' "${url%%/?key=*}"
  printf -v "key_$name" '%s' "${url##*key=}"
  printf -v "pid_$name" '%s' "$pid"
}

track() {  # track BASE KEY: the patient the results are recorded for
  curl -sf -o /dev/null -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
    -d "{\"label\": \"$DOSEPLAN_LABEL\", \"request\": {\"regimen\": \"cyclosporine-itp\", \"weight\": \"62 kg\", \"start\": \"2026-12-01\"}}" \
    "$1/api/v1/patients"
}

# load WHAT NAME...: wrk on each named server at once (WHAT: plan or record), connections shared.
load() {
  local what="$1"; shift
  local n=$# each=$(( connections / $# )) path lua out=() w=()
  [ "$each" -lt 1 ] && each=1
  local threads=2; [ "$n" -gt 1 ] && threads=1; [ "$each" -lt 2 ] && threads=1
  for name in "$@"; do
    local base="base_$name" key="key_$name"
    if [ "$what" = plan ]; then path=/api/v1/plan; lua=serve_plan.lua
    else path="/api/v1/patients/$DOSEPLAN_LABEL/results"; lua=serve_record.lua; fi
    DOSEPLAN_KEY="${!key}" DOSEPLAN_TAG="$name" wrk -t "$threads" -c "$each" -d "${seconds}s" --latency \
      -s "$here/$lua" "${!base}$path" > "$tmp/wrk-$what-$name" &
    w+=($!); out+=("$tmp/wrk-$what-$name")
  done
  for p in "${w[@]}"; do wait "$p"; done
  echo "== POST $path: ${seconds} s, $connections connections over $n server(s) ($each each)"
  for f in "${out[@]}"; do
    echo "-- ${f##*-}:"; grep -E "Requests/sec|Latency |50%|99%|Non-2xx|Socket errors|requests in" "$f"
    if grep -qE "Non-2xx|Socket errors" "$f"; then status=1; fi
  done
  awk -v n="$n" '/Requests\/sec/ {r += $2}
    $1 == "99%" { v = $2; ms = v + 0; if (v ~ /us$/) ms /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) ms *= 1000;
                  if (ms > p) p = ms }
    /requests in/ {q += $1}
    END { printf "== total: %.0f requests/s, %d requests, p99 %.2f ms (the worse of %d)\n", r, q, p, n }' "${out[@]}"
}

rss() {
  for name in "$@"; do
    local pid="pid_$name"
    echo "== server $name peak RSS: $(grep VmHWM "/proc/${!pid}/status" | tr -s ' ' | cut -d: -f2)"
  done
}

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); doseplan serve --threads ${SERVE_THREADS:-16}"

# (i) one server on SQLite
start_server lite "$tmp/lite.db"
track "$base_lite" "$key_lite"
echo "==== (i) one server, SQLite ($tmp/lite.db)"
load plan lite
load record lite
rss lite
echo "== results stored: $(sqlite3 "$tmp/lite.db" 'SELECT count(*) FROM results')"

# (ii) two servers on one PostgreSQL database
start_server pga "$pgurl"
start_server pgb "$pgurl"
track "$base_pga" "$key_pga"
echo "==== (ii) two servers, one PostgreSQL database ($pgurl)"
load plan pga pgb
xacts() { "$psql_bin" -X -A -t -d "$pgurl" -c "SELECT xact_commit || ' ' || xact_rollback FROM pg_stat_database WHERE datname = current_database()"; }
read -r c0 r0 <<< "$(xacts)"
load record pga pgb
read -r c1 r1 <<< "$(xacts)"
echo "== PostgreSQL during the recording: $((c1 - c0)) transactions committed (each statement outside a" \
  "transaction counts as one), $((r1 - r0)) rolled back (serialization failures: the change is run again)"
rss pga pgb
echo "== results stored: $("$psql_bin" -X -A -t -d "$pgurl" -c 'SELECT count(*) FROM results')"
grep -h " 50[0-9] " "$tmp"/*/log | awk '{print $2, $3, $4}' | sort | uniq -c | sed 's/^/== 5xx in the logs: /' || true

if [ "$check" = "--check" ]; then
  [ "$status" = 0 ] && echo "serve_pg_load: no errors, no non-2xx" || echo "serve_pg_load: errors (above)"
  exit "$status"
fi
