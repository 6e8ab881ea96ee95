#!/usr/bin/env python3
"""`doseplan serve`, its JSON API and its safety, over real HTTP (issue 21).

Every JSON answer is checked against docs/openapi.json (the operation's response schema for its
status, with jsonschema); the document itself is validated by swagger-parser (npm) and must be
what the server serves. Then the bad-request catalogue: each case a clean 4xx with its error id
and nothing stored (the store's rows counted before and after); escaping; the access log holds no
patient label; SIGTERM loses no acknowledged write.

Numbers checked by hand: cyclosporine-itp, 60 kg, the default 5 mg/kg/day (a project default in
the 4–6 mg/kg/day of source itp6-003) = 300 mg a day, 150 mg twice (100 + 50 mg capsules).

usage: api_test.py DOSEPLAN RULES_DIR OPENAPI_JSON NODE_DIR"""
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import warnings

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_support import Server  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)

binary, rules, openapi_path, node_dir = sys.argv[1:5]
doc = json.load(open(openapi_path, encoding="utf-8"))
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def schema_for(method, template, status):
    op = doc["paths"][template][method.lower()]
    resp = op["responses"].get(str(status))
    if resp is None:
        return None
    if "$ref" in resp:
        resp = doc["components"]["responses"][resp["$ref"].rsplit("/", 1)[1]]
    return resp["content"]["application/json"]["schema"]


def conforms(method, template, status, body, what):
    """The answer is a documented status of the operation, and its JSON fits the schema."""
    schema = schema_for(method, template, status)
    check(schema is not None, f"{what}: status {status} is not documented for {method} {template}")
    if schema is None:
        return None
    try:
        value = json.loads(body)
    except ValueError:
        check(False, f"{what}: the body is not JSON: {body[:200]!r}")
        return None
    resolver = jsonschema.RefResolver.from_schema(doc)
    errors = list(jsonschema.Draft202012Validator(schema, resolver=resolver).iter_errors(value))
    check(not errors, f"{what}: does not fit docs/openapi.json: {[e.message[:200] for e in errors[:3]]}")
    return value


def store_rows(db):
    if not os.path.exists(db):
        return None
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        return tuple(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("patients", "results", "visits"))


ITP = {"regimen": "cyclosporine-itp", "weight": "60 kg", "start": "2026-12-01"}
JSON = {"Content-Type": "application/json"}

# --- the OpenAPI document: valid, and the one the server serves
r = subprocess.run(["node", os.path.join(node_dir, "validate_openapi.js"), openapi_path],
                   capture_output=True, text=True)
check(r.returncode == 0, f"swagger-parser: {r.stdout}{r.stderr}")

