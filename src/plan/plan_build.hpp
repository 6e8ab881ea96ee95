// Internal: the stages of make_plan() (src/plan/plan.cpp) that live in their own files.
//
//   src/plan/plan_checks.cpp  the request against the regimen, before anything is built (each
//   refusal
//                        writes its English message and its Chinese detail: value, range,
//                        source, fix; issue 16), and the built plan's maxima and dates
//   src/plan/plan_notes.cpp   what a plan says about itself: the project defaults it uses, its
//                        advisories (a vanished taper, a rounding outside the range) and the
//                        audit of the body measures
#ifndef DOSEPLAN_SRC_PLAN_BUILD_HPP_
#define DOSEPLAN_SRC_PLAN_BUILD_HPP_

#include <optional>
#include <vector>

#include "doseplan/plan.hpp"

namespace doseplan::detail {

// --- src/plan/plan_checks.cpp: each throws Error for what it refuses.

// The request against its regimen: plausible body measures, the dose's kind and range, doses a
// day, phase lengths and cycle counts, taper options, a height when the dose is per m2.
void check_request(const Regimen& r, const PlanRequest& q);

// The request's product (the regimen's first without one). Throws input.unknown_product and
// input.product_not_allowed (modified and non-modified cycloSPORINE are never swapped).
const Product& product_for(const RuleSet& rules, const Regimen& r, const PlanRequest& q);

// The patient's age on the start date: from the birth date when given, else the age given.
// Throws input.conflict when both are given and disagree.
std::optional<double> patient_age(const PlanRequest& q);

// Every date of a plan is written YYYY-MM-DD: a start whose baseline visits or last day leave the
// years 0001–9999 is refused (issue 18: --start 9999-12-31 would write the year 10000).
void refuse_beyond_four_digit_years(Date start, Date end, const std::vector<Visit>& visits);

// Maxima per administration and per day are enforced on what is given: refused, never clamped.
void check_maxima(const Plan& plan, const Regimen& r);

// --- src/plan/plan_notes.cpp

// How measure_body's values were made, for the audit trail (plan.body_audit; --explain).
void explain_body(Plan& plan, const Regimen& r);

// plan.project_defaults: every value the plan uses that no source gives (rules.md).
void list_project_defaults(Plan& plan, const Regimen& r, const Product& product);

// plan.advisories: a taper that vanished, steps with the same dose after rounding, and the chosen
// dose's rounding outside the regimen's range or past its tolerance (refused instead with the
// rounding policy "refuse": dose.rounding_outside_range).
void add_advisories(Plan& plan, const Regimen& r, const Product& product);

}  // namespace doseplan::detail

#endif  // DOSEPLAN_SRC_PLAN_BUILD_HPP_
