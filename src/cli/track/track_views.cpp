// The `doseplan track` subcommands that read a patient or the store: history, advise, export,
// patients.
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string_view>

#include "cli/file_io.hpp"
#include "cli/track/track_commands.hpp"
#include "cli/track/track_output.hpp"
#include "doseplan/ics.hpp"

namespace doseplan::cli::track {
namespace {

// ------------------------------------------------------------------ history

json history_json(const TrackedPatient& p, const std::vector<TrackedResult>& results,
                  const std::vector<TrackedVisit>& visits) {
  json out = {{"label", p.label},
              {"regimen", p.regimen_id},
              {"start", format_date(p.start)},
              {"end", format_date(p.end)},
              {"tracked_since", format_date(p.tracked_since)}};
  json rs = json::array();
  for (const TrackedResult& r : results) rs.push_back(result_json(r));
  out["results"] = rs;
  json vs = json::array();
  for (const TrackedVisit& v : visits) vs.push_back(visit_json(v));
  out["visits"] = vs;
  return out;
}

// A result entered in error is struck out the plain-text way (~~ … ~~), then marked in words.
void write_result_line(std::ostream& o, const TrackedResult& r, const RuleSet& rules, Lang lang) {
  const char* strike = r.entered_in_error ? "~~" : "";
  o << "  #" << r.id << "  " << strike << format_date(r.date) << "  "
    << test_name(rules, r.test, lang) << "  " << shown(r.value, lang);
  if (r.uln) o << "  " << say(tr(lang, "ULN {uln}"), {{"uln", shown(*r.uln, lang)}});
  if (!r.note.empty()) o << "  — " << r.note;
  o << strike;
  if (r.entered_in_error) {
    o << "  "
      << say(tr(lang, "ENTERED IN ERROR (marked {on}: {reason}); not used"),
             {{"on", format_date(r.entered_in_error->marked_on)},
              {"reason", r.entered_in_error->reason}});
  }
  o << "\n";
}

void write_visit_line(std::ostream& o, const TrackedVisit& v, const RuleSet& rules, Lang lang) {
  o << "  " << format_date(v.date) << window_text(v, lang) << "  ";
  if (v.done) {
    o << tr(lang, "done on") << " " << format_date(*v.done_on);
    if (!v.done_note.empty()) o << " — " << v.done_note;
  } else {
    o << tr(lang, "not done");
  }
  o << "  " << say(tr(lang, "({tests})"), {{"tests", test_names(rules, v.tests(), lang)}}) << "\n";
}

// `only_test`: the test of --test, or "".
std::string history_text(const TrackedPatient& p, const std::vector<TrackedResult>& results,
                         const std::vector<TrackedVisit>& visits, const RuleSet& rules,
                         const std::string& only_test, Lang lang) {
  std::ostringstream o;
  o << p.label << " · " << p.regimen_id << " · " << format_date(p.start) << " – "
    << format_date(p.end) << " · " << tr(lang, "tracked since") << " "
    << format_date(p.tracked_since) << "\n\n";
  o << (only_test.empty()
            ? tr(lang, "RESULTS")
            : say(tr(lang, "RESULTS ({test})"), {{"test", test_name(rules, only_test, lang)}}))
    << "\n";
  if (results.empty()) o << "  " << tr(lang, "none recorded") << "\n";
  for (const TrackedResult& r : results) write_result_line(o, r, rules, lang);
  o << "\n" << tr(lang, "VISITS") << "\n";
  for (const TrackedVisit& v : visits) write_visit_line(o, v, rules, lang);
  return o.str();
}

// ------------------------------------------------------------------ advise

// `stored_plan`: the plan as the store holds it (its checks and acknowledgements are copied).
json advise_json(const TrackedPatient& p, Date today, const std::string& stored_plan,
                 const RulesStamp& now, const std::vector<Advice>& advice, const RuleSet& rules) {
  json out = {{"label", p.label}, {"regimen", p.regimen_id}, {"today", format_date(today)}};
  const json stored = json::parse(stored_plan);  // the entries as the plan has them
  out["checks"] = stored.value("checks", json::array());
  out["acknowledgements"] = stored.value("acknowledgements", json::array());
  // What made the stored plan, the rules in use now, and whether they differ (null: the stored
  // plan did not record its rules).
  out["made_by"] = stamp_json(p.stamp);
  out["rules_in_use"] = stamp_json(now);
  out["rules_differ"] =
      p.stamp.rules_hash.empty() ? json(nullptr) : json(p.stamp.rules_hash != now.rules_hash);
  json list = json::array();
  for (const Advice& a : advice) list.push_back(advice_json(a, rules));
  out["advice"] = list;
  out["disclaimer"] = localized_json(disclaimer());
  return out;
}

}  // namespace

int run_history(State& s) {
  need(s.label, "label", "--label pt-01");
  const Lang lang = parse_lang(s.c.lang);
  // A mistyped test is an error, not an empty list of results.
  if (!s.test.empty()) check_lab_test(load(*s.rules_dir).labs, s.test);
  Tracker t = open_db(s.c, Tracker::Mode::read_only);
  const TrackedPatient p = t.patient(s.label);
  std::vector<TrackedResult> results = t.results(s.label);
  if (!s.test.empty()) {
    std::erase_if(results, [&](const TrackedResult& r) { return r.test != s.test; });
  }
  const std::vector<TrackedVisit> visits = t.visits(s.label);
  if (s.c.format == "json") {
    emit(history_json(p, results, visits).dump(2) + "\n", "");
    return 0;
  }
  const RuleSet rules = load(*s.rules_dir);  // the tests by name (labs.json)
  emit(history_text(p, results, visits, rules, s.test, lang), "");
  return 0;
}

int run_advise(State& s) {
  need(s.label, "label", "--label pt-01");
  const Lang lang = parse_lang(s.c.lang);
  const Date today = today_of(s.c);
  const RuleSet rules = load(*s.rules_dir);
  Tracker t = open_db(s.c, Tracker::Mode::read_only);
  std::optional<std::string> only;
  if (!s.test.empty()) only = s.test;
  const std::vector<Advice> advice = t.advise(rules, s.label, today, only);
  const TrackedPatient p = t.patient(s.label);
  // The stored plan's checks about the patient and acknowledgements come first.
  const PlanChecks checks = t.plan_checks(s.label);
  const RulesStamp now = stamp_now(rules, p.regimen_id);
  if (s.c.format == "json") {
    emit(advise_json(p, today, t.plan_json(s.label), now, advice, rules).dump(2) + "\n", "");
    return 0;
  }
  std::ostringstream o;
  o << p.label << " · " << p.regimen_id << " · " << tr(lang, "results up to") << " "
    << format_date(today) << "\n";
  o << planned_with_text(p.stamp, lang) << "\n";
  if (const std::string differ = rules_differ_text(p.stamp, now, lang); !differ.empty()) {
    o << differ << "\n";
  }
  o << render_checks_text(checks.checks, checks.acknowledgements, lang);
  if (advice.empty()) {
    o << (only ? say(tr(lang, "The regimen {regimen} has no lab rule for {test}."),
                     {{"regimen", p.regimen_id},
                      {"test", lang == Lang::en ? *only : test_name(rules, *only, lang)}})
               : say(tr(lang, "The regimen {regimen} has no lab rule."),
                     {{"regimen", p.regimen_id}}))
      << "\n"
      << pick(disclaimer(), lang) << "\n";
  } else {
    o << advice_text(advice, lang);
  }
  emit(o.str(), "");
  return 0;
}

int run_export(State& s) {
  need(s.label, "label", "--label pt-01");
  const Lang lang = parse_lang(s.c.lang);
  // -o never replaces the store (nor any SQLite file): refused before the store is opened.
  const std::string db =
      s.c.db.empty() ? default_tracker_path(std::getenv("XDG_DATA_HOME"), std::getenv("HOME"))
                     : s.c.db;
  check_output_target(s.output, {db});
  Tracker t = open_db(s.c, Tracker::Mode::read_only);
  if (s.c.format == "json") {
    emit(t.plan_json(s.label), s.output);
    return 0;
  }
  const RuleSet rules = load(*s.rules_dir);
  bool changed = false;
  const Plan plan = t.rebuild_plan(rules, s.label, &changed);
  const std::string differ = rules_differ_text(t.patient(s.label).stamp, plan.stamp, lang);
  if (!differ.empty()) std::cerr << "doseplan track: " << differ << "\n";
  if (changed) {
    std::cerr << say(tr(lang,
                        "doseplan track: warning: the rules changed since {label} was tracked; "
                        "the calendar follows the plan as the current rules make it, which "
                        "differs from the stored plan (doseplan track export --format json)"),
                     {{"label", s.label}})
              << "\n";
  }
  IcsOptions ics;
  ics.lang = lang;
  ics.reminder_minutes_before = s.reminder;
  ics.patient_label = s.label;
  // Done visits stay in the file as cancelled events without a reminder: a re-import updates the
  // phone's copy (same UID) and the reminder stops (docs/tracker.md).
  for (const TrackedVisit& v : t.visits(s.label))
    if (v.done) ics.done_visits.emplace(v.date, v.done_on.value_or(v.date));
  emit(render_ics(plan, ics), s.output);
  return 0;
}

int run_patients(State& s) {
  const Lang lang = parse_lang(s.c.lang);
  Tracker t = open_db(s.c, Tracker::Mode::read_only);
  const std::vector<TrackedPatient> ps = t.patients();
  if (s.c.format == "json") {
    json list = json::array();
    for (const TrackedPatient& p : ps) {
      list.push_back({{"label", p.label},
                      {"regimen", p.regimen_id},
                      {"start", format_date(p.start)},
                      {"end", format_date(p.end)},
                      {"tracked_since", format_date(p.tracked_since)},
                      {"made_by", stamp_json(p.stamp)}});
    }
    emit(json({{"database", t.path()}, {"patients", list}}).dump(2) + "\n", "");
    return 0;
  }
  std::ostringstream o;
  o << say(ps.size() == 1 ? tr(lang, "{path}: {n} patient") : tr(lang, "{path}: {n} patients"),
           {{"path", t.path()}, {"n", std::to_string(ps.size())}})
    << "\n";
  for (const TrackedPatient& p : ps) {
    o << "  " << p.label << "  " << p.regimen_id << "  " << format_date(p.start) << " – "
      << format_date(p.end) << "  "
      << say(tr(lang, "(tracked since {date})"), {{"date", format_date(p.tracked_since)}}) << "\n"
      << "      " << planned_with_text(p.stamp, lang) << "\n";
  }
  emit(o.str(), "");
  return 0;
}

}  // namespace doseplan::cli::track
