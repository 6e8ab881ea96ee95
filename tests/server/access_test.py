#!/usr/bin/env python3
"""doseplan serve with accounts (issue 22), through HTTP: the access-control matrix (every route x
every role x own patient / another clinic's patient / none -> allowed or refused as docs/serve.md
says, with the store's rows counted so that no refused write is stored), and the security checks:
no password in clear in the store or the log, session fixation, CSRF, a disabled account's and a
reset account's sessions, the login limit, the audit chain before and after a hand-edited entry,
--listen beyond loopback only with accounts, and HTTPS with --tls-cert.

usage: access_test.py DOSEPLAN RULES_DIR   (DOSEPLAN_TEST_POSTGRES set: the store on PostgreSQL)"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import warnings

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_support import Server  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)
BIN, RULES = sys.argv[1], sys.argv[2]
PG = os.environ.get("DOSEPLAN_TEST_POSTGRES", "")
PW = "correct horse battery staple"
TMP = tempfile.mkdtemp(prefix="doseplan-access-")
os.chmod(TMP, 0o700)
DB = PG or os.path.join(TMP, "clinic.db")
ENV = dict(os.environ, HOME=TMP, DOSEPLAN_RULES=RULES, TZ="UTC")
failures = []


def check(what, ok, detail=""):
    if not ok:
        failures.append(f"{what}: {detail}")
        print("FAIL", what, detail)


def cli(*args, stdin=None, expect=0):
    r = subprocess.run([BIN, *args, "--db", DB], input=stdin, capture_output=True, text=True,
                       env=ENV)
    check("doseplan " + " ".join(args), r.returncode == expect,
          f"exit {r.returncode}: {r.stdout} {r.stderr}")
    return r


def sql(query):
    """The store's rows as another program reads them (sqlite3 or psql)."""
    if PG:
        cmd = ["psql", "-X", "-At", "-F", "|", PG, "-c", query]
    else:
        cmd = ["sqlite3", DB, query]
    r = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return r.stdout.strip()


def count(table):
    return int(sql(f"SELECT count(*) FROM {table}"))


DOC = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                              "openapi.json"), encoding="utf-8"))


def conforms(method, path, status, data):
    """An API answer is a status docs/openapi.json documents for the operation, and fits its
    schema."""
    for template, operations in DOC["paths"].items():
        pattern = "^" + re.sub(r"\\{[a-z]+\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path.split("?")[0]) and method.lower() in operations:
            resp = operations[method.lower()]["responses"].get(str(status))
            check(f"{method} {template} {status} is documented", resp is not None)
            if resp is None or status == 204:
                return
            if "$ref" in resp:
                resp = DOC["components"]["responses"][resp["$ref"].rsplit("/", 1)[1]]
            schema = resp["content"]["application/json"]["schema"]
            resolver = jsonschema.RefResolver.from_schema(DOC)
            errors = [e.message[:160] for e in jsonschema.Draft202012Validator(
                schema, resolver=resolver).iter_errors(json.loads(data))]
            check(f"{method} {template} {status} fits docs/openapi.json", not errors, errors[:2])
            return
    check(f"{method} {path} is an operation of docs/openapi.json", False)


def api(srv, method, path, token=None, body=None, headers=None):
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    if body is not None:
        h.setdefault("Content-Type", "application/json")
        body = json.dumps(body)
    status, hdrs, data = srv.request(method, path, body, h, key=False)
    if path.startswith("/api/"):
        conforms(method, path, status, data)
    return status, hdrs, data


def login(srv, name, password=PW):
    status, _, data = api(srv, "POST", "/api/v1/login", body={"name": name, "password": password})
    return status, (json.loads(data) if status == 200 else json.loads(data or b"{}"))


def error_id(data):
    try:
        return json.loads(data)["errors"][0]["id"]
    except (ValueError, KeyError, IndexError):
        return None


def page_session(srv, name):
    """Logs in through the form; returns (cookie header, the session's CSRF token)."""
    status, hdrs, _ = srv.request("GET", "/login", key=False)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"',
                     srv.request("GET", "/login", key=False)[2].decode()).group(1)
    form = urllib.parse.urlencode({"csrf": csrf, "name": name, "password": PW})
    status, hdrs, _ = srv.request("POST", "/login", form, {
        "Content-Type": "application/x-www-form-urlencoded"}, key=False)
    check(f"{name} logs in by the form", status == 303, status)
    cookie = hdrs["Set-Cookie"].split(";")[0]
    page = srv.request("GET", "/login", headers={"Cookie": cookie}, key=False)[2].decode()
    return cookie, re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)


