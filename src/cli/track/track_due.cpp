// `doseplan track due`: the visits overdue, due now, or opening within --within (default 14
// days), of one patient or of every patient, as text (grouped by patient) or as JSON.
#include <iostream>
#include <string_view>
#include <unordered_map>

#include "cli/file_io.hpp"
#include "cli/track/track_commands.hpp"
#include "cli/track/track_output.hpp"

namespace doseplan::cli::track {
namespace {

// ------------------------------------------------------------------ checks

// Refuses a label or regimen of the store that can not be printed as it is (the items were
// checked as they were read): the store was edited outside doseplan (issue 18, item 6;
// tracker.damaged, docs/tracker.md).
void check_printable(std::string_view text, const std::string& path, std::string_view column) {
  if (unprintable_at(text) == std::string_view::npos) return;
  const std::string at = path + ": " + std::string(column);
  throw Error("tracker.damaged", at,
              "holds \"" + std::string(text.substr(0, 60)) +
                  "\", which doseplan never writes: the database was changed outside doseplan; "
                  "nothing was changed. Restore a backup of it (docs/tracker.md, \"Error ids\")",
              zh_detail("The database holds content that doseplan never writes: it was "
                        "changed outside doseplan; nothing was changed. Restore a backup of the "
                        "database"));
}

void check_printable(const std::vector<DueVisit>& due, const std::string& path) {
  for (const DueVisit& d : due) {
    const std::string& label = d.label;
    const std::string& regimen = d.regimen_id;
    check_printable(label, path, "patients.label");
    check_printable(regimen, path, "plans.regimen_id");
  }
}

// ------------------------------------------------------------------ JSON

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

json due_visit_json(const DueVisit& d) {
  const std::string& label = d.label;
  const std::string& regimen = d.regimen_id;
  const std::vector<std::string>& tests_recorded = d.tests_recorded;
  json visit = planned_visit_json(d.visit);
  visit["done"] = false;  // due() lists the visits not done
  return {{"label", label},
          {"regimen", regimen},
          {"status", status_id(d.status)},
          {"days", d.days},
          {"window_first", format_date(d.visit.window_first())},
          {"window_last", format_date(d.visit.window_last())},
          {"visit", visit},
          {"tests_recorded", tests_recorded}};
}

std::string due_json(const std::vector<DueVisit>& due, Date today, const Span& within) {
  json visits = json::array();
  for (const DueVisit& d : due) visits.push_back(due_visit_json(d));
  const json out = {
      {"today", format_date(today)}, {"within", to_string(within)}, {"visits", visits}};
  return out.dump(2) + "\n";
}

// ------------------------------------------------------------------ text

// The status at the start of a visit's line, padded to 8 columns in English.
std::string status_text(DueVisit::Status s, Lang lang) {
  std::string name;
  switch (s) {
    case DueVisit::Status::overdue:
      name = tr(lang, "OVERDUE");
      break;
    case DueVisit::Status::due:
      name = tr(lang, "DUE NOW");
      break;
    case DueVisit::Status::upcoming:
      name = tr(lang, "UPCOMING");
      break;
  }
  std::string text = "  " + name;
  if (lang == Lang::en && name.size() < 8) text.append(8 - name.size(), ' ');
  return text + "  ";
}

// When the visit's window ended, ends, or opens.
std::string when_text(const DueVisit& d, Lang lang) {
  const std::string n = std::to_string(d.days);
  const std::string last = format_date(d.visit.window_last());
  switch (d.status) {
    case DueVisit::Status::overdue:
      return say(tr(lang, "window ended {date}, {n} days ago"), {{"date", last}, {"n", n}});
    case DueVisit::Status::due:
      if (d.days == 0) {
        return say(tr(lang, "window ends {date} (today)"), {{"date", last}, {"n", n}});
      }
      return say(tr(lang, "window ends {date}, in {n} days"), {{"date", last}, {"n", n}});
    case DueVisit::Status::upcoming:
      return say(tr(lang, "window opens {date}, in {n} days"),
                 {{"date", format_date(d.visit.window_first())}, {"n", n}});
  }
  return "";
}

// The lines under a visit's first line: its items, its tests by name, and the codes of those
// that take a value (the codes `track record --test` takes; a blood count is recorded by its
// parts).
void write_items_and_tests(std::ostream& o, const PlannedVisit& v, const RuleSet& rules,
                           Lang lang) {
  o << "\n      ";
  for (std::size_t i = 0; i < v.items().size(); ++i) {
    if (i != 0) o << (lang == Lang::zh_CN ? "\uff1b" : "; ");
    o << pick(v.items()[i].name, lang);
  }
  std::vector<std::string> codes;
  for (const std::string& id : v.tests()) {
    const LabTest* lab = rules.find_lab(id);
    if (lab != nullptr && !lab->units.empty()) codes.push_back(id);
  }
  o << "\n      "
    << say(tr(lang, "tests: {tests}"), {{"tests", test_names(rules, v.tests(), lang)}});
  if (!codes.empty()) {
    o << "\n      "
      << say(tr(lang, "codes to record them with: {codes}"), {{"codes", join_list(codes, lang)}});
  }
}

void write_due_visit(std::ostream& o, const DueVisit& d, const RuleSet& rules, Lang lang) {
  o << status_text(d.status, lang) << format_date(d.visit.date) << window_text(d.visit, lang)
    << "  " << when_text(d, lang);
  if (d.visit.baseline) o << "  " << tr(lang, "(baseline)");
  write_items_and_tests(o, d.visit, rules, lang);
  if (!d.tests_recorded.empty()) {
    o << "  ["
      << say(tr(lang, "recorded in this period: {tests}"),
             {{"tests", test_names(rules, d.tests_recorded, lang)}})
      << "]";
  }
  o << "\n";
}

// The visits grouped by patient: the patients in the order of their first visit in the list,
// each patient's visits in list order.
std::vector<std::vector<const DueVisit*>> by_patient(const std::vector<DueVisit>& due) {
  std::vector<std::vector<const DueVisit*>> groups;
  std::unordered_map<std::string, std::size_t> group_of;  // label -> index in `groups`
  for (const DueVisit& d : due) {
    const std::string& label = d.label;
    const auto [it, added] = group_of.try_emplace(label, groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(&d);
  }
  return groups;
}

void write_due_text(std::ostream& o, const std::vector<DueVisit>& due, Date today,
                    const Span& within, const RuleSet& rules, Lang lang) {
  o << say(tr(lang, "Today: {date}"), {{"date", format_date(today)}}) << " · "
    << say(tr(lang, "overdue, due now, and opening within {n}"),
           {{"n", pick(span_text(within), lang)}})
    << "\n";
  if (due.empty()) {
    o << tr(lang, "Nothing is due.") << "\n";
    return;
  }
  for (const std::vector<const DueVisit*>& visits : by_patient(due)) {
    const std::string& label = visits.front()->label;
    const std::string& regimen = visits.front()->regimen_id;
    o << "\n" << label << " (" << regimen << ")\n";
    for (const DueVisit* d : visits) write_due_visit(o, *d, rules, lang);
  }
  const std::string& first_label = due.front().label;
  o << "\n"
    << say(tr(lang, "Mark a visit done: {command}"),
           {{"command", "doseplan track done --label " + first_label + " --visit " +
                            format_date(due.front().visit.date)}})
    << "\n";
}

}  // namespace

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
    emit(due_json(due, today, within), "");
    return 0;
  }
  // The tests by name (labs.json), with the codes to record them with.
  const RuleSet rules = load(*s.rules_dir);
  // Written as it is made: the list of a clinic is megabytes (docs/performance.md).
  write_due_text(std::cout, due, today, within, rules, lang);
  finish_stdout();
  return 0;
}

}  // namespace doseplan::cli::track
