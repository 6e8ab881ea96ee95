#!/usr/bin/env python3
"""Two `doseplan serve` on one PostgreSQL database while the database fails (issue 22).

A throwaway cluster (tests/support/pg_cluster.py); two servers on its URL, each with its own port
and key; a patient tracked through the API. Then six client threads post creatinine results,
alternating between the two servers, each result distinct (its value and its note), and remember
every answer. During the load the database is restarted (pg_ctl stop -m fast, 2 s down, start)
and later its postmaster is killed with SIGKILL and started again (crash recovery).

Checked:
- every result acknowledged (201) is stored, once (read back with psql and through the API of
  both servers); nothing is stored twice; nothing is stored that was not sent; a result answered
  with a clean 503 that says "nothing was changed" is not stored (only one answered "may or may
  not be stored", tracker.db_unavailable in doubt, may be);
- while the database was down, every refused post was a 503 tracker.db_unavailable or
  tracker.db_busy: never a 500, another status, a dropped connection or a wait past the client's
  timeout; the faults were seen (some 503s);
- once the database is back, both servers answer 2xx again without being restarted (the time to
  the first 2xx is printed);
- two nurses recording for the same patient at the same instant, one on each server: both
  stored (before and after the faults);
- both servers still run at the end and stop on SIGTERM with exit 0; no 500 in their logs.

usage: pg_faults_test.py DOSEPLAN [RULES_DIR]   (RULES_DIR defaults to the repository's rules/)"""
import collections
import datetime
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, "..", "support"))
from pg_cluster import PgCluster  # noqa: E402
from serve_support import Server  # noqa: E402

if len(sys.argv) < 2:
    sys.exit(__doc__)
binary = sys.argv[1]
rules = sys.argv[2] if len(sys.argv) > 2 else os.path.normpath(os.path.join(here, "..", "..", "rules"))

CLIENTS = 6
CLIENT_TIMEOUT = 10.0       # seconds a client waits for an answer; more is a hang
RECOVERY_LIMIT = 10.0       # seconds after the database is back by which each server answers 2xx
CLEAN_IDS = ("tracker.db_unavailable", "tracker.db_busy")
ITP = {"regimen": "cyclosporine-itp", "weight": "60 kg", "start": "2026-12-01"}
TODAY = datetime.datetime.now(datetime.timezone.utc).date()  # the servers run with TZ=UTC

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)
    return cond


class Answer:
    """One request and what came back: status (an int, or "timeout" / "connection"), the first
    error id, whether the error said the change may or may not be stored, and the times."""
    __slots__ = ("server", "note", "sent", "done", "status", "error_id", "in_doubt", "text")

    def __init__(self, server, note):
        self.server, self.note = server, note
        self.sent = self.done = 0.0
        self.status, self.error_id, self.in_doubt, self.text = None, None, False, ""


