#!/usr/bin/env bash
# Fault injection of the tracker's store (issue 18; docs/reliability.md "Fault injection"):
#   1. SIGKILL at random moments during `track start` (new and existing stores), `record`, `done`
#      and a migration of tests/data/tracker-v1 (schema 1), through the command line and through
#      tests/tracker/fault_helper (the library in a loop, "ack" after each commit). After every kill:
#      PRAGMA integrity_check is ok, every acknowledged change is there, a store is never left
#      empty or half made; at the end of each phase the store opens and takes a new change.
#   2. A full disk, made without privileges by RLIMIT_FSIZE (prlimit --fsize, with SIGXFSZ ignored:
#      writes past the limit fail with EFBIG): start, record and done exit 0 or 2 with tracker.disk_full
#      (never 1, never another id), nothing acknowledged is lost, a refused change is not there,
#      a failed start of a new store leaves no file; the read-only subcommands exit 0 and print
#      what they print on a disk with room.
#   3. A read-only disk: a read-only bind mount in a private mount namespace (unshare -m, as root),
#      else (no unshare or no mount) a store and directory that the user may not write (as user
#      65534 when root, the mode otherwise). Which one ran is printed. Write subcommands exit 2
#      with tracker.read_only, read-only ones exit 0 and print as before, nothing is written.
# Usage: fault_test.sh PATH/TO/doseplan PATH/TO/tracker_fault_helper RULES_DIR
# Needs the sqlite3 shell and util-linux (prlimit, unshare, setpriv). Prints "N passed, M failed" last; exit 0 when all passed.
set -u
bin="$1"
helper="$2"
rules="$3"
here="$(cd "$(dirname "$0")" && pwd)"
v1="$here/../data/tracker-v1/tracker-v1.db"
export DOSEPLAN_RULES="$rules"
unset XDG_DATA_HOME
tmp="$(mktemp -d)"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
passed=0
failed=0
t0=$EPOCHREALTIME

check() {  # check NAME COMMAND...
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name" >&2; fi
}
contains() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
sql() { sqlite3 -batch "$1" "$2"; }
itp=(--regimen cyclosporine-itp --weight 62kg --start 2026-12-01)

