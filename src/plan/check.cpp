#include "doseplan/check.hpp"

#include <cmath>

#include "doseplan/dose.hpp"
#include "doseplan/format.hpp"
#include "doseplan/plan.hpp"
#include "doseplan/request.hpp"

namespace doseplan {
namespace {

void compare(std::vector<Problem>& out, const std::string& where, const std::string& what,
             const std::string& expected, const std::string& actual) {
  if (expected != actual) {
    out.push_back({"rules.golden_mismatch", where,
                   what + ": the case expects " + expected + ", the plan gives " + actual});
  }
}

void check_case(std::vector<Problem>& out, const RuleSet& rules, const Regimen& r,
                const GoldenCase& g) {
  const std::string at = r.file + ":" + g.pointer;
  Plan plan;
  try {
    PlanRequest base;
    base.regimen_id = r.id;
    plan = make_plan(rules, parse_plan_request(g.request_json, at + "/request", base));
  } catch (const Error& e) {
    if (!g.error.empty()) {
      compare(out, at + "/expect/error", "error", g.error, e.problems().front().id);
      return;
    }
    for (const Problem& p : e.problems()) {
      out.push_back({"rules.golden_error", p.where,
                     "the case's request is refused: " + p.message + " [" + p.id + "]"});
    }
    return;
  }
  if (!g.error.empty()) {
    compare(out, at + "/expect/error", "error", g.error, "a plan");
    return;
  }
  if (g.has_checks) {
    std::string expected, actual;
    for (const std::string& id : g.checks) expected += (expected.empty() ? "" : " ") + id;
    for (const PatientCheck& c : plan.checks) actual += (actual.empty() ? "" : " ") + c.id;
    compare(out, at + "/expect/checks", "checks", "[" + expected + "]", "[" + actual + "]");
  }
  if (g.egfr) {
    const std::optional<Clearance> egfr = plan.egfr ? plan.egfr : plan.egfr_schwartz;
    compare(out, at + "/expect/egfr", "eGFR", format_number(*g.egfr, 1) + " mL/min/1.73 m2",
            egfr ? format_number(in_mL_per_min(*egfr), 1) + " mL/min/1.73 m2" : "none");
  }
  const std::string phases_at = at + "/expect/phases";
  if (g.has_phases && plan.phases.size() != g.phases.size()) {
    compare(out, phases_at, "number of phase rows", std::to_string(g.phases.size()),
            std::to_string(plan.phases.size()));
  }
  for (std::size_t i = 0; i < g.phases.size() && i < plan.phases.size(); ++i) {
    const GoldenCase::PhaseExpect& e = g.phases[i];
    const PlannedPhase& p = plan.phases[i];
    const std::string w = phases_at + "/" + std::to_string(i);
    compare(out, w + "/id", "phase", e.id, p.phase_id);
    compare(out, w + "/first", "first day", e.first, format_date(p.first));
    compare(out, w + "/last", "last day", e.last, format_date(p.last));
    if (e.daily_mg) {
      compare(out, w + "/daily_mg", "dose", format_number(*e.daily_mg, 3) + " mg",
              format_number(in_mg(p.dose.rounded_daily), 3) + " mg");
    }
    if (!e.administration.empty()) {
      compare(out, w + "/administration", "first administration", e.administration,
              describe_administration(p.dose.administrations.front()));
    }
  }
  if (g.has_visits) {
    std::string expected, actual;
    for (const std::string& d : g.visits) expected += (expected.empty() ? "" : " ") + d;
    for (const Visit& v : plan.visits) actual += (actual.empty() ? "" : " ") + format_date(v.date);
    compare(out, at + "/expect/visits", "visit dates", "[" + expected + "]", "[" + actual + "]");
  }
}

}  // namespace

std::vector<Problem> check_test_cases(const RuleSet& rules) {
  std::vector<Problem> out;
  for (const Regimen& r : rules.regimens)
    for (const GoldenCase& g : r.test_cases) check_case(out, rules, r, g);
  return out;
}

int count_test_cases(const RuleSet& rules) {
  int n = 0;
  for (const Regimen& r : rules.regimens) n += static_cast<int>(r.test_cases.size());
  return n;
}

}  // namespace doseplan
