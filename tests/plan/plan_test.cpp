// Specification of make_plan(): phases, doses and monitoring dates, worked out by hand.
#include <catch2/catch.hpp>
#include <type_traits>

#include "doseplan/plan.hpp"
#include "doseplan/render.hpp"
#include "test_support.hpp"

using namespace doseplan;
using doseplan::testing::problems_of;
using doseplan::testing::real_rules;
using doseplan::testing::test_rules;

// Vectors of phases, doses and visits move their elements when they grow: a copy would copy every
// string of the audit trail (Boost.Units quantities do not declare their copy noexcept; dose.hpp).
static_assert(std::is_nothrow_move_constructible_v<Administration>);
static_assert(std::is_nothrow_move_constructible_v<DailyDose>);
static_assert(std::is_nothrow_move_constructible_v<PlannedPhase>);
static_assert(std::is_nothrow_move_constructible_v<Visit>);

namespace {

PlanRequest test_request() {
  PlanRequest q;
  q.regimen_id = "test-taper";
  q.weight = kilograms(50);
  q.start = parse_date("2026-01-31");
  return q;
}

PlanRequest itp_request() {
  PlanRequest q;
  q.regimen_id = "cyclosporine-itp";
  q.weight = kilograms(62);
  q.start = parse_date("2026-12-01");
  return q;
}

std::vector<std::string> visit_dates(const Plan& p) {
  std::vector<std::string> out;
  for (const Visit& v : p.visits) out.push_back(format_date(v.date));
  return out;
}

// "first..last rounded_mg" per phase.
std::vector<std::string> phase_lines(const Plan& p) {
  std::vector<std::string> out;
  for (const PlannedPhase& ph : p.phases) {
    out.push_back(ph.phase_id + " " + format_date(ph.first) + ".." + format_date(ph.last) + " " +
                  std::to_string(static_cast<int>(in_mg(ph.dose.rounded_daily))));
  }
  return out;
}

}  // namespace

TEST_CASE("engine: phases from a month-end start, with a taper to the maintenance level") {
  // Start 2026-01-31, 50 kg, default 4 mg/kg/day = 200 mg.
  // Induction 6 weeks: 2026-01-31 + 42 days = 2026-03-14, so the last day is 03-13.
  // Taper from 4 by 1 mg/kg/day while above the maintenance level 2: one step at 3 mg/kg/day
  //   = 150 mg for 1 week, 03-14..03-20.
  // Maintenance 2 mg/kg/day = 100 mg for 4 weeks: 03-21 + 28 days = 04-18, last day 04-17.
  const Plan p = make_plan(test_rules(), test_request());
  CHECK(phase_lines(p) == std::vector<std::string>{"induction 2026-01-31..2026-03-13 200",
                                                   "taper 2026-03-14..2026-03-20 150",
                                                   "maintenance 2026-03-21..2026-04-17 100"});
  CHECK(format_date(p.end) == "2026-04-17");
  CHECK(p.phases[1].step == 1);
  CHECK(p.phases[1].steps == 1);
}

TEST_CASE("engine: monitoring dates with baseline, a month-end interval and a monthly tail") {
  // Baseline twice, 7 days apart, counted back from day 1: 01-17 and 01-24.
  // Every 2 weeks for 1 month: the month ends at 2026-01-31 + 1 month = 02-28 (clamped);
  //   01-31 + 14 = 02-14 is inside, 01-31 + 28 = 02-28 is not before 02-28.
  // Then monthly, counted from day 1 (not from the last test): start + 1 month = 02-28 (the
  //   segment's first day, clamped), start + 2 months = 03-31; start + 3 months = 04-30 is after
  //   the last day 04-17.
  const Plan p = make_plan(test_rules(), test_request());
  CHECK(visit_dates(p) == std::vector<std::string>{"2026-01-17", "2026-01-24", "2026-02-14",
                                                   "2026-02-28", "2026-03-31"});
  CHECK(p.visits[0].baseline);
  CHECK(p.visits[1].baseline);
  CHECK_FALSE(p.visits[2].baseline);
  CHECK(p.visits[0].items.at(0).reason.en == "baseline 1 of 2, before day 1");
  CHECK(p.visits[2].items.at(0).tests == std::vector<std::string>{"creatinine"});
}

TEST_CASE("engine: durations and the taper can be chosen within the rule") {
  PlanRequest q = test_request();
  q.phase_durations["induction"] = Span{8, Span::Unit::week};  // 01-31 + 56 days = 03-28
  q.taper_step = mg_per_kg_per_day(0.5);  // 4 -> 3.5, 3, 2.5 (2 is the maintenance level)
  q.taper_every = Span{2, Span::Unit::week};
  q.dose = mg_per_kg_per_day(4);
  const Plan p = make_plan(test_rules(), q);
  // 3.5 x 50 = 175 mg, 3 x 50 = 150 mg, 2.5 x 50 = 125 mg; 2 weeks each from 03-28.
  CHECK(phase_lines(p) == std::vector<std::string>{"induction 2026-01-31..2026-03-27 200",
                                                   "taper 2026-03-28..2026-04-10 175",
                                                   "taper 2026-04-11..2026-04-24 150",
                                                   "taper 2026-04-25..2026-05-08 125",
                                                   "maintenance 2026-05-09..2026-06-05 100"});
  CHECK(p.phases[0].duration_from.overridden);
  CHECK(p.phases[1].dose_from.overridden);
  // A dose chosen by the user is still listed among the project defaults, marked as overridden.
  bool dose_listed = false;
  for (const auto& d : p.project_defaults)
    if (d.what.en == "dose") dose_listed = d.overridden;
  CHECK(dose_listed);
}

TEST_CASE("engine: choices outside the rule are refused with the range and its source") {
  auto refused = [](PlanRequest q) { return problems_of([&] { make_plan(test_rules(), q); }); };
  PlanRequest q = test_request();
  q.dose = mg_per_kg_per_day(8.5);
  auto problems = refused(q);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].id == "input.out_of_range");
  CHECK(problems[0].where == "dose");
  CHECK(problems[0].message ==
        "8.5 mg/kg/day is outside the allowed range 2–8 mg/kg/day; source test-src "
        "(Test document, Test section): \u201c2-8 mg/kg/day, 1-3 doses a day.\u201d");

  q = test_request();
  q.doses_per_day = 4;
  problems = refused(q);
  CHECK(problems.at(0).where == "doses-per-day");
  CHECK_THAT(
      problems.at(0).message,
      Catch::Matchers::StartsWith("4 doses a day is outside the allowed range 1–3 doses a day"));

  q = test_request();
  q.phase_durations["induction"] = Span{3, Span::Unit::week};
  problems = refused(q);
  CHECK(problems.at(0).where == "induction");
  CHECK_THAT(
      problems.at(0).message,
      Catch::Matchers::StartsWith("3 weeks is outside the allowed range 4 weeks to 8 weeks"));

  // 1 month from 01-31 is 02-28; 5 weeks is 03-07: longer than the maximum.
  q = test_request();
  q.phase_durations["maintenance"] = Span{5, Span::Unit::week};
  CHECK(refused(q).at(0).id == "input.out_of_range");

  q = test_request();
  q.phase_durations["taper"] = Span{2, Span::Unit::week};
  CHECK(refused(q).at(0).id == "input.not_applicable");

  q = test_request();
  q.phase_durations["consolidation"] = Span{2, Span::Unit::week};
  CHECK(refused(q).at(0).id == "input.unknown_phase");
}

