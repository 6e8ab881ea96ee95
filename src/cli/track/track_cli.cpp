// `doseplan track`: the patient monitoring tracker on the command line (docs/tracker.md).
//
//   track start     start tracking a patient (label) on a plan: the `plan` flags, --input
//                   REQUEST.json, or --plan PLAN.json written by `doseplan plan --format json`
//   track record    record a result: test, value with unit, date, optional --uln and --note
//   track done      mark a planned visit done
//   track entered-in-error
//                   mark a recorded result entered in error (kept, struck out, not used)
//   track due       visits overdue, due now, or opening within --within (default 14 days)
//   track history   a patient's results and visits
//   track advise    the regimen's lab rules judged on the recorded results (educational)
//   track export    the plan as a calendar (ics) or as stored (json)
//   track patients  the patients of the database
//
// This file is the only place of doseplan that reads the system date: when --today is not given,
// the local date is used and printed on stderr. Errors are thrown as doseplan::Error and reported
// by main() (exit 2); nothing is stored when a command fails.
//
// Why this file is long (about 1,340 lines): it holds every `track` subcommand's wiring and output
// in one place. Issue 19 splits it by concern (src/cli/track/: one file per subcommand, output
// apart); until then, each subcommand is a function of its own below.
#include "cli/track/track_cli.hpp"

#include "cli/file_io.hpp"
#include "cli/request_flags.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include "core/json_writer.hpp"  // the library's JSON writer (internal): track due --format json
#include "doseplan/doseplan.hpp"
#include "doseplan/ics.hpp"
#include "doseplan/provenance.hpp"
#include "doseplan/tracker.hpp"

namespace doseplan::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

// ------------------------------------------------------------------ shared plumbing

void emit(const std::string& data, const std::string& output) {
  if (output.empty() || output == "-") {
    std::cout << data;
    finish_stdout();
  } else {
    write_atomically(output, data);
  }
}

// Options most track subcommands share.
struct Common {
  std::string db;
  std::string today;
  std::string lang = "en";
  std::string format = "text";
};

