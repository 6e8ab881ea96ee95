// Specification of the dose arithmetic (doseplan/dose.hpp). Every expected number is worked out by
// hand in the comment beside it.
#include <catch2/catch.hpp>

#include "doseplan/body.hpp"
#include "doseplan/dose.hpp"
#include "doseplan/rules.hpp"
#include "test_support.hpp"

using namespace doseplan;
using doseplan::testing::problems_of;
using doseplan::testing::real_rules;
using doseplan::testing::test_rules;

namespace {

const Product& capsule_10_25() {
  return *test_rules().find_product("test-capsule");
}

const Product& modified_cyclosporine_capsules() {
  return *real_rules().find_product("cyclosporine-modified-capsule");
}

std::string units_of(const DailyDose& d, std::size_t i) {
  return describe_administration(d.administrations.at(i));
}

}  // namespace

TEST_CASE("ITP example: 5 mg/kg/day for 62 kg with 25/50/100 mg capsules, twice daily") {
  // 5 x 62 = 310 mg exactly. Step = gcd(25, 50, 100) = 25 mg. 310 / 25 = 12.4 steps -> 12 steps
  // = 300 mg (325 would be 15 mg away, 300 only 10). 12 steps / 2 = 6 steps = 150 mg each,
  // made with the fewest capsules: 100 + 50. Actual 300 / 62 = 4.8387 mg/kg/day;
  // deviation (300 - 310) / 310 = -3.2258 %.
  const DailyDose d = calculate_daily_dose(mg_per_kg_per_day(5), kilograms(62), 2,
                                           modified_cyclosporine_capsules());
  CHECK(in_mg(d.exact_daily) == Approx(310));
  CHECK(in_mg(d.rounded_daily) == Approx(300));
  CHECK(in_mg_per_kg_per_day(*d.actual_rate) == Approx(4.83871).epsilon(1e-5));
  CHECK(d.deviation_percent == Approx(-3.22581).epsilon(1e-5));
  REQUIRE(d.administrations.size() == 2);
  CHECK(d.administrations[0].slot == Slot::morning);
  CHECK(d.administrations[1].slot == Slot::evening);
  CHECK(in_mg(d.administrations[0].amount) == Approx(150));
  CHECK(units_of(d, 0) == "1 \u00d7 100 mg + 1 \u00d7 50 mg");
  CHECK(units_of(d, 1) == "1 \u00d7 100 mg + 1 \u00d7 50 mg");
}