TEST_CASE("engine: implausible weights, unknown regimens and disallowed products are refused") {
  auto first = [](PlanRequest q) { return problems_of([&] { make_plan(test_rules(), q); }).at(0); };
  PlanRequest q = test_request();
  q.weight = kilograms(0.4);
  CHECK(first(q).id == "input.out_of_range");
  CHECK(first(q).where == "weight");
  CHECK_THAT(first(q).message,
             Catch::Matchers::StartsWith("0.4 kg is outside the allowed range 0.5–350 kg"));
  q.weight = kilograms(351);
  CHECK(first(q).id == "input.out_of_range");

  q = test_request();
  q.regimen_id = "nope";
  CHECK(first(q).id == "input.unknown_regimen");
  CHECK(first(q).message == "no regimen \"nope\"; known: test-cycles, test-taper, test-titration");

  q = test_request();
  q.product_id = "test-other-capsule";
  CHECK(first(q).id == "input.product_not_allowed");
  q.product_id = "no-such";
  CHECK(first(q).id == "input.unknown_product");
}

TEST_CASE("engine: the solution product gives volumes") {
  PlanRequest q = test_request();
  q.product_id = "test-solution";
  const Plan p = make_plan(test_rules(), q);
  // 200 mg/day at 50 mg/mL: 100 mg = 2 mL twice daily.
  REQUIRE(p.phases[0].dose.administrations.size() == 2);
  CHECK(in_mL(*p.phases[0].dose.administrations[0].volume) == Approx(2));
}

TEST_CASE("engine: rounding that leaves the dose range is said plainly, never corrected") {
  // 2 x 5.2 kg = 10.4 mg -> 2.08 steps of 5 mg -> 10 mg once daily (one 10 mg capsule)
  // = 10 / 5.2 = 1.923 mg/kg/day, below the minimum 2. The plan keeps the rounded dose and adds
  // an advisory.
  PlanRequest q = test_request();
  q.weight = kilograms(5.2);
  q.dose = mg_per_kg_per_day(2);
  q.doses_per_day = 1;
  q.taper_step = mg_per_kg_per_day(3);  // 2 -> no taper step above the maintenance level 2
  const Plan p = make_plan(test_rules(), q);
  CHECK(in_mg(p.phases[0].dose.rounded_daily) == Approx(10));
  // The step of 3 from 2 passes the maintenance level 2 at once, and maintenance (2 x 5.2 = 10.4
  // -> 10 mg) gives the same daily dose: both are said too.
  REQUIRE(p.advisories.size() == 3);
  CHECK(p.advisories[0].en ==
        "No Taper step: the dose before it is not more than one step above the Maintenance level, "
        "which follows at once.");
  CHECK(p.advisories[1].en ==
        "From 2026-03-14 (Maintenance) the daily dose after rounding is still 10 mg, the same as "
        "before.");
  CHECK_THAT(p.advisories[2].en, Catch::Matchers::Contains("1.92 mg/kg/day") &&
                                     Catch::Matchers::Contains("below the regimen's range 2–8"));
}

TEST_CASE("every plan carries the disclaimer, its sources and the project defaults it used") {
  const Plan p = make_plan(test_rules(), test_request());
  CHECK_THAT(p.disclaimer.en, Catch::Matchers::Contains("Educational aid"));
  CHECK_FALSE(p.disclaimer.zh.empty());
  // The regimen's citation, then the product's (its strengths).
  REQUIRE(p.sources.size() == 2);
  CHECK(p.sources[0].id == "test-src");
  CHECK(p.sources[1].id == "test-product-src");
  std::vector<std::string> whats;
  for (const auto& d : p.project_defaults) whats.push_back(d.what.en);
  CHECK(whats == std::vector<std::string>{"dose", "rounding", "uneven split", "Induction, duration",
                                          "Taper, step", "Taper, interval", "Maintenance, duration",
                                          "baseline spacing", "visit windows"});
}

TEST_CASE("project defaults name their phase, whatever plans were made before") {
  // The "<phase>, <what>" texts are kept between plans (plan.cpp of()): a phase named
  // differently by one letter in the middle, or in Chinese only, gets its own text.
  RuleSet rules = test_rules();
  PhaseRule& induction = doseplan::testing::regimen(rules, "test-taper").phases.front();
  REQUIRE(induction.name.en == "Induction");
  const auto whats = [](const Plan& p) {
    std::vector<std::string> out;
    for (const auto& d : p.project_defaults) out.push_back(d.what.en + " / " + d.what.zh);
    return out;
  };
  const std::vector<std::string> before = whats(make_plan(rules, test_request()));
  const std::string zh = induction.name.zh;
  CHECK(std::count(before.begin(), before.end(), "Induction, duration / " + zh + "疗程") == 1);
  induction.name.en = "Indbction";
  const std::vector<std::string> en_changed = whats(make_plan(rules, test_request()));
  CHECK(std::count(en_changed.begin(), en_changed.end(), "Indbction, duration / " + zh + "疗程") ==
        1);
  induction.name = {"Induction", "试验"};
  const std::vector<std::string> zh_changed = whats(make_plan(rules, test_request()));
  CHECK(std::count(zh_changed.begin(), zh_changed.end(), "Induction, duration / 试验疗程") == 1);
  CHECK(whats(make_plan(test_rules(), test_request())) == before);
}

// ------------------------------------------------------------------ the real ITP regimen

