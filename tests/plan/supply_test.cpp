// plan_supply(): each phase's supply and the running total, against numbers worked out by hand
// from the rules (docs/supply.md).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "doseplan/format.hpp"
#include "doseplan/plan.hpp"
#include "doseplan/render.hpp"
#include "doseplan/wording.hpp"
#include "test_support.hpp"

using namespace doseplan;
using doseplan::testing::real_rules;

namespace {
PlanRequest itp(std::string product = "") {
  PlanRequest q;
  q.regimen_id = "cyclosporine-itp";
  q.weight = kilograms(62);
  q.start = parse_date("2026-12-01");
  if (!product.empty()) q.product_id = product;
  return q;
}
}  // namespace

TEST_CASE("supply: ITP capsules per phase, lasting until the phase's end, running total") {
  // 5 mg/kg/day x 62 kg = 310 mg -> 300 mg (25 mg steps): 150 + 150, each 100 + 50 mg.
  // Induction 2026-12-01..2027-02-28 = 90 days: 180 x 100 mg, 180 x 50 mg, 27,000 mg.
  // Taper step 1: 275 mg/day = 150 (100 + 50) + 125 (100 + 25) for 14 days: 28 x 100, 14 x 50,
  // 14 x 25 mg; 3,850 mg, total 30,850 mg.
  const Plan p = make_plan(real_rules(), itp());
  REQUIRE(p.supply.size() == p.phases.size());
  const PhaseSupply& induction = p.supply[0];
  CHECK(induction.days == 90);
  CHECK(induction.administrations == 180);
  CHECK(in_mg(induction.total) == Approx(27000));
  REQUIRE(induction.units.size() == 2);
  CHECK(induction.units[0].count == 180);
  CHECK(in_mg(induction.units[0].strength) == Approx(100));
  CHECK(induction.units[1].count == 180);
  CHECK(in_mg(induction.units[1].strength) == Approx(50));
  CHECK(induction.packs.empty());  // no capsule pack size in the sources
  CHECK(format_date(induction.lasts_until) == "2027-02-28");
  REQUIRE(induction.visit_before);
  CHECK(*induction.visit_before <= induction.lasts_until);
  CHECK(*induction.visit_before >= p.phases[0].first);
  const PhaseSupply& step1 = p.supply[1];
  CHECK(step1.days == 14);
  REQUIRE(step1.units.size() == 3);
  CHECK(step1.units[0].count == 28);
  CHECK(step1.units[1].count == 14);
  CHECK(step1.units[2].count == 14);
  CHECK(in_mg(step1.total) == Approx(3850));
  CHECK(in_mg(step1.cumulative) == Approx(30850));
  // The course: 27,000 + 3,850 + 3,500 + 3,150 + 175 mg x 61 days (10,675) = 48,175 mg.
  CHECK(in_mg(p.supply.back().cumulative) == Approx(48175));
  CHECK(cumulative_text(p.supply.back(), Lang::en) == "48,175 mg (48.175 g)");
  CHECK(supply_units(induction, p.product, Lang::en) ==
        "180 capsules of 100 mg + 180 capsules of 50 mg");
}

TEST_CASE("supply: oral solution in whole 50 mL bottles (the sourced pack size), rounded up") {
  // 310 mg/day in 10 mg steps (0.1 mL of 100 mg/mL) = 3.1 mL/day x 90 days = 279 mL:
  // 279 / 50 = 5.58 -> 6 bottles.
  const Plan p = make_plan(real_rules(), itp("cyclosporine-modified-solution"));
  const PhaseSupply& induction = p.supply[0];
  REQUIRE(induction.volume);
  CHECK(in_mL(*induction.volume) == Approx(279));
  CHECK(induction.packs == std::vector<int>{6});
  CHECK(supply_units(induction, p.product, Lang::en) == "279 mL (6 bottles of 50 mL)");
  CHECK(pick(supply_note(p.product), Lang::en) == "Pack size: a bottle of 50 mL.");
  CHECK(p.product.pack_from.source_id == "neoral-solution-bottle");
}

TEST_CASE("supply: infusions count vials, and the cumulative dose per m2") {
  // SCOT: 500 mg/m2 then 11 x 750 mg/m2; 62 kg, 165 cm: Mosteller sqrt(165 x 62 / 3600) =
  // 1.6858 m2. Whatever the rounding of each dose, the cumulative per m2 is the cumulative mg
  // divided by the BSA, and it stays near 500 + 11 x 750 = 8,750 mg/m2.
  PlanRequest q;
  q.regimen_id = "cyclophosphamide-iv-scot";
  q.weight = kilograms(62);
  q.height = centimetres(165);
  q.age_years = 50;
  q.start = parse_date("2026-12-01");
  const Plan p = make_plan(real_rules(), q);
  REQUIRE(p.supply.size() == 12);
  double sum = 0;
  for (std::size_t i = 0; i < p.phases.size(); ++i) {
    sum += in_mg(p.phases[i].dose.rounded_daily);
    CHECK(in_mg(p.supply[i].cumulative) == Approx(sum));
    CHECK(!p.supply[i].vials.empty());
  }
  REQUIRE(p.supply.back().cumulative_per_area);
  const double bsa = std::sqrt(165.0 * 62 / 3600);
  CHECK(in_mg_per_m2(*p.supply.back().cumulative_per_area) == Approx(sum / bsa).epsilon(1e-3));
  CHECK(in_mg_per_m2(*p.supply.back().cumulative_per_area) == Approx(8750).epsilon(0.01));
}

TEST_CASE("supply: the same numbers in the JSON plan and the CSV row of kind supply") {
  const Plan p = make_plan(real_rules(), itp());
  const auto j = nlohmann::json::parse(render_json(p, -1));
  const auto& supply = j["phases"][0]["supply"];
  CHECK(supply["days"] == 90);
  CHECK(supply["total"]["value"] == 27000);
  CHECK(supply["units"][0]["count"] == 180);
  CHECK(supply["lasts_until"] == "2027-02-28");
  CHECK(j["phases"].back()["supply"]["cumulative"]["value"] == 48175);
  CHECK(j["supply_notes"]["packs"]["en"].get<std::string>().find("no pack size") !=
        std::string::npos);
  const std::string csv = render_csv(p, Lang::en);
  CHECK(csv.find("supply,2026-12-01,,Induction,,27000,180 capsules of 100 mg + 180 capsules of "
                 "50 mg,,,,,") != std::string::npos);
  CHECK(csv.find(",2027-02-28,27000\r\n") != std::string::npos);
  CHECK(csv.find(",2027-06-11,48175\r\n") != std::string::npos);
}
