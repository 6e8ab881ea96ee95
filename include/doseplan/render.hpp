// doseplan — renderers: Plan -> bytes. Pure functions: no I/O, no clock.
// Every output carries the educational-aid disclaimer, the sources and the project defaults used.
#ifndef DOSEPLAN_RENDER_HPP_
#define DOSEPLAN_RENDER_HPP_

#include <string>

#include "doseplan/i18n.hpp"
#include "doseplan/plan.hpp"
#include "doseplan/rules.hpp"

namespace doseplan {

// For clinicians: a summary, then the phase table, then the monitoring calendar. With `explain`,
// a last section shows how every number was made (the audit trail).
std::string render_text(const Plan& plan, bool explain = false);

// One row per administration (every day of every phase) and one per test of every visit, then the
// disclaimer and the sources; RFC 4180 (comma, CRLF, quoted where needed), UTF-8.
std::string render_csv(const Plan& plan);

// The same plan as JSON (format_version, typed numbers with their units, both languages).
std::string render_json(const Plan& plan);

// A lab rule's condition in words: "Serum creatinine ≥ 25% above baseline".
std::string describe_condition(const LabRule& r, const std::string& test_name);

// `doseplan regimens`: id, drug, indication and evidence level of each regimen.
std::string render_regimen_list_text(const RuleSet& rules, Lang lang);
std::string render_regimen_list_json(const RuleSet& rules);

// `doseplan show ID`: the whole regimen, readably, with its sources and quotes.
std::string render_regimen_text(const Regimen& r, const RuleSet& rules, Lang lang);
std::string render_regimen_json(const Regimen& r, const RuleSet& rules);

}  // namespace doseplan

#endif  // DOSEPLAN_RENDER_HPP_