TEST_CASE("cyclosporine-itp: 62 kg from 2026-12-01 with the defaults") {
  // Induction 5 mg/kg/day x 62 kg = 310 mg -> 300 mg (see dose_calculator_test), 3 months:
  //   2026-12-01 + 3 months = 2027-03-01, last day 02-28.
  // Taper by 0.5 mg/kg/day every 2 weeks while above 3: 4.5, 4, 3.5 mg/kg/day
  //   4.5 x 62 = 279 -> 11.16 steps of 25 -> 275 mg; 4 x 62 = 248 -> 9.92 -> 250 mg;
  //   3.5 x 62 = 217 -> 8.68 -> 225 mg; 03-01..03-14, 03-15..03-28, 03-29..04-11.
  // Maintenance 3 x 62 = 186 -> 7.44 -> 175 mg for 2 months: 04-12 + 2 months = 06-12, last 06-11.
  const Plan p = make_plan(real_rules(), itp_request());
  CHECK(phase_lines(p) == std::vector<std::string>{"induction 2026-12-01..2027-02-28 300",
                                                   "taper 2027-03-01..2027-03-14 275",
                                                   "taper 2027-03-15..2027-03-28 250",
                                                   "taper 2027-03-29..2027-04-11 225",
                                                   "maintenance 2027-04-12..2027-06-11 175"});
  // 225 mg twice daily: 9 steps -> 5 + 4 = 125 mg (100 + 25) and 100 mg (100).
  CHECK(describe_administration(p.phases[3].dose.administrations[0]) ==
        "1 \u00d7 100 mg + 1 \u00d7 25 mg");
  CHECK(describe_administration(p.phases[3].dose.administrations[1]) == "1 \u00d7 100 mg");
  // 175 mg: 7 steps -> 4 + 3 = 100 mg and 75 mg (50 + 25).
  CHECK(describe_administration(p.phases[4].dose.administrations[1]) ==
        "1 \u00d7 50 mg + 1 \u00d7 25 mg");
}

TEST_CASE("cyclosporine-itp: monitoring dates") {
  // Baseline: kidney function twice (day -14 = 11-17, day -7 = 11-24); blood count and liver once
  //   (11-24), and so are lipids, magnesium and potassium. Every 2 weeks until 2027-03-01: 12-15,
  //   12-29, 01-12, 01-26, 02-09, 02-23. Then monthly, on start + 3, 4, 5, 6 months: 03-01,
  //   04-01, 05-01, 06-01 (07-01 is after the last day 06-11).
  // Re-checks (drug level and kidney) within 2 weeks of each dose change: 03-01 -> 03-15 added
  //   (the visit on 03-01 is the day of the change, not after it); 03-15 -> 03-29 added; 03-29 is
  //   covered by 04-01; 04-12 -> 04-26 added.
  // End of treatment (06-11): blood count and kidney function.
  const Plan p = make_plan(real_rules(), itp_request());
  CHECK(visit_dates(p) ==
        std::vector<std::string>{"2026-11-17", "2026-11-24", "2026-12-15", "2026-12-29",
                                 "2027-01-12", "2027-01-26", "2027-02-09", "2027-02-23",
                                 "2027-03-01", "2027-03-15", "2027-03-29", "2027-04-01",
                                 "2027-04-26", "2027-05-01", "2027-06-01", "2027-06-11"});
  CHECK(p.visits[0].items.size() == 1);  // kidney function, baseline 1 of 2
  CHECK(p.visits[0].items[0].monitoring_id == "kidney-function");
  CHECK(p.visits[1].items.size() == 4);  // blood count, liver, kidney, lipids and electrolytes
  for (std::size_t i : {2, 3, 4, 5, 6, 7, 8, 11, 13, 14}) {
    CHECK(p.visits[i].items.size() == 5);  // + the cyclosporine trough level
    CHECK(p.visits[i].items[0].monitoring_id == "cyclosporine-level");
    CHECK(p.visits[i].items[4].monitoring_id == "lipids-electrolytes");
  }
  // The re-check visits hold the drug level and kidney function only, due by the day (3 days'
  // window before, none after).
  for (std::size_t i : {9, 10, 12}) {
    REQUIRE(p.visits[i].items.size() == 2);
    CHECK(p.visits[i].items[0].monitoring_id == "cyclosporine-level");
    CHECK(p.visits[i].items[1].monitoring_id == "kidney-function");
    CHECK(p.visits[i].items[0].window_before == 3);
    CHECK(p.visits[i].items[0].window_after == 0);
  }
  CHECK(p.visits[9].items[0].reason.en == "re-check 2 weeks after the dose change of 2027-03-01");
  // The last day of treatment: blood count and kidney function, up to 7 days before.
  REQUIRE(p.visits[15].items.size() == 2);
  CHECK(p.visits[15].items[0].monitoring_id == "blood-count");
  CHECK(p.visits[15].items[0].reason.en == "end of treatment");
  CHECK(p.visits[15].items[0].window_before == 7);
  // Fortnightly visits have a window of ±3 days, monthly ones ±7 days.
  CHECK(p.visits[2].items[0].window_before == 3);
  CHECK(p.visits[8].items[0].window_after == 7);
}

TEST_CASE("cyclosporine-itp: a start on 2026-01-31 with a 2-month induction ends on 03-30") {
  // 2026-01-31 + 2 months = 2026-03-31 (computed from the anchor), so the last day is 03-30.
  PlanRequest q = itp_request();
  q.start = parse_date("2026-01-31");
  q.phase_durations["induction"] = Span{2, Span::Unit::month};
  const Plan p = make_plan(real_rules(), q);
  CHECK(format_date(p.phases[0].last) == "2026-03-30");
  CHECK(format_date(p.phases[1].first) == "2026-03-31");
}

TEST_CASE("cyclosporine-itp: a start on 2028-02-29 keeps month ends in a leap year") {
  // 2028-02-29 + 3 months = 2028-05-29, last day 05-28. Monitoring: 2 weeks for 3 months ends
  // before 05-29: 03-14, 03-28, 04-11, 04-25, 05-09, 05-23.
  PlanRequest q = itp_request();
  q.start = parse_date("2028-02-29");
  const Plan p = make_plan(real_rules(), q);
  CHECK(format_date(p.phases[0].last) == "2028-05-28");
  std::vector<std::string> dates = visit_dates(p);
  CHECK(std::vector<std::string>(dates.begin() + 2, dates.begin() + 8) ==
        std::vector<std::string>{"2028-03-14", "2028-03-28", "2028-04-11", "2028-04-25",
                                 "2028-05-09", "2028-05-23"});
}

TEST_CASE("cyclosporine-itp: the allowed range and its source are quoted when a dose is refused") {
  PlanRequest q = itp_request();
  q.dose = mg_per_kg_per_day(7);
  const auto problems = problems_of([&] { make_plan(real_rules(), q); });
  REQUIRE(problems.size() == 1);
  CHECK_THAT(
      problems[0].message,
      Catch::Matchers::StartsWith("7 mg/kg/day is outside the allowed range 4–6 mg/kg/day; "
                                  "source itp6-003 (环孢菌素A治疗难治性免疫性血小板减少性紫癜, ") &&
          Catch::Matchers::Contains("4~6mg/(kg·天)"));
}

