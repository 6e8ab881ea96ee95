// Internal: the product's strengths as a plan uses them (make_plan, src/plan/plan.cpp).
//
// products.json names where each strength comes from (a label source or a project default) and
// which strengths are sold only in some markets (`market_limited`). A plan for a market
// (PlanRequest::market, `--market`) uses only the strengths sold there; a plan without one uses
// every strength and says which of those it uses are sold only in some markets.
#ifndef DOSEPLAN_SRC_PRODUCT_MARKET_HPP_
#define DOSEPLAN_SRC_PRODUCT_MARKET_HPP_

#include <optional>
#include <string>

#include "doseplan/plan.hpp"

namespace doseplan::detail {

// `product` with only the strengths sold in `market` (all of them without a market).
// Throws Error input.unknown_market (a market products.json does not list; the message names
// the known ones) and input.not_sold_in_market (no strength of the product is sold there).
Product product_in_market(const RuleSet& rules, const Product& product,
                          const std::optional<std::string>& market);

// After the phases are built: plan.market and plan.product_notes (the strengths available and
// used with their source or project default, the market chosen or the strengths sold only in
// some markets that the plan uses).
void describe_product(Plan& plan, const RuleSet& rules, const PlanRequest& q);

// build_phases() (plan.hpp); a dose.too_small_to_split refusal also names the regimen's oral
// solution, when it lists one and `product` is not it (a solution measures smaller amounts).
std::vector<PlannedPhase> build_phases_with_hint(const RuleSet& rules, const Regimen& regimen,
                                                 const PlanRequest& request, const Product& product,
                                                 const BodySize& body,
                                                 const std::optional<DoseValue>& chosen,
                                                 int doses_per_day);

}  // namespace doseplan::detail

#endif  // DOSEPLAN_SRC_PRODUCT_MARKET_HPP_