def form_post(srv, path, cookie, csrf, fields):
    body = urllib.parse.urlencode(dict(fields, csrf=csrf))
    return srv.request("POST", path, body, {"Cookie": cookie, "Content-Type":
                                            "application/x-www-form-urlencoded"}, key=False)


def main():
    # --listen beyond loopback is refused while the store has no account.
    r = subprocess.run([BIN, "serve", "--db", DB, "--listen", "0.0.0.0"], capture_output=True,
                       text=True, env=ENV, timeout=30)
    check("--listen 0.0.0.0 without accounts", r.returncode == 2 and "serve.not_loopback" in
          r.stderr, r.stderr)
    # The clinic's accounts (the password on standard input, never an argument).
    cli("users", "add", "--name", "root", "--role", "admin", stdin=PW + "\n")
    cli("users", "add", "--name", "nurse.n", "--role", "clinician", "--clinic", "north",
        stdin=PW + "\n")
    cli("users", "add", "--name", "nurse.s", "--role", "clinician", "--clinic", "south",
        stdin=PW + "\n")
    srv = Server(BIN, RULES, db=DB)
    try:
        run_matrix(srv)
        security_checks(srv)
        code, _ = srv.stop()
        check("server stops cleanly", code == 0, code)
        log = "".join(srv.log_lines)
        check("no password in the log", PW not in log)
        check("no label in the log", "n-01" not in log and "s-01" not in log)
    finally:
        srv.cleanup()
    audit_checks()
    listen_and_tls()


def start(srv, token, label):
    request = {"regimen": "cyclosporine-itp", "weight": "60 kg",
               "start": "2026-12-01"}
    return api(srv, "POST", "/api/v1/patients", token, {"label": label, "request": request})