def call(server, method, path, body=None, timeout=CLIENT_TIMEOUT):
    """(status, body bytes); status "timeout" or "connection" when no HTTP answer came."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    headers = {"Authorization": "Bearer " + server.key}
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body).encode(), headers=headers)
        r = conn.getresponse()
        return r.status, r.read()
    except (socket.timeout, TimeoutError):
        return "timeout", b""
    except OSError as e:
        return "connection", str(e).encode()
    finally:
        conn.close()


def record(server, index, label, value, day, note):
    a = Answer(index, note)
    a.sent = time.monotonic()
    a.status, body = call(server, "POST", f"/api/v1/patients/{label}/results",
                          {"test": "creatinine", "value": value, "date": day.isoformat(), "note": note})
    a.done = time.monotonic()
    a.text = body.decode("utf-8", "replace")
    if isinstance(a.status, int) and a.status >= 300:
        try:
            err = json.loads(body)["errors"][0]
            a.error_id = err["id"]
            a.in_doubt = "may or may not be stored" in err.get("message", "")
        except (ValueError, KeyError, IndexError, TypeError):
            a.error_id = "(not JSON errors)"
    return a


def stored_notes(pg, label):
    """note -> how many rows hold it, for the patient `label`, read with psql."""
    out = pg.psql("SELECT r.note, count(*) FROM results r JOIN patients p ON p.id = r.patient_id "
                  f"WHERE p.label = '{label}' GROUP BY r.note")
    counts = {}
    for line in out.splitlines():
        note, n = line.rsplit("|", 1)
        counts[note] = int(n)
    return counts


def api_notes(server, label):
    status, body = call(server, "GET", f"/api/v1/patients/{label}", timeout=30)
    if not check(status == 200, f"GET /api/v1/patients/{label} on :{server.port}: {status}"):
        return None
    return collections.Counter(r["note"] for r in json.loads(body)["results"])


def two_nurses(servers, label, rounds, tag):
    """Each round, one post on each server for the same patient, test and day, released together."""
    notes, bad = [], []
    for i in range(rounds):
        barrier = threading.Barrier(2)
        answers = [None, None]

        def nurse(k):
            barrier.wait()
            answers[k] = record(servers[k], k, label, f"{70 + k + i / 100:.2f} umol/L", TODAY,
                                f"{tag}-{i}-nurse{k}")
        ts = [threading.Thread(target=nurse, args=(k,)) for k in (0, 1)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        for a in answers:
            notes.append(a.note)
            if a.status != 201:
                bad.append((a.note, a.status, a.error_id))
    check(not bad, f"two nurses at once ({tag}): every post 201: {bad[:5]}")
    return notes


def start_again(pg, deadline=20.0):
    """pg.start(), tried again while the killed postmaster's backends are still going away."""
    t0 = time.monotonic()
    for tries in range(1, 1000):
        try:
            pg.start()
            return tries
        except Exception as e:  # noqa: BLE001 (pg_ctl's failure, with its output)
            if tries == 1:
                print("pg_faults: pg_ctl start after kill -9 failed, tried again:",
                      " ".join(str(getattr(e, "stderr", e)).split())[:200])
            if time.monotonic() - t0 > deadline:
                raise RuntimeError(f"the cluster did not start again: {getattr(e, 'stderr', e)}")
            time.sleep(0.5)