# Microseconds since the epoch, and a random delay of 0..MAX microseconds for sleep(1).
now_us() { local t=$EPOCHREALTIME; echo $((10#${t%.*} * 1000000 + 10#${t#*.})); }
delay() { local us=$(((RANDOM * 32768 + RANDOM) % ($1 + 1))); printf '%d.%06d' $((us / 1000000)) $((us % 1000000)); }

# A copy of a store as a crash leaves it (the file and its -wal), checked without touching the
# store itself: the next doseplan recovers the store from its -wal as it would after a crash.
snap="$tmp/snap"
mkdir "$snap"
snapshot() {  # snapshot DB: $snap/s.db
  rm -f "$snap"/s.db*
  cp "$1" "$snap/s.db"
  if [ -e "$1-wal" ]; then cp "$1-wal" "$snap/s.db-wal"; fi
}
integrity() { test "$(sql "$snap/s.db" 'PRAGMA integrity_check;')" = ok; }
# Every line of file ACKED is in the output of QUERY on the snapshot.
all_there() {  # all_there ACKED QUERY
  sql "$snap/s.db" "$2" | sort -u >"$tmp/there"
  test -z "$(sort -u "$1" | comm -23 - "$tmp/there")"
}

# The exit codes seen, per phase: "0 137 137 2 ..." summed up at the end.
declare -A codes
seen() { codes[$1]="${codes[$1]:-} $2"; }
tally() { tr ' ' '\n' <<<"${codes[$1]:-}" | grep -v '^$' | sort -n | uniq -c | awk '{printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1}'; }

# Kills COMMAND... after a random 0..MAX_US microseconds; sets $code and $tmp/out, $tmp/err.
kill_run() {  # kill_run MAX_US COMMAND...
  local max="$1"; shift
  "$@" >"$tmp/out" 2>"$tmp/err" &
  local pid=$!
  sleep "$(delay "$max")"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  code=$?
}
# How long COMMAND... takes here (microseconds): the kills are spread over that.
time_of() {
  local a b
  a=$(now_us)
  "$@" >/dev/null 2>&1
  b=$(now_us)
  echo $((b - a))
}

schema="$("$bin" track start --db "$tmp/ref.db" --label ref "${itp[@]}" --today 2026-11-10 >/dev/null &&
  sql "$tmp/ref.db" 'PRAGMA user_version;')"
check "a new store has a schema version" test -n "$schema"

# ------------------------------------------------------------------ 1. SIGKILL
lap=$(now_us)
laps=""
phase_done() { local t; t=$(now_us); laps="$laps $1 $(((t - lap) / 1000)) ms;"; lap=$t; }
# 1a. track start on a new store: killed at random, the store is absent or whole, never empty.
t_new=$(time_of "$bin" track start --db "$tmp/calib.db" --label c "${itp[@]}" --today 2026-11-10)
new_rounds=12
bad_new=0
for i in $(seq 1 "$new_rounds"); do
  d="$tmp/new-$i"
  mkdir "$d"
  kill_run $((t_new * 3 / 2)) "$bin" track start --db "$d/t.db" --label n-1 "${itp[@]}" --today 2026-11-10
  seen start-new "$code"
  problem=""
  case "$code" in 0 | 137) ;; *) problem="exit $code: $(cat "$tmp/err")" ;; esac
  if [ -e "$d/t.db" ]; then
    snapshot "$d/t.db"
    if [ "$(sql "$snap/s.db" 'PRAGMA user_version;' 2>&1)" != "$schema" ]; then
      problem="$problem; the store is empty or half made ($(stat -c %s "$d/t.db") bytes)"
    elif ! integrity; then
      problem="$problem; integrity_check failed"
    fi
  elif [ "$code" = 0 ]; then
    problem="$problem; acknowledged, but no store"
  fi
  if [ "$code" = 0 ] && [ "$(sql "$snap/s.db" "SELECT count(*) FROM patients WHERE label = 'n-1';")" != 1 ]; then
    problem="$problem; the acknowledged patient is missing"
  fi
  # Whatever the kill left, the next start makes or uses the store (without waiting for another
  # start's schema), and the patient is there once.
  "$bin" track start --db "$d/t.db" --label n-2 "${itp[@]}" --today 2026-11-10 >/dev/null 2>"$tmp/err2" ||
    problem="$problem; the next start failed: $(cat "$tmp/err2")"
  if [ "$(sql "$d/t.db" "SELECT count(*) FROM patients WHERE label = 'n-2';")" != 1 ]; then
    problem="$problem; the next start stored nothing"
  fi
  if [ -n "$problem" ]; then
    bad_new=$((bad_new + 1))
    echo "start on a new store, kill $i:$problem" >&2
  fi
done
check "kill during start of a new store: $new_rounds of $new_rounds clean" test "$bad_new" -eq 0

phase_done start-new
# 1b. track start into an existing store: several patients started in a loop, killed at random.
sdb="$tmp/start.db"
"$bin" track start --db "$sdb" --label s-0 "${itp[@]}" --today 2026-11-10 >/dev/null
echo s-0 >"$tmp/acked-start"
t_start=$(time_of "$bin" track start --db "$sdb" --label s-calib "${itp[@]}" --today 2026-11-10)
echo s-calib >>"$tmp/acked-start"
start_rounds=12
bad=0
for i in $(seq 1 "$start_rounds"); do
  kill_run $((t_start * 3 / 2)) "$bin" track start --db "$sdb" --label "s-$i" "${itp[@]}" --today 2026-11-10
  seen start "$code"
  if [ "$code" = 0 ]; then
    if contains "$tmp/out" "Tracking s-$i:"; then echo "s-$i" >>"$tmp/acked-start"; else bad=$((bad + 1)); fi
  elif [ "$code" != 137 ]; then
    bad=$((bad + 1))
    echo "start kill $i: exit $code: $(cat "$tmp/err")" >&2
  fi
  snapshot "$sdb"
  if ! integrity || ! all_there "$tmp/acked-start" 'SELECT label FROM patients;'; then
    bad=$((bad + 1))
    echo "start kill $i: integrity or an acknowledged patient lost" >&2
  fi
  # A patient is there with all of its visits or not at all.
  if [ "$(sql "$snap/s.db" 'SELECT count(*) FROM plans pl WHERE (SELECT count(*) FROM visits v WHERE v.plan_id = pl.id) <> 16;')" != 0 ]; then
    bad=$((bad + 1))
    echo "start kill $i: a plan without its 16 visits" >&2
  fi
