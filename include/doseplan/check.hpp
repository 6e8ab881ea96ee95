// doseplan — checking a rules directory as `doseplan check-rules` does.
//
// Stage 1 (syntax), 2 (shape) and 3 (semantic checks) are load_rules() (rules.hpp). Stage 4 runs
// every regimen's golden cases (Regimen::test_cases): each request is planned and the phases and
// visit dates compared with what the file says, worked out by hand.
#ifndef DOSEPLAN_CHECK_HPP_
#define DOSEPLAN_CHECK_HPP_

#include <string>
#include <vector>

#include "doseplan/error.hpp"
#include "doseplan/rules.hpp"

namespace doseplan {

// Problems "rules.golden_mismatch" (a plan differs from the case) and "rules.golden_error" (the
// case's request is refused), each at file:/test_cases/N/... . Empty when every case holds.
std::vector<Problem> check_test_cases(const RuleSet& rules);

// How many golden cases `rules` holds.
int count_test_cases(const RuleSet& rules);

}  // namespace doseplan

#endif  // DOSEPLAN_CHECK_HPP_
