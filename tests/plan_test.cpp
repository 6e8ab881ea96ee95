// Specification of make_plan(): phases, doses and monitoring dates, worked out by hand.
#include <catch2/catch.hpp>

#include "doseplan/plan.hpp"
#include "test_support.hpp"

using namespace doseplan;
using doseplan::testing::problems_of;
using doseplan::testing::real_rules;
using doseplan::testing::test_rules;

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
  // Then monthly from the last test: 03-14, 04-14; 05-14 is after the last day 04-17.
  const Plan p = make_plan(test_rules(), test_request());
  CHECK(visit_dates(p) == std::vector<std::string>{"2026-01-17", "2026-01-24", "2026-02-14",
                                                   "2026-03-14", "2026-04-14"});
  CHECK(p.visits[0].baseline);
  CHECK(p.visits[1].baseline);
  CHECK_FALSE(p.visits[2].baseline);
  CHECK(p.visits[0].items.at(0).reason == "baseline 1 of 2, before day 1");
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
    if (d.what == "dose") dose_listed = d.overridden;
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
        "(tests/data/rules/test-taper.json): \u201c2-8 mg/kg/day, 1-3 doses a day.\u201d");

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
  CHECK(first(q).message == "no regimen \"nope\"; known: test-taper");

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
  CHECK(p.advisories[0] ==
        "No Taper step: the dose before it is not more than one step above the Maintenance level, "
        "which follows at once.");
  CHECK(p.advisories[1] ==
        "From 2026-03-14 (Maintenance) the daily dose after rounding is still 10 mg, the same as "
        "before.");
  CHECK_THAT(p.advisories[2], Catch::Matchers::Contains("1.92 mg/kg/day") &&
                                  Catch::Matchers::Contains("outside the regimen's range 2–8"));
}

TEST_CASE("every plan carries the disclaimer, its sources and the project defaults it used") {
  const Plan p = make_plan(test_rules(), test_request());
  CHECK_THAT(p.disclaimer.en, Catch::Matchers::Contains("Educational aid"));
  CHECK_FALSE(p.disclaimer.zh.empty());
  CHECK(p.sources.size() == 1);
  std::vector<std::string> whats;
  for (const auto& d : p.project_defaults) whats.push_back(d.what);
  CHECK(whats == std::vector<std::string>{"dose", "rounding", "uneven split", "induction duration",
                                          "taper step", "taper interval", "maintenance duration",
                                          "baseline spacing"});
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
  //   (11-24). Every 2 weeks until 2027-03-01: 12-15, 12-29, 01-12, 01-26, 02-09, 02-23.
  //   Monthly from 02-23: 03-23, 04-23, 05-23 (06-23 is after the last day 06-11).
  const Plan p = make_plan(real_rules(), itp_request());
  CHECK(visit_dates(p) == std::vector<std::string>{"2026-11-17", "2026-11-24", "2026-12-15",
                                                   "2026-12-29", "2027-01-12", "2027-01-26",
                                                   "2027-02-09", "2027-02-23", "2027-03-23",
                                                   "2027-04-23", "2027-05-23"});
  CHECK(p.visits[0].items.size() == 1);  // kidney function, baseline 1 of 2
  CHECK(p.visits[0].items[0].monitoring_id == "kidney-function");
  CHECK(p.visits[1].items.size() == 3);  // blood count, liver, kidney
  for (std::size_t i = 2; i < p.visits.size(); ++i) {
    CHECK(p.visits[i].items.size() == 4);  // + the cyclosporine trough level
    CHECK(p.visits[i].items[0].monitoring_id == "cyclosporine-level");
  }
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
                                  "source itp6-003 (shared/sources/003_95ea8ec565388f16.txt)") &&
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
  // Maintenance 2027-04-12 + 3 months = 07-12, last day 07-11.
  CHECK(format_date(p.end) == "2027-07-11");
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
  auto& phases = rules.regimens.front().phases;
  phases.erase(phases.begin() + 1);  // induction, then maintenance
  PlanRequest q = test_request();
  q.taper_step = mg_per_kg_per_day(1);
  const Problem p = doseplan::testing::problem_of([&] { make_plan(rules, q); });
  CHECK(p.id == "input.not_applicable");
  CHECK(p.where == "taper-step");
}

TEST_CASE("monitoring: the lengths of successive intervals are added to the start, not chained") {
  // Start 2026-01-31. Weekly for 2 weeks: 02-07 (02-14 is not before 01-31 + 14 days = 02-14).
  // Then every 10 days for 1 month more: the interval ends at 01-31 + 1 month + 14 days
  //   = 02-28 + 14 = 03-14; from the anchor 02-07: 02-17, 02-27, 03-09 (03-19 is past 03-14).
  // Then every 2 months to the end 2026-06-30: from 03-09: 05-09 (07-09 is past the end).
  Regimen r = test_rules().regimens.front();
  MonitoringRule& m = r.monitoring.front();
  m.baseline_occasions.value = 0;
  m.intervals = {{Span{1, Span::Unit::week}, Span{2, Span::Unit::week}, {}},
                 {Span{10, Span::Unit::day}, Span{1, Span::Unit::month}, {}},
                 {Span{2, Span::Unit::month}, std::nullopt, {}}};
  std::vector<std::string> dates;
  for (const Visit& v : plan_visits(r, parse_date("2026-01-31"), parse_date("2026-06-30")))
    dates.push_back(format_date(v.date));
  CHECK(dates == std::vector<std::string>{"2026-02-07", "2026-02-17", "2026-02-27", "2026-03-09",
                                          "2026-05-09"});
}
