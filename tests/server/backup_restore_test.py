#!/usr/bin/env python3
"""The backups docs/deploy.md tells a clinic to make, restored and read back (issue 22).

SQLite: a patient tracked and results recorded with the command line (`doseplan track start`,
`record`, `done`, `entered-in-error`), a backup with `sqlite3 FILE ".backup BACKUP"` (umask 077),
restored into a new file with `sqlite3 NEW ".restore BACKUP"`; the restored store prints what the
original prints (`track history` as text and JSON, `patients`, `due`, `advise`) and takes a new
result. A file restored with a umask that lets others read it is refused (tracker.unsafe_mode)
until `chmod 600`, as docs/deploy.md says.

PostgreSQL (a throwaway cluster, tests/support/pg_cluster.py): the same patient and results, a
backup with `pg_dump -Fc`, restored with `pg_restore --no-owner` into a new database (`createdb
-O`) owned by a role that is not a superuser, as docs/deploy.md makes one; the restored database
prints the same, takes a new result (its identity sequence restored: the next number follows),
and still refuses to change a result (the append-only triggers restored). The SQLite and the
PostgreSQL stores also print the same history.

usage: backup_restore_test.py DOSEPLAN [RULES_DIR]   (RULES_DIR defaults to the repository's rules/)"""
import json
import os
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "support"))
from pg_cluster import PgCluster  # noqa: E402

if len(sys.argv) < 2:
    sys.exit(__doc__)
binary = sys.argv[1]
rules = sys.argv[2] if len(sys.argv) > 2 else os.path.normpath(os.path.join(here, "..", "..", "rules"))
TODAY = "2026-12-06"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)
    return cond


def doseplan(env, *args, ok=True):
    r = subprocess.run([binary, "track", *args], capture_output=True, text=True, env=env, timeout=60)
    if ok:
        check(r.returncode == 0, f"doseplan track {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()[:400]}")
    return r


def fill(env, db):
    """One patient, five results (a note in Chinese, one marked entered in error), a visit done."""
    doseplan(env, "start", "--db", db, "--label", "pt-01", "--regimen", "cyclosporine-itp", "--weight", "62kg",
             "--start", "2026-12-01", "--creatinine", "80 umol/L", "--today", "2026-11-15")
    for test, value, day, extra in (
            ("creatinine", "80 umol/L", "2026-11-16", ()),
            ("creatinine", "10 umol/L", "2026-11-17", ()),
            ("creatinine", "1.2 mg/dL", "2026-12-04", ("--note", "空腹 fasting")),
            ("alt", "35 U/L", "2026-12-04", ("--uln", "40 U/L")),
            ("systolic-bp", "146 mmHg", "2026-12-05", ())):
        doseplan(env, "record", "--db", db, "--label", "pt-01", "--test", test, "--value", value,
                 "--date", day, "--today", TODAY, *extra)
    doseplan(env, "entered-in-error", "--db", db, "--label", "pt-01", "--result", "2",
             "--reason", "typed 10 for 100", "--today", TODAY)
    doseplan(env, "done", "--db", db, "--label", "pt-01", "--visit", first_visit(env, db), "--on", "2026-11-17",
             "--note", "GP practice", "--today", TODAY)


def first_visit(env, db):
    r = doseplan(env, "history", "--db", db, "--label", "pt-01", "--format", "json")
    return json.loads(r.stdout)["visits"][0]["date"]


def views(env, db):
    """What the store prints: history (text, JSON, Chinese), patients, due, advise; the store's
    path or URL, which `patients` prints, written DB."""
    out = {}
    for name, args in (("history", ("history", "--label", "pt-01")),
                       ("history json", ("history", "--label", "pt-01", "--format", "json")),
                       ("history zh", ("history", "--label", "pt-01", "--lang", "zh-CN")),
                       ("patients", ("patients",)),
                       ("due", ("due", "--within", "60d", "--today", TODAY)),
                       ("advise", ("advise", "--label", "pt-01", "--today", TODAY))):
        r = doseplan(env, *args[:1], "--db", db, *args[1:])
        out[name] = r.stdout.replace(db, "DB")  # `patients` names its store
    return out


def same(a, b, what):
    for name in a:
        check(a[name] == b[name] and a[name].strip(),
              f"{what}: `track {name}` differs:\n--- original\n{a[name][:800]}\n--- restored\n{b[name][:800]}")


def sqlite_case(tmp, env):
    db, backup, restored = (os.path.join(tmp, n) for n in ("tracker.db", "backup.db", "restored.db"))
    fill(env, db)
    before = views(env, db)
    check("#3" in before["history"] and "ENTERED IN ERROR" in before["history"], "the history lists the results")
    # the backup (sqlite3's online backup: safe while doseplan runs), private from the start
    r = subprocess.run(["sqlite3", db, f".backup '{backup}'"], capture_output=True, text=True,
                       preexec_fn=lambda: os.umask(0o077))
    check(r.returncode == 0, f"sqlite3 .backup: {r.stderr}")
    check(stat.S_IMODE(os.stat(backup).st_mode) == 0o600, f"the backup (umask 077) is 0600: {oct(os.stat(backup).st_mode)}")
    # restored with a umask that lets others read: refused until chmod 600
    r = subprocess.run(["sqlite3", restored, f".restore '{backup}'"], capture_output=True, text=True,
                       preexec_fn=lambda: os.umask(0o022))
    check(r.returncode == 0, f"sqlite3 .restore: {r.stderr}")
    r = doseplan(env, "history", "--db", restored, "--label", "pt-01", ok=False)
    check(r.returncode == 2 and "tracker.unsafe_mode" in r.stderr,
          f"a restored file readable by others is refused: {r.returncode} {r.stderr[:300]}")
    os.chmod(restored, 0o600)
    same(before, views(env, restored), "SQLite, restored from sqlite3 .backup")
    doseplan(env, "record", "--db", restored, "--label", "pt-01", "--test", "creatinine", "--value", "90 umol/L",
             "--date", TODAY, "--today", TODAY)
    after = views(env, restored)["history"]
    check("#6" in after, f"the restored store takes a new result, #6: {after[:600]}")
    check(views(env, db) == before, "the original is unchanged")
    return before