TEST_CASE("rounding table: daily dose, split and units for capsules and solution") {
  struct Case {
    double rate, weight;
    int doses;
    const char* product;
    double rounded;
    std::vector<std::string> admins;
  };
  // Capsules 10 and 25 mg: step 5 mg. Solution 50 mg/mL measured to 0.2 mL: step 10 mg.
  const std::vector<Case> cases = {
      // 4 x 50 = 200 -> 40 steps, 20 each = 100 mg = 4 x 25.
      {4, 50, 2, "test-capsule", 200, {"4 \u00d7 25 mg", "4 \u00d7 25 mg"}},
      // 2.9 x 50 = 145 -> 29 steps: 15 + 14 -> 75 (3 x 25) and 70 (2 x 25 + 2 x 10); the extra
      // step goes to the morning.
      {2.9, 50, 2, "test-capsule", 145, {"3 \u00d7 25 mg", "2 \u00d7 25 mg + 2 \u00d7 10 mg"}},
      // 2.05 x 50 = 102.5 = 20.5 steps: an exact half goes down -> 100 mg = 50 + 50.
      {2.05, 50, 2, "test-capsule", 100, {"2 \u00d7 25 mg", "2 \u00d7 25 mg"}},
      // 2.06 x 50 = 103 = 20.6 steps -> 21 steps = 105: 55 (25 + 3 x 10) + 50 (2 x 25).
      {2.06, 50, 2, "test-capsule", 105, {"1 \u00d7 25 mg + 3 \u00d7 10 mg", "2 \u00d7 25 mg"}},
      // 3 x 70 = 210 -> 42 steps over 3 doses = 14 each = 70 mg = 2 x 25 + 2 x 10.
      {3,
       70,
       3,
       "test-capsule",
       210,
       {"2 \u00d7 25 mg + 2 \u00d7 10 mg", "2 \u00d7 25 mg + 2 \u00d7 10 mg",
        "2 \u00d7 25 mg + 2 \u00d7 10 mg"}},
      // 2 x 41 = 82 -> 16.4 steps -> 16 = 80 mg once daily = 2 x 25 + 3 x 10 (5 units; 8 x 10
      // would be 8).
      {2, 41, 1, "test-capsule", 80, {"2 \u00d7 25 mg + 3 \u00d7 10 mg"}},
      // 8 x 12.5 = 100 -> 20 steps, 3 doses: 7 + 7 + 6 = 35, 35, 30 mg.
      {8,
       12.5,
       3,
       "test-capsule",
       100,
       {"1 \u00d7 25 mg + 1 \u00d7 10 mg", "1 \u00d7 25 mg + 1 \u00d7 10 mg", "3 \u00d7 10 mg"}},
      // Solution: 4 x 62 = 248 mg -> 24.8 steps of 10 -> 25 = 250 mg: 130 + 120 mg = 2.6 + 2.4 mL.
      {4, 62, 2, "test-solution", 250, {"2.6 mL (130 mg)", "2.4 mL (120 mg)"}},
      // Solution: 2 x 3.2 = 6.4 mg -> 0.64 steps -> 1 step = 10 mg once daily = 0.2 mL.
      {2, 3.2, 1, "test-solution", 10, {"0.2 mL (10 mg)"}},
      // Solution: 5 x 20 = 100 mg -> 10 steps: 4 + 3 + 3 = 40, 30, 30 mg = 0.8, 0.6, 0.6 mL.
      {5, 20, 3, "test-solution", 100, {"0.8 mL (40 mg)", "0.6 mL (30 mg)", "0.6 mL (30 mg)"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.rate, c.weight, c.doses, c.product);
    const DailyDose d = calculate_daily_dose(mg_per_kg_per_day(c.rate), kilograms(c.weight),
                                             c.doses, *test_rules().find_product(c.product));
    CHECK(in_mg(d.rounded_daily) == Approx(c.rounded));
    REQUIRE(d.administrations.size() == c.admins.size());
    DrugMass sum = milligrams(0);
    for (std::size_t i = 0; i < c.admins.size(); ++i) {
      CHECK(units_of(d, i) == c.admins[i]);
      sum += d.administrations[i].amount;
    }
    CHECK(in_mg(sum) == Approx(c.rounded));  // administrations add up to the daily dose
  }
}

TEST_CASE("three doses a day use the morning, noon and evening slots") {
  const DailyDose d = calculate_daily_dose(mg_per_kg_per_day(3), kilograms(70), 3, capsule_10_25());
  REQUIRE(d.administrations.size() == 3);
  CHECK(d.administrations[0].slot == Slot::morning);
  CHECK(d.administrations[1].slot == Slot::noon);
  CHECK(d.administrations[2].slot == Slot::evening);
  CHECK(std::string(slot_name(Slot::bedtime)) == "bedtime");
  CHECK(slots_for(4).size() == 4);
}

TEST_CASE("a daily dose below half the smallest step is refused, not rounded up") {
  // 2 x 1.2 = 2.4 mg = 0.48 steps of 5 mg.
  const auto problems = problems_of(
      [] { calculate_daily_dose(mg_per_kg_per_day(2), kilograms(1.2), 1, capsule_10_25()); });
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].id == "dose.not_representable");
  CHECK_THAT(problems[0].message,
             Catch::Matchers::Contains("2.4 mg") && Catch::Matchers::Contains("5 mg"));
}

TEST_CASE("a daily dose too small to give each administration a step is refused") {
  // 2 x 3 = 6 mg -> 1.2 -> 1 step of 5 mg; two doses would need 2 steps.
  const auto problems = problems_of(
      [] { calculate_daily_dose(mg_per_kg_per_day(2), kilograms(3), 2, capsule_10_25()); });
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].id == "dose.too_small_to_split");
  CHECK(problems[0].where == "doses-per-day");
}

TEST_CASE("an amount the capsules can not make is refused") {
  // 3 x 10 = 30 mg -> 6 steps -> 15 mg twice: 15 mg can not be made of 10 and 25 mg capsules.
  const auto problems = problems_of(
      [] { calculate_daily_dose(mg_per_kg_per_day(3), kilograms(10), 2, capsule_10_25()); });
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].id == "dose.not_representable");
  CHECK_THAT(problems[0].message, Catch::Matchers::Contains("15 mg"));
}

