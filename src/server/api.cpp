// The JSON API of `doseplan serve`, under /api/v1/ (docs/serve.md, src/server/openapi.json): the
// regimens, a plan, a batch (JSON Lines in, streamed out), and the tracker's operations. The same
// library calls as the command line; a refused request is the same error (id, where, message,
// Chinese detail) with an HTTP status (app.cpp status_of), and nothing stored.
#include <sstream>

#include "cli/track/track_output.hpp"
#include "doseplan/batch.hpp"
#include "doseplan/request.hpp"
#include "server/app.hpp"

namespace doseplan::server {

extern const char* const kOpenApiJson;  // openapi_json.cpp, made from src/server/openapi.json

namespace {

using cli::track::advice_json;
using cli::track::result_json;
using cli::track::visit_json;

// The body as a JSON object, or request.syntax / request.wrong_type.
json body_object(const httplib::Request& req) {
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) {
    throw Error("request.syntax", "request", "the body is not valid JSON",
                zh_detail("The request is not valid JSON: check brackets, quotes and commas."));
  }
  if (!body.is_object()) {
    throw Error("request.wrong_type", "request", "the body must be a JSON object");
  }
  return body;
}

std::string text_member(const json& body, const std::string& name, bool required) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) {
      throw Error("request.missing_field", "request:/" + name, "\"" + name + "\" is required");
    }
    return "";
  }
  if (!it->is_string()) {
    throw Error("request.wrong_type", "request:/" + name, "\"" + name + "\" must be a string");
  }
  return it->get<std::string>();
}

json patient_json(const TrackedPatient& p) {
  json j = {{"label", p.label},
            {"regimen", p.regimen_id},
            {"start", format_date(p.start)},
            {"end", format_date(p.end)},
            {"tracked_since", format_date(p.tracked_since)},
            {"made_by", cli::track::stamp_json(p.stamp)}};
  if (!p.clinic.empty()) j["clinic"] = p.clinic;
  return j;
}

json disclaimer_json() {
  return cli::track::localized_json(disclaimer());
}

std::string label_of(const httplib::Request& req) {
  const std::string label = req.matches[1];
  check_patient_label(label);
  return label;
}

}  // namespace

void api_regimens(const App& app, const httplib::Request&, httplib::Response& res, const Caller&) {
  res.set_content(render_regimen_list_json(app.rules), "application/json");
}

void api_regimen(const App& app, const httplib::Request& req, httplib::Response& res,
                 const Caller&) {
  const Regimen& r = app.rules.regimen(req.matches[1].str());
  res.set_content(render_regimen_json(r, app.rules), "application/json");
}

void api_plan(const App& app, const httplib::Request& req, httplib::Response& res,
              const Caller& who) {
  require_role(who, {Role::admin, Role::clinician});
  PlanRequest q = parse_plan_request(req.body, "request");
  q.explain = param(req, "explain") == "true";
  res.set_content(render_json(make_plan(app.rules, q)), "application/json");
}

// The lines are planned one at a time as the response is written (chunked): memory holds the
// body (at most the batch limit) and one plan.
void api_batch(const App& app, const httplib::Request& req, httplib::Response& res,
               const Caller& who) {
  require_role(who, {Role::admin, Role::clinician});
  auto input = std::make_shared<std::string>(req.body);
  const RuleSet* rules = &app.rules;
  res.set_chunked_content_provider("application/x-ndjson",
                                   [input, rules](std::size_t, httplib::DataSink& sink) {
                                     std::istringstream in(*input);
                                     run_batch(*rules, in, sink.os, false, 1);
                                     sink.done();
                                     return true;
                                   });
}

void api_patients(const App& app, const httplib::Request&, httplib::Response& res,
                  const Caller& who) {
  json list = json::array();
  try {
    for (const TrackedPatient& p :
         visible_patients(who, open_store(app, who, Tracker::Mode::read_only))) {
      list.push_back(patient_json(p));
    }
  } catch (const Error& e) {
    if (e.id() != "tracker.no_db") throw;
  }
  send_json(res, {{"disclaimer", disclaimer_json()}, {"patients", list}});
}