void add_db(CLI::App* sub, Common& c) {
  sub->add_option("--db", c.db,
                  "Tracker database (default: $XDG_DATA_HOME/doseplan/tracker.db, else "
                  "~/.local/share/doseplan/tracker.db)");
}
void add_today(CLI::App* sub, Common& c) {
  sub->add_option("--today", c.today,
                  "The date taken as today, YYYY-MM-DD (default: the system date)");
}
void add_lang(CLI::App* sub, Common& c) {
  sub->add_option("--lang", c.lang, "Language: en or zh-CN");
}
void add_format(CLI::App* sub, Common& c) {
  sub->add_option("--format", c.format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
}

// A translated sentence (tr() of the English sentence, a literal at the call so that
// scripts/po_missing.py sees the msgid) with its named {placeholders} filled in.
std::string say(std::string pattern,
                std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
  return doseplan::fill(std::move(pattern), values);
}

// --today, or the local system date (said on stderr).
Date today_of(const Common& c) {
  if (!c.today.empty()) return parse_date(c.today, "today");
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  const Date d = date::year(local.tm_year + 1900) /
                 date::month(static_cast<unsigned>(local.tm_mon + 1)) /
                 date::day(static_cast<unsigned>(local.tm_mday));
  std::cerr << say(tr(parse_lang(c.lang),
                      "doseplan track: today is {date} (the system date; give --today "
                      "YYYY-MM-DD to choose)"),
                   {{"date", format_date(d)}})
            << "\n";
  return d;
}

Tracker open_db(const Common& c, Tracker::Mode mode) {
  if (!c.db.empty()) return Tracker(c.db, mode, false);
  return Tracker(default_tracker_path(std::getenv("XDG_DATA_HOME"), std::getenv("HOME")), mode,
                 true);
}

RuleSet load(const std::optional<std::string>& rules_dir) {
  return load_rules(find_rules_dir(rules_dir, std::getenv("DOSEPLAN_RULES")));
}

// A translated sentence with named placeholders filled in (i18n.hpp).

void need(const std::string& value, const std::string& field, const std::string& example) {
  if (value.empty()) {
    throw Error("input.missing", field, "give --" + field + ", e.g. " + example,
                say(tr(Lang::zh_CN, "give --{field}, for example {example}"),
                    {{"field", field}, {"example", example}}));
  }
}

// " ±3 d" (English) / " ±3 天" (Chinese): the days a visit may move.
std::string window_text(const TrackedVisit& v, Lang lang) {
  if (v.window_before == 0 && v.window_after == 0) return "";
  const std::string d = " " + tr(lang, "d");
  if (v.window_before == v.window_after) return " ±" + std::to_string(v.window_after) + d;
  if (v.window_before == 0) return " +" + std::to_string(v.window_after) + d;
  if (v.window_after == 0) return " -" + std::to_string(v.window_before) + d;
  return " -" + std::to_string(v.window_before) + "/+" + std::to_string(v.window_after) + d;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string shown(const Measurement& m, Lang lang) {
  return describe_measurement(m, lang);
}

// A test by its name in `lang` ("血肌酐" for creatinine), or its id when labs.json has no such
// test.
std::string test_name(const RuleSet& rules, const std::string& id, Lang lang) {
  const LabTest* lab = rules.find_lab(id);
  return lab ? pick(lab->name, lang) : id;
}

// Names or ids joined as the language joins a list: "a, b" / "a、b".
std::string join_list(const std::vector<std::string>& parts, Lang lang) {
  return join(parts, lang == Lang::zh_CN ? "\u3001" : ", ");
}

// ------------------------------------------------------------------ what made a stored plan

// "Planned with: doseplan 0.1.0 · rules 2026.12.1 · sha256 3f2a9c0d1e2f3a4b", or "Planned with:
// not recorded" for a plan stored before the tracker recorded it (schema 4).
std::string planned_with_text(const RulesStamp& stored, Lang lang) {
  if (stored.rules_hash.empty()) return tr(lang, "Planned with: not recorded");
  return say(tr(lang, "Planned with: {stamp}"), {{"stamp", stamp_text(stored, lang)}});
}

// The stamp of the regimen `regimen_id` in the rules in use now; empty when they do not have it.
RulesStamp stamp_now(const RuleSet& rules, const std::string& regimen_id) {
  const Regimen* r = rules.find_regimen(regimen_id);
  return r != nullptr ? r->stamp : RulesStamp{};
}

// One line when the rules in use hash differently from those that made the stored plan; "" when
// they are the same, or when the stored plan did not record its rules (nothing to compare).
std::string rules_differ_text(const RulesStamp& stored, const RulesStamp& now, Lang lang) {
  if (stored.rules_hash.empty() || now.rules_hash.empty() || stored.rules_hash == now.rules_hash) {
    return "";
  }
  return say(tr(lang,
                "Planned with rules {planned} (sha256 {planned_hash}); the rules in use now "
                "differ (rules {now}, sha256 {now_hash}): the stored plan and its visits follow "
                "the old rules; re-plan to follow the new ones."),
             {{"planned", stored.rules_version},
              {"planned_hash", stored.rules_hash.substr(0, 16)},
              {"now", now.rules_version},
              {"now_hash", now.rules_hash.substr(0, 16)}});
}

// The stamp as JSON: the members of a plan's "made_by" (empty strings when not recorded).
json stamp_json(const RulesStamp& s) {
  return {{"doseplan_version", s.doseplan_version},
          {"rules_version", s.rules_version},
          {"rules_sha256", s.rules_hash}};
}

// With the test (`lab`), each value carries the LOINC code of its unit: the molar code for
// umol/L or mmol/L where labs.json gives one ("14682-9" for creatinine), else the test's code.
json measurement_json(const Measurement& m, const LabTest* lab) {
  json j = {{"as_entered", {{"value", m.value_entered}, {"unit", m.unit_entered}}},
            {"canonical", {{"value", m.value}, {"unit", m.unit}}}};
  if (lab && !lab->loinc.empty()) {
    j["as_entered"]["loinc"] = lab->loinc_for_unit(m.unit_entered);
    j["canonical"]["loinc"] = lab->loinc_for_unit(m.unit);
  }
  return j;
}

json result_json(const TrackedResult& r, const LabTest* lab = nullptr) {
  json j = {{"id", r.id},
            {"label", r.label},
            {"test", r.test},
            {"date", format_date(r.date)},
            {"value", measurement_json(r.value, lab)}};
  if (r.uln) j["uln"] = measurement_json(*r.uln, lab);
  j["note"] = r.note;
  j["recorded_on"] = format_date(r.recorded_on);
  if (r.entered_in_error) {
    j["entered_in_error"] = {{"marked_on", format_date(r.entered_in_error->marked_on)},
                             {"reason", r.entered_in_error->reason}};
  }
  return j;
}

json visit_json(const TrackedVisit& v) {
  json items = json::array();
  for (const VisitItem& it : v.items) {
    items.push_back({{"id", it.monitoring_id},
                     {"name", {{"en", it.name.en}, {"zh-CN", it.name.zh}}},
                     {"tests", it.tests},
                     {"reason", {{"en", it.reason.en}, {"zh-CN", it.reason.zh}}}});
  }
  json j = {{"date", format_date(v.date)},
            {"baseline", v.baseline},
            {"window_before_days", v.window_before},
            {"window_after_days", v.window_after},
            {"tests", v.tests.list()},
            {"items", items},
            {"done", v.done}};
  if (v.done_on) j["done_on"] = format_date(*v.done_on);
  if (!v.done_note.empty()) j["done_note"] = v.done_note;
  return j;
}

const char* status_id(Advice::Status s) {
  switch (s) {
    case Advice::Status::reached:
      return "reached";
    case Advice::Status::not_reached:
      return "not_reached";
    case Advice::Status::cannot_evaluate:
      return "cannot_evaluate";
    case Advice::Status::no_result:
      return "no_result";
  }
  return "";
}

json advice_json(const Advice& a, const RuleSet& rules) {
  json j = {{"rule", a.rule.id},
            {"test", a.rule.test},
            {"status", status_id(a.status)},
            {"condition", {{"en", a.condition.en}, {"zh-CN", a.condition.zh}}},
            {"detail", {{"en", a.detail.en}, {"zh-CN", a.detail.zh}}}};
  if (a.result) j["result"] = result_json(*a.result, rules.find_lab(a.rule.test));
  if (a.baseline) {
    j["baseline"] = {{"value", *a.baseline}, {"unit", a.unit}};
    json dates = json::array();
    for (Date d : a.baseline_dates) dates.push_back(format_date(d));
    j["baseline_dates"] = dates;
  }
  if (a.change_percent) j["change_percent"] = *a.change_percent;
  if (a.also_reached_on) j["previous_result_also_reached"] = format_date(*a.also_reached_on);
  if (a.rule.readings > 1) {
    j["readings"] = {{"needed", a.rule.readings}, {"met", a.readings_met}};
  }
  if (!a.not_used.empty()) j["not_used_entered_in_error"] = a.not_used;
  j["advice"] = {{"en", a.advice.en}, {"zh-CN", a.advice.zh}};
  j["source"] = {{"en", a.source.en}, {"zh-CN", a.source.zh}};
  j["disclaimer"] = {{"en", a.disclaimer.en}, {"zh-CN", a.disclaimer.zh}};
  return j;
}

std::string advice_text(const std::vector<Advice>& advice, Lang lang) {
  std::ostringstream o;
  const auto L = [lang](std::string_view k) { return tr(lang, k); };
  o << L("ADVICE (educational only: always ask your doctor)") << "\n";
  for (const Advice& a : advice) {
    std::string mark;
    switch (a.status) {
      case Advice::Status::reached:
        mark = "[!] " + L("needs attention (the rule is met)");
        break;
      case Advice::Status::not_reached:
        mark = "[ok] " + L("not met");
        break;
      case Advice::Status::cannot_evaluate:
        mark = "[?] " + L("can not be evaluated");
        break;
      case Advice::Status::no_result:
        mark = "[-] " + L("no result yet");
        break;
    }
    o << "  "
      << say(tr(lang, "{mark} — {rule}: {condition}"),
             {{"mark", mark}, {"rule", a.rule.id}, {"condition", pick(a.condition, lang)}})
      << "\n";
    o << "      " << pick(a.detail, lang) << "\n";
    if (!a.not_used.empty()) {
      std::vector<std::string> ids;
      for (std::int64_t id : a.not_used) ids.push_back("#" + std::to_string(id));
      o << "      "
        << say(tr(lang, "Not used (entered in error): {ids}"), {{"ids", join_list(ids, lang)}})
        << "\n";
    }
    if (a.status == Advice::Status::reached) {
      o << "      " << say(tr(lang, "Advice: {advice}"), {{"advice", pick(a.advice, lang)}})
        << "\n";
    }
    // The source names itself ("source …" / "来源 …", "project default: …").
    o << "      " << pick(a.source, lang) << "\n";
  }
  if (!advice.empty()) o << "  " << pick(advice.front().disclaimer, lang) << "\n";
  return o.str();
}

// ------------------------------------------------------------------ the plan flags (as `plan`)

// A plan file (`--plan`, a JSON plan written by `doseplan plan --format json`) or the flags of
// `doseplan plan` (request_flags.hpp).
struct PlanFlags {
  std::string plan_file;
  RequestFlags request;
};

// ------------------------------------------------------------------ the subcommands

struct State {
  std::optional<std::string> const* rules_dir = nullptr;
  CLI::App *track = nullptr, *start = nullptr, *record = nullptr, *done = nullptr, *due = nullptr,
           *history = nullptr, *advise = nullptr, *exporter = nullptr, *patients = nullptr,
           *in_error = nullptr;
  Common c;
  PlanFlags plan;
  std::string label, test, value, date, uln, note, visit, on, within = "14d", output, result,
                                                              reason;
  int reminder = 24 * 60;
};

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
            << say(tr(lang, "Database: {path}"), {{"path", fs::absolute(t.path()).string()}})
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
  const LabTest* lab = rules.find_lab(r.test);
  const std::string id = std::to_string(rec.result.id), date = format_date(r.date),
                    name = pick(lab->name, lang), value = shown(rec.result.value, lang);
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
  if (!rec.same_day.empty()) {
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
  // Advice on the rules of this test; the result is already stored, so a failure here is only
  // reported.
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

// Output written in pieces of about this size: the text of 10,000 patients is megabytes, and
// memory touched for the first time is slow to get (page faults); the bytes are the same.
constexpr std::size_t kOutputPiece = 1 << 16;

// Writes the first `len` bytes of `o` to stdout once they make a piece, and empties it (`len`
// becomes 0; the bytes after stay as the JSON writer's spare room).
void emit_piece(const std::string& o, std::size_t& len, bool last = false) {
  if (len < kOutputPiece && !last) return;
  std::cout.write(o.data(), static_cast<std::streamsize>(len));
  if (last) std::cout.flush();
  len = 0;
}

// stdout through a buffer of kOutputPiece bytes: the text is appended with plain copies (no
// std::string growth checks) and written a piece at a time.
class TextOut {
 public:
  TextOut() : buf_(kOutputPiece) {}
  TextOut(const TextOut&) = delete;
  TextOut& operator=(const TextOut&) = delete;

  TextOut& operator+=(std::string_view s) {
    if (buf_.size() - len_ < s.size()) {
      flush();
      if (s.size() > buf_.size()) {
        std::cout.write(s.data(), static_cast<std::streamsize>(s.size()));
        return *this;
      }
    }
    std::memcpy(buf_.data() + len_, s.data(), s.size());
    len_ += s.size();
    return *this;
  }
  TextOut& operator+=(char c) { return *this += std::string_view(&c, 1); }
  // A date as format_date writes it. A list names a few dozen days thousands of times: the
  // texts are kept in a small table by day.
  void date(Date d) {
    const auto day = static_cast<std::int64_t>(d.time_since_epoch().count());
    KeptDate& k = dates_[static_cast<std::size_t>(day) % dates_.size()];
    if (!k.set || k.day != day) k = {true, day, format_date(d)};
    *this += k.text;
  }
  void integer(long long n) {
    char digits[24];
    const auto r = std::to_chars(digits, digits + sizeof digits, n);
    *this += std::string_view(digits, static_cast<std::size_t>(r.ptr - digits));
  }
  // Writes what is buffered and flushes stdout.
  void finish() {
    flush();
    std::cout.flush();
  }

 private:
  void flush() {
    std::cout.write(buf_.data(), static_cast<std::streamsize>(len_));
    len_ = 0;
  }
  std::vector<char> buf_;
  std::size_t len_ = 0;
  struct KeptDate {
    bool set = false;
    std::int64_t day = 0;
    std::string text;
  };
  std::array<KeptDate, 128> dates_;
};

// A std::string with TextOut's appending functions (for the texts made once and kept).
class StringOut {
 public:
  StringOut& operator+=(std::string_view s) {
    text_ += s;
    return *this;
  }
  void date(Date d) { text_ += format_date(d); }
  void integer(long long n) { text_ += std::to_string(n); }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

// A translated sentence with {date} and {n}, split once into its literal parts and its places,
// then filled visit by visit as say() fills it.
class Sentence {
 public:
  explicit Sentence(const std::string& text) {
    std::size_t from = 0;
    for (;;) {
      const std::size_t date_at = text.find("{date}", from), n_at = text.find("{n}", from);
      const std::size_t at = std::min(date_at, n_at);
      parts_.push_back({text.substr(from, at == std::string::npos ? std::string::npos : at - from),
                        at == std::string::npos ? Place::none
                        : at == date_at         ? Place::date
                                                : Place::n});
      if (at == std::string::npos) break;
      from = at + (at == date_at ? 6 : 3);
    }
  }
  template <class Out>
  void append(Out& o, Date date, int n) const {
    for (const Part& part : parts_) {
      o += part.literal;
      if (part.place == Place::date) o.date(date);
      if (part.place == Place::n) o.integer(n);
    }
  }

 private:
  enum class Place { none, date, n };
  struct Part {
    std::string literal;
    Place place;
  };
  std::vector<Part> parts_;
};

// window_text(), appended.
template <class Out>
void append_window(Out& o, const PlannedVisit& v, const std::string& days) {
  if (v.window_before == 0 && v.window_after == 0) return;
  if (v.window_before == v.window_after) {
    o += " ±";
    o.integer(v.window_after);
  } else if (v.window_before == 0) {
    o += " +";
    o.integer(v.window_after);
  } else if (v.window_after == 0) {
    o += " -";
    o.integer(v.window_before);
  } else {
    o += " -";
    o.integer(v.window_before);
    o += "/+";
    o.integer(v.window_after);
  }
  o += days;
}

const char* status_id(DueVisit::Status s) {
  switch (s) {
    case DueVisit::Status::overdue:
      return "overdue";
    case DueVisit::Status::due:
      return "due";
    case DueVisit::Status::upcoming:
      return "upcoming";
  }
  return "";
}

// An item set of the visits due, known by the address of its shared lists (the visits of a set
// share them, and the list of visits keeps them alive), with the depth it is written at (JSON).
struct SetKey {
  const void* items;
  const void* tests;
  int depth = 0;
  bool operator==(const SetKey&) const = default;
  struct Hash {
    std::size_t operator()(const SetKey& k) const {
      return (std::hash<const void*>()(k.items) * 31 + std::hash<const void*>()(k.tests)) * 31 +
             static_cast<std::size_t>(k.depth);
    }
  };
};

// The "tests" and "items" of the visits of one item set, as JSON values, written once: a list
// names a few hundred sets thousands of times (the visits of a set share its lists, whose
// addresses are the key).
class SetJson {
 public:
  struct Values {
    std::string tests;
    std::string items;
  };
  // The values of `v`'s set, written at `depth` (the depth of the values in the document).
  const Values& of(const PlannedVisit& v, int depth) {
    const SetKey key{&v.items.list(), &v.tests.list(), depth};
    auto it = kept_.find(key);
    if (it != kept_.end()) return it->second;
    Values values;
    const auto strings = [](detail::JsonWriter& w, const std::vector<std::string>& list) {
      w.begin_array();
      for (const std::string& t : list) w.string(t);
      w.end_array();
    };
    const auto text = [](detail::JsonWriter& w, detail::JsonKey k, const LocalizedText& t) {
      w.key(k);
      w.begin_object();
      w.member("en", t.en);
      w.member("zh-CN", t.zh);
      w.end_object();
    };
    {
      detail::JsonWriter w(values.tests, 0, 2, depth);
      strings(w, v.tests);
      values.tests.resize(w.end());
    }
    {
      detail::JsonWriter w(values.items, 0, 2, depth);
      w.begin_array();
      for (const VisitItem& item : v.items) {
        w.begin_object();
        w.member("id", item.monitoring_id);
        text(w, "name", item.name);
        w.key("tests");
        strings(w, item.tests);
        text(w, "reason", item.reason);
        w.end_object();
      }
      w.end_array();
      values.items.resize(w.end());
    }
    return kept_.emplace(key, std::move(values)).first->second;
  }

 private:
  std::unordered_map<SetKey, Values, SetKey::Hash> kept_;
};

// One visit of `track due --format json`, as visit_json() and dump() write it, at depth 2,
// written into `o` from `at`; returns where it ends. `o` stays longer than the text: the spare
// room is the writer's, kept from visit to visit (cutting it off after each visit made the writer
// fill it again, tens of kilobytes a visit).
std::size_t write_due_json(std::string& o, std::size_t at, const DueVisit& d, SetJson& sets) {
  using detail::JsonWriter;
  JsonWriter w(o, at, 2, 2);
  {
    w.begin_object();
    w.member("label", d.label.str());
    w.member("regimen", d.regimen_id.str());
    w.member("status", status_id(d.status));
    w.member_int("days", d.days);
    w.member("window_first", format_date(d.visit.window_first()));
    w.member("window_last", format_date(d.visit.window_last()));
    const PlannedVisit& v = d.visit;
    w.key("visit");
    w.begin_object();
    w.member("date", format_date(v.date));
    w.member_bool("baseline", v.baseline);
    w.member_int("window_before_days", v.window_before);
    w.member_int("window_after_days", v.window_after);
    const SetJson::Values& set = sets.of(v, w.depth());
    w.key("tests");
    w.raw(set.tests);
    w.key("items");
    w.raw(set.items);
    w.member_bool("done", false);  // due() lists the visits not done
    w.end_object();
    w.key("tests_recorded");
    w.begin_array();
    for (const std::string& t : d.tests_recorded) w.string(t);
    w.end_array();
    w.end_object();
  }
  return w.end();
}

// The labels and regimens of the visits due, as the store holds them, refused if they can not be
// printed as they are (the items were checked as they were read): the store was edited outside
// doseplan (issue 18, item 6; tracker.damaged, docs/tracker.md). Each patient's text is checked
// once (the visits of a patient share it).
void check_printable(const std::vector<DueVisit>& due, const std::string& path) {
  const char* last_label = nullptr;
  const char* last_regimen = nullptr;
  const auto check = [&](std::string_view text, const char*& last, std::string_view column) {
    if (text.data() == last) return;
    last = text.data();
    if (unprintable_at(text) == std::string_view::npos) return;
    const std::string at = path + ": " + std::string(column);
    throw Error("tracker.damaged", at,
                "holds \"" + std::string(text.substr(0, 60)) +
                    "\", which doseplan never writes: the database was changed outside doseplan; "
                    "nothing was changed. Restore a backup of it (docs/tracker.md, \"Error ids\")",
                zh_detail("The database holds content that doseplan never writes: it was "
                          "changed outside doseplan; nothing was changed. Restore a backup of the "
                          "database"));
  };
  for (const DueVisit& d : due) {
    check(d.label.str(), last_label, "patients.label");
    check(d.regimen_id.str(), last_regimen, "plans.regimen_id");
  }
}

int run_due(State& s) {
  const Lang lang = parse_lang(s.c.lang);
  const Span within = parse_span(s.within, "within");
  const Date today = today_of(s.c);
  std::optional<std::string> label;
  if (!s.label.empty()) label = s.label;
  Tracker t = open_db(s.c, Tracker::Mode::read_only);
  const std::vector<DueVisit> due = t.due(label, today, within);
  check_printable(due, t.path());
  if (s.c.format == "json") {
    // Written visit by visit with the JSON writer (the bytes of json{today, within,
    // visits}.dump(2), as before), a piece at a time. The text is the first `len` bytes of `o`.
    std::string o(kOutputPiece + (1 << 14), ' ');
    std::size_t len = 0;
    const auto put = [&](std::string_view text) {
      if (o.size() - len < text.size()) o.resize(std::max(len + text.size(), 2 * o.size()));
      std::memcpy(o.data() + len, text.data(), text.size());
      len += text.size();
    };
    put("{\n  \"today\": " + json(format_date(today)).dump() +
        ",\n  \"within\": " + json(to_string(within)).dump() + ",\n  \"visits\": [");
    SetJson sets;
    for (std::size_t i = 0; i < due.size(); ++i) {
      put(i == 0 ? "\n    " : ",\n    ");
      len = write_due_json(o, len, due[i], sets);
      emit_piece(o, len);
    }
    put(due.empty() ? "]\n}\n" : "\n  ]\n}\n");
    emit_piece(o, len, true);
    return 0;
  }
  const auto L = [lang](std::string_view k) { return tr(lang, k); };
  // The tests by name (labs.json), with the codes to record them with.
  const RuleSet rules = load(*s.rules_dir);
  // The labels, translated once (not once a visit).
  const std::string overdue = L("OVERDUE"), due_now = L("DUE NOW"), upcoming = L("UPCOMING"),
                    baseline = "  " + L("(baseline)"), days = " " + L("d");
  const Sentence ended(L("window ended {date}, {n} days ago")),
      ends_today(L("window ends {date} (today)")), ends_in(L("window ends {date}, in {n} days")),
      opens_in(L("window opens {date}, in {n} days"));
  TextOut out;
  out +=
      say(tr(lang, "Today: {date}"), {{"date", format_date(today)}}) + " · " +
      say(L("overdue, due now, and opening within {n}"), {{"n", pick(span_text(within), lang)}}) +
      "\n";
  if (due.empty()) out += L("Nothing is due.") + "\n";
  // Grouped by label, the labels in the order of their first visit in the list, each label's
  // visits in list order: one pass numbers the groups, a counting sort puts the visits in order.
  std::vector<std::uint32_t> group(due.size());
  std::vector<std::size_t> first_of_group;  // where each group begins in `order`, then its end
  {
    std::unordered_map<std::string_view, std::uint32_t> group_of;
    group_of.reserve(due.size());
    std::vector<std::size_t> count;
    for (std::size_t i = 0; i < due.size(); ++i) {
      const auto [it, added] =
          group_of.try_emplace(due[i].label.str(), static_cast<std::uint32_t>(count.size()));
      if (added) count.push_back(0);
      group[i] = it->second;
      ++count[it->second];
    }
    first_of_group.resize(count.size() + 1, 0);
    for (std::size_t g = 0; g < count.size(); ++g) {
      first_of_group[g + 1] = first_of_group[g] + count[g];
    }
  }
  std::vector<std::uint32_t> order(due.size());  // indexes in `due`, group by group
  {
    std::vector<std::size_t> next(first_of_group.begin(), first_of_group.end() - 1);
    for (std::size_t i = 0; i < due.size(); ++i) {
      order[next[group[i]]++] = static_cast<std::uint32_t>(i);
    }
  }
  // The status at the start of a line, padded in English.
  const auto status_text = [&](const std::string& name) {
    std::string text = "  " + name;
    if (lang == Lang::en && name.size() < 8) text.append(8 - name.size(), ' ');
    return text + "  ";
  };
  const std::string overdue_text = status_text(overdue), due_text = status_text(due_now),
                    upcoming_text = status_text(upcoming);
  // The lines of the items and tests of a visit, made once per item set: a list names a few
  // hundred sets thousands of times, and the visits of a set share its lists (the key is their
  // address).
  std::unordered_map<SetKey, std::string, SetKey::Hash> set_lines;
  const auto lines_of = [&](const PlannedVisit& v) -> const std::string& {
    const SetKey key{&v.items.list(), &v.tests.list()};
    auto it = set_lines.find(key);
    if (it != set_lines.end()) return it->second;
    std::string text = "\n      ";
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      if (i != 0) text += lang == Lang::zh_CN ? "\uff1b" : "; ";
      text += pick(v.items[i].name, lang);
    }
    // The tests by name, then the codes of those that take a value (the codes `track record
    // --test` takes; a blood count is recorded by its parts).
    std::vector<std::string> names, codes;
    for (const std::string& id : v.tests) {
      names.push_back(test_name(rules, id, lang));
      const LabTest* lab = rules.find_lab(id);
      if (lab != nullptr && !lab->units.empty()) codes.push_back(id);
    }
    text += "\n      " + say(tr(lang, "tests: {tests}"), {{"tests", join_list(names, lang)}});
    if (!codes.empty()) {
      text += "\n      " + say(tr(lang, "codes to record them with: {codes}"),
                               {{"codes", join_list(codes, lang)}});
    }
    return set_lines.emplace(key, std::move(text)).first->second;
  };
  // The first line of a visit (status, date, window, when), made once for the visits that have
  // the same: a list of thousands of visits names a few dozen days.
  struct LineKey {
    std::int64_t date;
    std::int64_t when_date;
    int window_before;
    int window_after;
    int days;
    const std::string* status;
    const Sentence* when;
    bool baseline;
    bool operator==(const LineKey&) const = default;
  };
  struct LineKeyHash {
    std::size_t operator()(const LineKey& k) const {
      std::uint64_t h = static_cast<std::uint64_t>(k.date) * 0x9E3779B97F4A7C15ULL;
      for (const std::uint64_t part :
           {static_cast<std::uint64_t>(k.when_date), static_cast<std::uint64_t>(k.window_before),
            static_cast<std::uint64_t>(k.window_after), static_cast<std::uint64_t>(k.days),
            reinterpret_cast<std::uint64_t>(k.status), reinterpret_cast<std::uint64_t>(k.when),
            static_cast<std::uint64_t>(k.baseline)}) {
        h = (h ^ part) * 0x9E3779B97F4A7C15ULL;
      }
      return static_cast<std::size_t>(h ^ (h >> 29));
    }
  };
  std::unordered_map<LineKey, std::string, LineKeyHash> first_lines;
  for (std::size_t g = 0; g + 1 < first_of_group.size(); ++g) {
    const DueVisit& first = due[order[first_of_group[g]]];
    out += '\n';
    out += first.label.str();
    out += " (";
    out += first.regimen_id.str();
    out += ")\n";
    for (std::size_t k = first_of_group[g]; k < first_of_group[g + 1]; ++k) {
      const DueVisit& d = due[order[k]];
      const std::string* status = nullptr;
      const Sentence* when = nullptr;
      Date when_date = d.visit.window_last();
      switch (d.status) {
        case DueVisit::Status::overdue:
          status = &overdue_text;
          when = &ended;
          break;
        case DueVisit::Status::due:
          status = &due_text;
          when = d.days == 0 ? &ends_today : &ends_in;
          break;
        case DueVisit::Status::upcoming:
          status = &upcoming_text;
          when = &opens_in;
          when_date = d.visit.window_first();
          break;
      }
      const LineKey key{d.visit.date.time_since_epoch().count(),
                        when_date.time_since_epoch().count(),
                        d.visit.window_before,
                        d.visit.window_after,
                        d.days,
                        status,
                        when,
                        d.visit.baseline};
      auto line = first_lines.find(key);
      if (line == first_lines.end()) {
        StringOut text;
        text += *status;
        text.date(d.visit.date);
        append_window(text, d.visit, days);
        text += "  ";
        when->append(text, when_date, d.days);
        if (d.visit.baseline) text += baseline;
        line = first_lines.emplace(key, text.take()).first;
      }
      out += line->second;
      out += lines_of(d.visit);
      if (!d.tests_recorded.empty()) {
        std::vector<std::string> names;
        for (const std::string& id : d.tests_recorded) names.push_back(test_name(rules, id, lang));
        out += "  [";
        out +=
            say(tr(lang, "recorded in this period: {tests}"), {{"tests", join_list(names, lang)}});
        out += "]";
      }
      out += '\n';
    }
  }
  if (!due.empty()) {
    out += "\n" +
           say(tr(lang, "Mark a visit done: {command}"),
               {{"command", "doseplan track done --label " + due.front().label.str() + " --visit " +
                                format_date(due.front().visit.date)}}) +
           "\n";
  }
  out.finish();
  return 0;
}

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
    emit(out.dump(2) + "\n", "");
    return 0;
  }
  const auto L = [lang](std::string_view k) { return tr(lang, k); };
  const RuleSet rules = load(*s.rules_dir);  // the tests by name (labs.json)
  const auto names = [&](const std::vector<std::string>& ids) {
    std::vector<std::string> out;
    for (const std::string& id : ids) out.push_back(test_name(rules, id, lang));
    return join_list(out, lang);
  };
  std::ostringstream o;
  o << p.label << " · " << p.regimen_id << " · " << format_date(p.start) << " – "
    << format_date(p.end) << " · " << L("tracked since") << " " << format_date(p.tracked_since)
    << "\n\n";
  o << (s.test.empty()
            ? L("RESULTS")
            : say(tr(lang, "RESULTS ({test})"), {{"test", test_name(rules, s.test, lang)}}))
    << "\n";
  if (results.empty()) o << "  " << L("none recorded") << "\n";
  // A result entered in error is struck out the plain-text way (~~ … ~~), then marked in words.
  for (const TrackedResult& r : results) {
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
  o << "\n" << L("VISITS") << "\n";
  for (const TrackedVisit& v : visits) {
    o << "  " << format_date(v.date) << window_text(v, lang) << "  ";
    if (v.done) {
      o << L("done on") << " " << format_date(*v.done_on);
      if (!v.done_note.empty()) o << " — " << v.done_note;
    } else {
      o << L("not done");
    }
    o << "  " << say(tr(lang, "({tests})"), {{"tests", names(v.tests)}}) << "\n";
  }
  emit(o.str(), "");
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
    json out = {{"label", p.label}, {"regimen", p.regimen_id}, {"today", format_date(today)}};
    const json stored = json::parse(t.plan_json(s.label));  // the entries as the plan has them
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
    out["disclaimer"] = {{"en", disclaimer().en}, {"zh-CN", disclaimer().zh}};
    emit(out.dump(2) + "\n", "");
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

}  // namespace

std::function<std::optional<int>()> add_track_commands(
    CLI::App& app, const std::optional<std::string>& rules_dir) {
  auto s = std::make_shared<State>();
  s->rules_dir = &rules_dir;
  State& st = *s;
  st.track = app.add_subcommand(
      "track", "Patient monitoring tracker: record results, see what is due, educational advice");
  st.track->require_subcommand(1);

  st.start = st.track->add_subcommand("start", "Start tracking a patient (label) on a plan");
  st.start->add_option("--label", st.label, "Pseudonymous patient label, e.g. pt-01");
  st.start->add_option(
      "--plan", st.plan.plan_file,
      "A JSON plan written by `doseplan plan --format json` (instead of the flags)");
  add_request_flags(st.start, st.plan.request);
  add_db(st.start, st.c);
  add_today(st.start, st.c);
  add_lang(st.start, st.c);

  st.record = st.track->add_subcommand("record", "Record a result: test, value with unit, date");
  st.record->add_option("--label", st.label, "Patient label");
  st.record->add_option("--test", st.test, "Test id from rules/labs.json, e.g. creatinine");
  st.record->add_option("--value", st.value, "Value with unit: \"97 umol/L\", \"1.1 mg/dL\"");
  st.record->add_option("--date", st.date, "Date of the sample or reading, YYYY-MM-DD");
  st.record->add_option("--uln", st.uln, "Upper limit of normal from the report, with unit");
  st.record->add_option("--note", st.note, "A note (one line, up to 500 characters)");
  add_db(st.record, st.c);
  add_today(st.record, st.c);
  add_lang(st.record, st.c);

  st.done = st.track->add_subcommand("done", "Mark a planned visit done");
  st.done->add_option("--label", st.label, "Patient label");
  st.done->add_option("--visit", st.visit, "The planned date of the visit, YYYY-MM-DD");
  st.done->add_option("--on", st.on, "The date it was done (default: today)");
  st.done->add_option("--note", st.note, "A note (one line)");
  add_db(st.done, st.c);
  add_today(st.done, st.c);
  add_lang(st.done, st.c);

  st.in_error = st.track->add_subcommand(
      "entered-in-error", "Mark a recorded result entered in error (kept, struck out, not used)");
  st.in_error->add_option("--label", st.label, "Patient label");
  st.in_error->add_option("--result", st.result, "The result's # as history shows it, e.g. 12");
  st.in_error->add_option("--reason", st.reason, "Why (one line, kept with the mark)");
  add_db(st.in_error, st.c);
  add_today(st.in_error, st.c);
  add_lang(st.in_error, st.c);

  st.due = st.track->add_subcommand("due", "Visits overdue, due now or coming up");
  st.due->add_option("--label", st.label, "Patient label (default: every patient)");
  st.due->add_option("--within", st.within, "Look ahead this far: 14d, 2 weeks, 1 month");
  add_db(st.due, st.c);
  add_today(st.due, st.c);
  add_lang(st.due, st.c);
  add_format(st.due, st.c);

  st.history = st.track->add_subcommand("history", "A patient's results and visits");
  st.history->add_option("--label", st.label, "Patient label");
  st.history->add_option("--test", st.test, "Only this test");
  add_db(st.history, st.c);
  add_lang(st.history, st.c);
  add_format(st.history, st.c);

  st.advise = st.track->add_subcommand(
      "advise", "What the regimen's lab rules say about the recorded results (educational)");
  st.advise->add_option("--label", st.label, "Patient label");
  st.advise->add_option("--test", st.test, "Only the rules of this test");
  add_db(st.advise, st.c);
  add_today(st.advise, st.c);
  add_lang(st.advise, st.c);
  add_format(st.advise, st.c);

  st.exporter =
      st.track->add_subcommand("export", "The plan as a calendar (ics) or as stored (json)");
  st.exporter->add_option("--label", st.label, "Patient label");
  st.exporter->add_option("--format", st.c.format, "ics or json")
      ->check(CLI::IsMember({"ics", "json"}));
  st.exporter->add_option("--reminder", st.reminder,
                          "Calendar reminder, minutes before each visit (0: none; default 1440)");
  st.exporter->add_option("-o,--output", st.output, "Write to FILE (atomically) instead of stdout");
  add_db(st.exporter, st.c);
  add_lang(st.exporter, st.c);

  st.patients = st.track->add_subcommand("patients", "The patients of the database");
  add_db(st.patients, st.c);
  add_lang(st.patients, st.c);
  add_format(st.patients, st.c);

  return [s]() -> std::optional<int> {
    State& x = *s;
    if (!x.track->parsed()) return std::nullopt;
    if (x.start->parsed()) return run_start(x);
    if (x.record->parsed()) return run_record(x);
    if (x.done->parsed()) return run_done(x);
    if (x.in_error->parsed()) return run_entered_in_error(x);
    if (x.due->parsed()) return run_due(x);
    if (x.history->parsed()) return run_history(x);
    if (x.advise->parsed()) return run_advise(x);
    if (x.exporter->parsed()) {
      if (x.c.format == "text") x.c.format = "ics";
      return run_export(x);
    }
    if (x.patients->parsed()) return run_patients(x);
    return 1;
  };
}

}  // namespace doseplan::cli
