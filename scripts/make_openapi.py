#!/usr/bin/env python3
"""Writes docs/openapi.json, the OpenAPI 3.1 document of `doseplan serve`'s JSON API (/api/v1/),
from the paths below and the two JSON Schemas the API shares with the command line:
docs/request.schema.json (a plan request) and docs/plan.schema.json (a plan). Their $defs become
components (PlanRequest_x, Plan_x), so there is one definition of each. The build compiles the
written file into the server (GET /api/v1/openapi.json).

usage: scripts/make_openapi.py [--check]   (--check: exit 1 if docs/openapi.json is not current)"""
import json
import os
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def hoist(schema, prefix, components):
    """The schema without $schema/$id/$defs, its $defs moved to components as PREFIX_name."""
    schema = dict(schema)
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    defs = schema.pop("$defs", {})

    def fix(node):
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/"):
                    out[k] = "#/components/schemas/" + prefix + "_" + v[len("#/$defs/"):]
                elif k == "$ref" and v == "request.schema.json":  # the plan's "request"
                    out[k] = "#/components/schemas/PlanRequest"
                else:
                    out[k] = fix(v)
            return out
        if isinstance(node, list):
            return [fix(x) for x in node]
        return node

    for name, d in defs.items():
        components[prefix + "_" + name] = fix(d)
    return fix(schema)


def ref(name):
    return {"$ref": "#/components/schemas/" + name}


def json_body(schema, description=""):
    return {"required": True, "description": description,
            "content": {"application/json": {"schema": schema}}}


def answer(description, schema, media="application/json"):
    return {"description": description, "content": {media: {"schema": schema}}}


