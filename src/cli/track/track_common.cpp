// What the `doseplan track` subcommands share (track_common.hpp).
//
// This is the only place of doseplan that reads the system date: when --today is not given, the
// local date is used and printed on stderr.
#include "cli/track/track_common.hpp"

#include <cstdlib>
#include <ctime>
#include <iostream>

#include "cli/file_io.hpp"

namespace doseplan::cli::track {

std::string say(std::string pattern,
                std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
  return doseplan::fill(std::move(pattern), values);
}

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

void need(const std::string& value, const std::string& field, const std::string& example) {
  if (value.empty()) {
    throw Error("input.missing", field, "give --" + field + ", e.g. " + example,
                say(tr(Lang::zh_CN, "give --{field}, for example {example}"),
                    {{"field", field}, {"example", example}}));
  }
}

std::string window_text(const PlannedVisit& v, Lang lang) {
  if (v.window_before == 0 && v.window_after == 0) return "";
  const std::string d = " " + tr(lang, "d");
  if (v.window_before == v.window_after) return " ±" + std::to_string(v.window_after) + d;
  if (v.window_before == 0) return " +" + std::to_string(v.window_after) + d;
  if (v.window_after == 0) return " -" + std::to_string(v.window_before) + d;
  return " -" + std::to_string(v.window_before) + "/+" + std::to_string(v.window_after) + d;
}

std::string shown(const Measurement& m, Lang lang) {
  return describe_measurement(m, lang);
}

std::string test_name(const RuleSet& rules, const std::string& id, Lang lang) {
  const LabTest* lab = rules.find_lab(id);
  return lab ? pick(lab->name, lang) : id;
}

std::string join_list(const std::vector<std::string>& parts, Lang lang) {
  const std::string sep = lang == Lang::zh_CN ? "\u3001" : ", ";
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string test_names(const RuleSet& rules, const std::vector<std::string>& ids, Lang lang) {
  std::vector<std::string> names;
  for (const std::string& id : ids) names.push_back(test_name(rules, id, lang));
  return join_list(names, lang);
}

}  // namespace doseplan::cli::track
