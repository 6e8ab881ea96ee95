// What the `doseplan track` subcommands share (src/cli/track/): the parsed options, and the small
// helpers every subcommand uses (the date taken as today, the store, the rules, sentences).
#ifndef DOSEPLAN_CLI_TRACK_COMMON_HPP_
#define DOSEPLAN_CLI_TRACK_COMMON_HPP_

#include <CLI/CLI.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/request_flags.hpp"
#include "doseplan/doseplan.hpp"
#include "doseplan/tracker.hpp"

namespace doseplan::cli::track {

// Options most track subcommands share.
struct Common {
  std::string db;
  std::string today;
  std::string lang = "en";
  std::string format = "text";
};

// A plan file (`--plan`, a JSON plan written by `doseplan plan --format json`) or the flags of
// `doseplan plan` (request_flags.hpp).
struct PlanFlags {
  std::string plan_file;
  RequestFlags request;
};

// The parsed command line of `doseplan track` (track_cli.cpp fills it).
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

// A translated sentence (tr() of the English sentence, a literal at the call so that
// scripts/po_missing.py sees the msgid) with its named {placeholders} filled in.
std::string say(std::string pattern,
                std::initializer_list<std::pair<std::string_view, std::string_view>> values);

// --today, or the local system date (said on stderr).
Date today_of(const Common& c);

// The store of --db, else the default one.
Tracker open_db(const Common& c, Tracker::Mode mode);

// The rules of --rules, else $DOSEPLAN_RULES, else the installed ones.
RuleSet load(const std::optional<std::string>& rules_dir);

// Refuses an empty `value` of the option --`field` (input.missing), with an example.
void need(const std::string& value, const std::string& field, const std::string& example);

// " ±3 d" (English) / " ±3 天" (Chinese): the days a visit may move.
std::string window_text(const PlannedVisit& v, Lang lang);

// A measurement as the language writes it.
std::string shown(const Measurement& m, Lang lang);

// A test by its name in `lang` ("血肌酐" for creatinine), or its id when labs.json has no such
// test.
std::string test_name(const RuleSet& rules, const std::string& id, Lang lang);

// Names or ids joined as the language joins a list: "a, b" / "a、b".
std::string join_list(const std::vector<std::string>& parts, Lang lang);

// The tests by name, joined as the language joins a list.
std::string test_names(const RuleSet& rules, const std::vector<std::string>& ids, Lang lang);

}  // namespace doseplan::cli::track

#endif  // DOSEPLAN_CLI_TRACK_COMMON_HPP_