def psql(pg, url, sql, env, ok=True):
    r = subprocess.run([os.path.join(pg.bin, "psql"), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url],
                       input=sql, capture_output=True, text=True, env=env)
    if ok:
        check(r.returncode == 0, f"psql: {sql[:80]!r}: {r.stderr}")
    return r


def postgres_case(tmp, sqlite_views):
    with PgCluster() as pg:
        env = dict(pg.env, HOME=tmp, DOSEPLAN_RULES=rules, TZ="UTC")
        fill(env, pg.url)
        before = views(env, pg.url)
        for name in before:
            check(before[name] == sqlite_views[name],
                  f"`track {name}` prints the same from SQLite and PostgreSQL:\n--- SQLite\n"
                  f"{sqlite_views[name][:600]}\n--- PostgreSQL\n{before[name][:600]}")
        dump = os.path.join(tmp, "doseplan.dump")
        host = ["-h", "127.0.0.1", "-p", str(pg.port)]
        r = subprocess.run([os.path.join(pg.bin, "pg_dump"), "-Fc", "-d", pg.url, "-f", dump],
                           capture_output=True, text=True, env=env, preexec_fn=lambda: os.umask(0o077))
        check(r.returncode == 0 and os.path.getsize(dump) > 0, f"pg_dump -Fc: {r.stderr}")
        # the role of docs/deploy.md: may log in, is no superuser, owns its database
        password = secrets.token_hex(16)
        psql(pg, pg.url, f"CREATE ROLE clinic LOGIN PASSWORD '{password}';", env)
        pgpass = os.path.join(tmp, "pgpass")
        with open(pgpass, "w") as f:
            f.write(f"127.0.0.1:{pg.port}:*:doseplan:{pg.password}\n127.0.0.1:{pg.port}:*:clinic:{password}\n")
        os.chmod(pgpass, 0o600)
        env = dict(env, PGPASSFILE=pgpass)
        r = subprocess.run([os.path.join(pg.bin, "createdb"), *host, "-U", "doseplan", "-O", "clinic", "restored"],
                           capture_output=True, text=True, env=env)
        check(r.returncode == 0, f"createdb -O clinic restored: {r.stderr}")
        restored = f"postgresql://clinic@127.0.0.1:{pg.port}/restored"
        r = subprocess.run([os.path.join(pg.bin, "pg_restore"), "--no-owner", "--exit-on-error", "-d", restored, dump],
                           capture_output=True, text=True, env=env)
        check(r.returncode == 0, f"pg_restore --no-owner into restored (as clinic): {r.stderr}")
        check(psql(pg, restored, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user;", env).stdout.strip() == "f",
              "the restored database is used by a role that is not a superuser")
        same(before, views(env, restored), "PostgreSQL, restored from pg_dump -Fc")
        doseplan(env, "record", "--db", restored, "--label", "pt-01", "--test", "creatinine", "--value", "90 umol/L",
                 "--date", TODAY, "--today", TODAY)
        after = views(env, restored)["history"]
        check("#6" in after, f"the restored database takes a new result, #6 (its sequence restored): {after[:600]}")
        r = psql(pg, restored, "UPDATE results SET note = 'changed' WHERE id = 1;", env, ok=False)
        check(r.returncode != 0 and "never changed" in r.stderr,
              f"the restored database still refuses to change a result (its trigger restored): {r.stderr.strip()}")
        check(views(env, pg.url) == before, "the original database is unchanged")
        # doseplan track start on a new, empty database owned by the role (docs/deploy.md's first run)
        subprocess.run([os.path.join(pg.bin, "createdb"), *host, "-U", "doseplan", "-O", "clinic", "fresh"],
                       capture_output=True, text=True, env=env, check=True)
        fresh = f"postgresql://clinic@127.0.0.1:{pg.port}/fresh"
        doseplan(env, "start", "--db", fresh, "--label", "pt-02", "--regimen", "cyclosporine-itp", "--weight", "62kg",
                 "--start", "2026-12-01", "--today", TODAY)
        check("pt-02" in doseplan(env, "patients", "--db", fresh).stdout,
              "a role that is not a superuser makes the schema of a new database (track start)")


def main():
    tmp = tempfile.mkdtemp(prefix="doseplan-backup-")
    os.chmod(tmp, 0o711)  # the cluster's postgres user reads nothing here; the dump is written by us
    try:
        env = dict(os.environ, HOME=tmp, DOSEPLAN_RULES=rules, TZ="UTC")
        env.pop("XDG_DATA_HOME", None)
        sqlite_views = sqlite_case(tmp, env)
        postgres_case(tmp, sqlite_views)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"backup_restore_test: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    # SIGTERM (timeout(1), kill) ends the test through its cleanup: the cluster stopped and removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