def main():
    # Long (about 170 lines): one scenario in order (servers up, load, restart, kill -9, the
    # checks, the summary), whose steps share the cluster, the two servers and every answer.
    started = time.monotonic()
    servers = []
    with PgCluster() as pg:
        os.environ["PGPASSFILE"] = pg.pgpass  # the servers' environment: the password, never the URL
        try:
            for _ in range(2):
                servers.append(Server(binary, rules, db=pg.url))
            a, b = servers
            check(a.key != b.key and a.port != b.port, "two servers, each its own port and key")
            status, body = call(a, "POST", "/api/v1/patients", {"label": "pt-load", "request": ITP})
            check(status == 201, f"track pt-load through server A: {status} {body[:300]!r}")
            status, body = call(b, "POST", "/api/v1/patients", {"label": "pt-two", "request": ITP})
            check(status == 201, f"track pt-two through server B: {status} {body[:300]!r}")
            status, body = call(a, "POST", "/api/v1/patients", {"label": "pt-two", "request": ITP})
            check(status == 409, f"pt-two again through server A: 409 (one store): {status}")

            nurse_notes = two_nurses(servers, "pt-two", 10, "before")

            # --- the load, and the faults under it
            answers, lock = [], threading.Lock()
            stop = threading.Event()
            counter = iter(range(1, 10**9))

            def client(t):
                i = 0
                while not stop.is_set():
                    with lock:
                        n = next(counter)
                    k = (t + i) % 2
                    day = TODAY - datetime.timedelta(days=n % 28)
                    ans = record(servers[k], k, "pt-load", f"{40 + n / 100:.2f} umol/L", day, f"load-{n}")
                    with lock:
                        answers.append(ans)
                    if ans.status == 503:
                        time.sleep(0.02)  # as a client would, before trying again
                    i += 1

            threads = [threading.Thread(target=client, args=(t,), daemon=True) for t in range(CLIENTS)]
            t_load = time.monotonic()
            for t in threads:
                t.start()
            time.sleep(3)
            t_down1 = time.monotonic()
            pg.stop()
            time.sleep(2)
            pg.start()
            t_up1 = time.monotonic()
            time.sleep(4)
            t_down2 = time.monotonic()
            pg.kill()
            tries = start_again(pg)
            t_up2 = time.monotonic()
            time.sleep(4)
            stop.set()
            for t in threads:
                t.join(timeout=CLIENT_TIMEOUT + 5)
            check(not any(t.is_alive() for t in threads), "every client thread ended")
            t_end = time.monotonic()

            # --- the answers: 201, or a clean 503
            by_status = collections.Counter(x.status for x in answers)
            errors = collections.Counter(x.error_id for x in answers if x.status != 201)
            unclean = [x for x in answers
                       if x.status != 201 and not (x.status == 503 and x.error_id in CLEAN_IDS)]
            check(not unclean, f"{len(unclean)} posts answered neither 201 nor a clean 503: " +
                  "; ".join(f"{x.note}: {x.status} {x.error_id} {x.text[:200]!r}" for x in unclean[:5]))
            slow = [x for x in answers if x.done - x.sent > CLIENT_TIMEOUT]
            check(not slow, f"{len(slow)} posts took longer than the client's {CLIENT_TIMEOUT:.0f} s")
            in_fault = [x for x in answers if x.status == 503]
            check(in_fault, "the faults were seen: some posts were refused with 503")
            windows = (("restart", t_down1, t_up1, t_down2), ("kill -9", t_down2, t_up2, t_end))
            for name, down, up, until in windows:
                seen = [x for x in answers if x.status == 503 and down - 0.5 <= x.sent <= until]
                check(seen, f"{name}: some posts refused while the database was down")

            # --- recovery: the first 2xx of each server after the database came back
            recovery = {}
            for name, up in (("restart", t_up1), ("kill -9", t_up2)):
                for k in (0, 1):
                    oks = [x.done for x in answers if x.server == k and x.status == 201 and x.sent >= up]
                    r = min(oks) - up if oks else None
                    recovery[(name, k)] = r
                    check(r is not None and r <= RECOVERY_LIMIT,
                          f"{name}: server {'AB'[k]} answers 201 within {RECOVERY_LIMIT:.0f} s of the database "
                          f"being back: {r}")
            for k, s in enumerate(servers):
                status, _ = call(s, "GET", "/api/v1/patients")
                check(status == 200, f"after the faults, server {'AB'[k]} GET /api/v1/patients: {status}")
                ans = record(s, k, "pt-load", f"{30 + k}.5 umol/L", TODAY, f"after-{k}")
                answers.append(ans)
                check(ans.status == 201, f"after the faults, server {'AB'[k]} records: {ans.status} {ans.error_id}")
                check(s.proc.poll() is None, f"server {'AB'[k]} still running (never restarted)")

            nurse_notes += two_nurses(servers, "pt-two", 10, "after")

            # --- what is stored
            sent = {x.note: x for x in answers}
            acked = {x.note for x in answers if x.status == 201}
            stored = stored_notes(pg, "pt-load")
            lost = sorted(acked - set(stored))
            check(not lost, f"{len(lost)} acknowledged results not stored: {lost[:10]}")
            dup = {n: c for n, c in stored.items() if c > 1}
            check(not dup, f"results stored more than once: {dict(list(dup.items())[:10])}")
            foreign = sorted(set(stored) - set(sent))
            check(not foreign, f"results stored that no client sent: {foreign[:10]}")
            extra = [sent[n] for n in stored if n in sent and n not in acked]
            wrongly = [x for x in extra if not x.in_doubt]
            check(not wrongly, f"{len(wrongly)} results stored though the answer said nothing was changed: " +
                  "; ".join(f"{x.note}: {x.status} {x.error_id}" for x in wrongly[:5]))
            for k, s in enumerate(servers):
                via_api = api_notes(s, "pt-load")
                if via_api is not None:
                    check(dict(via_api) == stored, f"server {'AB'[k]}'s API lists the results psql reads")
            two = stored_notes(pg, "pt-two")
            check(all(two.get(n) == 1 for n in nurse_notes) and len(two) == len(nurse_notes),
                  f"two nurses at once: all {len(nurse_notes)} results stored, once each "
                  f"(stored {len(two)}, missing {[n for n in nurse_notes if n not in two][:5]})")

            # --- the audit chain of two servers' writes through a restart and a kill -9: whole,
            # with an entry for every result stored (and the two starts)
            r = subprocess.run([binary, "audit", "verify", "--db", pg.url], capture_output=True,
                               text=True, env=dict(pg.env, DOSEPLAN_RULES=rules))
            m = re.search(r"(\d+) entries; the chain is whole", r.stdout)
            check(r.returncode == 0 and m is not None, f"audit verify after the faults: {r.stdout}")
            records = sum(stored.values()) + sum(two.values())
            check(m is not None and int(m.group(1)) >= records + 2,
                  f"the audit has an entry for each of the {records} results stored: {r.stdout}")

            # --- SIGTERM: both stop cleanly; no 500 in the logs
            for k, s in enumerate(servers):
                code, out = s.stop()
                check(code == 0 and "stopped" in out, f"server {'AB'[k]} SIGTERM: exit {code}, {out!r}")
                log = "".join(s.log_lines)
                check(" 500 " not in log, f"server {'AB'[k]}'s log has a 500: "
                      f"{[x for x in s.log_lines if ' 500 ' in x][:3]}")

            # --- the summary
            doubt = sum(1 for x in answers if x.in_doubt)
            print(f"pg_faults: {len(answers)} posts by {CLIENTS} clients over {t_end - t_load:.1f} s "
                  f"on two servers: {by_status.get(201, 0)} acknowledged (201), all stored once; "
                  f"statuses {dict(by_status)}")
            print(f"pg_faults: errors by id {dict(errors)}; {doubt} 'may or may not be stored' "
                  f"({len(extra)} of the unacknowledged were stored)")
            print("pg_faults: first 201 after the database was back: " +
                  ", ".join(f"{name} server {'AB'[k]} {r:.2f} s" if r is not None else f"{name} {'AB'[k]} none"
                            for (name, k), r in recovery.items()))
            for name, down, up, until in windows:
                while_down = [x for x in answers if x.status == 503 and down - 0.5 <= x.sent < up]
                after = [x.sent - up for x in answers if x.status == 503 and up <= x.sent < until - 0.5]
                print(f"pg_faults: {name}: the database was back after {up - down:.2f} s"
                      f"{f' ({tries} pg_ctl start)' if name == 'kill -9' else ''}; {len(while_down)} posts "
                      f"refused meanwhile, {len(after)} after it was back"
                      f"{f' (the last {max(after):.2f} s after)' if after else ''}")
            longest = max((x.done - x.sent for x in answers), default=0)
            print(f"pg_faults: slowest answer {longest:.2f} s; two nurses at once: "
                  f"{len(nurse_notes)} posts, all stored")
            for i, x in enumerate(x for x in answers if x.status == 503):
                if i == 0 or x.in_doubt:
                    print(f"pg_faults: e.g. 503 {x.error_id}: {json.loads(x.text)['errors'][0]['message'][:220]}")
                    if x.in_doubt:
                        break
        finally:
            for s in servers:
                s.cleanup()
    print(f"pg_faults_test: {len(failures)} failures in {time.monotonic() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    # SIGTERM (timeout(1), kill) ends the test through its cleanup: servers and cluster stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