REFUSED = {
    "400": {"$ref": "#/components/responses/Refused"},
    "403": {"$ref": "#/components/responses/Forbidden"},
}
LABEL = {"name": "label", "in": "path", "required": True,
         "description": "The patient's pseudonymous label: 1 to 40 letters, digits, '.', '_' or '-'.",
         "schema": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"}}


def document():
    components = {}
    request = hoist(json.load(open(os.path.join(root, "docs", "request.schema.json"), encoding="utf-8")),
                    "PlanRequest", components)
    plan = hoist(json.load(open(os.path.join(root, "docs", "plan.schema.json"), encoding="utf-8")),
                 "Plan", components)
    components["PlanRequest"] = request
    components["Plan"] = plan
    components["LocalizedText"] = {
        "type": "object", "required": ["en", "zh-CN"],
        "properties": {"en": {"type": "string"}, "zh-CN": {"type": "string"}}}
    components["Errors"] = {
        "type": "object", "required": ["errors"], "additionalProperties": False,
        "description": "Why a request was refused: one entry a problem, with the error id of docs/errors.md, "
                       "where it is (a request member as request:/member, or a field), the field, the message "
                       "(the value, the allowed range and its source) and, where written, a Chinese detail.",
        "properties": {"errors": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["id", "where", "field", "message"], "additionalProperties": False,
            "properties": {"id": {"type": "string", "pattern": "^[a-z_]+\\.[a-z_]+$"},
                           "where": {"type": "string"}, "field": {"type": "string"},
                           "message": {"type": "string", "minLength": 1},
                           "message_zh": {"type": "string"}}}}}}
    components["Patient"] = {
        "type": "object", "required": ["label", "regimen", "start", "end", "tracked_since", "made_by"],
        "additionalProperties": False,
        "properties": {"label": {"type": "string"}, "regimen": {"type": "string"},
                       "start": {"type": "string", "format": "date"}, "end": {"type": "string", "format": "date"},
                       "tracked_since": {"type": "string", "format": "date"}, "made_by": {"type": "object"},
                       "clinic": {"type": "string",
                                  "description": "With accounts: the clinic of the clinician who started tracking"}}}
    components["Visit"] = {"type": "object", "required": ["date", "done"],
                           "properties": {"date": {"type": "string", "format": "date"}, "done": {"type": "boolean"},
                                          "done_on": {"type": "string", "format": "date"}}}
    components["Result"] = {"type": "object", "required": ["id", "label", "test", "date", "value"],
                            "properties": {"id": {"type": "integer"}, "label": {"type": "string"},
                                           "test": {"type": "string"}, "date": {"type": "string", "format": "date"},
                                           "value": {"type": "object"}}}
    components["Advice"] = {"type": "object", "required": ["rule", "test", "status"],
                            "properties": {"rule": {"type": "string"}, "test": {"type": "string"},
                                           "status": {"type": "string"}}}
    with_disclaimer = lambda props, required: {
        "type": "object", "required": ["disclaimer"] + required, "properties": dict(
            {"disclaimer": ref("LocalizedText")}, **props)}
    regimen_list = {"type": "object", "required": ["format", "disclaimer", "made_by", "regimens"],
                    "properties": {"format": {"const": "doseplan-regimens"}, "disclaimer": ref("LocalizedText"),
                                   "made_by": {"type": "object"},
                                   "regimens": {"type": "array", "items": {
                                       "type": "object", "required": ["id", "drug", "indication", "evidence"]}}}}
    regimen = {"type": "object", "required": ["format", "disclaimer", "id", "dose", "phases", "sources"],
               "properties": {"format": {"const": "doseplan-regimen"}, "disclaimer": ref("LocalizedText")}}
    errors = {"$ref": "#/components/schemas/Errors"}
    paths = {
        "/api/v1/regimens": {"get": {
            "operationId": "listRegimens", "summary": "The regimens: id, drug, indication, evidence level",
            "responses": {"200": answer("The regimen list (as doseplan regimens --format json)", regimen_list),
                          "403": {"$ref": "#/components/responses/Forbidden"}}}},
        "/api/v1/regimens/{id}": {"get": {
            "operationId": "getRegimen", "summary": "One regimen with its ranges, sources and quotes",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": answer("The regimen (as doseplan show ID --format json)", regimen),
                          "404": {"$ref": "#/components/responses/NotFound"},
                          "403": {"$ref": "#/components/responses/Forbidden"}}}},
        "/api/v1/plan": {"post": {
            "operationId": "makePlan",
            "summary": "A dosing and monitoring plan for one patient (as doseplan plan --format json)",
            "parameters": [{"name": "explain", "in": "query", "required": False,
                            "description": "true: the plan carries its audit trail",
                            "schema": {"type": "string", "enum": ["true", "false"]}}],
            "requestBody": json_body(ref("PlanRequest"), "A plan request (docs/request.schema.json)"),
            "responses": dict({"200": answer("The plan (docs/plan.schema.json)", ref("Plan")),
                               "415": {"$ref": "#/components/responses/WrongType"}}, **REFUSED)}},
        "/api/v1/batch": {"post": {
            "operationId": "planBatch",
            "summary": "Plan requests as JSON Lines in, one answer line per request out, streamed (as doseplan batch)",
            "requestBody": {"required": True, "description": "One plan request a line (at most 16 MiB)",
                            "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
            "responses": {"200": answer("One line per input line: {line, ok: true, plan} or {line, ok: false, errors}",
                                        {"type": "string"}, "application/x-ndjson"),
                          "403": {"$ref": "#/components/responses/Forbidden"},
                          "413": {"$ref": "#/components/responses/TooLarge"},
                          "415": {"$ref": "#/components/responses/WrongType"}}}},
        "/api/v1/patients": {
            "get": {"operationId": "listPatients", "summary": "The tracked patients",
                    "responses": {"200": answer("The patients", with_disclaimer(
                        {"patients": {"type": "array", "items": ref("Patient")}}, ["patients"])),
                        "403": {"$ref": "#/components/responses/Forbidden"}}},
            "post": {"operationId": "trackPatient", "summary": "Start tracking a patient on a plan (as doseplan track start)",
                     "requestBody": json_body({"type": "object", "required": ["label", "request"],
                                               "properties": {"label": LABEL["schema"], "request": ref("PlanRequest")}}),
                     "responses": dict({"201": answer("The patient tracked", with_disclaimer(
                         {"patient": ref("Patient")}, ["patient"])),
                         "409": {"$ref": "#/components/responses/Conflict"},
                         "415": {"$ref": "#/components/responses/WrongType"}}, **REFUSED)}},
        "/api/v1/patients/{label}": {"get": {
            "operationId": "getPatient", "summary": "A patient: visits, results as entered, advice",
            "parameters": [LABEL],
            "responses": {"200": answer("The patient", with_disclaimer(
                {"patient": ref("Patient"), "visits": {"type": "array", "items": ref("Visit")},
                 "results": {"type": "array", "items": ref("Result")},
                 "advice": {"type": "array", "items": ref("Advice")}},
                ["patient", "visits", "results", "advice"])),
                "404": {"$ref": "#/components/responses/NotFound"},
                "400": {"$ref": "#/components/responses/Refused"},
                "403": {"$ref": "#/components/responses/Forbidden"}}}},
        "/api/v1/patients/{label}/results": {"post": {
            "operationId": "recordResult", "summary": "Record a result (as doseplan track record)",
            "parameters": [LABEL],
            "requestBody": json_body({"type": "object", "required": ["test", "value", "date"],
                                      "properties": {"test": {"type": "string", "examples": ["creatinine"]},
                                                     "value": {"type": "string", "examples": ["1.1 mg/dL"]},
                                                     "date": {"type": "string", "format": "date"},
                                                     "uln": {"type": "string"}, "note": {"type": "string"}}}),
            "responses": dict({"201": answer("The result recorded", with_disclaimer(
                {"result": ref("Result"), "same_day": {"type": "array", "items": {"type": "integer"}}},
                ["result", "same_day"])),
                "404": {"$ref": "#/components/responses/NotFound"},
                "415": {"$ref": "#/components/responses/WrongType"}}, **REFUSED)}},
        "/api/v1/patients/{label}/visits/{date}/done": {"post": {
            "operationId": "markVisitDone", "summary": "Mark a planned visit done (as doseplan track done)",
            "parameters": [LABEL, {"name": "date", "in": "path", "required": True,
                                   "schema": {"type": "string", "format": "date"}}],
            "requestBody": json_body({"type": "object", "properties": {
                "on": {"type": "string", "format": "date"}, "note": {"type": "string"}}}),
            "responses": dict({"200": answer("The visit", with_disclaimer(
                {"visit": ref("Visit"), "already_done": {"type": "boolean"}}, ["visit", "already_done"])),
                "404": {"$ref": "#/components/responses/NotFound"},
                "415": {"$ref": "#/components/responses/WrongType"}}, **REFUSED)}},
        "/api/v1/due": {"get": {
            "operationId": "listDue", "summary": "Visits overdue, due or coming up, of every patient",
            "parameters": [{"name": "within", "in": "query", "required": False,
                            "schema": {"type": "string", "default": "14 days"}}],
            "responses": {"200": answer("The due list", with_disclaimer(
                {"today": {"type": "string", "format": "date"},
                 "due": {"type": "array", "items": {"type": "object",
                                                    "required": ["label", "regimen", "status", "days", "visit"],
                                                    "properties": {"status": {"enum": ["overdue", "due", "upcoming"]}}}}},
                ["today", "due"])),
                "400": {"$ref": "#/components/responses/Refused"},
                "403": {"$ref": "#/components/responses/Forbidden"}}}},
        "/api/v1/login": {"post": {
            "operationId": "logIn",
            "summary": "With accounts: a session for a name and password; its token is the bearer token of "
                       "the other requests (expires after 8 hours)",
            "security": [],
            "requestBody": json_body({"type": "object", "required": ["name", "password"],
                                      "properties": {"name": {"type": "string"}, "password": {"type": "string"}}}),
            "responses": {"200": answer("The session", {
                "type": "object", "required": ["token", "expires_at", "name", "role"], "additionalProperties": False,
                "properties": {"token": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                               "expires_at": {"type": "integer", "description": "Seconds since 1970, UTC"},
                               "name": {"type": "string"},
                               "role": {"enum": ["admin", "clinician", "patient", "carer"]}}}),
                "400": {"$ref": "#/components/responses/Refused"},
                "401": {"$ref": "#/components/responses/LoginRequired"},
                "429": answer("Five failed logins of the name within 15 minutes", errors)}}},
        "/api/v1/logout": {"post": {
            "operationId": "logOut", "summary": "Ends the session of the bearer token",
            "responses": {"204": {"description": "The session ended"},
                          "401": {"$ref": "#/components/responses/LoginRequired"}}}},
        "/api/v1/openapi.json": {"get": {
            "operationId": "getOpenApi", "summary": "This document",
            "responses": {"200": answer("OpenAPI 3.1", {"type": "object"})}}},
    }
    # With accounts every operation but logging in (and this document) may answer 401 (no session)
    # and 403 (a role that may not); a patient the account may not see is 404.
    for template, operations in paths.items():
        for op in operations.values():
            if op["operationId"] in ("logIn", "getOpenApi"):
                continue
            op["responses"].setdefault("401", {"$ref": "#/components/responses/LoginRequired"})
            op["responses"].setdefault("403", {"$ref": "#/components/responses/Forbidden"})
            if "{label}" in template:
                op["responses"].setdefault("404", {"$ref": "#/components/responses/NotFound"})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "doseplan JSON API",
            "version": "0.1.0",
            "summary": "Documented drug regimens as weight-based dosing and monitoring plans. An educational aid, "
                       "never a prescriber.",
            "description": "Served by `doseplan serve` (docs/serve.md). Without accounts (127.0.0.1 only) every "
                           "request needs the server's per-launch key: the cookie the printed address sets, or "
                           "`Authorization: Bearer KEY`. With accounts (docs/deploy.md) it needs a session: "
                           "`POST /api/v1/login` gives its token, sent as `Authorization: Bearer TOKEN`; the "
                           "account's role decides what it may read and change (403), and a patient it may not "
                           "see is answered 404. Every plan and tracker answer carries the educational-aid "
                           "disclaimer and its sources."},
        "servers": [{"url": "http://127.0.0.1:{port}", "variables": {"port": {"default": "8080"}}}],
        "security": [{"key": []}, {"cookie": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "key": {"type": "http", "scheme": "bearer",
                        "description": "The key of the address doseplan serve printed, or (with accounts) a "
                                       "session's token from POST /api/v1/login"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "doseplan_key"}},
            "responses": {
                "Refused": answer("Refused: nothing planned, nothing stored", errors),
                "Forbidden": answer("Without this server's key, a form from another site, or (with accounts) "
                                    "a role that may not do this", errors),
                "LoginRequired": answer("With accounts: no session, or a wrong name or password", errors),
                "NotFound": answer("No such patient, regimen, visit or route", errors),
                "Conflict": answer("The patient is tracked already", errors),
                "TooLarge": answer("The body is larger than the route's limit", errors),
                "WrongType": answer("The body's content type is not the route's", errors)},
            "schemas": dict(sorted(components.items()))}}


def main():
    path = os.path.join(root, "docs", "openapi.json")
    text = json.dumps(document(), indent=1, ensure_ascii=False) + "\n"
    if "--check" in sys.argv[1:]:
        current = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
        if current != text:
            print("docs/openapi.json is not current: run scripts/make_openapi.py", file=sys.stderr)
            return 1
        return 0
    open(path, "w", encoding="utf-8").write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