void api_track_start(const App& app, const httplib::Request& req, httplib::Response& res,
                     const Caller& who) {
  require_role(who, {Role::admin, Role::clinician});
  const json body = body_object(req);
  const std::string label = text_member(body, "label", true);
  check_patient_label(label);
  if (!body.contains("request") || !body["request"].is_object()) {
    throw Error("request.missing_field", "request:/request",
                "\"request\" (a plan request, docs/request.schema.json) is required");
  }
  const PlanRequest q = parse_plan_request(body["request"].dump(), "request:/request");
  const TrackedPatient p =
      open_store(app, who, Tracker::Mode::create_if_missing).start(app.rules, label, q, today());
  send_json(res, {{"disclaimer", disclaimer_json()}, {"patient", patient_json(p)}}, 201);
}

void api_patient(const App& app, const httplib::Request& req, httplib::Response& res,
                 const Caller& who) {
  const std::string label = label_of(req);
  const Tracker t = open_store(app, who, Tracker::Mode::read_only);
  const TrackedPatient patient = visible_patient(who, t, label);
  json visits = json::array(), results = json::array(), advice = json::array();
  for (const TrackedVisit& v : t.visits(label)) visits.push_back(visit_json(v));
  for (const TrackedResult& r : t.results(label)) {
    results.push_back(result_json(r, app.rules.find_lab(r.test)));
  }
  for (const Advice& a : t.advise(app.rules, label, today())) {
    advice.push_back(advice_json(a, app.rules));
  }
  if (app.accounts) open_store(app, who, Tracker::Mode::open_existing).record_view(label, "api");
  send_json(res, {{"disclaimer", disclaimer_json()},
                  {"patient", patient_json(patient)},
                  {"visits", visits},
                  {"results", results},
                  {"advice", advice}});
}

void api_record(const App& app, const httplib::Request& req, httplib::Response& res,
                const Caller& who) {
  const std::string label = label_of(req);
  const json body = body_object(req);
  RecordRequest r;
  r.label = label;
  r.test = text_member(body, "test", true);
  r.value = text_member(body, "value", true);
  r.date = parse_date(text_member(body, "date", true), "date");
  if (const std::string uln = text_member(body, "uln", false); !uln.empty()) r.uln = uln;
  r.note = text_member(body, "note", false);
  r.today = today();
  Tracker t = open_store(app, who, Tracker::Mode::open_existing);
  require_change(who, t, label);
  const Recorded done = t.record(app.rules, r);
  send_json(res,
            {{"disclaimer", disclaimer_json()},
             {"result", result_json(done.result, app.rules.find_lab(done.result.test))},
             {"same_day", done.same_day}},
            201);
}

void api_visit_done(const App& app, const httplib::Request& req, httplib::Response& res,
                    const Caller& who) {
  const std::string label = label_of(req);
  const Date visit = parse_date(req.matches[2].str(), "visit");
  const json body = body_object(req);
  const std::string on = text_member(body, "on", false);
  Tracker t = open_store(app, who, Tracker::Mode::open_existing);
  require_change(who, t, label);
  const MarkedDone done = t.mark_done(label, visit, on.empty() ? today() : parse_date(on, "on"),
                                      text_member(body, "note", false), today());
  send_json(res, {{"disclaimer", disclaimer_json()},
                  {"visit", visit_json(done.visit)},
                  {"already_done", done.already_done}});
}

void api_due(const App& app, const httplib::Request& req, httplib::Response& res,
             const Caller& who) {
  const std::string within_text = param(req, "within");
  const Span within = parse_span(within_text.empty() ? "14 days" : within_text, "within");
  json list = json::array();
  try {
    for (const DueVisit& d :
         visible_due(who, open_store(app, who, Tracker::Mode::read_only), within)) {
      static constexpr const char* kStatus[] = {"overdue", "due", "upcoming"};
      list.push_back({{"label", d.label},
                      {"regimen", d.regimen_id},
                      {"status", kStatus[static_cast<int>(d.status)]},
                      {"days", d.days},
                      {"visit", cli::track::planned_visit_json(d.visit)},
                      {"tests_recorded", d.tests_recorded}});
    }
  } catch (const Error& e) {
    if (e.id() != "tracker.no_db") throw;
  }
  send_json(res,
            {{"disclaimer", disclaimer_json()}, {"today", format_date(today())}, {"due", list}});
}

void api_openapi(const App&, const httplib::Request&, httplib::Response& res, const Caller&) {
  res.set_content(kOpenApiJson, "application/json");
}

}  // namespace doseplan::server