done
# The library in a loop: "ack" after each commit, killed after its first ack.
helper_kill() {  # helper_kill ACKFILE MAX_US ARGS...: runs the helper, kills it 0-MAX_US after its first ack
  local acks="$1" max="$2"; shift 2
  "$helper" "$@" >"$tmp/hout" 2>"$tmp/herr" &
  local pid=$! n
  for n in $(seq 1 400); do
    grep -q '^ack ' "$tmp/hout" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.025
  done
  sleep "$(delay "$max")"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  code=$?
  # Only whole lines: a line cut by the kill acknowledges nothing.
  while IFS= read -r line; do
    case "$line" in "ack "*) echo "${line#ack }" >>"$acks" ;; esac
  done <"$tmp/hout"
  if [ -s "$tmp/herr" ]; then
    echo "helper $1: $(cat "$tmp/herr")" >&2
    return 1
  fi
}
helper_rounds=4
for i in $(seq 1 "$helper_rounds"); do
  helper_kill "$tmp/acked-start" 150000 start "$sdb" "$rules" h "$((i * 1000))" 1000 || bad=$((bad + 1))
  seen start-lib "$code"
  snapshot "$sdb"
  if ! integrity || ! all_there "$tmp/acked-start" 'SELECT label FROM patients;'; then
    bad=$((bad + 1))
    echo "start (library) kill $i: integrity or an acknowledged patient lost" >&2
  fi
done
check "kill during start: every acknowledged patient kept, integrity ok ($((start_rounds + helper_rounds)) kills)" test "$bad" -eq 0
check "kill during start: starts were acknowledged" test "$(wc -l <"$tmp/acked-start")" -gt 4
"$bin" track start --db "$sdb" --label s-after "${itp[@]}" --today 2026-11-10 >/dev/null
check "kill during start: the store takes a new patient" test $? -eq 0
check "kill during start: integrity at the end" test "$(sql "$sdb" 'PRAGMA integrity_check;')" = ok

phase_done start
# 1c. track record.
rdb="$tmp/record.db"
"$bin" track start --db "$rdb" --label r "${itp[@]}" --today 2026-11-10 >/dev/null
rec=(track record --db "$rdb" --label r --test creatinine --date 2026-12-15 --today 2026-12-20)
t_rec=$(time_of "$bin" "${rec[@]}" --value "80 umol/L" --note "cli calib")
echo "cli calib" >"$tmp/acked-rec"
record_rounds=10
bad=0
for i in $(seq 1 "$record_rounds"); do
  kill_run $((t_rec * 3 / 2)) "$bin" "${rec[@]}" --value "$((70 + i)) umol/L" --note "cli $i"
  seen record "$code"
  if [ "$code" = 0 ]; then
    if contains "$tmp/out" "Recorded #"; then echo "cli $i" >>"$tmp/acked-rec"; else bad=$((bad + 1)); fi
  elif [ "$code" != 137 ]; then
    bad=$((bad + 1))
    echo "record kill $i: exit $code: $(cat "$tmp/err")" >&2
  fi
  snapshot "$rdb"
  if ! integrity || ! all_there "$tmp/acked-rec" 'SELECT note FROM results;'; then
    bad=$((bad + 1))
    echo "record kill $i: integrity or an acknowledged result lost" >&2
  fi
