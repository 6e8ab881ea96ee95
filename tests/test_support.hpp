// Helpers shared by the test files.
#ifndef DOSEPLAN_TESTS_TEST_SUPPORT_HPP_
#define DOSEPLAN_TESTS_TEST_SUPPORT_HPP_

#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "doseplan/error.hpp"
#include "doseplan/rules.hpp"

namespace doseplan::testing {

inline std::string test_rules_dir() {
  return std::string(DOSEPLAN_TEST_DATA_DIR) + "/rules";
}
inline std::string real_rules_dir() {
  return DOSEPLAN_REAL_RULES_DIR;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The problems reported by `f`, which must throw doseplan::Error.
inline std::vector<Problem> problems_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.problems();
  }
  FAIL("no doseplan::Error was thrown");
  return {};
}

// The one problem reported by `f`, which must throw doseplan::Error with exactly one problem.
inline Problem problem_of(const std::function<void()>& f) {
  const std::vector<Problem> problems = problems_of(f);
  REQUIRE(problems.size() == 1);
  return problems.front();
}

// The test-only rules (tests/data/rules) and the shipped rules (rules/), loaded once.
inline const RuleSet& test_rules() {
  static const RuleSet rules = load_rules(test_rules_dir());
  return rules;
}
inline const RuleSet& real_rules() {
  static const RuleSet rules = load_rules(real_rules_dir());
  return rules;
}

// A regimen of `rules` by id, for tests that change it. REQUIRES: it exists.
inline Regimen& regimen(RuleSet& rules, std::string_view id) {
  for (Regimen& r : rules.regimens)
    if (r.id == id) return r;
  FAIL("no regimen " << id);
  throw;
}

}  // namespace doseplan::testing

#endif  // DOSEPLAN_TESTS_TEST_SUPPORT_HPP_