TEST_CASE("cyclosporine-itp: the three-dose option and the 2-3 month ranges") {
  PlanRequest q = itp_request();
  q.doses_per_day = 3;
  q.phase_durations["maintenance"] = Span{3, Span::Unit::month};
  const Plan p = make_plan(real_rules(), q);
  // 300 mg in three doses = 100 mg each.
  REQUIRE(p.phases[0].dose.administrations.size() == 3);
  CHECK(in_mg(p.phases[0].dose.administrations[2].amount) == Approx(100));
  // Counted from day 1, months first, then days: induction 3 months + taper 3 x 2 weeks +
  // maintenance 3 months = start + 6 months + 42 days = 2027-06-01 + 42 = 07-13, last day 07-12
  // (chained from the maintenance's first day 04-12 it would be 07-11).
  CHECK(format_date(p.end) == "2027-07-12");
}

TEST_CASE("engine: a dose the product can not give names the phase") {
  // 5 kg: induction 4 x 5 = 20 mg = 10 + 10; the taper step 3 x 5 = 15 mg = 3 steps of 5 mg
  // -> 10 + 5 mg, and 5 mg can not be made of 10 and 25 mg capsules.
  PlanRequest q = test_request();
  q.weight = kilograms(5);
  const Problem p = doseplan::testing::problem_of([&] { make_plan(test_rules(), q); });
  CHECK(p.id == "dose.not_representable");
  CHECK(p.message == "Taper step 1 (3 mg/kg/day): 5 mg can not be made of TESTdrug capsules");
}

TEST_CASE("engine: taper options are refused for a regimen without a taper") {
  RuleSet rules = test_rules();
  auto& phases = doseplan::testing::regimen(rules, "test-taper").phases;
  phases.erase(phases.begin() + 1);  // induction, then maintenance
  PlanRequest q = test_request();
  q.taper_step = mg_per_kg_per_day(1);
  const Problem p = doseplan::testing::problem_of([&] { make_plan(rules, q); });
  CHECK(p.id == "input.not_applicable");
  CHECK(p.where == "taper-step");
}

TEST_CASE(
    "monitoring: every test is counted from day 1, in segments that end at the lengths so far") {
  // Start 2026-01-31. Weekly for 2 weeks: start + 7 = 02-07 (start + 14 = 02-14 is not before the
  //   segment's end 01-31 + 14 days = 02-14).
  // Then every 10 days for 1 month more: the segment is [02-14, 01-31 + 1 month + 14 days
  //   = 02-28 + 14 = 03-14); start + 10 = 02-10 is before it, then 02-20, 03-02, 03-12 (03-22 is
  //   past 03-14).
  // Then every 2 months from 03-14 to the end 2026-06-30: start + 2 months = 03-31, start + 4
  //   months = 05-31 (the 31st kept; start + 6 months = 07-31 is past the end).
  Regimen r = *test_rules().find_regimen("test-taper");
  MonitoringRule& m = r.monitoring.front();
  m.baseline_occasions.value = 0;
  m.intervals = {{Span{1, Span::Unit::week}, Span{2, Span::Unit::week}, {}},
                 {Span{10, Span::Unit::day}, Span{1, Span::Unit::month}, {}},
                 {Span{2, Span::Unit::month}, std::nullopt, {}}};
  std::vector<std::string> dates;
  for (const Visit& v : plan_visits(r, parse_date("2026-01-31"), parse_date("2026-06-30")))
    dates.push_back(format_date(v.date));
  CHECK(dates == std::vector<std::string>{"2026-02-07", "2026-02-20", "2026-03-02", "2026-03-12",
                                          "2026-03-31", "2026-05-31"});
}

// ------------------------------------------------------------------ cycles, mg/m2, IV vials

namespace {

PlanRequest cycles_request() {
  PlanRequest q;
  q.regimen_id = "test-cycles";
  q.weight = kilograms(68);
  q.height = centimetres(170);
  q.start = parse_date("2026-01-31");
  return q;
}

std::vector<std::string> administrations_of(const Plan& p) {
  std::vector<std::string> out;
  for (const PlannedPhase& ph : p.phases) {
    out.push_back(format_date(ph.first) + " " +
                  describe_administration(ph.dose.administrations[0]));
  }
  return out;
}

}  // namespace

TEST_CASE("engine: cycles in mg/m2 on month ends, rounded to 10 mg, from the least-waste vials") {
  // BSA (Mosteller) = sqrt(170 x 68 / 3600) = sqrt(3.211111) = 1.791957 m2.
  // 500 mg/m2 x 1.791957 = 895.98 mg -> 89.598 steps of 10 -> 900 mg = 1 x 500 + 4 x 100 (no
  // waste). 750 mg/m2 x 1.791957 = 1,343.97 mg -> 1,340 mg; vials of 100 and 500 can not make
  // 1,340: the least over is 1,400 = 2 x 500 + 4 x 100. Loading every month from 01-31 (anchored,
  // clamped): 01-31, 02-28, 03-31. The booster phase starts at 01-31 + 3 months = 04-30, every 2
  // weeks, default 2 cycles at the chosen 500 mg/m2: 04-30, 05-14.
  const Plan p = make_plan(test_rules(), cycles_request());
  CHECK(in_m2(*p.bsa) == Approx(1.791957).epsilon(1e-6));
  CHECK(administrations_of(p) ==
        std::vector<std::string>{"2026-01-31 900 mg IV (vials: 1 × 500 mg + 4 × 100 mg)",
                                 "2026-02-28 1,340 mg IV (vials: 2 × 500 mg + 4 × 100 mg)",
                                 "2026-03-31 1,340 mg IV (vials: 2 × 500 mg + 4 × 100 mg)",
                                 "2026-04-30 900 mg IV (vials: 1 × 500 mg + 4 × 100 mg)",
                                 "2026-05-14 900 mg IV (vials: 1 × 500 mg + 4 × 100 mg)"});
  CHECK(p.phases[1].cycle);
  CHECK(p.phases[1].step == 2);
  CHECK(p.phases[1].steps == 3);
  CHECK(in_mg_per_m2(*p.phases[0].dose.actual_per_area) == Approx(502.2443).epsilon(1e-6));
  CHECK(format_date(p.end) == "2026-05-14");
}