done
for i in $(seq 1 "$helper_rounds"); do
  : >"$tmp/acked-seq"
  helper_kill "$tmp/acked-seq" 150000 record "$rdb" "$rules" r "$((i * 1000000))" 1000000 || bad=$((bad + 1))
  seen record-lib "$code"
  sed 's/^/seq /' "$tmp/acked-seq" >>"$tmp/acked-rec"
  snapshot "$rdb"
  if ! integrity || ! all_there "$tmp/acked-rec" 'SELECT note FROM results;'; then
    bad=$((bad + 1))
    echo "record (library) kill $i: integrity or an acknowledged result lost" >&2
  fi
done
check "kill during record: every acknowledged result kept, integrity ok ($((record_rounds + helper_rounds)) kills)" test "$bad" -eq 0
check "kill during record: results were acknowledged" test "$(wc -l <"$tmp/acked-rec")" -gt 10
"$bin" "${rec[@]}" --value "90 umol/L" --note after >/dev/null
check "kill during record: the store takes a new result" test $? -eq 0
check "kill during record: integrity at the end" test "$(sql "$rdb" 'PRAGMA integrity_check;')" = ok

phase_done record
# 1d. track done: each round marks the next visit of a patient (16 visits), killed at random.
ddb="$tmp/done.db"
for l in d1 d2 d3 d4 d5; do "$bin" track start --db "$ddb" --label "$l" "${itp[@]}" --today 2026-11-10 >/dev/null; done
visits_of() { sql "$ddb" "SELECT v.date FROM visits v JOIN plans pl ON pl.id = v.plan_id JOIN patients p ON p.id = pl.patient_id WHERE p.label = '$1' ORDER BY v.date;"; }
done_query() { echo "SELECT p.label || ' ' || v.date FROM visits v JOIN plans pl ON pl.id = v.plan_id JOIN patients p ON p.id = pl.patient_id WHERE v.done = 1;"; }
mapfile -t dates < <(visits_of d1)
: >"$tmp/acked-done"
t_done=$(time_of "$bin" track done --db "$ddb" --label d1 --visit "${dates[0]}" --today 2027-07-01)
echo "d1 ${dates[0]}" >>"$tmp/acked-done"
done_rounds=10
bad=0
for i in $(seq 1 "$done_rounds"); do
  kill_run $((t_done * 3 / 2)) "$bin" track done --db "$ddb" --label d1 --visit "${dates[$i]}" --today 2027-07-01
  seen done "$code"
  if [ "$code" = 0 ]; then
    echo "d1 ${dates[$i]}" >>"$tmp/acked-done"
  elif [ "$code" != 137 ]; then
    bad=$((bad + 1))
    echo "done kill $i: exit $code: $(cat "$tmp/err")" >&2
  fi
  snapshot "$ddb"
  if ! integrity || ! all_there "$tmp/acked-done" "$(done_query)"; then
    bad=$((bad + 1))
    echo "done kill $i: integrity or an acknowledged visit lost" >&2
  fi
done
for i in $(seq 2 $((helper_rounds + 1))); do
  : >"$tmp/acked-d"
  helper_kill "$tmp/acked-d" 8000 done "$ddb" "d$i" || bad=$((bad + 1))
  seen done-lib "$code"
  sed "s/^/d$i /" "$tmp/acked-d" >>"$tmp/acked-done"
  snapshot "$ddb"
  if ! integrity || ! all_there "$tmp/acked-done" "$(done_query)"; then
    bad=$((bad + 1))
    echo "done (library) kill $i: integrity or an acknowledged visit lost" >&2
  fi
done
check "kill during done: every acknowledged visit done kept, integrity ok ($((done_rounds + helper_rounds)) kills)" test "$bad" -eq 0
check "kill during done: visits done were acknowledged" test "$(wc -l <"$tmp/acked-done")" -gt 4
"$bin" track done --db "$ddb" --label d1 --visit "${dates[15]}" --today 2027-07-01 >/dev/null
check "kill during done: the store takes a new visit done" test $? -eq 0

