// The output of the `doseplan track` subcommands that more than one of them writes: the stamp of
// what made a stored plan, results, visits and advice as JSON (nlohmann::ordered_json, printed
// with dump(2)) and as text.
#ifndef DOSEPLAN_CLI_TRACK_OUTPUT_HPP_
#define DOSEPLAN_CLI_TRACK_OUTPUT_HPP_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "doseplan/doseplan.hpp"
#include "doseplan/provenance.hpp"
#include "doseplan/tracker.hpp"

namespace doseplan::cli::track {

using json = nlohmann::ordered_json;

// ------------------------------------------------------------------ what made a stored plan

// "Planned with: doseplan 0.1.0 · rules 2026.12.1 · sha256 3f2a9c0d1e2f3a4b", or "Planned with:
// not recorded" for a plan stored before the tracker recorded it (schema 4).
std::string planned_with_text(const RulesStamp& stored, Lang lang);

// The stamp of the regimen `regimen_id` in the rules in use now; empty when they do not have it.
RulesStamp stamp_now(const RuleSet& rules, const std::string& regimen_id);

// One line when the rules in use hash differently from those that made the stored plan; "" when
// they are the same, or when the stored plan did not record its rules (nothing to compare).
std::string rules_differ_text(const RulesStamp& stored, const RulesStamp& now, Lang lang);

// The stamp as JSON: the members of a plan's "made_by" (empty strings when not recorded).
json stamp_json(const RulesStamp& s);

// ------------------------------------------------------------------ JSON

// {"en": …, "zh-CN": …}
json localized_json(const LocalizedText& t);

// A result; with its test (`lab`), each value carries the LOINC code of its unit.
json result_json(const TrackedResult& r, const LabTest* lab = nullptr);

// A visit as planned: date, baseline, windows, tests and items (without "done").
json planned_visit_json(const PlannedVisit& v);

// A visit as planned, and whether it was done.
json visit_json(const TrackedVisit& v);

json advice_json(const Advice& a, const RuleSet& rules);

// ------------------------------------------------------------------ text

// The ADVICE block of `track record` and `track advise`.
std::string advice_text(const std::vector<Advice>& advice, Lang lang);

}  // namespace doseplan::cli::track

#endif  // DOSEPLAN_CLI_TRACK_OUTPUT_HPP_