TEST_CASE(
    "engine: tests the day before and 10-14 days after each dose, at 6 months and at the end") {
  // Day -1: 01-30, 02-27, 03-30, 04-29, 05-13. Day 10 (window 4): 02-10, 03-10, 04-10, 05-10,
  // 05-24. At 6 months: 07-31. At the end: 05-14.
  const Plan p = make_plan(test_rules(), cycles_request());
  CHECK(visit_dates(p) == std::vector<std::string>{"2026-01-30", "2026-02-10", "2026-02-27",
                                                   "2026-03-10", "2026-03-30", "2026-04-10",
                                                   "2026-04-29", "2026-05-10", "2026-05-13",
                                                   "2026-05-14", "2026-05-24", "2026-07-31"});
  CHECK(p.visits[1].items.at(0).window_before == 0);
  CHECK(p.visits[1].items.at(0).window_after == 4);
  CHECK(p.visits[1].items.at(0).reason.en == "nadir: day 10–14 after administration 1");
  CHECK(p.visits[0].items.at(0).reason.en == "before the infusion: 1 day before administration 1");
  CHECK(p.visits[9].items.at(0).reason.en == "end of treatment");
  CHECK(p.visits[11].items.at(0).reason.en == "6 months after the start");
}

TEST_CASE("engine: a cycles count within the rule, and mg/m2 without a height, are handled") {
  PlanRequest q = cycles_request();
  q.cycle_counts["booster"] = 4;  // 04-30, 05-14, 05-28, 06-11
  CHECK(format_date(make_plan(test_rules(), q).end) == "2026-06-11");
  q.cycle_counts["booster"] = 5;
  CHECK(doseplan::testing::problem_of([&] { make_plan(test_rules(), q); }).where == "booster");
  q = cycles_request();
  q.height.reset();
  const Problem p = doseplan::testing::problem_of([&] { make_plan(test_rules(), q); });
  CHECK(p.id == "input.missing");
  CHECK(p.where == "height");
  q = cycles_request();
  q.dose = mg_per_kg_per_day(5);  // an mg/kg/day dose for an mg/m2 regimen
  CHECK(doseplan::testing::problem_of([&] { make_plan(test_rules(), q); }).id ==
        "input.wrong_dose_kind");
  q.dose = mg_per_m2(600);  // booster at 600 mg/m2 x 1.791957 = 1,075.17 -> 1,080 mg
  CHECK(in_mg(make_plan(test_rules(), q).phases[3].dose.rounded_daily) == Approx(1080));
}

// ------------------------------------------------------------------ titration, population

TEST_CASE("engine: a titration in mg/day stops at the maximum in mg/kg/day") {
  // 60 kg, start 03-31: 1 mg/kg/day = 60 mg for 1 month (start + 1 month = 04-30, last day
  // 04-29). Steps of +25 mg/day every month, counted from day 1 (never chained): the maximum
  // 2 x 60 = 120 mg: 85 from start + 1 month = 04-30 to start + 2 months - 1 = 05-30 (not 05-29:
  // 04-30 + 1 month would be chained), 110 from 05-31, then 135 would pass 120, so 110 mg lasts
  // to the end of the 4-month phase: start + 5 months = 08-31, last 08-30.
  PlanRequest q;
  q.regimen_id = "test-titration";
  q.weight = kilograms(60);
  q.start = parse_date("2026-03-31");
  const Plan p = make_plan(test_rules(), q);
  CHECK(phase_lines(p) == std::vector<std::string>{"start 2026-03-31..2026-04-29 60",
                                                   "up 2026-04-30..2026-05-30 85",
                                                   "up 2026-05-31..2026-08-30 110"});
  CHECK(describe_administration(p.phases[2].dose.administrations[0]) ==
        "4 \u00d7 25 mg + 1 \u00d7 10 mg");
  // Monthly tests from the start, anchored: 04-30, 05-31, 06-30, 07-31 (08-31 is after 08-29).
  CHECK(visit_dates(p) ==
        std::vector<std::string>{"2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31"});
}

TEST_CASE("engine: a titration in mg/kg/day with a step limit, only if needed") {
  // Step 0.25 mg/kg/day every month, at most 2 steps, from 1 mg/kg/day at 60 kg:
  // 1.25 x 60 = 75 mg, 1.5 x 60 = 90 mg (the third step would be allowed by the maximum 2, but
  // not by max_steps). Dates counted from day 1: 75 mg from start + 1 month = 04-30 to start + 2
  // months - 1 = 05-30, 90 mg from 05-31 to start + 5 months - 1 = 08-30.
  RuleSet rules = test_rules();
  PhaseRule& up = doseplan::testing::regimen(rules, "test-titration").phases[1];
  REQUIRE(up.id == "up");
  up.step->value = mg_per_kg_per_day(0.25);
  up.max_steps = Sourced<int>{2, {}};
  up.conditional = true;
  PlanRequest q;
  q.regimen_id = "test-titration";
  q.weight = kilograms(60);
  q.start = parse_date("2026-03-31");
  const Plan p = make_plan(rules, q);
  CHECK(phase_lines(p) == std::vector<std::string>{"start 2026-03-31..2026-04-29 60",
                                                   "up 2026-04-30..2026-05-30 75",
                                                   "up 2026-05-31..2026-08-30 90"});
  CHECK(p.phases[1].conditional);
}

TEST_CASE("engine: population limits give the regimen's message, or say the age was not given") {
  // test-titration: age_years min 18, action warn (the default): a check, never an error.
  PlanRequest q;
  q.regimen_id = "test-titration";
  q.weight = kilograms(60);
  q.start = parse_date("2026-03-31");
  Plan p = make_plan(test_rules(), q);
  REQUIRE(p.checks.size() == 1);
  CHECK(p.checks[0].id == "population.missing");
  CHECK_THAT(p.checks[0].text.en, Catch::Matchers::Contains("no age was given"));
  q.age_years = 16;
  p = make_plan(test_rules(), q);
  REQUIRE(p.checks.size() == 1);
  CHECK(p.checks[0].id == "population.age");
  CHECK(p.checks[0].action == PatientCheck::Action::warn);
  CHECK_THAT(p.checks[0].text.en, Catch::Matchers::Contains("16 years"));
  CHECK_THAT(p.checks[0].text.en,
             Catch::Matchers::Contains("Studied in adults (18 years and over) only."));
  q.age_years = 18;
  CHECK(make_plan(test_rules(), q).checks.empty());
}

// ------------------------------------------------------------------ rounding policy and maxima

namespace {

RuleSet with_rounding(double tolerance, DoseRule::RoundingPolicy policy) {
  RuleSet rules = test_rules();
  DoseRule& d = doseplan::testing::regimen(rules, "test-taper").dose;
  d.rounding_tolerance_percent = tolerance;
  d.rounding_policy = policy;
  return rules;
}

}  // namespace

