// The tracker's pages of `doseplan serve`: the patients, the clinic's due and overdue list, a
// patient's page (visits, results as entered, record a result, mark a visit done, mark a result
// entered in error, the advice with its disclaimer, the calendar), and the forms that change the
// store. Each change is one Tracker call (one transaction), answered with a redirect to the
// patient's page (post/redirect/get); a refused change shows the patient's page again with the
// problem beside its field, and nothing is stored.
#include "cli/track/track_common.hpp"
#include "cli/track/track_output.hpp"
#include "doseplan/ics.hpp"
#include "doseplan/request.hpp"
#include "server/app.hpp"

namespace doseplan::server {
namespace {

using cli::track::test_names;

std::string patient_url(const std::string& label, Lang lang) {
  return "/patients/" + label + lang_query(lang);
}

std::string status_text(DueVisit::Status s, int days, Lang lang) {
  const std::string n = std::to_string(days);
  switch (s) {
    case DueVisit::Status::overdue:
      return fill(tr(lang, "overdue by {n} days"), {{"n", n}});
    case DueVisit::Status::due:
      return fill(tr(lang, "due: {n} days left"), {{"n", n}});
    case DueVisit::Status::upcoming:
      break;
  }
  return fill(tr(lang, "upcoming: in {n} days"), {{"n", n}});
}

std::string advice_status(Advice::Status s, Lang lang) {
  switch (s) {
    case Advice::Status::reached:
      return tr(lang, "REACHED");
    case Advice::Status::not_reached:
      return tr(lang, "not reached");
    case Advice::Status::cannot_evaluate:
      return tr(lang, "cannot be judged");
    case Advice::Status::no_result:
      break;
  }
  return tr(lang, "no result yet");
}

// The tests of the patient's regimen that take a value, for the record form.
std::vector<const LabTest*> value_tests(const RuleSet& rules, const Regimen& regimen) {
  std::vector<const LabTest*> out;
  for (const LabTest& lab : rules.labs) {
    if (!lab.canonical) continue;
    const bool used = std::any_of(
        regimen.monitoring.begin(), regimen.monitoring.end(), [&lab](const MonitoringRule& m) {
          return std::find(m.tests.begin(), m.tests.end(), lab.id) != m.tests.end();
        });
    if (used) out.push_back(&lab);
  }
  return out;
}

// Values typed into a form that was refused, by field name, and the problems by field.
struct Refused {
  std::string form;  // "record", "done-DATE", "error-ID"
  const Error* error = nullptr;
  std::map<std::string, std::string> typed;
};

std::string typed(const Refused* r, const std::string& form, const std::string& name,
                  const std::string& fallback = "") {
  if (r == nullptr || r->form != form) return fallback;
  const auto it = r->typed.find(name);
  return it == r->typed.end() ? fallback : it->second;
}

// The problems of a refused form, inside that form (role=alert: a screen reader says them).
std::string refusal(const Refused* r, const std::string& form, Lang lang) {
  if (r == nullptr || r->form != form || r->error == nullptr) return "";
  std::string out = "<div class=\"error\" role=\"alert\" id=\"" + h(form) + "-error\">";
  for (const Problem& p : r->error->problems()) {
    out += "<p>" + h(p.where) + ": " +
           h(lang == Lang::zh_CN && !p.message_zh.empty() ? p.message_zh : p.message) + " [" +
           h(p.id) + "]</p>";
  }
  return out + "</div>";
}

std::string input(const std::string& id, const std::string& name, const std::string& label,
                  const std::string& type, const std::string& value, bool required = false) {
  return "<label for=\"" + h(id) + "\">" + h(label) + (required ? " *" : "") +
         "</label><input id=\"" + h(id) + "\" name=\"" + h(name) + "\" type=\"" + h(type) +
         "\" value=\"" + h(value) + "\"" +
         (type == "number" ? " step=\"any\" inputmode=\"decimal\"" : "") +
         (required ? " required" : "") + ">";
}

std::string visits_html(const App& app, const Caller& who, const Tracker& t,
                        const std::string& label, Lang lang, const Refused* refused) {
  std::string out = "<h2>" + h(tr(lang, "Visits")) + "</h2><table><thead><tr><th scope=\"col\">" +
                    h(tr(lang, "Date")) + "</th><th scope=\"col\">" + h(tr(lang, "Tests")) +
                    "</th><th scope=\"col\">" + h(tr(lang, "Done")) + "</th></tr></thead><tbody>";
  const std::string today_text = format_date(today());
  for (const TrackedVisit& v : t.visits(label)) {
    const std::string date = format_date(v.date);
    const std::string form = "done-" + date;
    out += "<tr><td>" + h(date) + h(cli::track::window_text(v, lang)) + "</td><td>" +
           h(test_names(app.rules, v.tests(), lang)) + "</td><td>";
    if (v.done) {
      out +=
          h(fill(tr(lang, "done on {date}"), {{"date", format_date(v.done_on.value_or(v.date))}}));
      if (!v.done_note.empty()) out += " — " + h(v.done_note);
    } else if (!can_change(who)) {
      out += h(tr(lang, "not done"));
    } else {
      out += "<form method=\"post\" action=\"/patients/" + h(label) + "/visits/" + h(date) +
             "/done\">" + form_hidden(who, lang) +
             input("on-" + date, "on", tr(lang, "Done on"), "date",
                   typed(refused, form, "on", today_text)) +
             "<button type=\"submit\">" + h(tr(lang, "Mark done")) + "</button>" +
             refusal(refused, form, lang) + "</form>";
    }
    out += "</td></tr>";
  }
  return out + "</tbody></table>";
}

std::string results_html(const App& app, const Caller& who, const Tracker& t,
                         const std::string& label, Lang lang, const Refused* refused) {
  std::string out = "<h2>" + h(tr(lang, "Results")) + "</h2>";
  const std::vector<TrackedResult> results = t.results(label);
  if (results.empty()) return out + "<p>" + h(tr(lang, "No result recorded yet.")) + "</p>";
  out += "<table><thead><tr><th scope=\"col\">" + h(tr(lang, "Date")) + "</th><th scope=\"col\">" +
         h(tr(lang, "Test")) + "</th><th scope=\"col\">" + h(tr(lang, "Value as entered")) +
         "</th><th scope=\"col\">" + h(tr(lang, "Note")) + "</th><th scope=\"col\">" +
         h(tr(lang, "Entered in error")) + "</th></tr></thead><tbody>";
  for (const TrackedResult& r : results) {
    const bool struck = r.entered_in_error.has_value();
    const std::string cls = struck ? " class=\"in-error\"" : "";
    out += "<tr><td" + cls + ">" + h(format_date(r.date)) + "</td><td" + cls + ">" +
           h(cli::track::test_name(app.rules, r.test, lang)) + "</td><td" + cls + ">" +
           h(describe_measurement(r.value, lang)) +
           (r.uln ? " (" + h(tr(lang, "upper limit")) + " " +
                        h(describe_measurement(*r.uln, lang)) + ")"
                  : "") +
           "</td><td" + cls + ">" + h(r.note) + "</td><td>";
    if (struck) {
      out += h(fill(tr(lang, "marked on {date}: {reason}"),
                    {{"date", format_date(r.entered_in_error->marked_on)},
                     {"reason", r.entered_in_error->reason}}));
    } else if (can_change(who)) {
      const std::string id = std::to_string(r.id);
      const std::string form = "error-" + id;
      out += "<form method=\"post\" action=\"/patients/" + h(label) + "/results/" + h(id) +
             "/entered-in-error\">" + form_hidden(who, lang) +
             input("reason-" + id, "reason", tr(lang, "Reason"), "text",
                   typed(refused, form, "reason"), true) +
             "<button type=\"submit\">" + h(tr(lang, "Mark entered in error")) + "</button>" +
             refusal(refused, form, lang) + "</form>";
    }
    out += "</td></tr>";
  }
  return out + "</tbody></table>";
}

std::string record_form(const App& app, const Caller& who, const Regimen& regimen,
                        const std::string& label, Lang lang, const Refused* refused) {
  const std::vector<const LabTest*> tests = value_tests(app.rules, regimen);
  const std::string form = "record";
  std::string out = "<h2>" + h(tr(lang, "Record a result")) +
                    "</h2><form method=\"post\" action=\"/patients/" + h(label) + "/results\">" +
                    form_hidden(who, lang) + refusal(refused, form, lang) +
                    "<label for=\"r-test\">" + h(tr(lang, "Test")) +
                    " *</label><select id=\"r-test\" name=\"test\">";
  for (const LabTest* lab : tests) {
    out += "<option value=\"" + h(lab->id) + "\"" +
           (typed(refused, form, "test") == lab->id ? " selected" : "") + ">" +
           h(pick(lab->name, lang)) + "</option>";
  }
  out += "</select>" + input("r-value", "value", tr(lang, "Value"), "number",
                             typed(refused, form, "value"), true);
  out += "<label for=\"r-unit\">" + h(tr(lang, "Unit")) +
         "</label><select id=\"r-unit\" name=\"unit\">";
  std::vector<std::string> units;
  for (const LabTest* lab : tests) {
    for (const std::string& u : lab->units) {
      if (std::find(units.begin(), units.end(), u) == units.end()) units.push_back(u);
    }
  }
  for (const std::string& u : units) {
    out += "<option value=\"" + h(u) + "\"" +
           (typed(refused, form, "unit") == u ? " selected" : "") + ">" + h(display_unit(u)) +
           "</option>";
  }
  out += "</select>" +
         input("r-date", "date", tr(lang, "Date of the sample"), "date",
               typed(refused, form, "date", format_date(today())), true) +
         input("r-uln", "uln", tr(lang, "Upper limit of normal on the report (value and unit)"),
               "text", typed(refused, form, "uln")) +
         input("r-note", "note", tr(lang, "Note"), "text", typed(refused, form, "note")) +
         "<button type=\"submit\">" + h(tr(lang, "Record")) + "</button></form>";
  return out;
}

std::string advice_html(const App& app, const Tracker& t, const std::string& label, Lang lang) {
  std::string out = "<h2>" + h(tr(lang, "What the results may mean")) + "</h2>";
  const std::vector<Advice> advice = t.advise(app.rules, label, today());
  if (advice.empty())
    return out + "<p>" + h(tr(lang, "The regimen has no rules on results.")) + "</p>";
  out += "<p class=\"disclaimer\">" + h(pick(advice.front().disclaimer, lang)) +
         "</p><ul class=\"advice\">";
  for (const Advice& a : advice) {
    out += "<li data-rule=\"" + h(a.rule.id) + "\" data-status=\"" +
           (a.status == Advice::Status::reached ? "reached" : "other") + "\"><strong>" +
           h(pick(a.condition, lang)) + "</strong>: " + h(advice_status(a.status, lang));
    if (!pick(a.detail, lang).empty()) out += ". " + h(pick(a.detail, lang));
    if (a.status == Advice::Status::reached) out += "<br>" + h(pick(a.advice, lang));
    out += " <span class=\"hint\">[" + h(pick(a.source, lang)) + "]</span></li>";
  }
  return out + "</ul>";
}

// The patient's calendar subscription: its webcal:// address, or a button to make one; a new
// address or revoking makes the old one answer 404. The address names `host`, the request's Host
// header (one of App::hosts, checked before any handler): the name and port this client reached
// the server by, directly or through a proxy.
std::string feed_html(const Caller& who, const Tracker& t, const std::string& label,
                      const std::string& host, Lang lang) {
  std::string out = "<h2>" + h(tr(lang, "Calendar subscription")) + "</h2>";
  const std::optional<std::string> token = t.calendar_token(label);
  const std::string action = "/patients/" + label + "/calendar-feed";
  if (token) {
    const std::string path = "/calendar/" + *token + ".ics" + lang_query(lang);
    out += "<p>" +
           h(tr(lang,
                "A calendar program (on this machine) can subscribe to this address; it updates "
                "the events when visits are done or the plan changes. Anyone with the address can "
                "read this patient's dates: revoke it when it is no longer needed.")) +
           "</p><p><a class=\"feed\" href=\"webcal://" + h(host + path) + "\">webcal://" +
           h(host + path) + "</a></p>";
    out += "<form method=\"post\" action=\"" + h(action) + "\" class=\"inline\">" +
           form_hidden(who, lang) + "<button type=\"submit\">" +
           h(tr(lang, "Make a new address (the old one stops working)")) + "</button></form> ";
    out += "<form method=\"post\" action=\"" + h(action) + "/revoke\" class=\"inline\">" +
           form_hidden(who, lang) + "<button type=\"submit\">" + h(tr(lang, "Revoke the address")) +
           "</button></form>";
    return out;
  }
  return out + "<p>" + h(tr(lang, "No subscription address yet.")) +
         "</p><form method=\"post\" action=\"" + h(action) + "\">" + form_hidden(who, lang) +
         "<button type=\"submit\">" + h(tr(lang, "Make a subscription address")) +
         "</button></form>";
}

// An audit entry's action as a person reads it (the code itself when it is not listed).
std::string action_text(const std::string& action, Lang lang) {
  if (action == "start") return tr(lang, "started tracking");
  if (action == "record") return tr(lang, "recorded a result");
  if (action == "done") return tr(lang, "marked a visit done");
  if (action == "entered_in_error") return tr(lang, "marked a result entered in error");
  if (action == "view") return tr(lang, "looked at the record");
  if (action == "calendar_token") return tr(lang, "made a calendar address");
  if (action == "calendar_revoke") return tr(lang, "revoked the calendar address");
  if (action == "account_add") return tr(lang, "added an account");
  return action;
}

// Who looked at or changed the record, newest first (the last 50): the audit log's entries
// about this patient (with accounts).
std::string audit_html(const Tracker& t, const std::string& label, Lang lang) {
  const std::vector<AuditEntry> entries = t.audit(label);
  std::string out = "<h2>" + h(tr(lang, "Who looked at or changed this record")) +
                    "</h2><table><thead><tr><th scope=\"col\">" + h(tr(lang, "When (UTC)")) +
                    "</th><th scope=\"col\">" + h(tr(lang, "Who")) + "</th><th scope=\"col\">" +
                    h(tr(lang, "What")) + "</th></tr></thead><tbody>";
  const std::size_t shown = std::min<std::size_t>(entries.size(), 50);
  for (std::size_t i = 0; i < shown; ++i) {
    const AuditEntry& e = entries[entries.size() - 1 - i];
    out += "<tr><td>" + h(e.at) + "</td><td>" + h(e.actor) + "</td><td>" +
           h(action_text(e.action, lang)) + "</td></tr>";
  }
  return out + "</tbody></table>";
}

// The patient's calendar as the tracker knows it: the plan rebuilt, visits done cancelled (same
// UID, SEQUENCE raised), so a calendar that reads it again updates its events.
std::string patient_ics(const App& app, const Tracker& t, const std::string& label, Lang lang) {
  const Plan plan = t.rebuild_plan(app.rules, label);
  IcsOptions ics;
  ics.lang = lang;
  ics.patient_label = label;
  for (const TrackedVisit& v : t.visits(label)) {
    if (v.done) ics.done_visits.emplace(v.date, v.done_on.value_or(v.date));
  }
  return render_ics(plan, ics);
}

std::string patient_html(const App& app, const Caller& who, const httplib::Request& req,
                         const std::string& label, const Refused* refused) {
  const Lang lang = request_lang(req);
  const Tracker t = open_store(app, who, Tracker::Mode::read_only);
  const TrackedPatient p = visible_patient(who, t, label);
  const Regimen* regimen = app.rules.find_regimen(p.regimen_id);
  std::string body = "<p>" + h(tr(lang, "Regimen")) + ": " + h(p.regimen_id) + " · " +
                     h(fill(tr(lang, "{start} to {end}"),
                            {{"start", format_date(p.start)}, {"end", format_date(p.end)}})) +
                     " · " + h(cli::track::planned_with_text(p.stamp, lang)) + "</p>";
  const PlanChecks checks = t.plan_checks(label);
  if (!checks.checks.empty() || !checks.acknowledgements.empty()) {
    body += "<section class=\"checks\"><pre>" +
            h(render_checks_text(checks.checks, checks.acknowledgements, lang)) +
            "</pre></section>";
  }
  body += "<p><a href=\"/patients/" + h(label) + "/calendar.ics" + lang_query(lang) + "\">" +
          h(tr(lang, "Calendar file (ICS): visits and infusion days")) + "</a></p>";
  const bool carer = who.account && who.account->role == Role::carer;
  if (!carer) body += feed_html(who, t, label, req.get_header_value("Host"), lang);
  body += visits_html(app, who, t, label, lang, refused);
  if (regimen != nullptr && can_change(who)) {
    body += record_form(app, who, *regimen, label, lang, refused);
  }
  body += results_html(app, who, t, label, lang, refused);
  if (regimen != nullptr) body += advice_html(app, t, label, lang);
  if (app.accounts) body += audit_html(t, label, lang);
  return page(lang, fill(tr(lang, "Patient {label}"), {{"label", label}}), body,
              "/patients/" + label);
}

// Runs a change of the store; on success, redirects to the patient's page; on an Error, shows
// the page again with the problem in the form that was sent (400), nothing stored. Who may not
// change the patient is refused first (403, or 404 for a patient they do not see).
template <class Change>
void change(const App& app, const Caller& who, const httplib::Request& req, httplib::Response& res,
            const std::string& label, const std::string& form, Change&& run) {
  const Lang lang = request_lang(req);
  require_change(who, open_store(app, who, Tracker::Mode::read_only), label);
  try {
    Tracker t = open_store(app, who, Tracker::Mode::open_existing);
    run(t);
  } catch (const Error& e) {
    if (status_of(e) == 404) throw;
    Refused r{form, &e, {}};
    for (const auto& [name, value] : req.params) r.typed[name] = value;
    send_html(res, patient_html(app, who, req, label, &r), status_of(e));
    return;
  }
  res.set_redirect(patient_url(label, lang), 303);
}

}  // namespace

void patients_page(const App& app, const httplib::Request& req, httplib::Response& res,
                   const Caller& who) {
  const Lang lang = request_lang(req);
  std::string body;
  std::vector<TrackedPatient> patients;
  try {
    patients = visible_patients(who, open_store(app, who, Tracker::Mode::read_only));
  } catch (const Error& e) {
    if (e.id() != "tracker.no_db") throw;
  }
  if (patients.empty()) {
    body = "<p>" + h(tr(lang, "No patient is tracked yet: make a plan, then \"Track\".")) + "</p>";
  } else {
    body = "<table><thead><tr><th scope=\"col\">" + h(tr(lang, "Patient")) +
           "</th><th scope=\"col\">" + h(tr(lang, "Regimen")) + "</th><th scope=\"col\">" +
           h(tr(lang, "First day")) + "</th><th scope=\"col\">" + h(tr(lang, "Last day")) +
           "</th></tr></thead><tbody>";
    for (const TrackedPatient& p : patients) {
      body += "<tr><td><a href=\"" + h(patient_url(p.label, lang)) + "\">" + h(p.label) +
              "</a></td><td>" + h(p.regimen_id) + "</td><td>" + h(format_date(p.start)) +
              "</td><td>" + h(format_date(p.end)) + "</td></tr>";
    }
    body += "</tbody></table>";
  }
  send_html(res, page(lang, tr(lang, "Patients"), body, "/patients"));
}

void due_page(const App& app, const httplib::Request& req, httplib::Response& res,
              const Caller& who) {
  const Lang lang = request_lang(req);
  std::vector<DueVisit> due;
  try {
    due = visible_due(who, open_store(app, who, Tracker::Mode::read_only), parse_span("14 days"));
  } catch (const Error& e) {
    if (e.id() != "tracker.no_db") throw;
  }
  std::string body = "<p>" +
                     h(fill(tr(lang, "Visits overdue, due today or within {span} ({today})."),
                            {{"span", pick(span_text(parse_span("14 days")), lang)},
                             {"today", format_date(today())}})) +
                     "</p>";
  if (due.empty()) {
    body += "<p>" + h(tr(lang, "Nothing is due.")) + "</p>";
  } else {
    body += "<table><thead><tr><th scope=\"col\">" + h(tr(lang, "Patient")) +
            "</th><th scope=\"col\">" + h(tr(lang, "Date")) + "</th><th scope=\"col\">" +
            h(tr(lang, "Status")) + "</th><th scope=\"col\">" + h(tr(lang, "Tests")) +
            "</th></tr></thead><tbody>";
    for (const DueVisit& d : due) {
      body += "<tr><td><a href=\"" + h(patient_url(d.label, lang)) + "\">" + h(d.label) +
              "</a></td><td>" + h(format_date(d.visit.date)) + "</td><td" +
              (d.status == DueVisit::Status::overdue ? " class=\"overdue\"" : "") + ">" +
              h(status_text(d.status, d.days, lang)) + "</td><td>" +
              h(test_names(app.rules, d.visit.tests(), lang)) + "</td></tr>";
    }
    body += "</tbody></table>";
  }
  send_html(res, page(lang, tr(lang, "Due and overdue"), body, "/due"));
}

void patient_page(const App& app, const httplib::Request& req, httplib::Response& res,
                  const Caller& who) {
  const std::string label = req.matches[1];
  check_patient_label(label);
  const std::string html = patient_html(app, who, req, label, nullptr);
  if (app.accounts) open_store(app, who, Tracker::Mode::open_existing).record_view(label, "page");
  send_html(res, html);
}

void patient_calendar(const App& app, const httplib::Request& req, httplib::Response& res,
                      const Caller& who) {
  const std::string label = req.matches[1];
  check_patient_label(label);
  const Tracker t = open_store(app, who, Tracker::Mode::read_only);
  visible_patient(who, t, label);
  res.set_header("Content-Disposition", "attachment; filename=\"doseplan-" + label + ".ics\"");
  res.set_content(patient_ics(app, t, label, request_lang(req)), "text/calendar; charset=utf-8");
}

void new_calendar_feed(const App& app, const httplib::Request& req, httplib::Response& res,
                       const Caller& who) {
  const std::string label = req.matches[1];
  check_patient_label(label);
  require_role(who, {Role::admin, Role::clinician, Role::patient});
  Tracker t = open_store(app, who, Tracker::Mode::open_existing);
  visible_patient(who, t, label);
  t.set_calendar_token(label, random_hex(24), today());
  res.set_redirect(patient_url(label, request_lang(req)), 303);
}

void revoke_calendar_feed(const App& app, const httplib::Request& req, httplib::Response& res,
                          const Caller& who) {
  const std::string label = req.matches[1];
  check_patient_label(label);
  require_role(who, {Role::admin, Role::clinician, Role::patient});
  Tracker t = open_store(app, who, Tracker::Mode::open_existing);
  visible_patient(who, t, label);
  t.revoke_calendar_token(label);
  res.set_redirect(patient_url(label, request_lang(req)), 303);
}

// GET /calendar/TOKEN.ics: no server key (a calendar program has none); the token is the key.
// An unknown or revoked token is 404, the same as a page that does not exist.
void calendar_feed(const App& app, const httplib::Request& req, httplib::Response& res,
                   const Caller& who) {
  const Tracker t = open_store(app, who, Tracker::Mode::read_only);
  const std::optional<std::string> label = t.patient_of_calendar_token(req.matches[1]);
  if (!label) throw Error("serve.not_found", "token", "no calendar at this address");
  res.set_content(patient_ics(app, t, *label, request_lang(req)), "text/calendar; charset=utf-8");
}

void track_start(const App& app, const httplib::Request& req, httplib::Response& res,
                 const Caller& who) {
  const std::string label = param(req, "label");
  const PlanRequest q = parse_plan_request(param(req, "request"), "request");
  check_patient_label(label);
  require_role(who, {Role::admin, Role::clinician});
  open_store(app, who, Tracker::Mode::create_if_missing).start(app.rules, label, q, today());
  res.set_redirect(patient_url(label, request_lang(req)), 303);
}

void record_result(const App& app, const httplib::Request& req, httplib::Response& res,
                   const Caller& who) {
  const std::string label = req.matches[1];
  check_patient_label(label);
  change(app, who, req, res, label, "record", [&](Tracker& t) {
    RecordRequest r;
    r.label = label;
    r.test = param(req, "test");
    r.value = param(req, "value") + " " + param(req, "unit");
    r.date = parse_date(param(req, "date"), "date");
    if (!param(req, "uln").empty()) r.uln = param(req, "uln");
    r.note = param(req, "note");
    r.today = today();
    t.record(app.rules, r);
  });
}

void visit_done(const App& app, const httplib::Request& req, httplib::Response& res,
                const Caller& who) {
  const std::string label = req.matches[1];
  check_patient_label(label);
  const Date visit = parse_date(req.matches[2].str(), "visit");
  change(app, who, req, res, label, "done-" + format_date(visit), [&](Tracker& t) {
    const std::string on = param(req, "on");
    t.mark_done(label, visit, on.empty() ? today() : parse_date(on, "on"), param(req, "note"),
                today());
  });
}

void result_in_error(const App& app, const httplib::Request& req, httplib::Response& res,
                     const Caller& who) {
  const std::string label = req.matches[1];
  check_patient_label(label);
  const std::string id_text = req.matches[2];
  change(app, who, req, res, label, "error-" + id_text, [&](Tracker& t) {
    t.mark_entered_in_error(label, std::stoll(id_text), param(req, "reason"), today());
  });
}

}  // namespace doseplan::server