def run_matrix(srv):
    tokens = {}
    for name in ("root", "nurse.n", "nurse.s"):
        status, body = login(srv, name)
        check(f"login {name}", status == 200, body)
        tokens[name] = body.get("token")
    check("nurse.n starts n-01", start(srv, tokens["nurse.n"], "n-01")[0] == 201)
    check("nurse.s starts s-01", start(srv, tokens["nurse.s"], "s-01")[0] == 201)
    check("clinics stored", sql("SELECT label || ':' || clinic FROM patients ORDER BY label")
          .split() == ["n-01:north", "s-01:south"])
    cli("users", "add", "--name", "pat.n", "--role", "patient", "--patient", "n-01",
        stdin=PW + "\n")
    cli("users", "add", "--name", "carer.n", "--role", "carer", "--patient", "n-01",
        stdin=PW + "\n")
    for name in ("pat.n", "carer.n"):
        status, body = login(srv, name)
        check(f"login {name}", status == 200, body)
        tokens[name] = body.get("token")
    tokens["anonymous"] = None
    who_sees = {"root": {"n-01", "s-01"}, "nurse.n": {"n-01"}, "pat.n": {"n-01"},
                "carer.n": {"n-01"}, "anonymous": set()}
    changes = {"root", "nurse.n"}
    rows = {"results": count("results"), "done": count("visits WHERE done = 1"),
            "patients": count("patients")}
    allowed = {"results": 0, "done": 0, "patients": 0}
    for who, token in tokens.items():
        if who == "nurse.s":
            continue  # the other clinic's clinician: its own patient is s-01, as nurse.n's n-01
        anon = token is None
        # Lists: each sees exactly their patients.
        status, _, data = api(srv, "GET", "/api/v1/patients", token)
        if anon:
            check("anonymous list", status == 401 and error_id(data) == "serve.login_required",
                  status)
        else:
            got = {p["label"] for p in json.loads(data)["patients"]}
            check(f"{who} lists", got == who_sees[who], got)
            status, _, data = api(srv, "GET", "/api/v1/due?within=400%20days", token)
            got = {d["label"] for d in json.loads(data)["due"]}
            check(f"{who} due list", got == who_sees[who], got)
        for label in ("n-01", "s-01"):
            sees = label in who_sees[who]
            may_change = sees and who in changes
            status, _, data = api(srv, "GET", f"/api/v1/patients/{label}", token)
            want = 401 if anon else (200 if sees else 404)
            check(f"{who} reads {label}", status == want, (status, error_id(data)))
            status, _, _ = api(srv, "GET", f"/patients/{label}", token)
            want = 303 if anon else (200 if sees else 404)
            check(f"{who} opens the page of {label}", status == want, status)
            status, _, _ = api(srv, "GET", f"/patients/{label}/calendar.ics", token)
            check(f"{who} downloads the calendar of {label}", status == want, status)
            body = {"test": "creatinine", "value": "80 umol/L", "date": "2026-11-30"}
            status, _, data = api(srv, "POST", f"/api/v1/patients/{label}/results", token, body)
            # A role that may change no record: 403 whatever the label (nothing told about it);
            # a clinician's or admin's request about a patient they do not see: 404.
            want = 401 if anon else (201 if may_change else (403 if who not in changes else 404))
            check(f"{who} records for {label}", status == want, (status, error_id(data)))
            allowed["results"] += status == 201
            status, _, data = api(srv, "POST",
                                  f"/api/v1/patients/{label}/visits/2026-11-17/done", token, {})
            want = 401 if anon else (200 if may_change else (403 if who not in changes else 404))
            check(f"{who} marks a visit of {label} done", status == want, (status, error_id(data)))
            allowed["done"] += status == 200 and not json.loads(data)["already_done"]
        status, _, data = start(srv, token, "x-" + who.replace(".", ""))
        want = 401 if anon else (201 if who in changes else 403)
        check(f"{who} starts a patient", status == want, (status, error_id(data)))
        allowed["patients"] += status == 201
        status, _, data = api(srv, "POST", "/api/v1/plan", token,
                              {"regimen": "cyclosporine-itp", "weight": "60 kg",
                               "start": "2026-12-01"})
        want = 401 if anon else (200 if who in changes else 403)
        check(f"{who} plans", status == want, (status, error_id(data)))
        status, _, _ = api(srv, "GET", "/api/v1/regimens", token)
        check(f"{who} lists regimens", status == (401 if anon else 200), status)
    form_matrix(srv, who_sees, changes, allowed)
    check_rows(srv, rows, allowed)
    return tokens


def form_matrix(srv, who_sees, changes, allowed):
    """The pages' forms, with each session's own CSRF token."""
    for who in ("root", "nurse.n", "pat.n", "carer.n"):
        cookie, csrf = page_session(srv, who)
        html = srv.request("GET", "/patients", headers={"Cookie": cookie}, key=False)[2].decode()
        check(f"{who}'s patient page lists only theirs", ("s-01" in html) == (who == "root"))
        for label in ("n-01", "s-01"):
            sees = label in who_sees[who]
            status, _, _ = form_post(srv, f"/patients/{label}/results", cookie, csrf,
                                     {"test": "creatinine", "value": "81", "unit": "umol/L",
                                      "date": "2026-11-30"})
            want = 303 if (sees and who in changes) else (403 if who not in changes else 404)
            check(f"{who} records for {label} by the form", status == want, status)
            allowed["results"] += status == 303
            status, _, _ = form_post(srv, f"/patients/{label}/calendar-feed", cookie, csrf, {})
            want = 403 if who == "carer.n" else (303 if sees else 404)
            check(f"{who} makes a calendar address for {label}", status == want, status)


def check_rows(srv, rows, allowed):
    """The calendar feed without a session, and the store's rows against the writes allowed."""
    # A calendar subscription needs no session: its address's token is the key.
    token = sql("SELECT f.token FROM calendar_feeds f JOIN patients p ON p.id = f.patient_id "
                "WHERE p.label = 'n-01'")
    status, _, data = srv.request("GET", f"/calendar/{token}.ics", key=False)
    check("the calendar subscription without a session", status == 200 and
          b"BEGIN:VCALENDAR" in data, status)
    check("an unknown calendar address", srv.request(
        "GET", "/calendar/" + "0" * 48 + ".ics", key=False)[0] == 404)
    # Nothing refused was stored: the rows grew by exactly the writes allowed.
    check("results stored = results allowed",
          count("results") == rows["results"] + allowed["results"],
          (count("results"), rows["results"], allowed))
    check("visits done = allowed", count("visits WHERE done = 1") == rows["done"] + allowed["done"])
    check("patients started = allowed",
          count("patients") == rows["patients"] + allowed["patients"], allowed)
    check("results allowed: 2 admin + 1 nurse by the API, the same by the form",
          allowed["results"] == 6, allowed)
    check("calendar addresses: n-01's (admin, nurse, patient) and s-01's (admin only)",
          sql("SELECT p.label FROM calendar_feeds f JOIN patients p ON p.id = f.patient_id "
              "ORDER BY p.label").split() == ["n-01", "s-01"])
    check("s-01's address made by root only", sql(
        "SELECT actor FROM audit WHERE action = 'calendar_token' AND patient = 's-01'").split() ==
        ["root"])
    print(f"access matrix: writes allowed {allowed}")