TEST_CASE(
    "engine: rounding past the tolerance is said, with the nearest amounts inside the range") {
  // 43 kg x 3 mg/kg/day = 129 mg -> 25.8 steps of 5 -> 130 mg, +0.78%: past a 0.5% tolerance,
  // inside the range. Nearest amounts: 125 mg (125 / 43 = 2.91) and 130 mg (3.02).
  PlanRequest q = test_request();
  q.weight = kilograms(43);
  q.dose = mg_per_kg_per_day(3);
  const Plan p = make_plan(with_rounding(0.5, DoseRule::RoundingPolicy::advise), q);
  REQUIRE_FALSE(p.advisories.empty());
  CHECK(p.advisories.back().en ==
        "After rounding to what TESTdrug capsules can give, the daily dose in “Induction” is "
        "130 mg (3.02 mg/kg/day), against the calculated 129 mg (+0.78%). The difference is "
        "more than the tolerance of 0.5% (project default: Test rounding.). The nearest amounts "
        "inside the range: 125 mg (2.91 mg/kg/day) or 130 mg (3.02 mg/kg/day). Discuss the dose "
        "with the prescriber.");
  // In Chinese: whole sentences, "below"/"above" said as such, no glued fragment.
  CHECK(p.advisories.back().zh.find("。相差超过了允许的0.5%") != std::string::npos);
}

TEST_CASE("engine: rounding below the range offers the nearest amount inside it") {
  // 41 kg x 2 = 82 mg -> 16.4 steps -> 80 mg = 1.95 mg/kg/day, below 2 and -2.44%. Inside the
  // range (at least 82 mg) the nearest amount of 5 mg steps is 85 mg = 2.07 mg/kg/day.
  PlanRequest q = test_request();
  q.weight = kilograms(41);
  q.dose = mg_per_kg_per_day(2);
  const Plan p = make_plan(with_rounding(2, DoseRule::RoundingPolicy::advise), q);
  const std::string& a = p.advisories.back().en;
  CHECK_THAT(a,
             Catch::Matchers::Contains("the daily dose in “Induction” is 80 mg (1.95 mg/kg/day), "
                                       "against the calculated 82 mg (-2.44%). This is below the "
                                       "regimen's range 2–8 mg/kg/day. The difference is more than "
                                       "the tolerance of 2%"));
  CHECK_THAT(a, Catch::Matchers::Contains(
                    "The nearest amounts inside the range: 85 mg (2.07 mg/kg/day)."));
  // 低于 (below), never 超出 (exceeds), for a dose under the range (review finding S14).
  CHECK(p.advisories.back().zh.find("低于方案的剂量范围") != std::string::npos);
}

TEST_CASE("engine: with the policy refuse, such a rounding refuses the plan") {
  PlanRequest q = test_request();
  q.weight = kilograms(41);
  q.dose = mg_per_kg_per_day(2);
  const Problem p = doseplan::testing::problem_of(
      [&] { make_plan(with_rounding(2, DoseRule::RoundingPolicy::refuse), q); });
  CHECK(p.id == "dose.rounding_outside_range");
  CHECK_THAT(p.message, Catch::Matchers::Contains("85 mg (2.07 mg/kg/day)"));
}

TEST_CASE("engine: maxima per dose and per day are refused with their source, never clamped") {
  // 50 kg x 4 mg/kg/day = 200 mg = 100 mg twice daily.
  RuleSet rules = test_rules();
  DoseRule& d = doseplan::testing::regimen(rules, "test-taper").dose;
  d.max_per_dose = Sourced<DrugMass>{milligrams(90), {"test-src", false, {}, false, {}}};
  Problem p = doseplan::testing::problem_of([&] { make_plan(rules, test_request()); });
  CHECK(p.id == "input.above_maximum");
  CHECK(p.message ==
        "Induction: 100 mg in one dose is above the maximum 90 mg per dose; source test-src "
        "(Test document, Test section): \u201c2-8 mg/kg/day, 1-3 doses a day.\u201d");
  d.max_per_dose.reset();
  d.max_per_day = Sourced<DrugMass>{milligrams(150), {"test-src", false, {}, false, {}}};
  p = doseplan::testing::problem_of([&] { make_plan(rules, test_request()); });
  CHECK_THAT(p.message, Catch::Matchers::StartsWith(
                            "Induction: 200 mg a day is above the maximum 150 mg a day; source"));
}

TEST_CASE("engine: age from the birth date, body size and kidney function in the plan") {
  // Born 1981-05-02, start 2026-01-31: 44 years (the birthday is still to come in 2026).
  // 170 cm female: 66.929 in -> IBW 45.5 + 2.3 x 6.929 = 61.437 kg; 50 kg actual -> adjusted
  // 61.437 + 0.4 x (50 - 61.437) = 56.862 kg.
  // 1.1 mg/dL, 44 y female: 142 x (1.1/0.7)^-1.2 x 0.9938^44 x 1.012 = 63.54; CG (96 x 50) /
  // (72 x 1.1) x 0.85 = 51.52.
  PlanRequest q = test_request();
  q.birth_date = parse_date("1981-05-02");
  q.sex = Sex::female;
  q.height = centimetres(170);
  q.creatinine = parse_creatinine("1.1 mg/dL");
  q.explain = true;
  const Plan p = make_plan(test_rules(), q);
  CHECK(*p.age_years == 44);
  CHECK(in_kg(*p.ideal_weight) == Approx(61.437).epsilon(1e-4));
  CHECK(in_kg(*p.adjusted_weight) == Approx(56.862).epsilon(1e-4));
  CHECK(in_mL_per_min(*p.egfr) == Approx(63.54).epsilon(1e-3));
  CHECK(in_mL_per_min(*p.crcl) == Approx(51.52).epsilon(1e-3));
  CHECK(p.body_audit.size() == 5);
  q.explain = false;  // the same values, without saying how they were made
  const Plan quiet = make_plan(test_rules(), q);
  CHECK(in_kg(*quiet.adjusted_weight) == in_kg(*p.adjusted_weight));
  CHECK(in_mL_per_min(*quiet.crcl) == in_mL_per_min(*p.crcl));
  CHECK(quiet.body_audit.empty());
  q.age_years = 45;
  CHECK(doseplan::testing::problem_of([&] { make_plan(test_rules(), q); }).id == "input.conflict");
  q.age_years.reset();
  q.creatinine = umol_per_L(0);
  const Problem z = doseplan::testing::problem_of([&] { make_plan(test_rules(), q); });
  CHECK(z.id == "input.out_of_range");
  CHECK(z.where == "creatinine");
}

