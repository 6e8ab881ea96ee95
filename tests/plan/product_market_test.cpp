// Products honest (issue 15, item 9): strengths sold only in some markets, --market, the
// provenance of the strengths in the plan, the target dose reached after titration, and the
// oral solution suggested when a dose is too small to split. Test rules only (tests/data/rules).
#include <algorithm>

#include "doseplan/doseplan.hpp"
#include "test_support.hpp"

using namespace doseplan;
using doseplan::testing::problem_of;
using doseplan::testing::test_rules;

namespace {

// The test rules with two markets: the 10 mg test capsule is sold only in market "a".
RuleSet market_rules() {
  RuleSet rules = test_rules();
  rules.markets = {{"a", {"Aland", "A国"}}, {"b", {"Bland", "B国"}}};
  for (Product& p : rules.products) {
    if (p.id == "test-capsule") {
      MarketLimit limit;
      limit.strength = milligrams(10);
      limit.markets = {"a"};
      limit.from.source_id = "test-product-src";
      p.market_limited = {limit};
    }
  }
  return rules;
}

PlanRequest taper_request(double kg) {
  PlanRequest q;
  q.regimen_id = "test-taper";
  q.weight = kilograms(kg);
  q.start = parse_date("2026-12-01", "start");
  return q;
}

const PlannedPhase& row(const Plan& p, const std::string& id) {
  const auto it = std::find_if(p.phases.begin(), p.phases.end(),
                               [&](const PlannedPhase& ph) { return ph.phase_id == id; });
  REQUIRE(it != p.phases.end());
  return *it;
}

bool any_note_has(const Plan& p, const std::string& text) {
  return std::any_of(p.product_notes.begin(), p.product_notes.end(),
                     [&](const LocalizedText& t) { return t.en.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("market: without a market every strength is used, and a market-limited one is named") {
  // 62 kg x 4 mg/kg/d = 248 mg; 10 and 25 mg capsules: step gcd = 5 mg; 248 / 5 = 49.6 -> 50
  // steps = 250 mg. Maintenance 2 mg/kg/d x 62 = 124 mg -> 24.8 -> 25 steps = 125 mg, split
  // 13 + 12 steps = 65 mg (1 x 25 + 4 x 10) + 60 mg (2 x 25 + 1 x 10): the 10 mg capsule is used.
  const Plan p = make_plan(market_rules(), taper_request(62));
  CHECK(in_mg(row(p, "induction").dose.rounded_daily) == 250);
  CHECK(in_mg(row(p, "maintenance").dose.rounded_daily) == 125);
  CHECK(in_mg(row(p, "maintenance").dose.administrations[0].amount) == 65);
  CHECK_FALSE(p.market);
  CHECK(any_note_has(p, "Strengths: 10 mg, 25 mg (source test-product-src"));
  CHECK(any_note_has(p, "this plan uses 10 mg, 25 mg"));
  CHECK(any_note_has(p, "10 mg is sold only in some markets: Aland (source test-product-src"));
}

TEST_CASE("market: a market uses only the strengths sold there") {
  // Market b: 25 mg capsules only, step 25 mg. Induction 248 / 25 = 9.92 -> 10 steps = 250 mg,
  // 125 + 125 mg = 5 x 25 mg each. Maintenance 124 / 25 = 4.96 -> 5 steps = 125 mg, split 3 + 2
  // steps = 75 mg (3 x 25) + 50 mg (2 x 25).
  PlanRequest q = taper_request(62);
  q.market = "b";
  const Plan p = make_plan(market_rules(), q);
  REQUIRE(p.market);
  CHECK(p.market->id == "b");
  REQUIRE(p.product.strengths.size() == 1);
  CHECK(in_mg(p.product.strengths[0]) == 25);
  CHECK(in_mg(row(p, "induction").dose.rounded_daily) == 250);
  const DailyDose& m = row(p, "maintenance").dose;
  CHECK(in_mg(m.rounded_daily) == 125);
  CHECK(in_mg(m.administrations[0].amount) == 75);
  CHECK(in_mg(m.administrations[1].amount) == 50);
  CHECK(any_note_has(p,
                     "Market Bland (--market b): only the strengths sold there are used; "
                     "10 mg is not sold there"));
  CHECK_FALSE(any_note_has(p, "sold only in some markets"));

  q.market = "a";  // both strengths sold in a
  const Plan pa = make_plan(market_rules(), q);
  CHECK(in_mg(row(pa, "maintenance").dose.administrations[0].amount) == 65);
  CHECK(
      any_note_has(pa, "Market Aland (--market a): every strength of this product is sold there"));
}

TEST_CASE("market: an unknown market is refused with the known ones") {
  PlanRequest q = taper_request(62);
  q.market = "zz";
  const Problem pr = problem_of([&] { make_plan(market_rules(), q); });
  CHECK(pr.id == "input.unknown_market");
  CHECK(pr.where == "market");
  CHECK(pr.message == "no market \"zz\"; known: a (Aland), b (Bland)");
}

TEST_CASE("market: too small to split names the regimen's oral solution") {
  // Market b, 5 kg x 4 mg/kg/d = 20 mg; step 25 mg: 20 / 25 = 0.8 -> 1 step, fewer than the 2
  // doses a day: refused, and test-taper lists test-solution.
  PlanRequest q = taper_request(5);
  q.market = "b";
  const Problem pr = problem_of([&] { make_plan(market_rules(), q); });
  CHECK(pr.id == "dose.too_small_to_split");
  CHECK(pr.message.find("choose fewer doses a day, or the oral solution (--product "
                        "test-solution)") != std::string::npos);
}

TEST_CASE("target dose: every dose line of a target_after_titration phase says so") {
  RuleSet rules = test_rules();
  for (Regimen& r : rules.regimens)
    if (r.id == "test-taper")
      for (PhaseRule& ph : r.phases)
        if (ph.id == "maintenance") ph.target_after_titration = true;
  const Plan p = make_plan(rules, taper_request(62));
  CHECK(row(p, "induction").dose_note.en.empty());
  const PlannedPhase& m = row(p, "maintenance");
  CHECK(m.dose_note.en.find("not the starting dose") != std::string::npos);
  CHECK(render_text(p, false, Lang::en).find("[target dose, reached after titration") !=
        std::string::npos);
  CHECK(render_json(p).find("\"target_after_titration\": true") != std::string::npos);
}

TEST_CASE("labs: a result in a molar unit gets the molar LOINC code") {
  LabTest creatinine;
  creatinine.loinc = "2160-0";
  creatinine.loinc_molar = "14682-9";
  CHECK(creatinine.loinc_for_unit("umol/L") == "14682-9");
  CHECK(creatinine.loinc_for_unit("mmol/L") == "14682-9");
  CHECK(creatinine.loinc_for_unit("mg/dL") == "2160-0");
  LabTest potassium;  // no molar code: the only code
  potassium.loinc = "2823-3";
  CHECK(potassium.loinc_for_unit("mmol/L") == "2823-3");
}