s = Server(binary, rules)
try:
    status, headers, body = s.request("GET", "/api/v1/openapi.json")
    check(status == 200 and json.loads(body) == doc, "GET /api/v1/openapi.json is docs/openapi.json")

    # --- regimens
    status, _, body = s.request("GET", "/api/v1/regimens")
    v = conforms("GET", "/api/v1/regimens", status, body, "regimens")
    check(status == 200 and any(x["id"] == "cyclosporine-itp" for x in v["regimens"]), "regimen list")
    status, _, body = s.request("GET", "/api/v1/regimens/cyclosporine-itp")
    v = conforms("GET", "/api/v1/regimens/{id}", status, body, "one regimen")
    check(status == 200 and v["dose"]["range"]["min"]["value"] == 4.0, "ITP range starts at 4 mg/kg/d")
    status, _, body = s.request("GET", "/api/v1/regimens/no-such")
    v = conforms("GET", "/api/v1/regimens/{id}", status, body, "unknown regimen")
    check(status == 404 and v["errors"][0]["id"] == "input.unknown_regimen", "unknown regimen: 404")

    # --- a plan: 300 mg a day for 60 kg
    status, _, body = s.request("POST", "/api/v1/plan", json.dumps(ITP), JSON)
    plan = conforms("POST", "/api/v1/plan", status, body, "plan")
    check(status == 200, f"plan: {status} {body[:300]!r}")
    if plan:
        ph = plan["phases"][0]["dose"]
        check(ph["rounded_daily"] == {"value": 300.0, "unit": "mg"}, f"300 mg a day: {ph['rounded_daily']}")
        check([a["amount"]["value"] for a in ph["administrations"]] == [150.0, 150.0], "150 mg twice")
        check("Educational aid" in plan["disclaimer"]["en"], "the plan carries the disclaimer")
        check(any(d["id"] == "itp6-cyclosporine" for d in plan["documents"]), "and its sources")
    # refused: the error of the command line, with its range and source
    status, _, body = s.request("POST", "/api/v1/plan", json.dumps(dict(ITP, dose="9 mg/kg/d")), JSON)
    v = conforms("POST", "/api/v1/plan", status, body, "refused plan")
    e = v["errors"][0] if v else {}
    check(status == 400 and e.get("id") == "input.out_of_range" and e.get("field") == "dose",
          f"dose 9 mg/kg/d refused: {status} {e}")
    check("4–6 mg/kg/day" in e.get("message", "") and "itp6-003" in e.get("message", ""),
          f"the refusal names the range and its source: {e.get('message')}")
    check("message_zh" in e, "and says it in Chinese")

    # --- batch: JSON Lines in and out, in order
    lines = [json.dumps(ITP), json.dumps(dict(ITP, weight="900 kg")), json.dumps(dict(ITP, weight="70 kg"))]
    status, headers, body = s.request("POST", "/api/v1/batch", "\n".join(lines) + "\n",
                                      {"Content-Type": "application/x-ndjson"})
    out = [json.loads(x) for x in body.decode().splitlines()]
    check(status == 200 and [o["ok"] for o in out] == [True, False, True], f"batch: {[o.get('ok') for o in out]}")
    check(out[1]["errors"][0]["id"] == "input.out_of_range", "batch line 2 refused for its weight")
    check(out[2]["plan"]["phases"][0]["dose"]["rounded_daily"]["value"] == 350.0,
          "batch line 3: 70 kg x 5 = 350 mg a day")

    # --- the tracker
    req = {"label": "pt-01", "request": dict(ITP, creatinine="80 umol/L")}
    status, _, body = s.request("POST", "/api/v1/patients", json.dumps(req), JSON)
    v = conforms("POST", "/api/v1/patients", status, body, "track")
    check(status == 201 and v["patient"]["label"] == "pt-01", f"track pt-01: {status} {body[:300]!r}")
    status, _, body = s.request("POST", "/api/v1/patients", json.dumps(req), JSON)
    v = conforms("POST", "/api/v1/patients", status, body, "track twice")
    check(status == 409 and v["errors"][0]["id"] == "tracker.duplicate_patient", "tracked twice: 409")
    # baseline 80 umol/L before day 1, then 1.2 mg/dL = 106.1 umol/L: +32.6 % >= 25 %: reached
    for value, day in (("80 umol/L", "2026-11-20"), ("1.2 mg/dL", "2026-12-06")):
        status, _, body = s.request("POST", "/api/v1/patients/pt-01/results",
                                    json.dumps({"test": "creatinine", "value": value, "date": day}), JSON)
        conforms("POST", "/api/v1/patients/{label}/results", status, body, "record")
        check(status == 201, f"record {value}: {status} {body[:300]!r}")
    status, _, body = s.request("GET", "/api/v1/patients/pt-01")
    v = conforms("GET", "/api/v1/patients/{label}", status, body, "patient")
    rise = [a for a in v["advice"] if a["rule"] == "creatinine-rise-25"] if v else []
    check(rise and rise[0]["status"] == "reached", f"creatinine +32.6 % reaches the 25 % rule: {rise}")
    check(v and [r["value"]["entered"] if "entered" in r["value"] else r["value"] for r in v["results"]],
          "results as entered")
    first_visit = v["visits"][0]["date"] if v else "2026-11-30"
    status, _, body = s.request("POST", f"/api/v1/patients/pt-01/visits/{first_visit}/done",
                                json.dumps({"on": "2026-11-30"}), JSON)
    v = conforms("POST", "/api/v1/patients/{label}/visits/{date}/done", status, body, "done")
    check(status == 200 and v["visit"]["done"], f"visit {first_visit} done: {status} {body[:200]!r}")
    status, _, body = s.request("GET", "/api/v1/due?within=30d")
    v = conforms("GET", "/api/v1/due", status, body, "due")
    check(status == 200, "due list")
    status, _, body = s.request("GET", "/api/v1/patients")
    v = conforms("GET", "/api/v1/patients", status, body, "patients")
    check(status == 200 and [p["label"] for p in v["patients"]] == ["pt-01"], "patients: pt-01")

    # --- the bad-request catalogue: a clean 4xx with its id, nothing stored
    rows = store_rows(s.db)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    cases = [
        # name, method, path, body, headers, use key, status, error id
        ("malformed JSON", "POST", "/api/v1/plan", '{"regimen": ', JSON, True, 400, "request.syntax"),
        ("JSON not an object", "POST", "/api/v1/patients", "[1]", JSON, True, 400, "request.wrong_type"),
        ("wrong content type", "POST", "/api/v1/plan", json.dumps(ITP), {"Content-Type": "text/plain"},
         True, 415, "serve.content_type"),
        ("batch as JSON", "POST", "/api/v1/batch", json.dumps(ITP), JSON, True, 415, "serve.content_type"),
        ("huge body", "POST", "/api/v1/plan", "x" * (65 * 1024), JSON, True, 413, "serve.too_large"),
        ("unknown route", "GET", "/api/v1/nothing", None, {}, True, 404, "serve.not_found"),
        ("unknown page", "GET", "/nothing", None, {}, True, 404, "serve.not_found"),
        ("traversal in a label", "GET", "/api/v1/patients/..%2F..%2Fetc%2Fpasswd", None, {}, True, 404,
         "serve.not_found"),
        ("traversal in a download", "GET", "/plan/download/../../etc/passwd", None, {}, True, 404,
         "serve.not_found"),
        ("no key", "GET", "/api/v1/regimens", None, {}, False, 403, "serve.forbidden"),
        ("wrong key", "GET", "/api/v1/regimens", None, {"Authorization": "Bearer " + "0" * 64}, True, 403,
         "serve.forbidden"),
        ("wrong key in the address", "GET", "/?key=" + "1" * 64, None, {}, False, 403, "serve.forbidden"),
        ("no key, a write", "POST", "/api/v1/patients/pt-01/results",
         json.dumps({"test": "creatinine", "value": "90 umol/L", "date": "2026-12-02"}), JSON, False, 403,
         "serve.forbidden"),
        ("cross-site form", "POST", "/patients/pt-01/results",
         "test=creatinine&value=90&unit=umol%2FL&date=2026-12-02&csrf=x",
         dict(form, Origin="http://evil.example"), True, 403, "serve.cross_site"),
        ("form without its token", "POST", "/patients/pt-01/results",
         "test=creatinine&value=90&unit=umol%2FL&date=2026-12-02", form, True, 403, "serve.csrf"),
        ("DNS rebinding", "GET", "/api/v1/regimens", None, {"Host": f"evil.example:{s.port}"}, True, 400,
         "serve.bad_host"),
        ("unknown patient", "GET", "/api/v1/patients/pt-99", None, {}, True, 404, "tracker.unknown_patient"),
        ("label with markup", "POST", "/api/v1/patients",
         json.dumps({"label": "<script>", "request": ITP}), JSON, True, 400, "tracker.bad_label"),
        ("result in the wrong unit", "POST", "/api/v1/patients/pt-01/results",
         json.dumps({"test": "creatinine", "value": "1.2 mmHg", "date": "2026-12-02"}), JSON, True, 400,
         "tracker.wrong_unit"),
        ("result in the future", "POST", "/api/v1/patients/pt-01/results",
         json.dumps({"test": "creatinine", "value": "90 umol/L", "date": "2999-01-01"}), JSON, True, 400,
         "tracker.future_date"),
        ("result without a value", "POST", "/api/v1/patients/pt-01/results",
         json.dumps({"test": "creatinine", "date": "2026-12-02"}), JSON, True, 400, "request.missing_field"),
        ("visit never planned", "POST", "/api/v1/patients/pt-01/visits/2026-01-01/done", "{}", JSON, True,
         404, "tracker.unknown_visit"),
        ("bad due span", "GET", "/api/v1/due?within=forever", None, {}, True, 400, "input.bad_span"),
    ]
    for name, method, path, body, headers, key, want_status, want_id in cases:
        status, h, got = s.request(method, path, body, headers, key=key)
        check(status == want_status, f"{name}: status {status}, expected {want_status}")
        text = got.decode("utf-8", "replace")
        check(want_id in text, f"{name}: the answer names {want_id}: {text[:200]!r}")
        check(store_rows(s.db) == rows, f"{name}: nothing stored")

    # a huge batch is refused from its Content-Length, before the body is read
    with socket.create_connection(("127.0.0.1", s.port), timeout=10) as c:
        c.sendall((f"POST /api/v1/batch HTTP/1.1\r\nHost: 127.0.0.1:{s.port}\r\n"
                   f"Authorization: Bearer {s.key}\r\nContent-Type: application/x-ndjson\r\n"
                   f"Content-Length: {17 * 1024 * 1024}\r\n\r\n").encode())
        answer = c.recv(4096).decode("latin-1")
        check(answer.startswith("HTTP/1.1 413"), f"17 MiB batch: {answer[:40]!r}")
    # a slow client (half a request line, then nothing) is closed after the read timeout
    with socket.create_connection(("127.0.0.1", s.port), timeout=30) as c:
        c.sendall(b"GET /api/v1/regi")
        started = time.monotonic()
        closed = c.recv(4096) == b""
        check(closed and time.monotonic() - started < 25, "a slow client is closed within the timeout")

    # --- escaping: a note with markup stays text on the page
    status, _, body = s.request("POST", "/api/v1/patients/pt-01/results",
                                json.dumps({"test": "creatinine", "value": "81 umol/L", "date": "2026-11-21",
                                            "note": "<script>alert(1)</script>"}), JSON)
    check(status == 201, "a note with markup is stored as text")
    status, headers, body = s.request("GET", "/patients/pt-01")
    page = body.decode()
    check(status == 200 and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page,
          "the note is escaped on the patient page")
    csp = headers.get("Content-Security-Policy", "")
    check("script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0],
          f"CSP forbids inline scripts: {csp}")
    check(re.search(r"<script>(?!</script>)", page) is None, "no inline script on the page")

    # --- the calendar subscription: a token address, read without the key; stable UIDs, SEQUENCE
    #     raised when a visit is done; a new address or revoking makes the old one 404
    status, _, body = s.request("GET", "/patients/pt-01")
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', body.decode()).group(1)
    form_post = lambda path: s.request("POST", path, urllib.parse.urlencode({"csrf": csrf}), form)
    status, h, _ = form_post("/patients/pt-01/calendar-feed")
    check(status == 303, f"subscription made: {status}")
    page = s.request("GET", "/patients/pt-01")[2].decode()
    m = re.search(r'href="webcal://127\.0\.0\.1:\d+(/calendar/([0-9a-f]{48})\.ics)"', page)
    check(m is not None, "the patient page shows a webcal:// address")
    if m:
        feed, token = m.group(1), m.group(2)
        status, h, ics1 = s.request("GET", feed, key=False)
        check(status == 200 and h.get("Content-Type", "").startswith("text/calendar"), f"feed: {status}")
        import icalendar
        def events(raw):
            cal = icalendar.Calendar.from_ical(raw)
            return {str(e["UID"]): e for e in cal.walk() if e.name == "VEVENT"}
        before = events(ics1)
        visits = json.loads(s.request("GET", "/api/v1/patients/pt-01")[2])["visits"]
        second = [v["date"] for v in visits if not v["done"]][0]
        st, _, _ = s.request("POST", f"/api/v1/patients/pt-01/visits/{second}/done", "{}", JSON)
        after = events(s.request("GET", feed, key=False)[2])
        check(set(after) == set(before), "the same events (UIDs) after a visit is done")
        changed = [u for u in after if int(after[u].get("SEQUENCE", 0)) > int(before[u].get("SEQUENCE", 0))]
        check(len(changed) == 1 and str(after[changed[0]].get("STATUS")) == "CANCELLED",
              f"exactly the visit done has a raised SEQUENCE and is cancelled: {changed}")
        form_post("/patients/pt-01/calendar-feed")
        check(s.request("GET", feed, key=False)[0] == 404, "a new address: the old one is 404")
        page = s.request("GET", "/patients/pt-01")[2].decode()
        feed2 = re.search(r'webcal://127\.0\.0\.1:\d+(/calendar/[0-9a-f]{48}\.ics)', page).group(1)
        check(s.request("GET", feed2, key=False)[0] == 200, "the new address works")
        form_post("/patients/pt-01/calendar-feed/revoke")
        check(s.request("GET", feed2, key=False)[0] == 404, "revoked: 404")
        check(s.request("GET", "/calendar/" + "0" * 48 + ".ics", key=False)[0] == 404, "an unknown token: 404")

    # --- SIGTERM while writes are under way: every acknowledged write is stored
    acknowledged = []

    def writer(n):
        for i in range(15):
            st, _, _ = s.request("POST", "/api/v1/patients/pt-01/results",
                                 json.dumps({"test": "creatinine", "value": f"{70 + n} umol/L",
                                             "date": "2026-11-25", "note": f"w{n}-{i}"}), JSON)
            if st == 201:
                acknowledged.append(f"w{n}-{i}")
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    log = "".join(s.log_lines)
    code, out = s.stop()
    for t in threads:
        t.join()
    check(code == 0 and "stopped" in out, f"SIGTERM: exit {code}, {out!r}")
    with sqlite3.connect(f"file:{s.db}?mode=ro", uri=True) as c:
        notes = {row[0] for row in c.execute("SELECT note FROM results")}
    lost = [a for a in acknowledged if a not in notes]
    check(acknowledged and not lost, f"{len(acknowledged)} writes acknowledged, lost: {lost}")
    print(f"SIGTERM during 4 writers: {len(acknowledged)} results acknowledged, all stored")

    # --- the access log: route templates, never a label or a value
    log = "".join(s.log_lines)
    check("POST /api/v1/patients/{label}/results 201" in log, "the log names the route template")
    check("pt-01" not in log and "umol" not in log and "60 kg" not in log, "no patient data in the log")
finally:
    s.cleanup()

# --- only loopback addresses until accounts exist
r = subprocess.run([binary, "serve", "--listen", "0.0.0.0"], capture_output=True, text=True,
                   env=dict(os.environ, DOSEPLAN_RULES=rules), timeout=30)
check(r.returncode == 2 and "serve.not_loopback" in r.stderr, f"--listen 0.0.0.0 refused: {r.returncode} {r.stderr}")

print(f"api_test: {len(failures)} failures")
sys.exit(1 if failures else 0)