TEST_CASE("rounding table with the shipped products: every kind of dose") {
  struct Case {
    const char* label;
    DoseValue dose;
    double weight_kg;
    std::optional<double> height_cm;
    int doses;
    const char* product;
    double rounded;
    std::vector<std::string> admins;
  };
  const std::vector<Case> cases = {
      // 2.5 x 70 = 175 mg = 7 steps of 25: 4 + 3 = 100 and 75 mg.
      {"CsA caps RA start",
       mg_per_kg_per_day(2.5),
       70,
       {},
       2,
       "cyclosporine-modified-capsule",
       175,
       {"1 × 100 mg", "1 × 50 mg + 1 × 25 mg"}},
      // 1.2 x 45 = 54 mg = 2.16 steps -> 2 = 50 mg: 25 + 25.
      {"CsA caps low",
       mg_per_kg_per_day(1.2),
       45,
       {},
       2,
       "cyclosporine-modified-capsule",
       50,
       {"1 × 25 mg", "1 × 25 mg"}},
      // 6 x 80 = 480 mg = 19.2 -> 19 = 475 mg over three doses: 7, 6, 6 steps = 175, 150, 150.
      {"CsA caps three doses",
       mg_per_kg_per_day(6),
       80,
       {},
       3,
       "cyclosporine-modified-capsule",
       475,
       {"1 × 100 mg + 1 × 50 mg + 1 × 25 mg", "1 × 100 mg + 1 × 50 mg", "1 × 100 mg + 1 × 50 mg"}},
      // Solution, step 100 mg/mL x 0.1 mL = 10 mg: 2.4 x 58 = 139.2 -> 13.92 -> 140 = 70 + 70.
      {"CsA solution",
       mg_per_kg_per_day(2.4),
       58,
       {},
       2,
       "cyclosporine-modified-solution",
       140,
       {"0.7 mL (70 mg)", "0.7 mL (70 mg)"}},
      // 4.3 x 75 = 322.5 -> 32.25 -> 320 = 160 + 160 mg = 1.6 mL each.
      {"CsA solution SSc",
       mg_per_kg_per_day(4.3),
       75,
       {},
       2,
       "cyclosporine-modified-solution",
       320,
       {"1.6 mL (160 mg)", "1.6 mL (160 mg)"}},
      // Cyclophosphamide tablets 25/50: 1 x 70 = 70 -> 2.8 -> 3 steps = 75 mg once daily.
      {"CYC tablets start",
       mg_per_kg_per_day(1),
       70,
       {},
       1,
       "cyclophosphamide-tablet",
       75,
       {"1 × 50 mg + 1 × 25 mg"}},
      // 2 x 62 = 124 -> 4.96 -> 5 steps = 125 mg.
      {"CYC tablets max",
       mg_per_kg_per_day(2),
       62,
       {},
       1,
       "cyclophosphamide-tablet",
       125,
       {"2 × 50 mg + 1 × 25 mg"}},
      // 125 mg/day as a daily amount: exactly 5 steps.
      {"CYC tablets mg/day",
       mg_per_day(125),
       62,
       {},
       1,
       "cyclophosphamide-tablet",
       125,
       {"2 × 50 mg + 1 × 25 mg"}},
      // Mycophenolate 1,500 mg per dose twice daily = 3,000 mg: 500 mg tablets, 3 each.
      {"MMF tablets",
       milligrams(1500),
       62,
       {},
       2,
       "mycophenolate-tablet",
       3000,
       {"3 × 500 mg", "3 × 500 mg"}},
      // The same with 250 mg capsules: 6 each.
      {"MMF capsules",
       milligrams(1500),
       62,
       {},
       2,
       "mycophenolate-capsule",
       3000,
       {"6 × 250 mg", "6 × 250 mg"}},
      // Rituximab 375 mg/m2 x 1.791957 m2 (170 cm, 68 kg) = 671.98 -> 67.198 steps of 10 -> 670 mg;
      // vials 100/500 with the least left over: 700 = 1 x 500 + 2 x 100.
      {"RTX 375 mg/m2",
       mg_per_m2(375),
       68,
       170,
       1,
       "rituximab-iv-vial",
       670,
       {"670 mg IV (vials: 1 × 500 mg + 2 × 100 mg)"}},
      // Rituximab 1,000 mg fixed: 2 x 500 mg vials, nothing left over.
      {"RTX 1,000 mg",
       milligrams(1000),
       68,
       {},
       1,
       "rituximab-iv-vial",
       1000,
       {"1,000 mg IV (vials: 2 × 500 mg)"}},
      // Cyclophosphamide IV 750 mg/m2 x 1.685724 m2 (165 cm, 62 kg) = 1,264.29 -> 1,260 mg; vials
      // 500/1,000/2,000: 1,500 = 1,000 + 500 leaves the least over.
      {"CYC IV 750",
       mg_per_m2(750),
       62,
       165,
       1,
       "cyclophosphamide-iv-vial",
       1260,
       {"1,260 mg IV (vials: 1 × 1,000 mg + 1 × 500 mg)"}},
  };
  const RuleSet& rules = real_rules();
  for (const Case& c : cases) {
    CAPTURE(c.label);
    BodySize body{kilograms(c.weight_kg), std::nullopt};
    if (c.height_cm) body.bsa = bsa_mosteller(centimetres(*c.height_cm), body.weight);
    const DailyDose d = calculate_dose(c.dose, body, c.doses, *rules.find_product(c.product));
    CHECK(in_mg(d.rounded_daily) == Approx(c.rounded));
    REQUIRE(d.administrations.size() == c.admins.size());
    DrugMass sum = milligrams(0);
    for (std::size_t i = 0; i < c.admins.size(); ++i) {
      CHECK(describe_administration(d.administrations[i]) == c.admins[i]);
      sum += d.administrations[i].amount;
    }
    CHECK(in_mg(sum) == Approx(c.rounded));
  }
}

TEST_CASE("cells are given as they are, without rounding") {
  const DailyDose d = calculate_dose(CellCount{50}, BodySize{kilograms(60), std::nullopt}, 1,
                                     *real_rules().find_product("umbilical-cord-msc"));
  REQUIRE(d.administrations.size() == 1);
  CHECK(describe_administration(d.administrations[0]) == "50 million cells IV");
}