TEST_CASE("engine: every dose carries its audit trail, from the rule to the capsules") {
  PlanRequest q = test_request();
  q.explain = true;
  const Plan p = make_plan(test_rules(), q);
  std::vector<std::string> whats;
  for (const AuditStep& a : p.phases[0].dose.audit) whats.push_back(a.what.en);
  CHECK(whats == std::vector<std::string>{"dose rule", "exact daily dose", "rounding step",
                                          "rounded dose", "split into doses", "morning dose",
                                          "evening dose", "actual dose"});
  CHECK(p.phases[0].dose.audit[1].how.en == "4 mg/kg/day × 50 kg × 1 day");
  CHECK(p.phases[0].dose.audit[1].result.en == "200 mg");
  CHECK(p.phases[0].dose.audit[2].result.en == "5 mg");
  CHECK_THAT(p.phases[0].dose.audit[0].basis.en,
             Catch::Matchers::StartsWith("regimen default (project default"));
}

TEST_CASE("engine: without explain a plan is the same, only without its audit trail") {
  for (const char* id : {"cyclosporine-itp", "mycophenolate-ssc", "cyclophosphamide-iv-scot",
                         "rituximab-1000-ra", "msc-lupus"}) {
    CAPTURE(id);
    PlanRequest q;
    q.regimen_id = id;
    q.weight = kilograms(62);
    q.height = centimetres(165);
    q.sex = Sex::female;
    q.age_years = 45;
    q.creatinine = parse_creatinine("97 umol/L");
    q.start = parse_date("2026-12-01");
    q.explain = true;
    Plan told = make_plan(real_rules(), q);
    q.explain = false;
    const Plan quiet = make_plan(real_rules(), q);
    CHECK(told.explained);
    CHECK_FALSE(quiet.explained);
    CHECK(told.body_audit.size() == 5);  // BSA, IBW, adjusted weight, eGFR, CrCl
    CHECK(quiet.body_audit.empty());
    REQUIRE(told.phases.size() == quiet.phases.size());
    for (std::size_t i = 0; i < quiet.phases.size(); ++i) {
      CHECK(quiet.phases[i].dose.audit.empty());
      CHECK_FALSE(told.phases[i].dose.audit.empty());  // a cell dose: the rule it comes from
      told.phases[i].dose.audit.clear();
    }
    told.body_audit.clear();
    told.explained = false;
    CHECK(render_json(told) == render_json(quiet));  // nothing else differs
    CHECK(render_json(quiet).find("\"audit\"") == std::string::npos);
  }
}

TEST_CASE("engine: a taper in mg/day, or in percent of the starting dose") {
  // 50 kg, induction 4 mg/kg/day = 200 mg to 03-13; maintenance 2 mg/kg/day = 100 mg.
  // Step 40 mg/day: 160, 120 (80 would not be above 100). Step 20% of 200 mg = 40 mg: the same.
  // 160 mg = 80 + 80 (2 x 25 + 3 x 10); 120 mg = 60 + 60.
  // Rows: 03-14..03-20, 03-21..03-27; maintenance 03-28 + 4 weeks = 04-25, last 04-24.
  for (const bool percent : {false, true}) {
    CAPTURE(percent);
    RuleSet rules = test_rules();
    PhaseRule& taper = doseplan::testing::regimen(rules, "test-taper").phases[1];
    if (percent) {
      taper.step.reset();
      taper.step_percent = Sourced<double>{20, {}};
    } else {
      taper.step = Sourced<DoseValue>{mg_per_day(40), {}};
    }
    const Plan p = make_plan(rules, test_request());
    CHECK(phase_lines(p) == std::vector<std::string>{"induction 2026-01-31..2026-03-13 200",
                                                     "taper 2026-03-14..2026-03-20 160",
                                                     "taper 2026-03-21..2026-03-27 120",
                                                     "maintenance 2026-03-28..2026-04-24 100"});
    CHECK(describe_administration(p.phases[1].dose.administrations[0]) ==
          "2 \u00d7 25 mg + 3 \u00d7 10 mg");
    PlanRequest q = test_request();
    q.taper_step = mg_per_kg_per_day(1);  // a step in mg/kg/day can not replace these
    CHECK(doseplan::testing::problem_of([&] { make_plan(rules, q); }).id == "input.not_applicable");
  }
}

TEST_CASE("the plan judges the patient: kidney rules warn, refuse or show the source's reduction") {
  RuleSet rules = real_rules();
  Regimen& r = doseplan::testing::regimen(rules, "cyclosporine-itp");
  // 80-year-old woman, creatinine 2.0 mg/dL (176.8 umol/L): CKD-EPI 2021 = 142 x (2.0/0.7)^-1.2 x
  // 0.9938^80 x 1.012 = 24.8 mL/min/1.73 m2, below the ITP rule's 60.
  PlanRequest q = itp_request();
  q.age_years = 80;
  q.sex = Sex::female;
  q.creatinine = umol_per_L(176.8);
  REQUIRE(r.patient_rules.size() == 1);
  SECTION("warn: a check naming the value, the limit and the rule") {
    const Plan p = make_plan(rules, q);
    REQUIRE(p.egfr);
    CHECK(in_mL_per_min(*p.egfr) == Approx(24.79).margin(0.01));
    REQUIRE(p.checks.size() == 1);
    CHECK(p.checks[0].id == "kidney_function");
    CHECK(p.checks[0].rule_id == "below-normal-renal-function");
    CHECK(p.checks[0].action == PatientCheck::Action::warn);
    CHECK(p.checks[0].text.en.find("eGFR 24.8 mL/min/1.73 m² (CKD-EPI 2021)") != std::string::npos);
    CHECK(p.checks[0].text.en.find("eGFR below 60 mL/min/1.73 m²") != std::string::npos);
    CHECK(p.checks[0].text.zh.find("低于60 mL/min/1.73 m²") != std::string::npos);
  }
  SECTION("refuse: input.patient_rule on the creatinine") {
    r.patient_rules[0].action = PatientRule::Action::refuse;
    const Problem e = doseplan::testing::problem_of([&] { make_plan(rules, q); });
    CHECK(e.id == "input.patient_rule");
    CHECK(e.where == "creatinine");
    CHECK(e.message.find("eGFR 24.8") != std::string::npos);
  }
  SECTION("reduce: shown, and the doses are those of the plan without the rule") {
    r.patient_rules[0].action = PatientRule::Action::reduce;
    const Plan p = make_plan(rules, q);
    REQUIRE(p.checks.size() == 1);
    CHECK(p.checks[0].action == PatientCheck::Action::reduce);
    CHECK(p.checks[0].text.en.find("not applied") != std::string::npos);
    // 5 mg/kg/day x 62 kg = 310 mg -> 300 mg, as without any rule.
    CHECK(in_mg(p.phases.front().dose.rounded_daily) == Approx(300));
  }
  SECTION("no creatinine: baseline kidney function is needed") {
    q.creatinine.reset();
    const Plan p = make_plan(rules, q);
    REQUIRE(p.checks.size() == 1);
    CHECK(p.checks[0].id == "kidney_function.missing");
    CHECK(p.checks[0].text.en.find("--creatinine") != std::string::npos);
  }
}

