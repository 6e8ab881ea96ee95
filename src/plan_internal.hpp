// Internal: plans that share their regimen's parts instead of copying them, for `batch`.
//
// A Plan is a plain value: it holds copies of everything a renderer needs, including the parts
// every plan of a regimen has in common (its sources, warnings, lab rules, disagreements, and
// each visit item's name, tests, timing). `batch` makes a plan only to write it as JSON and drop
// it, and for the heaviest plans those copies were a third of its work. A *shared* plan leaves
// them out (empty) and the JSON writer takes them from the regimen instead (write_plan_json's
// `shared_from`): the bytes written are the same (tests/property_test.cpp checks it on random
// requests for every regimen). A shared plan is not a whole Plan: it never leaves src/.
#ifndef DOSEPLAN_SRC_PLAN_INTERNAL_HPP_
#define DOSEPLAN_SRC_PLAN_INTERNAL_HPP_

#include <vector>

#include "doseplan/plan.hpp"

namespace doseplan::detail {

// A plan whose shared parts are left to `regimen` (which the rules that made it own).
struct SharedPlan {
  Plan plan;  // sources, warnings, lab_rules, disagreements empty; items: no name, tests,
              // timing or summaries (the JSON plan does not carry summaries)
  const Regimen* regimen = nullptr;
};

// make_plan() of plan.hpp, sharing the regimen's parts. The same errors for the same requests.
SharedPlan make_shared_plan(const RuleSet& rules, const PlanRequest& request);

// plan_visits() of plan.hpp; with `shared`, the items hold their monitoring rule's id and their
// own values (reason, provenance, window) only.
std::vector<Visit> plan_visits(const Regimen& regimen, Date start, Date end,
                               const std::vector<Date>& administrations,
                               const std::vector<Date>& dose_changes, bool shared);

}  // namespace doseplan::detail

#endif  // DOSEPLAN_SRC_PLAN_INTERNAL_HPP_