def security_checks(srv):
    # Passwords: never stored in clear.
    check("password hashes are Argon2id", all(h.startswith("$argon2id$") for h in
                                                sql("SELECT password_hash FROM accounts").split()))
    check("no password in the store", PW not in sql("SELECT password_hash FROM accounts"))
    # Session fixation: a token planted before the login is not the session's.
    planted = "a" * 64
    form_csrf = re.search(r'name="csrf" value="([0-9a-f]+)"',
                          srv.request("GET", "/login", key=False)[2].decode()).group(1)
    status, hdrs, _ = srv.request(
        "POST", "/login", urllib.parse.urlencode({"csrf": form_csrf, "name": "nurse.n",
                                                  "password": PW}),
        {"Content-Type": "application/x-www-form-urlencoded",
         "Cookie": "doseplan_session=" + planted}, key=False)
    new = hdrs["Set-Cookie"].split(";")[0].split("=", 1)[1]
    check("login makes a new token", status == 303 and new != planted and len(new) == 64)
    check("the planted token opens nothing",
          api(srv, "GET", "/api/v1/patients", planted)[0] == 401)
    check("the session cookie is HttpOnly and SameSite=Strict",
          "HttpOnly" in hdrs["Set-Cookie"] and "SameSite=Strict" in hdrs["Set-Cookie"])
    # CSRF: a form without the token, with another session's, or from another site.
    cookie_a, csrf_a = page_session(srv, "nurse.n")
    cookie_b, csrf_b = page_session(srv, "root")
    before = count("results")
    fields = {"test": "creatinine", "value": "82", "unit": "umol/L", "date": "2026-11-30"}
    status, _, _ = form_post(srv, "/patients/n-01/results", cookie_a, "", fields)
    check("a form without the CSRF token", status == 403, status)
    status, _, _ = form_post(srv, "/patients/n-01/results", cookie_a, csrf_b, fields)
    check("a form with another session's CSRF token", status == 403, status)
    body = urllib.parse.urlencode(dict(fields, csrf=csrf_a))
    status, _, _ = srv.request("POST", "/patients/n-01/results", body, {
        "Cookie": cookie_a, "Content-Type": "application/x-www-form-urlencoded",
        "Origin": "https://evil.example"}, key=False)
    check("a form from another site", status == 403, status)
    check("no CSRF attempt stored", count("results") == before)
    # Logout ends the session.
    status, _, _ = form_post(srv, "/logout", cookie_b, csrf_b, {})
    check("logout", status == 303)
    check("a logged-out session opens nothing",
          srv.request("GET", "/patients", headers={"Cookie": cookie_b}, key=False)[0] == 303)
    # A disabled account loses its sessions; a reset one too.
    status, body = login(srv, "carer.n")
    carer = body["token"]
    cli("users", "disable", "--name", "carer.n")
    check("a disabled account's session", api(srv, "GET", "/api/v1/patients", carer)[0] == 401)
    check("a disabled account can not log in", login(srv, "carer.n")[0] == 401)
    status, body = login(srv, "pat.n")
    cli("users", "reset", "--name", "pat.n", stdin="a brand new passphrase\n")
    check("a reset account's session", api(srv, "GET", "/api/v1/patients", body["token"])[0] == 401)
    check("the new password works", login(srv, "pat.n", "a brand new passphrase")[0] == 200)
    # The login limit: five failures stop the name, the right password included.
    for _ in range(5):
        check("a wrong password", login(srv, "nurse.s", "wrong password!!")[0] == 401)
    status, body = login(srv, "nurse.s")
    check("the sixth login is limited", status == 429 and
          body["errors"][0]["id"] == "accounts.rate_limited", (status, body))
    # The patient sees who looked at or changed their record.
    cookie, _ = page_session(srv, "pat.n") if False else (None, None)
    status, body = login(srv, "pat.n", "a brand new passphrase")
    html = api(srv, "GET", "/patients/n-01", body["token"])[2].decode()
    check("the patient page shows the audit", "Who looked at or changed this record" in html and
          "nurse.n" in html and "root" in html)