TEST_CASE("children: the bedside Schwartz eGFR instead of the adult equations") {
  PlanRequest q = itp_request();
  q.weight = kilograms(35);
  q.age_years = 10;
  q.sex = Sex::male;
  q.height = centimetres(140);
  q.creatinine = umol_per_L(0.5 * 88.4);  // 0.5 mg/dL
  const Plan p = make_plan(real_rules(), q);
  CHECK_FALSE(p.egfr);
  CHECK_FALSE(p.crcl);
  CHECK_FALSE(p.ideal_weight);
  REQUIRE(p.egfr_schwartz);
  // 0.413 x 140 / 0.5 = 115.64
  CHECK(in_mL_per_min(*p.egfr_schwartz) == Approx(115.64));
}

TEST_CASE("an adult-only label for a child: refused, or planned with a recorded acknowledgement") {
  PlanRequest q;
  q.regimen_id = "rituximab-1000-ra";
  q.weight = kilograms(35);
  q.start = parse_date("2026-12-01");
  q.age_years = 10;
  const Problem e = doseplan::testing::problem_of([&] { make_plan(real_rules(), q); });
  CHECK(e.id == "input.population");
  CHECK(e.where == "age");
  CHECK(e.message.find("10 years") != std::string::npos);
  CHECK(e.message.find("--acknowledge-off-label") != std::string::npos);
  q.acknowledge_off_label = true;
  const Plan p = make_plan(real_rules(), q);
  REQUIRE(p.checks.size() == 1);
  CHECK(p.checks[0].action == PatientCheck::Action::acknowledged);
  REQUIRE(p.acknowledgements.size() == 1);
  CHECK(p.acknowledgements[0].en.find("--acknowledge-off-label") != std::string::npos);
}

TEST_CASE("a titration step whose nearest amount passes the maximum is rounded down, and said") {
  // Psoriasis, 80 kg: the last step 4 x 80 = 320 mg = 12.8 steps of 25 mg; the nearest, 325 mg, is
  // 4.06 mg/kg/day: 300 mg (3.75 mg/kg/day) is given instead.
  PlanRequest q = itp_request();
  q.regimen_id = "cyclosporine-psoriasis";
  q.weight = kilograms(80);
  const Plan p = make_plan(real_rules(), q);
  const PlannedPhase& last = p.phases.back();
  CHECK(in_mg(last.dose.rounded_daily) == Approx(300));
  REQUIRE(last.dose.nearest_daily);
  CHECK(in_mg(*last.dose.nearest_daily) == Approx(325));
  const auto it = std::find_if(p.checks.begin(), p.checks.end(), [](const PatientCheck& c) {
    return c.id == "phase_dose.rounded_down_to_maximum";
  });
  REQUIRE(it != p.checks.end());
  CHECK(it->text.en.find("325 mg") != std::string::npos);
}

TEST_CASE("a taper step smaller than the product's smallest step is refused") {
  PlanRequest q = itp_request();
  q.taper_step = mg_per_kg_per_day(0.4);  // 0.4 x 62 = 24.8 mg < 25 mg
  const Problem e = doseplan::testing::problem_of([&] { make_plan(real_rules(), q); });
  CHECK(e.id == "input.out_of_range");
  CHECK(e.where == "taper-step");
  q.taper_step = mg_per_kg_per_day(0.5);  // 31 mg: allowed
  CHECK_NOTHROW(make_plan(real_rules(), q));
}

// ------------------------------------------------------------------ calendar conventions (issue
// 15)

TEST_CASE("calendar: a taper every month and the phase after it are counted from day 1") {
  // test-taper, from 2026-01-31, with the taper every 1 month: induction 6 weeks (01-31..03-13),
  // one taper step from offset 42 days: 01-31 + 42 = 03-14 to start + 1 month + 42 days - 1 =
  // 02-28 + 42 - 1 = 04-10; maintenance 4 weeks from 04-11 to 04-11 + 27 = 05-08.
  PlanRequest q = test_request();
  q.taper_every = Span{1, Span::Unit::month};
  const Plan p = make_plan(test_rules(), q);
  CHECK(phase_lines(p) == std::vector<std::string>{"induction 2026-01-31..2026-03-13 200",
                                                   "taper 2026-03-14..2026-04-10 150",
                                                   "maintenance 2026-04-11..2026-05-08 100"});
}

TEST_CASE("calendar: monthly tests from a month end fall on the 31st or the month's last day") {
  // cyclosporine-itp, 62 kg from 2027-01-31: fortnightly tests while before start + 3 months =
  // 04-30: 02-14, 02-28, 03-14, 03-28, 04-11, 04-25; then monthly on start + 3, 4 ... months:
  // 04-30, 05-31, 06-30, ... (not 05-25, 06-25 chained from the last fortnightly test).
  PlanRequest q = itp_request();
  q.start = parse_date("2027-01-31");
  const Plan p = make_plan(real_rules(), q);
  std::vector<std::string> periodic;
  for (const Visit& v : p.visits) {
    for (const VisitItem& item : v.items) {
      if (item.monitoring_id == "blood-count" && !v.baseline &&
          item.reason.en.rfind("every", 0) == 0) {
        periodic.push_back(format_date(v.date));
      }
    }
  }
  REQUIRE(periodic.size() >= 9);
  CHECK(std::vector<std::string>(periodic.begin(), periodic.begin() + 9) ==
        std::vector<std::string>{"2027-02-14", "2027-02-28", "2027-03-14", "2027-03-28",
                                 "2027-04-11", "2027-04-25", "2027-04-30", "2027-05-31",
                                 "2027-06-30"});
}

TEST_CASE("project defaults: the visit windows are listed, with the rules' reason or said") {
  const auto windows = [](const Plan& p) -> const ProjectDefaultUse* {
    for (const ProjectDefaultUse& d : p.project_defaults)
      if (d.what.en == "visit windows") return &d;
    return nullptr;
  };
  const Plan itp = make_plan(real_rules(), itp_request());
  const ProjectDefaultUse* w = windows(itp);
  REQUIRE(w != nullptr);
  CHECK_THAT(w->value.en, Catch::Contains("a quarter of their interval (1 to 7 days)"));
  CHECK_THAT(w->reason.en, Catch::Contains("No source says how many days a visit may move"));
  CHECK_FALSE(w->reason.zh.empty());
  // The test rules give no provenance for the windows: the plan says so.
  const Plan t = make_plan(test_rules(), test_request());
  REQUIRE(windows(t) != nullptr);
  CHECK_THAT(windows(t)->reason.en, Catch::Contains("do not say where these windows come from"));
}
