// Helpers shared by the test files.
#ifndef DOSEPLAN_TESTS_TEST_SUPPORT_HPP_
#define DOSEPLAN_TESTS_TEST_SUPPORT_HPP_

#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "doseplan/error.hpp"

namespace doseplan::testing {

inline std::string test_rules_dir() { return std::string(DOSEPLAN_TEST_DATA_DIR) + "/rules"; }
inline std::string real_rules_dir() { return DOSEPLAN_REAL_RULES_DIR; }

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

}  // namespace doseplan::testing

#endif  // DOSEPLAN_TESTS_TEST_SUPPORT_HPP_
