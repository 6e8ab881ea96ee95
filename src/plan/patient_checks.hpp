// Internal: the plan judges the patient it is for (make_plan's last stages, src/plan/plan.cpp).
//
// Every fact the plan is given or computes is checked against the regimen's sourced limits
// (docs/rules.md "Patient limits"):
//   population      age and weight limits: warn, or refuse (input.population) unless the limit
//                   allows an acknowledgement and the user gave it (--acknowledge-off-label)
//   patient_rules   conditions on eGFR, creatinine clearance, creatinine and age: warn, refuse
//                   (input.patient_rule), or the source's reduction shown as text, never applied
//   body_size       actual weight above a % of ideal body weight: the dose on actual, ideal and
//                   adjusted weight side by side (mg/kg), the uncapped BSA (mg/m2)
//   every phase     its actual dose against the regimen's maximum, its range and the rounding
//                   tolerance
//   course          the course length against the regimen's maximum (warn or refuse)
// What is outside a limit becomes a PatientCheck (plan.hpp); a refusal is an Error.
#ifndef DOSEPLAN_SRC_PATIENT_CHECKS_HPP_
#define DOSEPLAN_SRC_PATIENT_CHECKS_HPP_

#include "doseplan/plan.hpp"

namespace doseplan::detail {

// Before the phases are built: the user's taper step and interval against the product's smallest
// step and the regimen's taper-interval limits. Throws Error (input.out_of_range).
void check_course_options(const Regimen& r, const PlanRequest& q, const Product& product);

// Children's kidney function and body size (docs/formulas.md): with an age under 18 the adult
// equations are not reported and the bedside Schwartz eGFR is, when height and creatinine are
// given. Fills plan.ideal_weight, adjusted_weight, egfr, crcl, egfr_schwartz.
void measure_body(Plan& plan);

// After the plan is built: population, patient rules, body size, every phase's dose, course
// length. Adds to plan.checks and plan.acknowledgements; throws Error for a limit that refuses.
void judge_patient(Plan& plan, const Regimen& r, const PlanRequest& q);

}  // namespace doseplan::detail

#endif  // DOSEPLAN_SRC_PATIENT_CHECKS_HPP_
