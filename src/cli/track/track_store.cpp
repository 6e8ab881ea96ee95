// The `doseplan track` subcommands that change the store: start, record, done, entered-in-error.
#include <charconv>
#include <filesystem>
#include <iostream>
#include <string_view>

#include "cli/file_io.hpp"
#include "cli/track/track_commands.hpp"
#include "cli/track/track_output.hpp"

namespace doseplan::cli::track {
namespace {

namespace fs = std::filesystem;

// "Recorded #12 pt-01: creatinine 1.1 mg/dL, 2026-12-15", and the earlier results of the same
// test and day that are kept.
void print_recorded(const RecordRequest& r, const Recorded& rec, const std::string& name,
                    Lang lang) {
  const std::string id = std::to_string(rec.result.id), date = format_date(r.date),
                    value = shown(rec.result.value, lang);
  if (rec.result.uln) {
    std::cout << say(tr(lang, "Recorded #{id} {label}: {test} {value}, ULN {uln}, {date}"),
                     {{"id", id},
                      {"label", r.label},
                      {"test", name},
                      {"value", value},
                      {"uln", shown(*rec.result.uln, lang)},
                      {"date", date}});
  } else {
    std::cout << say(
        tr(lang, "Recorded #{id} {label}: {test} {value}, {date}"),
        {{"id", id}, {"label", r.label}, {"test", name}, {"value", value}, {"date", date}});
  }
  std::cout << "\n";
  if (rec.same_day.empty()) return;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < rec.same_day.size() && i < 5; ++i) {
    ids.push_back("#" + std::to_string(rec.same_day[i]));
  }
  if (rec.same_day.size() > 5) ids.push_back("…");
  // The test by its id in English (as typed), by its name in Chinese.
  std::cout << say(rec.same_day.size() == 1
                       ? tr(lang, "Also kept: {n} earlier {test} result of {date} ({ids}).")
                       : tr(lang, "Also kept: {n} earlier {test} results of {date} ({ids})."),
                   {{"n", std::to_string(rec.same_day.size())},
                    {"test", lang == Lang::en ? r.test : name},
                    {"date", date},
                    {"ids", join_list(ids, lang)}})
            << "\n";
}

// The advice on the rules of the test just recorded. The result is already stored, so a failure
// here is only reported (stderr).
void print_record_advice(Tracker& t, const RuleSet& rules, const RecordRequest& r,
                         const std::string& name, Lang lang) {
  try {
    const std::vector<Advice> advice = t.advise(rules, r.label, r.today, r.test);
    if (advice.empty()) {
      std::cout << say(tr(lang, "No lab rule of {regimen} concerns {test}."),
                       {{"regimen", t.patient(r.label).regimen_id},
                        {"test", lang == Lang::en ? r.test : name}})
                << "\n";
    } else {
      std::cout << advice_text(advice, lang);
    }
  } catch (const Error& e) {
    const Problem& p = e.problems().front();
    std::cerr << "doseplan track: advice not available: " << p.to_string() << "\n";
    if (lang == Lang::zh_CN && !p.message_zh.empty()) {
      std::cerr << say(tr(lang, "doseplan track: advice not available: {detail}"),
                       {{"detail", p.message_zh}})
                << "\n";
    }
  }
}

// "12" or "#12" (as history shows it).
std::int64_t result_id_of(const std::string& text) {
  std::string_view v = text;
  if (!v.empty() && v.front() == '#') v.remove_prefix(1);
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || id <= 0) {
    throw Error("tracker.unknown_result", "result",
                "\"" + text +
                    "\" is not a result number; give the # of the result as "
                    "`doseplan track history` shows it, e.g. --result 12",
                say(tr(Lang::zh_CN,
                       "\"{value}\" is not a result number; give the # of the result "
                       "as `doseplan track history` shows it, for example --result 12"),
                    {{"value", text}}));
  }
  return id;
}

}  // namespace

