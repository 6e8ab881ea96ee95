// make_plan(): the request checked against its regimen, then the phases, visits and notes built.
//
// The stages live in three files (internal declarations in src/plan/plan_build.hpp):
//   src/plan/plan.cpp         make_plan / build_plan: the plan assembled, stage by stage
//   src/plan/plan_checks.cpp  the request's checks (refusals in English and Chinese), maxima, dates
//   src/plan/plan_notes.cpp   project defaults, advisories, the audit of the body measures
// and the patient is judged in src/plan/patient_checks.cpp, the product's market in
// src/plan/product_market.cpp.
#include <algorithm>

#include "doseplan/body.hpp"
#include "doseplan/plan.hpp"
#include "plan/patient_checks.hpp"
#include "plan/plan_build.hpp"
#include "plan/product_market.hpp"

namespace doseplan {

const char* to_string(PatientCheck::Action a) {
  switch (a) {
    case PatientCheck::Action::warn:
      return "warn";
    case PatientCheck::Action::reduce:
      return "reduce";
    case PatientCheck::Action::acknowledged:
      return "acknowledged";
  }
  return "warn";
}

LocalizedText disclaimer() {
  return {
      "Educational aid only, not a prescription or medical advice. doseplan turns published "
      "regimens into a schedule to discuss with your doctor; doses and tests must be decided and "
      "supervised by a physician who knows the patient.",
      "仅供学习参考，不是处方，也不构成医疗建议。doseplan "
      "将已发表的治疗方案整理成日程，供您与医生讨论；"
      "剂量和检查必须由了解患者情况的医生决定并监督。"};
}

namespace {

// The patient as the request gives them: weight, height, age, sex, creatinine; the BSA when the
// height is given. Returns the body the doses are calculated for.
BodySize describe_patient(Plan& plan, const Regimen& r, const PlanRequest& q) {
  plan.weight = q.weight;
  plan.height = q.height;
  plan.age_years = detail::patient_age(q);
  plan.sex = q.sex;
  plan.creatinine = q.creatinine;
  BodySize body{q.weight, std::nullopt};
  if (q.height) {
    body.bsa = bsa(r.bsa_formula, *q.height, q.weight);
    plan.bsa = body.bsa;
    plan.bsa_formula = r.bsa_formula;
  }
  return body;
}

// The dose rule, the chosen dose and the doses a day: the regimen's, or the user's.
void choose_dose(Plan& plan, const Regimen& r, const PlanRequest& q) {
  plan.dose_rule = r.dose;
  if (r.uses_chosen_dose()) {
    plan.chosen = *r.dose.default_dose;
    if (q.dose) {
      plan.chosen->value = *q.dose;
      plan.chosen->from.overridden = true;
    }
  }
  plan.doses_per_day = r.dose.default_doses_per_day;
  if (q.doses_per_day) {
    plan.doses_per_day.value = *q.doses_per_day;
    plan.doses_per_day.from.overridden = true;
  }
}

// The phases on the calendar, the plan's last day, and the visits around them.
void lay_out_course(Plan& plan, const RuleSet& rules, const Regimen& r, const PlanRequest& q,
                    const BodySize& body) {
  plan.phases = detail::build_phases_with_hint(
      rules, r, q, plan.product, body,
      plan.chosen ? std::optional<DoseValue>(plan.chosen->value) : std::nullopt,
      plan.doses_per_day.value);
  plan.end = q.start;
  std::vector<Date> administrations;
  std::vector<Date> dose_changes;
  for (std::size_t i = 0; i < plan.phases.size(); ++i) {
    const PlannedPhase& p = plan.phases[i];
    plan.end = std::max(plan.end, p.last);
    if (p.cycle) administrations.push_back(p.first);
    if (i > 0 && !p.cycle && !plan.phases[i - 1].cycle &&
        !(p.dose.rounded_daily == plan.phases[i - 1].dose.rounded_daily)) {
      dose_changes.push_back(p.first);
    }
  }
  plan.visits = plan_visits(r, q.start, plan.end, administrations, dose_changes);
  detail::refuse_beyond_four_digit_years(q.start, plan.end, plan.visits);
}

// The tests named, once each, in the order of their ids (views of the rules' strings): those of
// every monitoring rule with a visit, and those the lab rules read.
void name_labs(Plan& plan, const RuleSet& rules, const Regimen& r) {
  std::vector<std::string_view> lab_ids;
  for (const MonitoringRule& m : r.monitoring) {
    const auto has_visit = [&m](const Visit& v) {
      return std::any_of(v.items.begin(), v.items.end(),
                         [&m](const VisitItem& item) { return item.monitoring_id == m.id; });
    };
    if (std::any_of(plan.visits.begin(), plan.visits.end(), has_visit))
      lab_ids.insert(lab_ids.end(), m.tests.begin(), m.tests.end());
  }
  for (const LabRule& rule : r.lab_rules) lab_ids.push_back(rule.test);
  std::sort(lab_ids.begin(), lab_ids.end());
  lab_ids.erase(std::unique(lab_ids.begin(), lab_ids.end()), lab_ids.end());
  plan.labs.reserve(lab_ids.size());
  for (const std::string_view id : lab_ids)
    if (const LabTest* lab = rules.find_lab(id)) plan.labs.push_back(*lab);
}

Plan build_plan(const RuleSet& rules, const PlanRequest& q) {
  const Regimen& r = rules.regimen(q.regimen_id);
  detail::check_request(r, q);
  const Product sold = detail::product_in_market(rules, detail::product_for(rules, r, q), q.market);
  detail::check_course_options(r, q, sold);

  Plan plan;
  plan.request = q;
  plan.explained = q.explain;
  plan.regimen = {r.id, r.file, r.drug, r.indication, r.evidence};
  const BodySize body = describe_patient(plan, r, q);
  plan.start = q.start;
  choose_dose(plan, r, q);
  plan.product = sold;
  lay_out_course(plan, rules, r, q, body);
  name_labs(plan, rules, r);
  plan.supply = plan_supply(plan.phases, plan.visits, plan.product, plan.bsa);

  plan.stamp = r.stamp;
  plan.sources = cited_sources(r, plan.product);
  plan.warnings = r.warnings;
  plan.lab_rules = r.lab_rules;
  plan.disagreements = r.disagreements;
  plan.disclaimer = disclaimer();
  detail::check_maxima(plan, r);
  detail::measure_body(plan);
  if (q.explain) detail::explain_body(plan, r);
  detail::list_project_defaults(plan, r, sold);
  detail::judge_patient(plan, r, q);
  detail::add_advisories(plan, r, sold);
  detail::describe_product(plan, rules, q);
  return plan;
}

}  // namespace

Plan make_plan(const RuleSet& rules, const PlanRequest& request) {
  return build_plan(rules, request);
}

std::vector<Source> cited_sources(const Regimen& regimen, const Product& product) {
  std::vector<Source> out = regimen.sources;
  for (const Source& s : product.sources) {
    bool listed = false;
    for (const Source& have : out) listed = listed || have.id == s.id;
    if (!listed) out.push_back(s);
  }
  return out;
}

}  // namespace doseplan
