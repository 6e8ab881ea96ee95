// Specification of check-rules' stage 4: golden cases in regimen files (doseplan/check.hpp).
#include <catch2/catch.hpp>

#include "doseplan/check.hpp"
#include "test_support.hpp"

using namespace doseplan;
using doseplan::testing::test_rules;

namespace {

// test-taper with one golden case: 50 kg from 2026-01-31 (see plan_test.cpp for the arithmetic).
RuleSet with_case(GoldenCase g) {
  RuleSet rules = test_rules();
  Regimen& r = doseplan::testing::regimen(rules, "test-taper");
  g.pointer = "/test_cases/0";
  g.request_json = R"({"weight": "50 kg", "start": "2026-01-31"})";
  r.test_cases = {g};
  return rules;
}

GoldenCase good_case() {
  GoldenCase g;
  g.phases = {{"induction", "2026-01-31", "2026-03-13", 200, "4 \u00d7 25 mg"},
              {"taper", "2026-03-14", "2026-03-20", 150, "3 \u00d7 25 mg"},
              {"maintenance", "2026-03-21", "2026-04-17", 100, "2 \u00d7 25 mg"}};
  g.has_visits = true;
  // Monthly after the fortnightly month, counted from day 1: start + 1 month = 02-28 (clamped),
  // start + 2 months = 03-31 (tests/plan/plan_test.cpp, "monitoring dates with baseline ...").
  g.visits = {"2026-01-17", "2026-01-24", "2026-02-14", "2026-02-28", "2026-03-31"};
  return g;
}

}  // namespace

TEST_CASE("a golden case that holds gives no problem") {
  CHECK(check_test_cases(with_case(good_case())).empty());
  CHECK(count_test_cases(with_case(good_case())) == 1);
}

TEST_CASE("a golden case that differs from the plan names the place and both values") {
  GoldenCase g = good_case();
  g.phases[1].daily_mg = 175;
  g.phases[2].last = "2026-04-18";
  g.visits.pop_back();
  const RuleSet rules = with_case(g);
  const std::string file = rules.find_regimen("test-taper")->file;
  const auto problems = check_test_cases(rules);
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].to_string() ==
        file +
            ":/test_cases/0/expect/phases/1/daily_mg: dose: the case "
            "expects 175 mg, the plan gives 150 mg [rules.golden_mismatch]");
  CHECK(problems[1].where == file + ":/test_cases/0/expect/phases/2/last");
  CHECK(problems[2].where == file + ":/test_cases/0/expect/visits");
  CHECK(problems[2].id == "rules.golden_mismatch");
}

TEST_CASE("a golden case whose request is refused is reported") {
  GoldenCase g = good_case();
  RuleSet rules = with_case(g);
  doseplan::testing::regimen(rules, "test-taper").test_cases[0].request_json =
      R"({"weight": "50 kg", "start": "2026-01-31", "dose": "9 mg/kg/d"})";
  const auto problems = check_test_cases(rules);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].id == "rules.golden_error");
  CHECK_THAT(problems[0].message,
             Catch::Matchers::Contains("9 mg/kg/day is outside the allowed range 2–8"));
}