int run_start(State& s) {
  const Lang lang = parse_lang(s.c.lang);
  need(s.label, "label", "--label pt-01");
  check_patient_label(s.label);
  const Date today = today_of(s.c);
  if (!s.plan.plan_file.empty() && any_request_flag(s.plan.request)) {
    throw Error(
        "input.conflict", "plan",
        "give either --plan PLAN.json or the plan flags (--regimen, --input, ...), not both",
        say(tr(Lang::zh_CN,
               "give either --plan PLAN.json or the plan flags (--regimen, --input, "
               "...), not both"),
            {}));
  }
  // The plan file is read, or the flags made a request, before the rules are loaded.
  std::optional<PlanRequest> q;
  std::string plan_text;
  if (!s.plan.plan_file.empty()) {
    plan_text = read_text_file(s.plan.plan_file, "plan");
  } else {
    q = to_request(s.plan.request);
  }
  const RuleSet rules = load(*s.rules_dir);
  if (!q) q = request_from_plan_json(rules, plan_text, s.plan.plan_file);
  check_plan_dates(make_plan(rules, *q));  // every plan error before the database is created
  Tracker t = open_db(s.c, Tracker::Mode::create_if_missing);
  const TrackedPatient p = t.start(rules, s.label, *q, today);
  const std::vector<TrackedVisit> visits = t.visits(s.label);
  std::cout << say(tr(lang, "Tracking {label}: {regimen}, {start} to {end}; {n} visits stored."),
                   {{"label", p.label},
                    {"regimen", p.regimen_id},
                    {"start", format_date(p.start)},
                    {"end", format_date(p.end)},
                    {"n", std::to_string(visits.size())}})
            << "\n"
            << say(tr(lang, "Database: {path}"), {{"path", is_database_url(t.path()) ? t.path() : fs::absolute(t.path()).string()}})
            << "\n"
            << say(tr(lang, "Next: {command}"),
                   {{"command", "doseplan track due --label " + p.label}})
            << "\n";
  return 0;
}

int run_record(State& s) {
  need(s.label, "label", "--label pt-01");
  need(s.test, "test", "--test creatinine");
  need(s.value, "value", "--value \"1.1 mg/dL\"");
  need(s.date, "date", "--date 2026-12-15");
  const Lang lang = parse_lang(s.c.lang);
  RecordRequest r;
  r.label = s.label;
  r.test = s.test;
  r.value = s.value;
  r.date = parse_date(s.date, "date");
  if (!s.uln.empty()) r.uln = s.uln;
  r.note = s.note;
  r.today = today_of(s.c);
  const RuleSet rules = load(*s.rules_dir);
  Tracker t = open_db(s.c, Tracker::Mode::open_existing);
  const Recorded rec = t.record(rules, r);
  const std::string name = pick(rules.find_lab(r.test)->name, lang);
  print_recorded(r, rec, name, lang);
  print_record_advice(t, rules, r, name, lang);
  return 0;
}

int run_done(State& s) {
  const Lang lang = parse_lang(s.c.lang);
  need(s.label, "label", "--label pt-01");
  need(s.visit, "visit", "--visit 2026-12-15");
  const Date visit = parse_date(s.visit, "visit");
  const Date today = today_of(s.c);
  const Date on = s.on.empty() ? today : parse_date(s.on, "on");
  Tracker t = open_db(s.c, Tracker::Mode::open_existing);
  const MarkedDone m = t.mark_done(s.label, visit, on, s.note, today);
  if (m.already_done) {
    std::cout << say(
        tr(lang, "The visit of {date} was already marked done on {on}; nothing changed."),
        {{"date", format_date(visit)}, {"on", format_date(*m.visit.done_on)}});
  } else {
    std::cout << say(tr(lang, "Visit of {date} marked done on {on} for {label}."),
                     {{"date", format_date(visit)}, {"on", format_date(on)}, {"label", s.label}});
  }
  std::cout << "\n";
  return 0;
}

int run_entered_in_error(State& s) {
  const Lang lang = parse_lang(s.c.lang);
  need(s.label, "label", "--label pt-01");
  need(s.result, "result", "--result 12");
  need(s.reason, "reason", "--reason \"typed 0206 for 2026\"");
  const std::int64_t id = result_id_of(s.result);
  const Date today = today_of(s.c);
  const RuleSet rules = load(*s.rules_dir);  // the test by name
  Tracker t = open_db(s.c, Tracker::Mode::open_existing);
  const MarkedInError m = t.mark_entered_in_error(s.label, id, s.reason, today);
  const TrackedResult& r = m.result;
  const std::string rid = std::to_string(r.id), on = format_date(r.entered_in_error->marked_on);
  if (m.already_marked) {
    std::cout << say(tr(lang,
                        "Result #{id} of {label} was already marked entered in error on "
                        "{on}; nothing changed."),
                     {{"id", rid}, {"label", s.label}, {"on", on}});
  } else {
    std::cout << say(tr(lang,
                        "Result #{id} of {label} ({test} {value}, {date}) marked entered in "
                        "error on {on}. It is kept and shown struck out; baselines, advice "
                        "and the due list no longer use it."),
                     {{"id", rid},
                      {"label", s.label},
                      {"test", test_name(rules, r.test, lang)},
                      {"value", shown(r.value, lang)},
                      {"date", format_date(r.date)},
                      {"on", on}});
  }
  std::cout << "\n";
  return 0;
}

}  // namespace doseplan::cli::track