phase_done done
# 1e. Migration of a store of schema 1 (its three patients, nine results, three visits done).
# Killed at random from the very start (some kills before the store is opened): afterwards the
# store is of schema 1 or of this doseplan's, never between, with all that the old store held.
content='SELECT label, created_on FROM patients ORDER BY id;
SELECT p.label, r.test, r.date, r.value_as_entered, r.unit_as_entered, r.note FROM results r JOIN patients p ON p.id = r.patient_id ORDER BY r.id;
SELECT plan_id, date, done, done_on FROM visits ORDER BY id;'
sql "$v1" "$content" >"$tmp/v1-content"
cp "$v1" "$tmp/calib-m.db"
chmod 600 "$tmp/calib-m.db"
t_mig=$(time_of "$bin" track due --db "$tmp/calib-m.db" --today 2026-12-28)
migrate_rounds=12
bad=0
migrated=0
for i in $(seq 1 "$migrate_rounds"); do
  m="$tmp/m-$i.db"
  cp "$v1" "$m"
  chmod 600 "$m"
  kill_run $((t_mig * 3 / 2)) "$bin" track due --db "$m" --today 2026-12-28
  seen migrate "$code"
  case "$code" in 0 | 137) ;; *) bad=$((bad + 1)); echo "migration kill $i: exit $code: $(cat "$tmp/err")" >&2 ;; esac
  snapshot "$m"
  v="$(sql "$snap/s.db" 'PRAGMA user_version;')"
  [ "$v" = "$schema" ] && migrated=$((migrated + 1))
  if [ "$v" != 1 ] && [ "$v" != "$schema" ]; then
    bad=$((bad + 1)); echo "migration kill $i: schema $v" >&2
  elif ! integrity || [ "$(sql "$snap/s.db" "$content")" != "$(cat "$tmp/v1-content")" ]; then
    bad=$((bad + 1)); echo "migration kill $i: integrity, or the old store's content changed" >&2
  elif [ "$code" = 0 ] && [ "$v" != "$schema" ]; then
    bad=$((bad + 1)); echo "migration kill $i: exit 0 but not migrated" >&2
  fi
  # The store opens (migrating if it was not) and takes a new result.
  "$bin" track record --db "$m" --label pt-01 --test creatinine --value "99 umol/L" --date 2027-01-02 --today 2027-01-02 --note "after kill" >/dev/null 2>"$tmp/err2" ||
    { bad=$((bad + 1)); echo "migration kill $i: record afterwards failed: $(cat "$tmp/err2")" >&2; }
  if [ "$(sql "$m" "SELECT count(*) FROM results WHERE note = 'after kill';")" != 1 ] ||
    [ "$(sql "$m" 'PRAGMA user_version;')" != "$schema" ]; then
    bad=$((bad + 1)); echo "migration kill $i: not migrated, or the new result is missing" >&2
  fi