def audit_checks():
    r = cli("audit", "verify")
    check("the chain verifies after the load", "the chain is whole" in r.stdout, r.stdout)
    entries = int(re.search(r"(\d+) entries", r.stdout).group(1))
    check("the audit has entries", entries > 40, entries)
    head = re.search(r"head: ([0-9a-f]{64})", r.stdout).group(1)
    check("the noted head is found", "the chain is whole" in cli("audit", "verify", "--head",
                                                                  head).stdout)
    # The last entries removed, past the triggers: the chain left is whole, the noted head tells.
    last = sql("SELECT max(id) FROM audit")
    drop = "DROP TRIGGER audit_kept_delete" + (" ON audit" if PG else "")
    sql(f"{drop}; DELETE FROM audit WHERE id >= {int(last) - 1}")
    check("a shorter chain is whole", "the chain is whole" in cli("audit", "verify").stdout)
    r = cli("audit", "verify", "--head", head, expect=3)
    check("the noted head is missed", "entries were removed from its end" in r.stdout, r.stdout)
    # Edited by hand, past the triggers: verify fails (exit 3) and names the entry.
    if PG:
        sql("DROP TRIGGER audit_kept_update ON audit; UPDATE audit SET actor = 'x' WHERE id = 5")
    else:
        sql("DROP TRIGGER audit_kept_update; UPDATE audit SET actor = 'x' WHERE id = 5")
    r = cli("audit", "verify", expect=3)
    check("verify names the edited entry", "entry 5: its content does not match" in r.stdout,
          r.stdout)


def listen_and_tls():
    # With accounts, any address; over HTTPS with --tls-cert (a self-signed certificate here).
    cert, key = os.path.join(TMP, "cert.pem"), os.path.join(TMP, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1"], check=True,
                   capture_output=True)
    srv = Server(BIN, RULES, db=DB, extra=("--listen", "0.0.0.0", "--tls-cert", cert,
                                           "--tls-key", key, "--host-name", "clinic.example"))
    try:
        check("https address printed", srv.base.startswith("https://"), srv.base)
        srv.base = "https://127.0.0.1:" + str(srv.port)
        status, _, html = srv.request("GET", "/login", headers={"Host": f"0.0.0.0:{srv.port}"},
                                      key=False)
        check("the login page over HTTPS", status == 200 and b"Log in" in html, status)
        status, hdrs, _ = srv.request("GET", "/login", headers={"Host": "clinic.example"},
                                      key=False)
        check("a --host-name is accepted", status == 200, status)
        status, _, _ = srv.request("GET", "/login", headers={"Host": "evil.example"}, key=False)
        check("another Host is refused", status == 400, status)
        status, body = (lambda r: (r[0], json.loads(r[2])))(srv.request(
            "POST", "/api/v1/login", json.dumps({"name": "root", "password": PW}),
            {"Content-Type": "application/json", "Host": "clinic.example"}, key=False))
        check("login over HTTPS", status == 200, body)
        # The calendar address names the host this client reached the server by: the name a
        # proxy passes on, or the name and port of a direct connection (here port srv.port).
        for host in ("clinic.example", f"clinic.example:{srv.port}"):
            page = srv.request("GET", "/patients/n-01", headers={
                "Host": host, "Authorization": "Bearer " + body.get("token", "")},
                key=False)[2].decode()
            check(f"the calendar address names {host}", f"webcal://{host}/calendar/" in page,
                  re.findall(r"webcal://[^\"<]+", page))
        code, _ = srv.stop()
        check("the HTTPS server stops cleanly", code == 0, code)
    finally:
        srv.cleanup()


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    if failures:
        print(f"{len(failures)} checks failed")
        sys.exit(1)
    print("access and security checks passed")
