// Uses doseplan as a library: plan cycloSPORINE for refractory ITP for a 62 kg patient from
// 2026-12-01 and print the daily dose of each phase. Errors are values of one exception type.
#include <cstdlib>
#include <doseplan/doseplan.hpp>
#include <iostream>

int main() {
  try {
    const doseplan::RuleSet rules =
        doseplan::load_rules(doseplan::find_rules_dir(std::nullopt, std::getenv("DOSEPLAN_RULES")));
    doseplan::PlanRequest request;
    request.regimen_id = "cyclosporine-itp";
    request.weight = doseplan::parse_body_mass("62 kg");
    request.start = doseplan::parse_date("2026-12-01");
    const doseplan::Plan plan = doseplan::make_plan(rules, request);
    for (const doseplan::PlannedPhase& p : plan.phases) {
      std::cout << doseplan::format_date(p.first) << " " << p.phase_id << " "
                << doseplan::format_mg(p.dose.rounded_daily) << "/day\n";
    }
    std::cout << plan.disclaimer.en << "\n";
    return 0;
  } catch (const doseplan::Error& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
}