done
# The library: copies migrated one after another, killed 0-0.15 s after the first; the copy being
# migrated when the kill came is of schema 1 or migrated, and each acknowledged one migrated.
mdir="$tmp/mig"
mkdir "$mdir"
for i in $(seq 1 "$helper_rounds"); do
  : >"$tmp/acked-m"
  helper_kill "$tmp/acked-m" 150000 migrate "$v1" "$mdir" "$((i * 1000))" 1000 || bad=$((bad + 1))
  seen migrate-lib "$code"
  last="$(ls "$mdir" | grep -E '^m-[0-9]+\.db$' | sed 's/^m-//; s/\.db$//' | sort -n | tail -n 1)"
  for n in $(cat "$tmp/acked-m") "$last"; do
    snapshot "$mdir/m-$n.db"
    v="$(sql "$snap/s.db" 'PRAGMA user_version;')"
    if { [ "$v" != "$schema" ] && { [ "$n" != "$last" ] || [ "$v" != 1 ]; }; } || ! integrity ||
      [ "$(sql "$snap/s.db" "$content")" != "$(cat "$tmp/v1-content")" ]; then
      bad=$((bad + 1)); echo "migration (library) kill $i, copy $n: schema $v, or integrity, or content" >&2
    fi
  done
  rm -f "$mdir"/*
done
check "kill during migration: schema 1 or migrated, nothing of the old store lost ($((migrate_rounds + helper_rounds)) kills)" test "$bad" -eq 0
echo "kill during migration: $migrated of $migrate_rounds command-line kills after the migration's commit" >&2

phase_done migration
# ------------------------------------------------------------------ 2. a full disk
# LIMIT bytes: no file may grow past it. 0: nothing can be written at all; 16384: less than the
# -shm file of WAL; 40000: the -shm file, but a short -wal; the store's own size: a -wal of some
# pages but no growth of the store (its checkpoint fails).
fdb="$tmp/full.db"
"$bin" track start --db "$fdb" --label f "${itp[@]}" --today 2026-11-10 >/dev/null
"$bin" track record --db "$fdb" --label f --test creatinine --value "90 umol/L" --date 2026-12-15 --today 2026-12-20 --note base >/dev/null
echo base >"$tmp/acked-full"
mapfile -t fdates < <(sql "$fdb" "SELECT v.date FROM visits v JOIN plans pl ON pl.id = v.plan_id JOIN patients p ON p.id = pl.patient_id WHERE p.label = 'f' ORDER BY v.date;")
ro_subs=("patients" "due --today 2026-12-20" "history --label f" "advise --label f --today 2026-12-20" "export --label f --format json")
# full LIMIT ARGS...: doseplan ARGS with no file growing past LIMIT bytes (RLIMIT_FSIZE), SIGXFSZ
# ignored so that such a write fails with EFBIG; its output goes through pipes, which the limit
# does not cut. Sets $code, $tmp/out, $tmp/err.
full() {
  local lim="$1"; shift
  { (trap '' XFSZ; prlimit --fsize="$lim" "$bin" "$@"; echo $? >"$tmp/code") | cat >"$tmp/out"; } 2>&1 |
    cat >"$tmp/err"
  code="$(cat "$tmp/code")"
}
# A refused write: exit 2 and the disk_full id, whose message says that nothing was changed.
refused_full() { [ "$code" = 2 ] && contains "$tmp/err" "[tracker.disk_full]" && contains "$tmp/err" "nothing was changed"; }
bad=0
refusals=0
k=0
for lim in 0 16384 40000 "$(stat -c %s "$fdb")"; do
  for op in start record done; do
    k=$((k + 1))
    case "$op" in
      start) full "$lim" track start --db "$fdb" --label "full-$k" "${itp[@]}" --today 2026-11-10
        change="SELECT count(*) FROM patients WHERE label = 'full-$k';" ;;
      record) full "$lim" track record --db "$fdb" --label f --test creatinine --value "9$k umol/L" --date 2026-12-15 --today 2026-12-20 --note "full $k"
        change="SELECT count(*) FROM results WHERE note = 'full $k';" ;;
      done) full "$lim" track done --db "$fdb" --label f --visit "${fdates[$k]}" --today 2027-07-01
        change="SELECT count(*) FROM visits WHERE date = '${fdates[$k]}' AND done = 1 AND plan_id = (SELECT pl.id FROM plans pl JOIN patients p ON p.id = pl.patient_id WHERE p.label = 'f');" ;;
    esac
    seen full-"$op" "$code"
    snapshot "$fdb"
    if [ "$code" = 0 ]; then
      [ "$(sql "$snap/s.db" "$change")" = 1 ] || { bad=$((bad + 1)); echo "full disk ($lim bytes), $op: exit 0 but not stored" >&2; }
      [ "$op" = record ] && echo "full $k" >>"$tmp/acked-full"
    elif refused_full; then
      refusals=$((refusals + 1))
      [ "$(sql "$snap/s.db" "$change")" = 0 ] || { bad=$((bad + 1)); echo "full disk ($lim bytes), $op: refused but stored" >&2; }
    else
      bad=$((bad + 1)); echo "full disk ($lim bytes), $op: exit $code: $(cat "$tmp/err")" >&2
    fi
    if ! integrity || ! all_there "$tmp/acked-full" 'SELECT note FROM results;'; then
      bad=$((bad + 1)); echo "full disk ($lim bytes), $op: integrity or an acknowledged result lost" >&2
    fi
  done
  for sub in "${ro_subs[@]}"; do
    # shellcheck disable=SC2086
    "$bin" track $sub --db "$fdb" >"$tmp/want" 2>/dev/null
    # shellcheck disable=SC2086
    full "$lim" track $sub --db "$fdb"
    seen full-read "$code"
    if [ "$code" != 0 ] || ! cmp -s "$tmp/out" "$tmp/want"; then
      bad=$((bad + 1)); echo "full disk ($lim bytes), $sub: exit $code: $(cat "$tmp/err")" >&2
    fi
  done
done
check "full disk: exit 0 or 2 with tracker.disk_full, nothing acknowledged lost, reads exit 0 ($k writes, $((4 * ${#ro_subs[@]})) reads)" test "$bad" -eq 0
check "full disk: writes were refused" test "$refusals" -ge 3
check "full disk: integrity at the end" test "$(sql "$fdb" 'PRAGMA integrity_check;')" = ok
"$bin" track record --db "$fdb" --label f --test creatinine --value "91 umol/L" --date 2026-12-15 --today 2026-12-20 >/dev/null
check "full disk: with room again, the store takes a new result" test $? -eq 0
# A start that can not make a new store leaves nothing: no empty file, no -wal, -shm or -journal.
bad=0
for lim in 0 4096 16384 65536 200000; do
  d="$tmp/full-new-$lim"
  mkdir "$d"
  full "$lim" track start --db "$d/t.db" --label n "${itp[@]}" --today 2026-11-10
  seen full-start-new "$code"
  if [ "$code" = 0 ]; then
    [ "$(sql "$d/t.db" "SELECT count(*) FROM patients WHERE label = 'n';")" = 1 ] || { bad=$((bad + 1)); echo "new store on a full disk ($lim): exit 0, no patient" >&2; }
  elif ! refused_full || [ -n "$(ls -A "$d")" ]; then
    bad=$((bad + 1)); echo "new store on a full disk ($lim): exit $code, left: $(ls -A "$d" | tr '\n' ' ') $(cat "$tmp/err")" >&2
  fi
done
check "full disk: a start that can not make a new store exits 2 (tracker.disk_full) and leaves no file" test "$bad" -eq 0

phase_done full-disk
# ------------------------------------------------------------------ 3. a read-only disk
rodir="$tmp/ro"
mkdir "$rodir"
cp "$fdb" "$rodir/t.db"
sqlite3 -batch "$rodir/t.db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
rm -f "$rodir/t.db-wal" "$rodir/t.db-shm"
for sub in "${ro_subs[@]}"; do
  # shellcheck disable=SC2086
  "$bin" track $sub --db "$rodir/t.db" >"$tmp/want-${sub%% *}" 2>/dev/null
done
rm -f "$rodir/t.db-wal" "$rodir/t.db-shm"
cp "$v1" "$rodir/v1.db"
chmod 600 "$rodir/v1.db"
how=""
ro=()
if [ "$(id -u)" = 0 ] && unshare -m --propagation private -- sh -c \
  'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && ! touch "$1/probe" 2>/dev/null' _ "$rodir" 2>/dev/null; then
  how="a read-only bind mount (unshare -m)"
  ro=(unshare -m --propagation private -- sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"' _ "$rodir")
elif [ "$(id -u)" = 0 ]; then
  how="emulated: a store and directory that user 65534 may not write (no mount namespace here)"
  chmod 711 "$tmp"
  chown 65534:65534 "$rodir/t.db" "$rodir/v1.db"
  chmod 400 "$rodir/t.db" "$rodir/v1.db"
  chmod 555 "$rodir"
  ro=(setpriv --reuid=65534 --regid=65534 --clear-groups)
else
  how="emulated: a store and directory of mode 0400 and 0555 (not root)"
  chmod 400 "$rodir/t.db" "$rodir/v1.db"
  chmod 555 "$rodir"
fi
echo "read-only disk: $how" >&2
sum_before="$(cksum <"$rodir/t.db")"
rorun() { "${ro[@]}" "$bin" "$@" >"$tmp/out" 2>"$tmp/err"; code=$?; }
bad=0
rorun track record --db "$rodir/t.db" --label f --test creatinine --value "92 umol/L" --date 2026-12-15 --today 2026-12-20
seen ro-write "$code"
{ [ "$code" = 2 ] && contains "$tmp/err" "[tracker.read_only]"; } || { bad=$((bad + 1)); echo "read-only disk, record: exit $code: $(cat "$tmp/err")" >&2; }
rorun track done --db "$rodir/t.db" --label f --visit "${fdates[15]}" --today 2027-07-01
seen ro-write "$code"
{ [ "$code" = 2 ] && contains "$tmp/err" "[tracker.read_only]"; } || { bad=$((bad + 1)); echo "read-only disk, done: exit $code: $(cat "$tmp/err")" >&2; }
rorun track start --db "$rodir/t.db" --label ro-1 "${itp[@]}" --today 2026-11-10
seen ro-write "$code"
{ [ "$code" = 2 ] && contains "$tmp/err" "[tracker.read_only]"; } || { bad=$((bad + 1)); echo "read-only disk, start: exit $code: $(cat "$tmp/err")" >&2; }
rorun track start --db "$rodir/new.db" --label ro-1 "${itp[@]}" --today 2026-11-10
seen ro-write "$code"
{ [ "$code" = 2 ] && contains "$tmp/err" "[tracker.read_only]"; } || { bad=$((bad + 1)); echo "read-only disk, start of a new store: exit $code: $(cat "$tmp/err")" >&2; }
check "read-only disk: start, record, done exit 2 with tracker.read_only" test "$bad" -eq 0
bad=0
for sub in "${ro_subs[@]}"; do
  # shellcheck disable=SC2086
  rorun track $sub --db "$rodir/t.db"
  seen ro-read "$code"
  if [ "$code" != 0 ] || ! cmp -s "$tmp/out" "$tmp/want-${sub%% *}"; then
    bad=$((bad + 1)); echo "read-only disk, $sub: exit $code: $(cat "$tmp/err")" >&2
  fi
done
check "read-only disk: patients, due, history, advise, export exit 0 and print as before" test "$bad" -eq 0
# A store of an older schema must be migrated once, which writes it.
rorun track patients --db "$rodir/v1.db"
seen ro-read "$code"
check "read-only disk: a store of schema 1 is refused (tracker.read_only), not migrated" test "$code" = 2 -a "$(grep -c '\[tracker.read_only\]' "$tmp/err")" = 1
check "read-only disk: nothing written" test "$(ls -A "$rodir" | tr '\n' ' ')" = "t.db v1.db " -a "$(cksum <"$rodir/t.db")" = "$sum_before"
chmod 755 "$rodir"
chmod 700 "$tmp"

phase_done read-only
elapsed=$(( ($(now_us) - $(echo "$t0" | tr -d .)) / 1000 ))
echo "fault test: exit codes per phase (137 = killed):" >&2
for phase in start-new start start-lib record record-lib done done-lib migrate migrate-lib full-start full-record full-done full-start-new full-read ro-write ro-read; do
  echo "  $phase: $(tally "$phase")" >&2
done
echo "fault test: $elapsed ms;$laps" >&2
echo "$passed passed, $failed failed"
test "$failed" -eq 0
